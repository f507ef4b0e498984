"""The search index is kept in step by receivers (healthqa.search.sync), on commit: written from
committed rows only, once per item per transaction, and never by the models themselves."""

import pytest
from django.db import connection, transaction

from experts.models import Expert
from healthqa import search
from healthqa.core.signals import rows_updated
from healthqa.models import Answer, Question, SearchDocument
from healthqa.search import sync
from healthqa.search.sqlite import SQLiteBackend
from tests.factories import AnswerFactory, ExpertFactory, make_public_question


def titles(query):
    return [hit.title for hit in search.search(query)[:100]]


@pytest.fixture
def index_calls(monkeypatch):
    """The question ids the receivers re-index, in order."""
    calls = []
    real = sync.index_question

    def counting(question):
        calls.append(question.pk)
        real(question)

    monkeypatch.setattr(sync, "index_question", counting)
    return calls


@pytest.mark.django_db(transaction=True)
def test_the_index_is_written_when_the_transaction_commits():
    with transaction.atomic():
        question = make_public_question(title="Magnesium and cramps")
        assert not SearchDocument.objects.filter(question=question).exists()
    assert SearchDocument.objects.filter(question=question).exists()
    assert titles("magnesium") == ["Magnesium and cramps"]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_leaves_nothing_in_the_index():
    question = make_public_question(title="Zinc and colds")
    with pytest.raises(RuntimeError), transaction.atomic():
        question.title = "Selenium and colds"
        question.save()
        raise RuntimeError("undo")
    assert titles("selenium") == []
    assert titles("zinc") == ["Zinc and colds"]


@pytest.mark.django_db(transaction=True)
def test_a_question_saved_with_its_answers_is_indexed_once(index_calls):
    with transaction.atomic():
        question = make_public_question(answers=3, title="Iron and fatigue")
        question.title = "Iron and tiredness"
        question.save()
    assert index_calls == [question.pk]
    assert titles("tiredness") == ["Iron and tiredness"]


@pytest.mark.django_db
def test_an_expert_made_inactive_takes_their_answers_out_of_the_index():
    expert = ExpertFactory()
    question = make_public_question(answers=0, title="Knees")
    AnswerFactory(question=question, expert=expert, body="Hamstring stretches help.")
    assert titles("hamstring") == ["Knees"]

    expert.is_active = False
    expert.save()
    assert titles("hamstring") == []

    expert.is_active = True
    expert.save()
    assert titles("hamstring") == ["Knees"]


@pytest.mark.django_db
def test_an_update_sends_rows_updated_and_is_indexed_once(index_calls):
    answer = AnswerFactory(question=make_public_question(answers=0, title="Sleep"))
    index_calls.clear()
    heard = []
    rows_updated.connect(lambda **kwargs: heard.append(kwargs["pks"]), weak=False,
                         dispatch_uid="test-heard")  # fmt: skip
    try:
        Answer.objects.filter(pk=answer.pk).update(body="Keep a regular bedtime.")
    finally:
        rows_updated.disconnect(dispatch_uid="test-heard")
    assert heard == [[answer.pk]]
    assert index_calls == [answer.question_id]
    assert titles("bedtime") == ["Sleep"]


@pytest.mark.django_db
def test_a_vote_does_not_rewrite_the_index(index_calls):
    answer = AnswerFactory(question=make_public_question(answers=0))
    index_calls.clear()
    answer.record_vote(helpful=True)
    assert index_calls == []


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 table is SQLite's engine")
def test_a_deleted_question_leaves_no_row_in_the_engine_table():
    question = make_public_question(title="Vitamin D")
    document = SearchDocument.objects.get(question=question)
    question.delete()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM {SQLiteBackend.TABLE} WHERE rowid = %s", [document.pk]
        )
        assert cursor.fetchone()[0] == 0


def test_an_update_from_a_script_reaches_the_index(db):
    """QuerySet.update() sends no post_save: the querysets send rows_updated themselves."""
    question = make_public_question(title="Why do my knees ache?")
    Question.objects.filter(pk=question.pk).update(title="Why do my elbows ache?")
    assert titles("elbows") == ["Why do my elbows ache?"]
    assert titles("knees") == []


def test_deactivating_an_expert_by_update_removes_their_answers_from_the_index(db):
    question = make_public_question(title="Is swimming good for my back?")
    Expert.objects.filter(answers__question=question).update(is_active=False)
    assert titles("swimming") == []
