"""Reader reports in the admin: the flags queue, dismissing, acting (the answer is taken down
and its expert told), and the reports shown on the answer's page."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from healthqa.models import Answer, Flag
from tests.factories import AnswerFactory, FlagFactory

pytestmark = pytest.mark.django_db

FLAGS = "/admin/moderation/flags/"


@pytest.fixture
def answer(expert):
    return AnswerFactory(expert=expert)


@pytest.fixture
def flag(answer):
    return FlagFactory(answer=answer, details="It says <b>never</b> see a doctor.")


def decide(client, flag, decision, note=""):
    url = reverse("admin:moderation_flag_decide", args=[flag.pk])
    return client.post(url, {"decision": decision, "note": note}, follow=True)


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


@pytest.mark.parametrize("role", ["editor", "expert_user"])
def test_only_moderators_open_the_flags_queue(client, request, role, flag):
    client.force_login(request.getfixturevalue(role))

    assert client.get(FLAGS).status_code == 403
    assert decide(client, flag, "dismiss").status_code == 403
    assert Flag.objects.get(pk=flag.pk).status == Flag.Status.OPEN


@pytest.mark.parametrize("role", ["moderator", "superuser"])
def test_moderators_see_open_flags_oldest_first(client, request, role, flag, answer):
    newer = FlagFactory(answer=answer, reason=Flag.Reason.SPAM)
    FlagFactory(answer=answer, status=Flag.Status.DISMISSED)
    client.force_login(request.getfixturevalue(role))

    response = client.get(FLAGS)

    assert response.status_code == 200
    assert response.context["flags"] == [flag, newer]
    page = response.content.decode()
    assert "&lt;b&gt;never&lt;/b&gt;" in page
    assert answer.question.title in page


def test_moderator_dismisses_a_flag(client, moderator, flag, answer):
    client.force_login(moderator)

    response = decide(client, flag, "dismiss", note="The answer is right.")

    flag.refresh_from_db()
    assert (flag.status, flag.handled_by, flag.resolution_note) == (
        Flag.Status.DISMISSED,
        moderator,
        "The answer is right.",
    )
    assert Answer.objects.get(pk=answer.pk).status == Answer.Status.APPROVED
    assert f"Report #{flag.pk} dismissed." in messages_of(response)


def test_acting_on_a_flag_unpublishes_the_answer_and_tells_the_expert(
    client, moderator, flag, answer, expert_user, django_capture_on_commit_callbacks
):
    other = FlagFactory(answer=answer)
    client.force_login(moderator)

    with django_capture_on_commit_callbacks(execute=True):
        decide(client, flag, "act", note="Unsafe advice; please revise.")

    answer.refresh_from_db()
    assert answer.status == Answer.Status.REJECTED
    assert not answer.question.is_public
    assert set(Flag.objects.values_list("status", flat=True)) == {Flag.Status.ACTIONED}
    assert Flag.objects.get(pk=other.pk).resolution_note == "Unsafe advice; please revise."
    assert [m.to for m in mail.outbox] == [[expert_user.email]]
    assert "Unsafe advice; please revise." in mail.outbox[0].body


def test_acting_needs_a_note(client, moderator, flag, answer):
    client.force_login(moderator)

    response = decide(client, flag, "act")

    assert Flag.objects.get(pk=flag.pk).status == Flag.Status.OPEN
    assert Answer.objects.get(pk=answer.pk).status == Answer.Status.APPROVED
    assert any("note" in message for message in messages_of(response))


def test_a_handled_flag_cannot_be_handled_again(client, moderator, flag):
    client.force_login(moderator)
    decide(client, flag, "dismiss")

    response = decide(client, flag, "act", note="Too late.")

    assert Flag.objects.get(pk=flag.pk).status == Flag.Status.DISMISSED
    assert any("already been handled" in message for message in messages_of(response))


def test_acting_on_a_question_flag_marks_it_actioned(moderator):
    flag = FlagFactory(on_question=True)

    flag.act(by=moderator, note="Question reworded.")

    assert flag.status == Flag.Status.ACTIONED


def test_editors_cannot_act_on_flags(editor, flag):
    with pytest.raises(PermissionDenied):
        flag.act(by=editor, note="No.")


def test_act_refuses_an_empty_note(moderator, flag):
    with pytest.raises(ValidationError):
        flag.act(by=moderator, note="")


def test_bad_flag_decisions_are_refused(client, moderator, flag):
    client.force_login(moderator)

    response = decide(client, flag, "delete")

    assert response.status_code == 200
    assert Flag.objects.get(pk=flag.pk).status == Flag.Status.OPEN
    url = reverse("admin:moderation_flag_decide", args=[999999])
    assert client.post(url, {"decision": "dismiss"}).status_code == 404
    assert client.get(reverse("admin:moderation_flag_decide", args=[flag.pk])).status_code == 405


def test_flag_decisions_need_a_csrf_token(moderator, flag):
    client = Client(enforce_csrf_checks=True)
    client.force_login(moderator)

    assert decide(client, flag, "dismiss").status_code == 403


def test_answer_change_page_shows_its_flags(client, moderator, flag, answer):
    client.force_login(moderator)

    page = client.get(reverse("admin:healthqa_answer_change", args=[answer.pk])).content.decode()

    assert "Reader reports" in page
    assert "It says &lt;b&gt;never&lt;/b&gt; see a doctor." in page


def test_admin_home_counts_open_flags(client, moderator, flag):
    client.force_login(moderator)

    page = client.get(reverse("admin:index")).content.decode()

    assert f'href="{FLAGS}">Reader reports</a></th><td class="open-count">1 open' in page
