"""Readers' reports about answers and questions."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from healthqa.core.bases import Timestamped, Versioned
from healthqa.core.permissions import require
from healthqa.models.answers import Answer
from healthqa.models.moderation import ModerationEvent
from healthqa.models.questions import Question


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
        require(by, "healthqa.change_flag", "Only moderators handle reports.")
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
        require(by, "healthqa.change_flag", "Only moderators handle reports.")
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
