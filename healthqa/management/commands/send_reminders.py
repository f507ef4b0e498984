"""Email experts about their overdue open assignments: at most one reminder per assignment per
day, however often the command runs (cron it hourly or daily)."""

from datetime import datetime, time

from django.core.management.base import BaseCommand
from django.db.models import Q
from django.utils import timezone

from healthqa.core import notifications
from healthqa.models import Assignment


def start_of_today():
    return timezone.make_aware(datetime.combine(timezone.localdate(), time.min))


def overdue_assignments():
    """Open, past due, with an expert who can receive mail, not yet reminded today."""
    return (
        Assignment.objects.filter(
            status=Assignment.Status.OPEN,
            due_at__lt=timezone.now(),
            expert__is_active=True,
            expert__user__is_active=True,
        )
        .exclude(expert__user__email="")
        .filter(Q(last_reminded_at__isnull=True) | Q(last_reminded_at__lt=start_of_today()))
        .select_related("question", "expert__user")
        .order_by("due_at", "pk")
    )


class Command(BaseCommand):
    help = "Email experts about overdue open assignments (one reminder per assignment per day)."

    def handle(self, *args, **options):
        sent = 0
        for assignment in overdue_assignments():
            # Claim the reminder first: of two runs at once, only one sees its update succeed.
            claimed = Assignment.objects.filter(
                pk=assignment.pk, last_reminded_at=assignment.last_reminded_at
            ).update(last_reminded_at=timezone.now())
            if claimed:
                notifications.assignment_reminder(assignment=assignment)
                sent += 1
        self.stdout.write(f"Sent {sent} reminder{'s' if sent != 1 else ''}.")
