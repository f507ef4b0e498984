"""Previews show what is under review: pending answers and pending revisions of live answers,
marked in text; the public page stays as readers see it."""

import pytest
from django.test import Client

from healthqa.models import PreviewLink
from healthqa.public.previews import REVISION_WAITING, WAITING_FOR_REVIEW
from tests.factories import AnswerFactory, QuestionFactory, make_public_question

pytestmark = pytest.mark.django_db

NO_ANSWER = "This question has no approved answer yet."


def shared_page(question, by):
    link = PreviewLink.share(question, by=by)
    response = Client().get(link.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_shared_link_shows_the_pending_answer_under_review(editor):
    question = QuestionFactory(draft=True, title="Is it safe to run with shin splints?")
    AnswerFactory(question=question, pending=True, body="Rest first, then build up slowly.")
    page = shared_page(question, editor)
    assert "Rest first, then build up slowly." in page
    assert WAITING_FOR_REVIEW in page
    assert NO_ANSWER not in page
    assert "Was this helpful?" not in page  # no votes on an answer readers cannot see


def test_shared_link_shows_the_pending_revision_of_a_live_answer(editor, expert_user, expert):
    question = QuestionFactory(draft=True)
    answer = AnswerFactory(question=question, expert=expert, body="Ice it twice a day.")
    answer.revise(body="Ice it **three** times a day.", by=expert_user)
    page = shared_page(question, editor)
    assert "Ice it <strong>three</strong> times a day." in page
    assert REVISION_WAITING in page
    assert "The approved text readers see now" in page
    assert "Ice it twice a day." in page  # the live text, kept below


def test_staff_preview_marks_the_same(client, editor):
    question = QuestionFactory(draft=True)
    approved = AnswerFactory(question=question, body="The approved one.")
    AnswerFactory(question=question, pending=True, body="The pending one.")
    client.force_login(editor)
    page = client.get(question.get_absolute_url()).content.decode()
    assert "The approved one." in page and "The pending one." in page
    assert page.count(WAITING_FOR_REVIEW) == 1
    assert f'id="answer-{approved.pk}"' in page
    assert "answer--under-review" in page


@pytest.mark.parametrize("trait", ["draft", "rejected", "changes_requested"])
def test_previews_leave_out_answers_not_sent_for_review(editor, trait):
    question = QuestionFactory(draft=True)
    AnswerFactory(question=question, body="Not for anyone's eyes yet.", **{trait: True})
    page = shared_page(question, editor)
    assert "Not for anyone's eyes yet." not in page
    assert NO_ANSWER in page


def test_public_page_shows_only_the_approved_text(expert_user, expert):
    question = make_public_question(answers=0)
    live = AnswerFactory(question=question, expert=expert, body="Approved advice.")
    live.revise(body="Revised advice.", by=expert_user)
    AnswerFactory(question=question, pending=True, body="Pending advice.")
    page = Client().get(question.get_absolute_url()).content.decode()
    assert "Approved advice." in page
    assert "Revised advice." not in page and "Pending advice." not in page
    assert WAITING_FOR_REVIEW not in page and REVISION_WAITING not in page
    assert "Was this helpful?" in page
