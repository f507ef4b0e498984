"""Email: the expert hears about every decision (with the note), moderators about every answer
or revision that waits, experts about assignments. Mail leaves only after the change commits."""

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from healthqa.models import Assignment
from tests.admin.test_admin import form_data
from tests.factories import AnswerFactory, QuestionFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(expert):
    return AnswerFactory(expert=expert, pending=True, body="Submitted text.")


@pytest.fixture
def approved(expert, moderator, django_capture_on_commit_callbacks):
    answer = AnswerFactory(expert=expert, draft=True, body="Live text.")
    with django_capture_on_commit_callbacks(execute=True):
        answer.submit(by=expert.user)
        answer.approve(by=moderator)
    mail.outbox.clear()
    return answer


@pytest.mark.parametrize(
    ("method", "note", "subject", "phrase"),
    [
        ("approve", "Clear and accurate.", "Your answer is live", "approved your answer"),
        ("request_changes", "Please cite a source.", "Changes requested", "asked for changes"),
        ("reject", "Off topic.", "not accepted", "did not accept"),
    ],
)
def test_expert_is_emailed_the_decision_with_the_note(
    pending, moderator, expert_user, django_capture_on_commit_callbacks, method, note, subject,
    phrase,
):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        getattr(pending, method)(by=moderator, note=note)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [expert_user.email]
    assert subject in message.subject and pending.question.title in message.subject
    assert phrase in message.body
    assert note in message.body
    assert reverse("admin:healthqa_answer_change", args=[pending.pk]) in message.body


@pytest.mark.parametrize("method", ["approve", "request_changes", "reject"])
def test_decisions_on_a_revision_are_emailed_too(
    approved, moderator, expert_user, django_capture_on_commit_callbacks, method
):
    with django_capture_on_commit_callbacks(execute=True):
        approved.revise(body="Newer text.", by=expert_user)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        getattr(approved, method)(by=moderator, note="About your revision.")

    assert [m.to for m in mail.outbox] == [[expert_user.email]]
    assert "revis" in mail.outbox[0].subject.lower()
    assert "About your revision." in mail.outbox[0].body


def test_no_mail_leaves_before_the_change_commits(pending, moderator):
    with transaction.atomic():
        pending.approve(by=moderator)
        assert mail.outbox == []


def test_no_mail_when_the_change_is_rolled_back(
    pending, moderator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                pending.approve(by=moderator)
                raise RuntimeError("something later failed")
        except RuntimeError:
            pass

    assert callbacks == []
    assert mail.outbox == []


def test_moderators_are_emailed_when_an_answer_waits(
    expert, moderator, editor, django_capture_on_commit_callbacks
):
    other_moderator = UserFactory(groups=["Moderators"], email="mo2@example.com")
    UserFactory(groups=["Moderators"], email="gone@example.com", is_active=False)
    answer = AnswerFactory(expert=expert, draft=True)

    with django_capture_on_commit_callbacks(execute=True):
        answer.submit(by=expert.user)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == sorted([moderator.email, other_moderator.email])
    assert "new answer waits for review" in message.subject.lower()
    assert reverse("admin:moderation_queue") in message.body


def test_moderators_are_emailed_once_per_waiting_revision(
    approved, moderator, expert_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        approved.revise(body="Newer text.", by=expert_user)

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [moderator.email]
    assert "revised answer waits" in mail.outbox[0].subject.lower()


def test_moderators_are_not_emailed_about_draft_edits(
    expert, moderator, django_capture_on_commit_callbacks
):
    answer = AnswerFactory(expert=expert, draft=True)

    with django_capture_on_commit_callbacks(execute=True):
        answer.revise(body="Still a draft.", by=expert.user)

    assert mail.outbox == []


def test_expert_without_an_account_gets_no_mail(moderator, django_capture_on_commit_callbacks):
    answer = AnswerFactory(pending=True)

    with django_capture_on_commit_callbacks(execute=True):
        answer.approve(by=moderator)

    assert mail.outbox == []


def test_expert_is_emailed_when_unpublished(
    approved, moderator, expert_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        approved.unpublish(by=moderator, note="A reader found an error.")

    assert [m.to for m in mail.outbox] == [[expert_user.email]]
    assert "taken down" in mail.outbox[0].subject
    assert "A reader found an error." in mail.outbox[0].body


# --- assignments -------------------------------------------------------------------------------


def test_expert_is_emailed_when_assigned_on_the_question_page(
    client, editor, expert, django_capture_on_commit_callbacks
):
    question = QuestionFactory(draft=True)
    client.force_login(editor)
    url = reverse("admin:healthqa_question_change", args=[question.pk])
    data = form_data(client.get(url))
    data.update(
        {
            "assignments-TOTAL_FORMS": "1",
            "assignments-0-expert": expert.pk,
            "assignments-0-status": "open",
            "assignments-0-note": "Yours if you want it.",
        }
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    assert Assignment.objects.get().assigned_by == editor
    assert [m.to for m in mail.outbox] == [[expert.user.email]]
    assert "Yours if you want it." in mail.outbox[0].body

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, form_data(client.get(url)))
    assert len(mail.outbox) == 1


def test_expert_is_emailed_when_an_editor_assigns_a_question(
    client, editor, expert, django_capture_on_commit_callbacks
):
    question = QuestionFactory(draft=True)
    client.force_login(editor)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:healthqa_assignment_add"),
            {
                "question": question.pk,
                "expert": expert.pk,
                "due_at_0": "2030-01-31",
                "due_at_1": "12:00:00",
                "status": "open",
                "note": "Could you take this one?",
            },
        )

    assert response.status_code == 302, response.content.decode()[:3000]
    assignment = Assignment.objects.get()
    assert assignment.assigned_by == editor
    assert [m.to for m in mail.outbox] == [[expert.user.email]]
    body = mail.outbox[0].body
    assert question.title in body and "Could you take this one?" in body
    assert f"?question={question.pk}" in body


def test_assignment_form_lists_matching_experts_first(client, editor, expert):
    topic = TopicFactory(name="Knee Pain")
    specialist = expert.__class__.objects.create(name="Zed Knee", slug="zed-knee")
    specialist.specialties.add(topic)
    question = QuestionFactory(draft=True, topic=topic)
    client.force_login(editor)

    page = client.get(reverse("admin:healthqa_question_change", args=[question.pk]))
    html = page.content.decode()
    add_page = client.get(reverse("admin:healthqa_assignment_add"), {"question": question.pk})

    assert "Zed Knee — specialist in this topic" in html
    assert html.index("Zed Knee") < html.index(expert.name)
    assert "Zed Knee — specialist in this topic" in add_page.content.decode()


def test_a_title_with_a_line_break_makes_a_one_line_subject(
    expert, moderator, django_capture_on_commit_callbacks
):
    answer = AnswerFactory(expert=expert, pending=True, question__title="Knee\nBcc: x@evil.test")

    with django_capture_on_commit_callbacks(execute=True):
        answer.approve(by=moderator)

    assert mail.outbox[0].subject == "[HealthQA] Your answer is live: Knee Bcc: x@evil.test"
