"""Email to experts and moderators. Every message leaves only after the change that caused it
commits (`transaction.on_commit`), so nobody is told about a decision that was rolled back.

The model methods call these functions; they read no request and take keyword arguments only.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

DECISIONS = {
    "approve": ("approved", "Your answer is live"),
    "approve_revision": ("approved", "Your revised answer is live"),
    "request_changes": ("changes_requested", "Changes requested to your answer"),
    "request_changes_revision": ("changes_requested", "Changes requested to your revision"),
    "reject": ("rejected", "Your answer was not accepted"),
    "reject_revision": ("rejected", "Your revision was not accepted"),
    "unpublish": ("unpublished", "Your answer was taken down"),
}


def absolute(path):
    return f"{settings.SITE_URL}{path}"


def _send(*, subject, template, context, to):
    recipients = sorted({address for address in to if address})
    if not recipients:
        return 0
    body = render_to_string(template, {"site_url": settings.SITE_URL, **context})
    message = EmailMessage(
        # One line: a title with a line break must not become a header injection (or an error).
        subject=" ".join(f"[HealthQA] {subject}".split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients,
    )
    return message.send()


def _later(**message):
    # robust: a mail server that is down is logged; it does not undo or fail the decision.
    transaction.on_commit(lambda: _send(**message), robust=True)


def expert_address(expert):
    user = expert.user if expert.user_id else None
    return user.email if user is not None and user.is_active else ""


def moderator_addresses(*, exclude_user_id=None):
    users = get_user_model().objects.with_perm(
        "healthqa.moderate_answer",
        is_active=True,
        include_superusers=False,
        backend="django.contrib.auth.backends.ModelBackend",
    )
    if exclude_user_id is not None:
        users = users.exclude(pk=exclude_user_id)
    return list(users.exclude(email="").values_list("email", flat=True))


def review_waiting(*, answer, revision=False):
    """Tell the moderators that an answer (or a revision of a live one) waits for review."""
    kind = "A revised answer" if revision else "A new answer"
    _later(
        subject=f"{kind} waits for review: {answer.question.title}"[:150],
        template="healthqa/email/review_waiting.txt",
        context={
            "answer": answer,
            "kind": kind,
            "queue_url": absolute(reverse("admin:moderation_queue")),
        },
        to=moderator_addresses(exclude_user_id=answer.expert.user_id),
    )


def answer_decided(*, answer, action, note=""):
    """Tell the expert what a moderator decided about their answer, with the note."""
    outcome, subject = DECISIONS[action]
    _later(
        subject=f"{subject}: {answer.question.title}"[:150],
        template="healthqa/email/answer_decided.txt",
        context={
            "answer": answer,
            "outcome": outcome,
            "revision": action.endswith("_revision"),
            "note": note,
            "answer_url": absolute(reverse("admin:healthqa_answer_change", args=[answer.pk])),
            "public_url": absolute(answer.get_absolute_url()),
        },
        to=[expert_address(answer.expert)],
    )


def assignment_made(*, assignment):
    """Ask the expert to answer the question they were just assigned."""
    _later(
        subject=f"A question for you: {assignment.question.title}"[:150],
        template="healthqa/email/assignment_made.txt",
        context={"assignment": assignment, "start_url": absolute(start_answer_url(assignment))},
        to=[expert_address(assignment.expert)],
    )


def assignment_reminder(*, assignment):
    """Remind the expert of an assignment past its due date.

    Sent at once: no state change waits to commit (send_reminders has already claimed the day's
    reminder in its own statement)."""
    return _send(
        subject=f"Reminder — overdue: {assignment.question.title}"[:150],
        template="healthqa/email/assignment_reminder.txt",
        context={"assignment": assignment, "start_url": absolute(start_answer_url(assignment))},
        to=[expert_address(assignment.expert)],
    )


def start_answer_url(assignment):
    """The admin's add-answer form with the assignment's question filled in."""
    add = reverse("admin:healthqa_answer_add")
    return f"{add}?question={assignment.question_id}&expert={assignment.expert_id}"
