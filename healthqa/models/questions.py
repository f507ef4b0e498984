"""Questions and their curated Continue Learning picks."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager
from taggit.models import Tag

from healthqa.core.bases import Timestamped, Versioned, unique_slug
from healthqa.core.links import cached_reverse
from healthqa.core.permissions import require
from healthqa.core.signals import UpdatesSendSignal
from healthqa.core.urgency import mask_contact_details
from healthqa.models.moderation import ModerationEvent
from healthqa.models.publishing import KeepsOldSlugs, PublishingMixin

# What a reader's question says of its author once their name is erased (its page's JSON-LD
# still names "A reader", not the site).
READER_NAME = "A reader"


class QuestionQuerySet(UpdatesSendSignal):
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
        # Answers live in a module that imports this one: reach them through the relation.
        answers = self.model._meta.get_field("answers").related_model.objects
        return self.live().filter(Exists(answers.approved().filter(question=OuterRef("pk"))))

    def for_listing(self):
        return self.select_related("topic").order_by("-published_at", "-pk")


def touch_questions(pks, *, using=None):
    """Mark questions as changed (`updated_at`, what API partners sync by): a change to one of
    their answers is a change to them. A plain UPDATE: no version bump (an editor's open form is
    not refused as an edit conflict) and no search signal (the text did not change)."""
    pks = {pk for pk in pks if pk is not None}
    if pks:
        Question._base_manager.using(using).filter(pk__in=pks).update(updated_at=timezone.now())


class ChangesItsQuestion(UpdatesSendSignal):
    """The queryset of rows that belong to a question (answers): writing them, from the shell
    or a script as from model code, marks their questions changed (`touch_questions`), unless
    only votes changed."""

    def update(self, **kwargs):
        if set(kwargs) <= {"helpful_yes", "helpful_no"}:
            return super().update(**kwargs)
        moved_to = kwargs.get("question_id", getattr(kwargs.get("question"), "pk", None))
        with transaction.atomic(using=self.db):
            questions = set(self.values_list("question_id", flat=True))
            count = super().update(**kwargs)
            touch_questions(questions | {moved_to}, using=self.db)
        return count

    def delete(self):
        with transaction.atomic(using=self.db):
            questions = set(self.values_list("question_id", flat=True))
            result = super().delete()
            touch_questions(questions, using=self.db)
        return result


class QuestionStatus(models.TextChoices):
    """`Question.Status`, at module level so `Question.Meta` can name it."""

    SUBMITTED = "submitted", "Submitted by a reader"
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"
    REJECTED = "rejected", "Rejected"
    MERGED = "merged", "Merged into another question"


class Question(PublishingMixin, KeepsOldSlugs, Versioned, Timestamped):
    Status = QuestionStatus

    title = models.CharField(max_length=255)
    slug = models.SlugField(max_length=200, unique=True)
    details = models.TextField(blank=True, help_text="Optional context, in Markdown.")
    topic = models.ForeignKey(
        "healthqa.Topic", null=True, blank=True, on_delete=models.PROTECT, related_name="questions"
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
        limit_choices_to=Q(status__in=[Status.DRAFT, Status.PUBLISHED, Status.ARCHIVED]),
        help_text="The question a reader submission was merged into during triage.",
    )

    objects = QuestionQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["submitted_text", "version"])
    publish_permission = "healthqa.publish_question"

    class Meta:
        ordering = ["-published_at", "-created_at"]
        indexes = [
            models.Index(fields=["status", "published_at"]),
            # The API's `?updated_since=` listings, in order of change (keyset paging).
            models.Index(fields=["updated_at", "id"], name="question_updated_at_id"),
        ]
        permissions = [
            ("triage_question", "Can triage reader submissions"),
            ("publish_question", "Can publish and archive questions"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=QuestionStatus.values),
                name="question_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status=QuestionStatus.PUBLISHED) | Q(published_at__isnull=False),
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
        super().save(*args, **kwargs)

    @property
    def is_public(self):
        return Question.objects.public().filter(pk=self.pk).exists()

    def tag_list(self):
        """The question's tags by name, in one plain query (no prefetch machinery)."""
        return list(
            Tag.objects.filter(
                taggit_taggeditem_items__content_type=ContentType.objects.get_for_model(Question),
                taggit_taggeditem_items__object_id=self.pk,
            ).order_by("name")
        )

    @classmethod
    def submit_from_reader(cls, *, title, details="", name="", email=""):
        """A reader's question, stored for triage with contact details masked in its text."""
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
        """Triage: a reader's submission becomes a draft, optionally with the text edited.

        A new title gives a new slug; the reader's wording leaves no redirect behind (the
        submission was never public: see `KeepsOldSlugs`)."""
        require(by, "healthqa.triage_question")
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
        require(by, "healthqa.triage_question")
        if self.status != self.Status.SUBMITTED:
            raise ValidationError("Only a reader submission can be rejected.")
        self._change_status(self.Status.REJECTED, by=by, action="reject", note=note)

    def erase_reader_details(self, *, by):
        """On the reader's request: their name, email address and question as typed are erased
        from this question and its history (as `erase_personal_data` does once they are old)."""
        require(by, "healthqa.triage_question")
        with transaction.atomic():
            locked = Question.objects.select_for_update().get(pk=self.pk)
            if not (
                locked.submitted_by_email or locked.submitted_text
                or locked.submitted_by_name not in {"", READER_NAME}
            ):  # fmt: skip
                raise ValidationError("This question holds no reader's name or email address.")
            locked.submitted_by_name = READER_NAME
            locked.submitted_by_email = locked.submitted_text = ""
            locked.save(update_fields=["submitted_by_name", "submitted_by_email", "submitted_text"])
            # The history rows keep every saved version: the one just written is erased too.
            Question.history.filter(id=locked.pk).update(
                submitted_by_name=READER_NAME, submitted_by_email=""
            )
            ModerationEvent.record(locked, actor=by, action="erase_reader_details")
        self.refresh_from_db()

    def merge_into(self, other, *, by, note=""):
        """Triage: a submission that duplicates `other` is closed and points at it."""
        require(by, "healthqa.triage_question")
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
