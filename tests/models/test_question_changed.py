"""A change to an answer is a change to its question (`updated_at`, what API partners sync by
with `?updated_since=`), however it is written; a vote is not."""

from datetime import timedelta

import pytest
from django.utils import timezone

from healthqa.models import Answer, Question
from tests.factories import AnswerFactory, make_public_question

pytestmark = pytest.mark.django_db
LONG_AGO = timezone.now() - timedelta(days=30)


@pytest.fixture
def question():
    question = make_public_question()
    Question._base_manager.filter(pk=question.pk).update(updated_at=LONG_AGO)
    return question


def changed(question):
    return Question._base_manager.get(pk=question.pk).updated_at > LONG_AGO


def test_saving_an_answer_marks_its_question_changed(question):
    answer = question.answers.get()
    answer.body = "A clearer answer."
    answer.save()
    assert changed(question)


def test_an_answer_updated_from_a_script_marks_its_question_changed(question):
    Answer.objects.filter(question=question).update(status=Answer.Status.REJECTED)
    assert changed(question)


def test_answers_deleted_in_bulk_mark_their_questions_changed(question):
    AnswerFactory(question=question, position=2)
    Answer.objects.filter(question=question, position=2).delete()
    assert changed(question)


def test_an_answer_moved_marks_both_questions_changed(question):
    other = make_public_question()
    Question._base_manager.filter(pk=other.pk).update(updated_at=LONG_AGO)
    Answer.objects.filter(question=question).update(question=other)
    assert changed(question) and changed(other)


def test_a_vote_does_not_mark_the_question_changed(question):
    question.answers.get().record_vote(helpful=True)
    assert not changed(question)
