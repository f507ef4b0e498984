"""Moderation records: the audit log of every state change, status changes that write it, and
assignments (an editor asks an expert to answer)."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from healthqa.core.bases import Timestamped, Versioned
from healthqa.core.permissions import require


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


class StatusChanges:
    """A recorded change of `status`: the row locked and its version compared, a
    ModerationEvent written, all in one transaction. For Versioned models. Callers check the
    actor first, with `healthqa.core.permissions.require()`."""

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


class AssignmentStatus(models.TextChoices):
    """`Assignment.Status`, at module level so `Assignment.Meta` can name it."""

    OPEN = "open", "Open"
    ANSWERED = "answered", "Answered"
    DECLINED = "declined", "Declined"


class Assignment(StatusChanges, Versioned, Timestamped):
    """An editor asks an expert to answer a question."""

    Status = AssignmentStatus

    question = models.ForeignKey(
        "healthqa.Question", on_delete=models.CASCADE, related_name="assignments"
    )
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
                condition=Q(status=AssignmentStatus.OPEN),
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
        require(by, "healthqa.change_assignment")
        if self.status != self.Status.OPEN:
            raise ValidationError(
                f"This assignment is already {self.get_status_display().lower()}."
            )
        self._change_status(
            self.Status.DECLINED, by=by, action="decline", note=note, version=version
        )
