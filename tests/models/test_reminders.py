"""`manage.py send_reminders`: overdue open assignments, one email per assignment per day."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from healthqa.models import Assignment
from tests.factories import AssignmentFactory

pytestmark = pytest.mark.django_db


def send_reminders():
    out = StringIO()
    call_command("send_reminders", stdout=out)
    return out.getvalue()


@pytest.fixture
def overdue(expert, frozen):
    return AssignmentFactory(expert=expert, due_at=timezone.now() - timedelta(days=2))


def test_expert_is_reminded_of_an_overdue_assignment(overdue, expert_user):
    output = send_reminders()

    assert output.strip() == "Sent 1 reminder."
    assert [m.to for m in mail.outbox] == [[expert_user.email]]
    message = mail.outbox[0]
    assert "overdue" in message.subject.lower()
    assert overdue.question.title in message.body
    assert f"?question={overdue.question_id}" in message.body
    overdue.refresh_from_db()
    assert overdue.last_reminded_at == timezone.now()


def test_running_again_the_same_day_sends_nothing(overdue, frozen):
    send_reminders()
    frozen.tick(timedelta(hours=10))

    assert send_reminders().strip() == "Sent 0 reminders."
    assert len(mail.outbox) == 1


def test_a_new_day_brings_one_more_reminder(overdue, frozen):
    send_reminders()
    frozen.tick(timedelta(days=1))

    send_reminders()
    send_reminders()

    assert len(mail.outbox) == 2


@pytest.mark.parametrize(
    "fields",
    [
        {"due_at": None},
        {"status": Assignment.Status.ANSWERED},
        {"status": Assignment.Status.DECLINED},
    ],
    ids=["no-due-date", "answered", "declined"],
)
def test_assignments_not_overdue_and_open_get_no_reminder(expert, frozen, fields):
    AssignmentFactory(expert=expert, due_at=timezone.now() + timedelta(days=1))
    AssignmentFactory(expert=expert, **{"due_at": timezone.now() - timedelta(days=1), **fields})

    send_reminders()

    assert mail.outbox == []


def test_experts_without_an_account_are_skipped(frozen):
    AssignmentFactory(due_at=timezone.now() - timedelta(days=1))

    assert send_reminders().strip() == "Sent 0 reminders."
