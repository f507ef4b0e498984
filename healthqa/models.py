"""Topics, questions, answers and their moderation: the heart of HealthQA.

Visibility has one definition: `Question.objects.public()`, `Answer.objects.approved()` (and
`Article.objects.public()` in the articles app). Everything readers see goes through them.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVectorField
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import models, router, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager
from taggit.models import Tag

from healthqa import notifications, search
from healthqa.images import validate_image
from healthqa.links import cached_reverse
from healthqa.rendering import plain_text, render_markdown, teaser

DEFAULT_DISCLAIMER = (
    "This content reflects information from various individuals and organizations and may offer "
    "alternative or opposing points of view. It should not be used for medical advice, diagnosis "
    "or treatment. As always, you should consult with your healthcare provider about your "
    "specific health needs."
)


def unique_slug(model, value, *, instance=None, field="slug", max_length=200):
    """A slug for `value` that no other row of `model` uses yet."""
    base = (slugify(value) or "item")[: max_length - 8].strip("-") or "item"
    candidate, n = base, 2
    others = model._default_manager.all()
    if instance is not None and instance.pk:
        others = others.exclude(pk=instance.pk)
    while others.filter(**{field: candidate}).exists():
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def with_rendered(update_fields):
    """A partial save that writes `body` must also write the HTML rendered from it."""
    if update_fields is not None and "body" in update_fields:
        return {*update_fields, "body_html"}
    return update_fields


class Timestamped(models.Model):
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


def user_label(user):
    """How a conflict message names a user: full name and username, or "someone else"."""
    if user is None:
        return "someone else"
    full = user.get_full_name()
    return f"{full} ({user.get_username()})" if full else user.get_username()


class EditConflict(ValidationError):
    """A change based on a version of a row that is no longer the latest: refused, not applied."""

    def __init__(self, obj, *, expected, current, message=None):
        self.obj, self.expected, self.current = obj, expected, current
        if message is None:
            message = (
                f"This {obj._meta.verbose_name} was changed by someone else after you opened it "
                f"(you had version {expected}; it is now at version {current}). Nothing was "
                "saved: open it again and repeat your change."
            )
        super().__init__(message, code="edit_conflict")


class Versioned(models.Model):
    """Optimistic concurrency: `version` goes up by one with every saved change.

    A save locks the row and bumps the version. When the caller says which version its change
    is based on (`obj.expected_version = n`, as the admin forms and the moderation methods do),
    a row that has moved on since is refused with EditConflict instead of being overwritten.
    """

    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Goes up by one with every saved change; forms use it to refuse lost updates.",
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        expected = self.__dict__.pop("expected_version", None)
        if self.pk is None or kwargs.get("force_insert"):
            return super().save(*args, **kwargs)
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            current = self.locked_version(using=using)
            if current is None:  # a new row with a chosen primary key
                return super().save(*args, **kwargs)
            if expected is not None and expected != current:
                raise EditConflict(self, expected=expected, current=current)
            before, self.version = self.version, current + 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
            try:
                super().save(*args, **kwargs)
            except BaseException:
                self.version = before
                raise

    def locked_version(self, using=None):
        """The version in the database, the row locked until the transaction ends."""
        rows = type(self)._base_manager.using(using or router.db_for_read(type(self)))
        if transaction.get_connection(rows.db).in_atomic_block:
            rows = rows.select_for_update()
        return rows.filter(pk=self.pk).values_list("version", flat=True).first()

    def check_version(self, current, expected=None):
        """Refuse a change based on `expected` (default: this instance's version) when the
        locked row `current` has moved on."""
        expected = self.version if expected is None else expected
        if current.version != expected:
            raise EditConflict(current, expected=expected, current=current.version)

    def last_change(self):
        """(user or None, when) of the newest recorded change: revision history, admin log
        or moderation record, whichever is newest."""
        from django.contrib.admin.models import LogEntry

        content_type = ContentType.objects.get_for_model(self)
        # (records of this row, their time field, their user field)
        sources = [
            (
                LogEntry.objects.filter(content_type=content_type, object_id=str(self.pk)),
                "action_time",
                "user",
            ),
            (
                ModerationEvent.objects.filter(content_type=content_type, object_id=self.pk),
                "created_at",
                "actor",
            ),
        ]
        if hasattr(type(self), "history"):
            history = type(self).history.filter(**{self._meta.pk.attname: self.pk})
            sources.append((history, "history_date", "history_user"))
        found = []
        for records, at, by in sources:
            record = records.select_related(by).order_by(f"-{at}", "-pk").first()
            if record is not None:
                found.append((getattr(record, at), getattr(record, by)))
        if not found:
            return None, None
        newest = max(when for when, _ in found)
        # Several records of one change share (almost) its time; prefer one that names the user.
        close = [user for when, user in found if (newest - when).total_seconds() < 2 and user]
        return (close[0] if close else None), newest


class StatusChanges:
    """A recorded change of `status`: permission checked, the row locked and its version
    compared, a ModerationEvent written, all in one transaction. For Versioned models."""

    def _require(self, user, perm):
        if not (user and user.is_active and user.has_perm(perm)):
            raise PermissionDenied(f"You do not have permission to {perm.split('.')[-1]}.")

    def _status_changed(self, locked, to_state):
        """Hook: further fields that change with the status, set on the locked row."""

    def _change_status(self, to_state, *, by, action, note="", version=None):
        model = type(self)
        with transaction.atomic():
            locked = model.objects.select_for_update().get(pk=self.pk)
            self.check_version(locked, version)
            from_state = locked.status
            locked.status = to_state
            self._status_changed(locked, to_state)
            locked.save()
            ModerationEvent.record(
                locked,
                actor=by,
                action=action,
                from_state=from_state,
                to_state=to_state,
                note=note,
            )
        self.refresh_from_db()


class PublishingMixin(StatusChanges):
    """publish() / archive() for models with draft → published → archived states.

    Subclasses name the permission that allows it (`publish_permission`).
    """

    publish_permission = None

    @property
    def is_scheduled(self):
        """Published, with a publication time still to come."""
        return (
            self.status == "published"
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    def _status_changed(self, locked, to_state):
        if to_state == "published" and locked.published_at is None:
            locked.published_at = timezone.now()

    def publish(self, *, by, note="", version=None):
        self._require(by, self.publish_permission)
        if self.status not in {"draft", "archived"}:
            raise ValidationError(
                f"A {self.get_status_display().lower()} item cannot be published; it must be a "
                "draft or archived."
            )
        self._change_status("published", by=by, action="publish", note=note, version=version)

    def archive(self, *, by, note="", version=None):
        self._require(by, self.publish_permission)
        if self.status != "published":
            raise ValidationError("Only a published item can be archived.")
        self._change_status("archived", by=by, action="archive", note=note, version=version)


class KeepsOldSlugs:
    """Renaming the slug of a saved row keeps its old address alive as a SlugRedirect."""

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        old_slug = None
        if not self._state.adding and (update_fields is None or "slug" in update_fields):
            rows = type(self)._default_manager.filter(pk=self.pk)
            old_slug = rows.values_list("slug", flat=True).first()
        with transaction.atomic():
            super().save(*args, **kwargs)
            SlugRedirect.remember(self, old_slug=old_slug)


# --- Topics ------------------------------------------------------------------------------------


class TopicQuerySet(models.QuerySet):
    def with_public_counts(self):
        public = Question.objects.public()
        return self.annotate(
            public_question_count=models.Count(
                "questions", filter=Q(questions__in=public), distinct=True
            )
        )


class Topic(Versioned, Timestamped):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=140, unique=True)
    description = models.TextField(blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    is_demo = models.BooleanField(
        "demo content", default=False, help_text="Made-up content loaded by load_demo."
    )

    objects = TopicQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return cached_reverse("healthqa:topic_detail", slug=self.slug)

    def clean(self):
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk:
                raise ValidationError({"parent": "A topic cannot be its own ancestor."})
            ancestor = ancestor.parent

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Topic, self.name, instance=self)
        super().save(*args, **kwargs)


# --- Questions ---------------------------------------------------------------------------------


class QuestionQuerySet(models.QuerySet):
    @staticmethod
    def live_condition(prefix=""):
        """What `live()` asks, for a query that reaches questions through `prefix`
        ("question__" from answers)."""
        return Q(
            **{
                f"{prefix}status": Question.Status.PUBLISHED,
                f"{prefix}published_at__isnull": False,
                f"{prefix}published_at__lte": timezone.now(),
            }
        )

    def live(self):
        """Published and not scheduled for later: `public()` without its answer rule."""
        return self.filter(self.live_condition())

    def public(self):
        """Published, not scheduled for later, with an approved answer by an active expert."""
        return self.live().filter(Exists(Answer.objects.approved().filter(question=OuterRef("pk"))))

    def for_listing(self):
        return self.select_related("topic").order_by("-published_at", "-pk")


class Question(PublishingMixin, KeepsOldSlugs, Versioned, Timestamped):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Submitted by a reader"
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        ARCHIVED = "archived", "Archived"
        REJECTED = "rejected", "Rejected"
        MERGED = "merged", "Merged into another question"

    title = models.CharField(max_length=255)
    slug = models.SlugField(max_length=200, unique=True)
    details = models.TextField(blank=True, help_text="Optional context, in Markdown.")
    topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.PROTECT, related_name="questions"
    )
    tags = TaggableManager(blank=True)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        db_index=True,
        help_text="Readers see the question from this moment on. A future date schedules it.",
    )
    featured = models.BooleanField(default=False, help_text="Shown first on the home page.")
    submitted_by_name = models.CharField(max_length=120, blank=True)
    submitted_by_email = models.EmailField(blank=True)
    articles = models.ManyToManyField(
        "articles.Article",
        through="ContinueLearningPick",
        related_name="picked_for_questions",
        blank=True,
    )
    is_demo = models.BooleanField("demo content", default=False)

    submitted_text = models.TextField(
        blank=True,
        editable=False,
        help_text="A reader submission as typed, before contact details were masked. "
        "Moderators only.",
    )
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_submissions",
        limit_choices_to=Q(status__in=["draft", "published", "archived"]),
        help_text="The question a reader submission was merged into during triage.",
    )

    objects = QuestionQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["submitted_text", "version"])
    publish_permission = "healthqa.publish_question"

    class Meta:
        ordering = ["-published_at", "-created_at"]
        indexes = [models.Index(fields=["status", "published_at"])]
        permissions = [
            ("triage_question", "Can triage reader submissions"),
            ("publish_question", "Can publish and archive questions"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=["submitted", "draft", "published", "archived", "rejected", "merged"]
                ),
                name="question_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="question_published_has_date",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return cached_reverse("healthqa:question_detail", slug=self.slug)

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Question, self.title, instance=self)
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        with transaction.atomic():  # the row and its index entry, or neither
            super().save(*args, **kwargs)
            search.index_question(self)

    @property
    def is_public(self):
        return Question.objects.public().filter(pk=self.pk).exists()

    @property
    def details_html(self):
        return render_markdown(self.details)

    def tag_list(self):
        """The question's tags by name, in one plain query (no prefetch machinery)."""
        return list(
            Tag.objects.filter(
                taggit_taggeditem_items__content_type=ContentType.objects.get_for_model(Question),
                taggit_taggeditem_items__object_id=self.pk,
            ).order_by("name")
        )

    def continue_learning(self, limit=4, *, tags=None, topic_articles=None, articles_by_id=None):
        """Up to `limit` public articles: curated picks in order, then the newest of the same
        topic, then the newest sharing a tag.

        `tags` saves reading the question's tags again; `topic_articles`, a function returning
        the topic's newest public articles (at least 2 × `limit` of them, or all there are),
        lets every question of a topic share that list; `articles_by_id`, a function from ids
        to {id: article}, lets pages share the picked articles too.
        """
        from articles.models import Article

        public = Article.objects.public().select_related("topic")
        picked = public.filter(question_picks__question=self).order_by("question_picks__position")
        if articles_by_id is None:
            picks = list(picked[:limit])
        else:
            ids = list(picked.values_list("pk", flat=True)[:limit])
            found = articles_by_id(ids)
            picks = [found[pk] for pk in ids if pk in found]
        chosen = {article.pk for article in picks}
        if len(picks) < limit and self.topic_id:
            if topic_articles is None:
                more = public.filter(topic_id=self.topic_id).exclude(pk__in=chosen)
                picks += list(more.order_by("-published_at", "-pk")[: limit - len(picks)])
            else:
                more = [article for article in topic_articles() if article.pk not in chosen]
                picks += more[: limit - len(picks)]
            chosen = {article.pk for article in picks}
        if len(picks) < limit:
            tag_ids = [tag.pk for tag in (self.tags.all() if tags is None else tags)]
            if tag_ids:
                more = public.filter(tags__in=tag_ids).exclude(pk__in=chosen).distinct()
                picks += list(more.order_by("-published_at", "-pk")[: limit - len(picks)])
        return picks

    @classmethod
    def submit_from_reader(cls, *, title, details="", name="", email=""):
        """A reader's question, stored for triage with contact details masked in its text."""
        from healthqa.triage import mask_contact_details

        return cls.objects.create(
            title=mask_contact_details(title)[: cls._meta.get_field("title").max_length],
            details=mask_contact_details(details),
            submitted_text=f"{title}\n\n{details}".strip(),
            submitted_by_name=name,
            submitted_by_email=email,
            status=cls.Status.SUBMITTED,
        )

    def _locked_submission(self, message):
        locked = Question.objects.select_for_update().get(pk=self.pk)
        if locked.status != self.Status.SUBMITTED:
            raise ValidationError(message)
        return locked

    def accept_submission(self, *, by, note="", title=None, details=None, topic=None):
        """Triage: a reader's submission becomes a draft, optionally with the text edited."""
        self._require(by, "healthqa.triage_question")
        with transaction.atomic():
            locked = self._locked_submission("Only a reader submission can be accepted as a draft.")
            if title is not None and title.strip() and title != locked.title:
                locked.title = title.strip()
                locked.slug = unique_slug(Question, locked.title, instance=locked)
            if details is not None:
                locked.details = details
            if topic is not None:
                locked.topic = topic
            locked.status = self.Status.DRAFT
            locked.save()
            ModerationEvent.record(
                locked,
                actor=by,
                action="accept",
                from_state=self.Status.SUBMITTED,
                to_state=locked.status,
                note=note,
            )
        self.refresh_from_db()

    def reject(self, *, by, note=""):
        self._require(by, "healthqa.triage_question")
        if self.status != self.Status.SUBMITTED:
            raise ValidationError("Only a reader submission can be rejected.")
        self._change_status(self.Status.REJECTED, by=by, action="reject", note=note)

    def merge_into(self, other, *, by, note=""):
        """Triage: a submission that duplicates `other` is closed and points at it."""
        self._require(by, "healthqa.triage_question")
        if other is None or other.pk == self.pk:
            raise ValidationError("Choose another question to merge this submission into.")
        with transaction.atomic():
            locked = self._locked_submission("Only a reader submission can be merged.")
            target = Question.objects.select_for_update().get(pk=other.pk)
            if target.status not in {
                self.Status.DRAFT,
                self.Status.PUBLISHED,
                self.Status.ARCHIVED,
            }:
                raise ValidationError(
                    "A submission is merged into a draft, published or archived question."
                )
            locked.status = self.Status.MERGED
            locked.merged_into = target
            locked.save()
            ModerationEvent.record(
                locked,
                actor=by,
                action="merge",
                from_state=self.Status.SUBMITTED,
                to_state=self.Status.MERGED,
                note=note or f"Merged into “{target.title}” (#{target.pk}).",
            )
            ModerationEvent.record(
                target,
                actor=by,
                action="merge_in",
                note=f"Reader submission #{locked.pk} merged in. {note}".strip(),
            )
        self.refresh_from_db()


class ContinueLearningPick(models.Model):
    """An editor's ordered choice of article for a question's "Continue Learning" block."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="article_picks")
    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="question_picks"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "Continue Learning pick"
        constraints = [
            models.UniqueConstraint(fields=["question", "article"], name="unique_pick_per_question")
        ]

    def __str__(self):
        return f"{self.position}. {self.article}"


# --- Answers -----------------------------------------------------------------------------------


class AnswerQuerySet(models.QuerySet):
    def approved(self):
        """Answers readers may see: approved, by an active expert."""
        return self.filter(status=Answer.Status.APPROVED, expert__is_active=True)

    def public(self):
        """Approved answers on public questions."""
        return self.approved().filter(question__in=Question.objects.public())

    def pending_review(self):
        return self.filter(
            Q(status=Answer.Status.PENDING) | Q(revisions__status=AnswerRevision.Status.PENDING)
        ).distinct()


class Answer(Versioned, Timestamped):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PENDING = "pending", "Pending review"
        APPROVED = "approved", "Approved"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        REJECTED = "rejected", "Rejected"

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    expert = models.ForeignKey("experts.Expert", on_delete=models.PROTECT, related_name="answers")
    body = models.TextField(
        help_text="Markdown. Once approved this is the text readers see; later edits wait for "
        "review as a revision."
    )
    body_html = models.TextField(editable=False, blank=True)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviewed_answers",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)
    helpful_yes = models.PositiveIntegerField(default=0)
    helpful_no = models.PositiveIntegerField(default=0)
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Order among the question's answers (lowest first)."
    )
    is_demo = models.BooleanField("demo content", default=False)

    objects = AnswerQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["body_html", "version"])

    class Meta:
        ordering = ["position", "pk"]
        permissions = [("moderate_answer", "Can approve, send back or reject answers")]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=["draft", "pending", "approved", "changes_requested", "rejected"]
                ),
                name="answer_status_valid",
            )
        ]

    def __str__(self):
        return f"{self.expert} on “{self.question}”"

    def get_absolute_url(self):
        return f"{self.question.get_absolute_url()}#answer-{self.pk}"

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body)
        kwargs["update_fields"] = with_rendered(kwargs.get("update_fields"))
        with transaction.atomic():
            super().save(*args, **kwargs)
            # The question's index entry holds the text of its approved answers.
            search.index_question(self.question)

    @property
    def summary(self):
        return teaser(plain_text(self.body), 155)

    @property
    def reviewer_name(self):
        """The public name of the moderator who approved the live text."""
        reviewer = self.reviewed_by
        if reviewer is None:
            return ""
        profile = getattr(reviewer, "expert_profile", None)
        if profile is not None:
            return profile.name
        return reviewer.get_full_name() or reviewer.get_username()

    def record_vote(self, *, helpful):
        """Count one reader's "Was this helpful?" answer (an UPDATE, so no lost votes)."""
        from healthqa.cache import content_changed

        field = "helpful_yes" if helpful else "helpful_no"
        Answer.objects.filter(pk=self.pk).update(**{field: models.F(field) + 1})
        content_changed()  # the count is part of the page's structured data

    # -- state changes ----------------------------------------------------------------------

    def _is_author(self, user):
        return bool(user and user.is_authenticated and self.expert.user_id == user.pk)

    def can_write(self, user):
        """Whether `user` may change this answer's text (the admin asks before showing it)."""
        try:
            self._check_writer(user)
        except PermissionDenied:
            return False
        return self.status != self.Status.REJECTED

    def _check_writer(self, user):
        """Experts write as themselves: only the answer's own expert (or a superuser)."""
        if not (user and user.is_active):
            raise PermissionDenied("Sign in to change answers.")
        if self._is_author(user) or user.is_superuser:
            return
        raise PermissionDenied("Only the answering expert may change this answer.")

    def _check_moderator(self, user, revision=None):
        if not (user and user.is_active and user.has_perm("healthqa.moderate_answer")):
            raise PermissionDenied("Only moderators review answers.")
        if self._is_author(user) or (revision is not None and revision.created_by_id == user.pk):
            raise PermissionDenied("Nobody reviews their own answer.")

    def _locked(self):
        return Answer.objects.select_for_update().select_related("expert").get(pk=self.pk)

    def pending_revision(self):
        return self.revisions.filter(status=AnswerRevision.Status.PENDING).first()

    def _finish(self, locked, *, by, action, from_state, note=""):
        ModerationEvent.record(
            locked,
            actor=by,
            action=action,
            from_state=from_state,
            to_state=locked.status,
            note=note,
        )
        self.refresh_from_db()

    def _pending_revision_for_update(self, locked):
        return (
            locked.revisions.select_for_update()
            .filter(status=AnswerRevision.Status.PENDING)
            .first()
        )

    def _new_pending_revision(self, locked, body, by):
        """Store `body` as the version under review; an older pending one is superseded."""
        locked.revisions.filter(status=AnswerRevision.Status.PENDING).update(
            status=AnswerRevision.Status.SUPERSEDED
        )
        return AnswerRevision.objects.create(
            answer=locked, body=body, created_by=by, status=AnswerRevision.Status.PENDING
        )

    def submit(self, *, by, version=None):
        """Send a draft (or an answer sent back for changes) to the moderators.

        Every state change takes `version`, the version the actor's decision is based on
        (default: this instance's); a row that has changed since is refused with EditConflict.
        """
        self._check_writer(by)
        with transaction.atomic():
            locked = self._locked()
            if locked.status not in {self.Status.DRAFT, self.Status.CHANGES_REQUESTED}:
                raise ValidationError(
                    f"Only a draft or an answer sent back for changes can be submitted; this "
                    f"one is {locked.get_status_display().lower()}."
                )
            self.check_version(locked, version)
            from_state = locked.status
            self._new_pending_revision(locked, locked.body, by)
            locked.status = self.Status.PENDING
            locked.submitted_at = timezone.now()
            locked.save()
            for assignment in Assignment.objects.select_for_update().filter(
                question_id=locked.question_id,
                expert_id=locked.expert_id,
                status=Assignment.Status.OPEN,
            ):
                assignment.status = Assignment.Status.ANSWERED
                assignment.save(update_fields=["status", "updated_at"])
                ModerationEvent.record(
                    assignment,
                    actor=by,
                    action="answered",
                    from_state=Assignment.Status.OPEN,
                    to_state=Assignment.Status.ANSWERED,
                )
            self._finish(locked, by=by, action="submit", from_state=from_state)
            notifications.review_waiting(answer=self)

    def revise(self, *, body, by, note="", version=None):
        """Change the text. An approved answer stays live; the edit waits as a revision.

        Every version a moderator sees is kept as an AnswerRevision; drafts are edited in place.
        """
        self._check_writer(by)
        if not (body or "").strip():
            raise ValidationError("An answer cannot be empty.")
        with transaction.atomic():
            locked = self._locked()
            from_state = locked.status
            if locked.status == self.Status.REJECTED:
                raise ValidationError("A rejected answer cannot be edited.")
            self.check_version(locked, version)
            if locked.status == self.Status.APPROVED:
                self._new_pending_revision(locked, body, by)
                locked.submitted_at = timezone.now()
                locked.save(update_fields=["submitted_at", "updated_at"])
                self._finish(locked, by=by, action="revise", from_state=from_state, note=note)
                notifications.review_waiting(answer=self, revision=True)
                return
            if locked.status == self.Status.PENDING:
                self._new_pending_revision(locked, body, by)
                locked.submitted_at = timezone.now()
            locked.body = body
            locked.save()
            self._finish(locked, by=by, action="edit", from_state=from_state, note=note)

    def approve(self, *, by, note="", version=None):
        self._check_moderator(by)
        with transaction.atomic():
            locked = self._locked()
            from_state = locked.status
            revision = self._pending_revision_for_update(locked)
            self._check_moderator(by, revision)
            if locked.status == self.Status.APPROVED and revision is not None:
                action = "approve_revision"
            elif locked.status == self.Status.PENDING:
                action = "approve"
                if revision is None:
                    revision = AnswerRevision(
                        answer=locked, body=locked.body, created_by=locked.expert.user
                    )
            else:
                raise ValidationError(
                    f"Nothing to approve: the answer is {locked.get_status_display().lower()} "
                    "and has no pending revision."
                )
            self.check_version(locked, version)
            now = timezone.now()
            revision.status = AnswerRevision.Status.APPROVED
            revision.reviewed_by, revision.reviewed_at, revision.review_note = by, now, note
            revision.save()
            locked.body = revision.body
            locked.status = self.Status.APPROVED
            locked.reviewed_by, locked.reviewed_at, locked.review_note = by, now, note
            locked.save()
            self._finish(locked, by=by, action=action, from_state=from_state, note=note)
            notifications.answer_decided(answer=self, action=action, note=note)

    def _send_back(self, *, by, note, to_state, revision_state, action, version=None):
        self._check_moderator(by)
        if not (note or "").strip():
            raise ValidationError("Write a note for the expert explaining the decision.")
        with transaction.atomic():
            locked = self._locked()
            from_state = locked.status
            revision = self._pending_revision_for_update(locked)
            self._check_moderator(by, revision)
            if locked.status == self.Status.APPROVED and revision is None:
                raise ValidationError("This answer is live and has no revision waiting for review.")
            if locked.status not in {self.Status.APPROVED, self.Status.PENDING}:
                raise ValidationError(
                    f"Only an answer pending review can be {action.replace('_', ' ')}ed; this one "
                    f"is {locked.get_status_display().lower()}."
                )
            self.check_version(locked, version)
            if revision is None:
                revision = AnswerRevision(
                    answer=locked, body=locked.body, created_by=locked.expert.user
                )
            revision.status = revision_state
            revision.reviewed_by, revision.reviewed_at = by, timezone.now()
            revision.review_note = note
            revision.save()
            if locked.status == self.Status.APPROVED:
                # The live text stays as it is; only the revision is sent back.
                self._finish(
                    locked, by=by, action=f"{action}_revision", from_state=from_state, note=note
                )
                notifications.answer_decided(answer=self, action=f"{action}_revision", note=note)
                return
            locked.status = to_state
            locked.review_note = note
            locked.save()
            self._finish(locked, by=by, action=action, from_state=from_state, note=note)
            notifications.answer_decided(answer=self, action=action, note=note)

    def request_changes(self, *, by, note, version=None):
        self._send_back(
            by=by,
            note=note,
            to_state=self.Status.CHANGES_REQUESTED,
            revision_state=AnswerRevision.Status.CHANGES_REQUESTED,
            action="request_changes",
            version=version,
        )

    def reject(self, *, by, note, version=None):
        self._send_back(
            by=by,
            note=note,
            to_state=self.Status.REJECTED,
            revision_state=AnswerRevision.Status.REJECTED,
            action="reject",
            version=version,
        )

    def unpublish(self, *, by, note, version=None):
        """Take a live answer down (after a reader's report): approved → rejected, with a note.

        The approved text stays on record as its revision; a revision waiting for review is
        closed with the same note.
        """
        if not (by and by.is_active and by.has_perm("healthqa.moderate_answer")):
            raise PermissionDenied("Only moderators take answers down.")
        if not (note or "").strip():
            raise ValidationError("Write a note for the expert explaining why.")
        with transaction.atomic():
            locked = self._locked()
            if locked.status != self.Status.APPROVED:
                raise ValidationError(
                    f"Only a live answer can be unpublished; this one is "
                    f"{locked.get_status_display().lower()}."
                )
            self.check_version(locked, version)
            now = timezone.now()
            # The answer row is locked: no revision can be added or decided meanwhile.
            locked.revisions.filter(status=AnswerRevision.Status.PENDING).update(
                status=AnswerRevision.Status.REJECTED,
                reviewed_by=by,
                reviewed_at=now,
                review_note=note,
            )
            locked.status = self.Status.REJECTED
            locked.review_note = note
            locked.save()
            self._finish(
                locked, by=by, action="unpublish", from_state=self.Status.APPROVED, note=note
            )
            notifications.answer_decided(answer=self, action="unpublish", note=note)

    def confirm_review(self, *, by, note="", version=None):
        """A moderator re-reads a live answer and confirms it is still right (review-due)."""
        self._check_moderator(by)
        with transaction.atomic():
            locked = self._locked()
            if locked.status != self.Status.APPROVED:
                raise ValidationError("Only a live answer can be confirmed as reviewed.")
            if self._pending_revision_for_update(locked) is not None:
                raise ValidationError("This answer has a revision waiting: review that instead.")
            self.check_version(locked, version)
            locked.reviewed_by, locked.reviewed_at = by, timezone.now()
            locked.save(update_fields=["reviewed_by", "reviewed_at", "updated_at"])
            self._finish(
                locked, by=by, action="confirm_review", from_state=locked.status, note=note
            )


class AnswerRevision(models.Model):
    """A version of an answer's text. Approved answers are edited through pending revisions."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending review"
        APPROVED = "approved", "Approved"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        REJECTED = "rejected", "Rejected"
        SUPERSEDED = "superseded", "Superseded by a newer revision"

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["answer"],
                condition=Q(status="pending"),
                name="one_pending_revision_per_answer",
            )
        ]

    def __str__(self):
        return f"Revision of {self.answer} ({self.get_status_display().lower()})"

    @property
    def body_html(self):
        return render_markdown(self.body)


# --- Moderation records ------------------------------------------------------------------------


class ModerationEvent(models.Model):
    """One state change of a question or answer. Never edited, never deleted."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="moderation_events",
    )
    action = models.CharField(max_length=40)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.action}: {self.from_state or '—'} → {self.to_state or '—'}"

    @classmethod
    def record(cls, target, *, actor, action, from_state="", to_state="", note=""):
        return cls.objects.create(
            content_type=ContentType.objects.get_for_model(target),
            object_id=target.pk,
            actor=actor if actor and actor.is_authenticated else None,
            action=action,
            from_state=from_state or "",
            to_state=to_state or "",
            note=note or "",
        )

    def delete(self, *args, **kwargs):
        raise PermissionDenied("Moderation records are never deleted.")


# --- Links that outlive a change ---------------------------------------------------------------


class SlugRedirect(models.Model):
    """An old slug of a question or article, so its old address answers with a 301."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    old_slug = models.SlugField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "old_slug"], name="unique_old_slug_per_model"
            )
        ]

    def __str__(self):
        return f"{self.old_slug} → {self.target}"

    @classmethod
    def remember(cls, obj, *, old_slug):
        """Point `old_slug` at `obj`; its current slug is an address again, not a redirect."""
        content_type = ContentType.objects.get_for_model(obj)
        cls.objects.filter(content_type=content_type, old_slug=obj.slug).delete()
        if old_slug and old_slug != obj.slug:
            cls.objects.update_or_create(
                content_type=content_type, old_slug=old_slug, defaults={"object_id": obj.pk}
            )

    @classmethod
    def find(cls, model, old_slug):
        """The id of the `model` row that used to live at `old_slug`, or None."""
        return (
            cls.objects.filter(
                content_type=ContentType.objects.get_for_model(model), old_slug=old_slug
            )
            .values_list("object_id", flat=True)
            .first()
        )


class PreviewLinkQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())

    def for_object(self, obj):
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        ).select_related("created_by")


class PreviewLink(Versioned):
    """A revocable, expiring link that lets someone without an account read one draft."""

    SALT = "healthqa.preview-link"
    DEFAULT_DAYS = 7
    MAX_DAYS = 90

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True, help_text="Who the link is for.")

    objects = PreviewLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"Preview of {self.target}"

    def get_absolute_url(self):
        return reverse("healthqa:shared_preview", kwargs={"token": self.token})

    @property
    def token(self):
        """Signed id: the row is found only through a token this site issued."""
        return signing.dumps(self.pk, salt=self.SALT)

    @property
    def is_usable(self):
        return self.revoked_at is None and self.expires_at > timezone.now()

    @classmethod
    def from_token(cls, token):
        """The usable link behind `token`, or None when forged, expired or revoked."""
        try:
            pk = signing.loads(token, salt=cls.SALT)
        except signing.BadSignature:
            return None
        if not isinstance(pk, int):
            return None
        return cls.objects.usable().filter(pk=pk).first()

    @classmethod
    def share(cls, obj, *, by, days=DEFAULT_DAYS, note=""):
        """A new link to unpublished `obj` for someone without an account."""
        opts = obj._meta
        change = f"{opts.app_label}.change_{opts.model_name}"
        if not (by and by.is_active and by.has_perm("healthqa.add_previewlink")):
            raise PermissionDenied("You do not have permission to share previews.")
        if not by.has_perm(change):
            raise PermissionDenied(f"You may not change this {opts.verbose_name}.")
        if not 1 <= days <= cls.MAX_DAYS:
            raise ValidationError(f"A preview link lasts from 1 to {cls.MAX_DAYS} days.")
        if type(obj).objects.public().filter(pk=obj.pk).exists():
            raise ValidationError(
                f"This {opts.verbose_name} is already public: share its address instead."
            )
        with transaction.atomic():
            link = cls.objects.create(
                content_type=ContentType.objects.get_for_model(obj),
                object_id=obj.pk,
                created_by=by,
                expires_at=timezone.now() + timedelta(days=days),
                note=note,
            )
            ModerationEvent.record(link, actor=by, action="share_preview", note=note)
        return link

    def revoke(self, *, by):
        if not (by and by.is_active and by.has_perm("healthqa.change_previewlink")):
            raise PermissionDenied("You do not have permission to revoke preview links.")
        with transaction.atomic():
            locked = PreviewLink.objects.select_for_update().get(pk=self.pk)
            if locked.revoked_at is not None:
                raise ValidationError("This preview link was already revoked.")
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at"])
            ModerationEvent.record(locked, actor=by, action="revoke_preview")
        self.refresh_from_db()


# --- Assignments and flags ---------------------------------------------------------------------


class Assignment(StatusChanges, Versioned, Timestamped):
    """An editor asks an expert to answer a question."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ANSWERED = "answered", "Answered"
        DECLINED = "declined", "Declined"

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="assignments")
    expert = models.ForeignKey(
        "experts.Expert", on_delete=models.CASCADE, related_name="assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assignments_made",
    )
    due_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    last_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["due_at", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "expert"],
                condition=Q(status="open"),
                name="one_open_assignment_per_expert",
            )
        ]

    def __str__(self):
        return f"{self.question} → {self.expert}"

    @property
    def is_overdue(self):
        return self.status == self.Status.OPEN and self.due_at and self.due_at < timezone.now()

    def decline(self, *, by, note="", version=None):
        """Close an open assignment without an answer: the expert cannot take the question, or
        the editor withdraws it. (Submitting an answer closes it as answered.)"""
        self._require(by, "healthqa.change_assignment")
        if self.status != self.Status.OPEN:
            raise ValidationError(
                f"This assignment is already {self.get_status_display().lower()}."
            )
        self._change_status(
            self.Status.DECLINED, by=by, action="decline", note=note, version=version
        )


class Flag(Versioned, Timestamped):
    """A reader's report about an answer or a question."""

    class Reason(models.TextChoices):
        INACCURATE = "inaccurate", "Inaccurate or out of date"
        HARMFUL = "harmful", "Could cause harm"
        SPAM = "spam", "Spam or advertising"
        OFFENSIVE = "offensive", "Offensive"
        OTHER = "other", "Something else"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DISMISSED = "dismissed", "Dismissed"
        ACTIONED = "actioned", "Actioned"

    answer = models.ForeignKey(
        Answer, null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    question = models.ForeignKey(
        Question, null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    reason = models.CharField(max_length=20, choices=Reason.choices)
    details = models.TextField(blank=True, max_length=2000)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="flags_handled",
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    resolution_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(answer__isnull=False, question__isnull=True)
                    | Q(answer__isnull=True, question__isnull=False)
                ),
                name="flag_has_one_target",
            )
        ]

    def __str__(self):
        return f"{self.get_reason_display()} — {self.target}"

    @property
    def target(self):
        return self.answer or self.question

    def resolve(self, *, by, status, note=""):
        """Close an open flag as dismissed or actioned, recording who did it."""
        if not (by and by.is_active and by.has_perm("healthqa.change_flag")):
            raise PermissionDenied("Only moderators handle reports.")
        if status not in {self.Status.DISMISSED, self.Status.ACTIONED}:
            raise ValidationError("A report is closed as dismissed or actioned.")
        with transaction.atomic():
            locked = Flag.objects.select_for_update().get(pk=self.pk)
            if locked.status != self.Status.OPEN:
                raise ValidationError("This report has already been handled.")
            locked.status, locked.resolution_note = status, note
            locked.handled_by, locked.handled_at = by, timezone.now()
            locked.save()
            ModerationEvent.record(
                locked,
                actor=by,
                action="dismiss" if status == self.Status.DISMISSED else "action",
                from_state=self.Status.OPEN,
                to_state=status,
                note=note,
            )
        self.refresh_from_db()

    def dismiss(self, *, by, note=""):
        self.resolve(by=by, status=self.Status.DISMISSED, note=note)

    def mark_actioned(self, *, by, note=""):
        self.resolve(by=by, status=self.Status.ACTIONED, note=note)

    def act(self, *, by, note):
        """Uphold the report: a live answer is unpublished (the expert is told why) and every
        open report on the same answer is closed as actioned."""
        if not (by and by.is_active and by.has_perm("healthqa.change_flag")):
            raise PermissionDenied("Only moderators handle reports.")
        if not (note or "").strip():
            raise ValidationError("Write a note saying what was done.")
        with transaction.atomic():
            if self.answer_id is None:
                self.mark_actioned(by=by, note=note)
                return
            answer = Answer.objects.get(pk=self.answer_id)
            if answer.status == Answer.Status.APPROVED:
                answer.unpublish(by=by, note=note)
            siblings = Flag.objects.filter(answer_id=self.answer_id, status=self.Status.OPEN)
            if not siblings.filter(pk=self.pk).exists():
                raise ValidationError("This report has already been handled.")
            for flag in siblings.order_by("pk"):
                flag.mark_actioned(by=by, note=note)
        self.refresh_from_db()


# --- Site settings -----------------------------------------------------------------------------


class SiteSettings(Versioned):
    """The one row of site-wide settings editors change in the admin."""

    CACHE_KEY = "healthqa:site-settings"

    site_name = models.CharField(max_length=80, default="HealthQA")
    tagline = models.CharField(
        max_length=160, default="Health questions, answered by vetted experts", blank=True
    )
    disclaimer = models.TextField(default=DEFAULT_DISCLAIMER)

    class Meta:
        verbose_name = "site settings"
        verbose_name_plural = "site settings"
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="site_settings_single_row")]

    def __str__(self):
        return "Site settings"

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)
        cache.delete(self.CACHE_KEY)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("Site settings cannot be deleted.")

    @classmethod
    def load(cls):
        current = cache.get(cls.CACHE_KEY)
        if current is None:
            current, _ = cls.objects.get_or_create(pk=1)
            cache.set(cls.CACHE_KEY, current, 300)
        return current


def validate_link(value):
    """A site-relative path or an http(s) URL; nothing else (no javascript:, data:)."""
    if value.startswith("/") and not value.startswith("//"):
        return
    URLValidator(schemes=["http", "https"])(value)


class AdPlacementQuerySet(models.QuerySet):
    def active(self, slot=None):
        now = timezone.now()
        qs = self.filter(is_active=True).filter(
            Q(starts_at__isnull=True) | Q(starts_at__lte=now),
            Q(ends_at__isnull=True) | Q(ends_at__gt=now),
        )
        if slot:
            qs = qs.filter(slot=slot)
        return qs


class AdPlacement(Versioned, Timestamped):
    """A house advertisement; the slot shows only while one is active."""

    class Slot(models.TextChoices):
        QUESTION_PAGE = "question_page", "Question page"
        ARTICLE_PAGE = "article_page", "Article page"

    name = models.CharField(max_length=120, help_text="For editors; not shown to readers.")
    slot = models.CharField(max_length=30, choices=Slot.choices, default=Slot.QUESTION_PAGE)
    image = models.ImageField(
        upload_to="ads/%Y/%m/",
        validators=[validate_image],
        width_field="image_width",
        height_field="image_height",
    )
    image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_alt = models.CharField("alt text", max_length=200)
    link = models.CharField(
        max_length=500,
        validators=[validate_link],
        help_text="A page of this site (/articles/) or a full https:// address.",
    )
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)

    objects = AdPlacementQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True)
                | Q(starts_at__isnull=True)
                | Q(ends_at__gt=models.F("starts_at")),
                name="ad_ends_after_start",
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "The end must come after the start."})


# --- Search index ------------------------------------------------------------------------------


class SearchDocument(models.Model):
    """The searchable text of one published question or article, written by `healthqa.search`.

    What readers may find is still decided at query time by the public() querysets; the text
    holds only what readers could see once the item is public (approved answers, never drafts).
    """

    class Kind(models.TextChoices):
        QUESTION = "question", "Question"
        ARTICLE = "article", "Article"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    question = models.OneToOneField(
        Question, null=True, blank=True, on_delete=models.CASCADE, related_name="search_document"
    )
    article = models.OneToOneField(
        "articles.Article",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="search_document",
    )
    topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.TextField(help_text="The title, with hyphenated words also written joined.")
    body = models.TextField(blank=True, help_text="Plain text the result snippet is cut from.")
    keywords = models.TextField(blank=True, help_text="Other spellings of the body's words.")
    # PostgreSQL only (GIN-indexed by migration 0007); SQLite searches an FTS5 table instead.
    vector = SearchVectorField(null=True, editable=False)
    public_from = models.DateTimeField(
        null=True,
        blank=True,
        db_index=True,
        help_text="When readers may find it: the publication time once the item is public "
        "(a question needs an approved answer); empty while it is not.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="question", question__isnull=False, article__isnull=True)
                    | Q(kind="article", question__isnull=True, article__isnull=False)
                ),
                name="search_document_has_one_target",
            )
        ]
        indexes = [models.Index(fields=["kind", "topic"])]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title[:60]}"
