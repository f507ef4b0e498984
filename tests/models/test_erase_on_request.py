"""A reader asks for their details to be erased before `erase_personal_data` would: whoever
triages submissions erases them from the question and its history, on the record."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from healthqa.models import ModerationEvent, Question
from tests.factories import QuestionFactory

pytestmark = pytest.mark.django_db


def test_erasing_on_request_clears_the_row_and_every_history_version(moderator):
    question = QuestionFactory(submitted=True, submitted_text="Call me on 555-0100, Ann")
    question.submitted_by_email = "ann@example.org"
    question.save()
    assert question.history.filter(submitted_by_email="ann@example.org").exists()

    question.erase_reader_details(by=moderator)

    stored = Question.objects.get(pk=question.pk)
    assert (stored.submitted_by_name, stored.submitted_by_email, stored.submitted_text) == (
        "A reader",
        "",
        "",
    )
    assert not Question.history.filter(id=question.pk).exclude(submitted_by_email="").exists()
    assert set(
        Question.history.filter(id=question.pk).values_list("submitted_by_name", flat=True)
    ) == {"A reader"}
    assert ModerationEvent.objects.filter(
        object_id=question.pk, action="erase_reader_details", actor=moderator
    ).exists()


def test_a_question_without_reader_details_is_refused(editor):
    question = QuestionFactory(submitted_by_name="", submitted_by_email="")
    with pytest.raises(ValidationError):
        question.erase_reader_details(by=editor)
    assert not ModerationEvent.objects.filter(action="erase_reader_details").exists()


def test_an_expert_may_not_erase_reader_details(expert_user):
    question = QuestionFactory(submitted=True)
    with pytest.raises(PermissionDenied):
        question.erase_reader_details(by=expert_user)
    assert Question.objects.get(pk=question.pk).submitted_by_email == "reader@example.com"


def test_the_admin_action_erases_the_selected_submissions(client, editor):
    first, second = QuestionFactory(submitted=True), QuestionFactory(submitted=True)
    client.force_login(editor)
    response = client.post(
        "/admin/healthqa/question/",
        {"action": "erase_reader_details", "_selected_action": [first.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert Question.objects.get(pk=first.pk).submitted_by_email == ""
    assert Question.objects.get(pk=second.pk).submitted_by_email == "reader@example.com"
    assert "Erased the reader&#x27;s details of 1 question" in response.content.decode()
