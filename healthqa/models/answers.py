"""Answers, their revisions and the review workflow (submit, approve, send back, reject)."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from healthqa.core import notifications
from healthqa.core.bases import RendersBody, Timestamped, Versioned
from healthqa.core.markdown import plain_text, teaser
from healthqa.core.permissions import require
from healthqa.models.moderation import Assignment, ModerationEvent
from healthqa.models.questions import ChangesItsQuestion, Question, touch_questions
from healthqa.models.site import SiteSettings


class AnswerQuerySet(ChangesItsQuestion):
    def approved(self):
        """Answers readers may see: approved, by an active expert."""
        return self.filter(status=Answer.Status.APPROVED, expert__is_active=True)

    def public(self):
        """Approved answers on public questions."""
        return self.approved().filter(question__in=Question.objects.public())

    def waiting_for_review(self):
        """What the moderation queue lists: answers pending review, and live (approved) answers
        with a revision pending review. One row per answer."""
        pending_revision = AnswerRevision.objects.filter(
            answer=models.OuterRef("pk"), status=AnswerRevision.Status.PENDING
        )
        return self.filter(
            Q(status=Answer.Status.PENDING)
            | Q(models.Exists(pending_revision), status=Answer.Status.APPROVED)
        )


class AnswerStatus(models.TextChoices):
    """`Answer.Status`, at module level so `Answer.Meta` can name it."""

    DRAFT = "draft", "Draft"
    PENDING = "pending", "Pending review"
    APPROVED = "approved", "Approved"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    REJECTED = "rejected", "Rejected"


class Answer(RendersBody, Versioned, Timestamped):
    Status = AnswerStatus

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
    approved_sources = models.JSONField(
        default=list,
        blank=True,
        editable=False,
        help_text="The sources of the approved text, as readers see them (copied on approval).",
    )
    medical_reviewer = models.ForeignKey(
        "experts.Expert",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="medically_reviewed_answers",
        limit_choices_to={"is_clinician": True},
        help_text="A clinician who checked the answer's medical content (not the moderator).",
    )
    medically_reviewed_on = models.DateField("medically reviewed on", null=True, blank=True)
    is_demo = models.BooleanField("demo content", default=False)

    objects = AnswerQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["body_html", "version"])

    class Meta:
        ordering = ["position", "pk"]
        permissions = [
            ("moderate_answer", "Can approve, send back or reject answers"),
            ("name_medical_reviewer", "Can name the medical reviewer of answers"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=AnswerStatus.values),
                name="answer_status_valid",
            )
        ]

    def __str__(self):
        return f"{self.expert} on “{self.question}”"

    def get_absolute_url(self):
        return f"{self.question.get_absolute_url()}#answer-{self.pk}"

    def save(self, *args, **kwargs):
        with transaction.atomic(using=kwargs.get("using")):
            super().save(*args, **kwargs)
            touch_questions([self.question_id], using=kwargs.get("using"))

    def delete(self, *args, **kwargs):
        with transaction.atomic(using=kwargs.get("using")):
            result = super().delete(*args, **kwargs)
            touch_questions([self.question_id], using=kwargs.get("using"))
        return result

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
        field = "helpful_yes" if helpful else "helpful_no"
        Answer.objects.filter(pk=self.pk).update(**{field: models.F(field) + 1})

    # -- state changes ----------------------------------------------------------------------

    def _is_author(self, user):
        return bool(user and user.is_authenticated and self.expert.user_id == user.pk)

    def _is_writer(self, user):
        """Ownership, not a permission (no group grants it): experts write as themselves, so
        only the answer's own expert, or a superuser, changes its text."""
        return bool(user and user.is_active and (self._is_author(user) or user.is_superuser))

    def can_write(self, user):
        """Whether `user` may change this answer's text (the admin asks before showing it)."""
        return self._is_writer(user) and self.status != self.Status.REJECTED

    def _check_writer(self, user):
        """Refuse anyone but the answer's writer (see `_is_writer`)."""
        if not (user and user.is_active):
            raise PermissionDenied("Sign in to change answers.")
        if not self._is_writer(user):
            raise PermissionDenied("Only the answering expert may change this answer.")

    def _refuse_own_review(self, user, revision=None):
        """Nobody reviews their own answer, nor a revision they wrote. Checked after
        `require(user, "healthqa.moderate_answer", ...)`."""
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
            answer=locked,
            body=body,
            created_by=by,
            status=AnswerRevision.Status.PENDING,
            sources=[source.as_dict() for source in locked.sources.all()],
        )

    def _reset_sources(self, locked, copies):
        """The working source rows become `copies` (a revision's list or the approved one)."""
        if [source.as_dict() for source in locked.sources.all()] != copies:
            locked.sources.all().delete()
            Source = locked.sources.model  # citations.py imports this module
            Source.objects.bulk_create(
                Source(answer=locked, position=n, **data) for n, data in enumerate(copies)
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

    def withdraw(self, *, by, version=None):
        """Take an answer back from review: pending → draft, edited in place again.

        Its pending revision is superseded, as when a newer text replaces it: it stays on
        record, but nothing waits for review any more.
        """
        self._check_writer(by)
        with transaction.atomic():
            locked = self._locked()
            if locked.status != self.Status.PENDING:
                raise ValidationError(
                    f"Only an answer waiting for review can be withdrawn; this one is "
                    f"{locked.get_status_display().lower()}."
                )
            self.check_version(locked, version)
            locked.revisions.filter(status=AnswerRevision.Status.PENDING).update(
                status=AnswerRevision.Status.SUPERSEDED
            )
            locked.status = self.Status.DRAFT
            locked.save()
            self._reopen_assignment(locked, by=by)
            self._finish(locked, by=by, action="withdraw", from_state=self.Status.PENDING)

    def _reopen_assignment(self, locked, *, by):
        """The assignment that submitting closed as answered is open again (and back in the
        expert's workspace) while the answer is a draft."""
        mine = Assignment.objects.select_for_update().filter(
            question_id=locked.question_id, expert_id=locked.expert_id
        )
        if mine.filter(status=Assignment.Status.OPEN).exists():
            return
        assignment = mine.filter(status=Assignment.Status.ANSWERED).order_by("-updated_at").first()
        if assignment is None:
            return
        assignment.status = Assignment.Status.OPEN
        assignment.save(update_fields=["status", "updated_at"])
        ModerationEvent.record(
            assignment,
            actor=by,
            action="reopen",
            from_state=Assignment.Status.ANSWERED,
            to_state=Assignment.Status.OPEN,
        )

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

    def approve(self, *, by, note="", version=None, correction=""):
        """`correction`, a public note, marks the approved revision of a live answer as a
        correction readers are told about."""
        require(by, "healthqa.moderate_answer", "Only moderators review answers.")
        self._refuse_own_review(by)
        if correction:
            # The reverse relation names the model: corrections.py imports this module.
            correction = self.corrections.model.clean_note(correction)
        with transaction.atomic():
            locked = self._locked()
            from_state = locked.status
            revision = self._pending_revision_for_update(locked)
            self._refuse_own_review(by, revision)
            if locked.status == self.Status.APPROVED and revision is not None:
                action = "approve_revision"
            elif locked.status == self.Status.PENDING:
                action = "approve"
                if revision is None:
                    revision = AnswerRevision(
                        answer=locked,
                        body=locked.body,
                        created_by=locked.expert.user,
                        sources=[source.as_dict() for source in locked.sources.all()],
                    )
            else:
                raise ValidationError(
                    f"Nothing to approve: the answer is {locked.get_status_display().lower()} "
                    "and has no pending revision."
                )
            if correction and action != "approve_revision":
                raise ValidationError(
                    "Only an edit of a live answer can be marked as a correction."
                )
            self.check_version(locked, version)
            # Read, not load(): load() may create the row, and cache it past a rollback.
            needs_source = SiteSettings.objects.filter(answers_need_source=True)
            if not revision.sources and needs_source.exists():
                raise ValidationError(
                    "This answer needs at least one source before it can be approved: ask the "
                    "expert to add one."
                )
            now = timezone.now()
            revision.status = AnswerRevision.Status.APPROVED
            revision.reviewed_by, revision.reviewed_at, revision.review_note = by, now, note
            revision.save()
            locked.body = revision.body
            locked.approved_sources = revision.sources
            self._reset_sources(locked, revision.sources)
            locked.status = self.Status.APPROVED
            locked.reviewed_by, locked.reviewed_at, locked.review_note = by, now, note
            locked.save()
            self._finish(locked, by=by, action=action, from_state=from_state, note=note)
            if correction:
                locked.corrections.create(
                    revision=revision, note=correction, made_by=by, made_at=now
                )
                ModerationEvent.record(
                    locked,
                    actor=by,
                    action="correct",
                    from_state=from_state,
                    to_state=locked.status,
                    note=correction,
                )
            notifications.answer_decided(answer=self, action=action, note=note)

    def _send_back(self, *, by, note, to_state, revision_state, action, version=None):
        require(by, "healthqa.moderate_answer", "Only moderators review answers.")
        self._refuse_own_review(by)
        if not (note or "").strip():
            raise ValidationError("Write a note for the expert explaining the decision.")
        with transaction.atomic():
            locked = self._locked()
            from_state = locked.status
            revision = self._pending_revision_for_update(locked)
            self._refuse_own_review(by, revision)
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
                # The live text stays as it is; only the revision is sent back. A rejected one
                # leaves nothing to build on: the next edit starts from the approved sources.
                if revision_state == AnswerRevision.Status.REJECTED:
                    self._reset_sources(locked, locked.approved_sources)
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
        require(by, "healthqa.moderate_answer", "Only moderators take answers down.")
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
        require(by, "healthqa.moderate_answer", "Only moderators review answers.")
        self._refuse_own_review(by)
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

    def name_medical_reviewer(self, *, reviewer, reviewed_on, by, version=None):
        """Name the clinician expert who checked this live answer's medical content on
        `reviewed_on` (not the moderator's approval); `reviewer=None` clears both."""
        require(by, "healthqa.name_medical_reviewer", "Only editors name medical reviewers.")
        if reviewer is not None and (reviewed_on is None or reviewed_on > timezone.localdate()):
            raise ValidationError("Give the day of the medical review: today or earlier.")
        with transaction.atomic():
            locked = self._locked()
            if reviewer is not None:
                clinicians = type(locked.expert).objects.filter(is_clinician=True, is_active=True)
                if not clinicians.filter(pk=reviewer.pk).exists():
                    raise ValidationError(f"{reviewer} is not an active clinician expert.")
                if reviewer.pk == locked.expert_id:
                    raise ValidationError("An answer's own expert cannot be its medical reviewer.")
                if locked.status != self.Status.APPROVED:
                    raise ValidationError("Only a live answer can have a medical reviewer.")
            self.check_version(locked, version)
            locked.medical_reviewer = reviewer
            locked.medically_reviewed_on = reviewed_on if reviewer else None
            locked.save(update_fields=["medical_reviewer", "medically_reviewed_on", "updated_at"])
            note = f"{reviewer.display_name} ({reviewed_on})" if reviewer else "Cleared"
            self._finish(
                locked, by=by, action="medical_review", from_state=locked.status, note=note
            )


class AnswerRevisionStatus(models.TextChoices):
    """`AnswerRevision.Status`, at module level so `AnswerRevision.Meta` can name it."""

    PENDING = "pending", "Pending review"
    APPROVED = "approved", "Approved"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    REJECTED = "rejected", "Rejected"
    SUPERSEDED = "superseded", "Superseded by a newer revision"


class AnswerRevision(models.Model):
    """A version of an answer's text. Approved answers are edited through pending revisions."""

    Status = AnswerRevisionStatus

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
    sources = models.JSONField(
        default=list, blank=True, help_text="The sources submitted with this text."
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["answer"],
                condition=Q(status=AnswerRevisionStatus.PENDING),
                name="one_pending_revision_per_answer",
            )
        ]

    def __str__(self):
        return f"Revision of {self.answer} ({self.get_status_display().lower()})"
