"""Corrections: made by approving a revision of a live answer or on a live article, written with
their audit row in the approval's transaction, and never deleted."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import ProtectedError

from healthqa.core.text import action_label
from healthqa.models import Answer, AnswerRevision, Correction, ModerationEvent, Question
from tests.factories import AnswerFactory, ArticleFactory, make_corrected_answer
from tests.models.test_moderation import events_for

pytestmark = pytest.mark.django_db

NOTE = "We said 2,000 mg; the right dose is 200 mg."


@pytest.fixture
def live(expert, moderator):
    answer = AnswerFactory(expert=expert, draft=True, body="Take 2,000 mg.")
    answer.submit(by=expert.user)
    answer.approve(by=moderator)
    return answer


@pytest.fixture
def revised(live, expert_user):
    live.revise(body="Take 200 mg.", by=expert_user)
    return live


def test_approving_a_revision_as_a_correction_records_it(revised, moderator):
    revision = revised.pending_revision()
    revised.approve(by=moderator, correction=f"  {NOTE}\n")
    correction = Correction.objects.get()
    assert correction.answer == revised
    assert correction.revision == revision
    assert correction.note == NOTE
    assert correction.made_by == moderator
    revised.refresh_from_db()
    assert correction.made_at == revised.reviewed_at
    assert revised.body == "Take 200 mg."
    assert correction.get_absolute_url().endswith(f"#correction-{correction.pk}")


def test_the_correction_is_on_record_with_its_note(revised, moderator):
    revised.approve(by=moderator, correction=NOTE)
    actions = [(event.action, event.note) for event in events_for(revised)]
    assert actions[-2:] == [("approve_revision", ""), ("correct", NOTE)]
    assert action_label("correct") == "Marked as a correction"


def test_an_approval_without_a_correction_records_none(revised, moderator):
    revised.approve(by=moderator)
    assert not Correction.objects.exists()
    assert "correct" not in [event.action for event in events_for(revised)]


def test_a_first_approval_cannot_be_a_correction(expert, moderator):
    pending = AnswerFactory(expert=expert, draft=True)
    pending.submit(by=expert.user)
    with pytest.raises(ValidationError, match="Only an edit of a live answer"):
        pending.approve(by=moderator, correction=NOTE)
    pending.refresh_from_db()
    assert pending.status == Answer.Status.PENDING
    assert not Correction.objects.exists()


def test_a_blank_correction_note_is_refused(revised, moderator):
    with pytest.raises(ValidationError, match="public note"):
        revised.approve(by=moderator, correction="   ")
    assert revised.pending_revision() is not None
    assert not Correction.objects.exists()


def test_a_correction_note_over_1000_characters_is_refused(revised, moderator):
    with pytest.raises(ValidationError, match="1,000"):
        revised.approve(by=moderator, correction="x" * 1001)
    assert not Correction.objects.exists()


def test_a_failing_approval_leaves_no_correction_and_no_approval(revised, moderator, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(ModerationEvent, "record", broken)
    with pytest.raises(RuntimeError):
        revised.approve(by=moderator, correction=NOTE)
    assert not Correction.objects.exists()
    revised.refresh_from_db()
    assert revised.body == "Take 2,000 mg."
    assert revised.revisions.filter(status=AnswerRevision.Status.PENDING).exists()


def test_an_expert_cannot_mark_a_correction(revised, other_expert_user):
    with pytest.raises(PermissionDenied):
        revised.approve(by=other_expert_user, correction=NOTE)
    assert not Correction.objects.exists()


# --- articles -----------------------------------------------------------------------------------


def test_an_editor_records_a_correction_of_a_live_article(editor, frozen):
    article = ArticleFactory()
    correction = article.record_correction(note=NOTE, by=editor)
    assert (correction.article, correction.answer, correction.note) == (article, None, NOTE)
    assert correction.made_by == editor
    assert [(e.action, e.note, e.actor) for e in events_for(article)] == [("correct", NOTE, editor)]


@pytest.mark.parametrize(
    ("traits", "state"),
    [
        ({"draft": True}, "draft"),
        ({"scheduled": True}, "scheduled"),
        ({"archived": True}, "archived"),
    ],
)
def test_only_a_live_article_can_be_corrected(editor, traits, state):
    article = ArticleFactory(**traits)
    with pytest.raises(ValidationError, match=f"this one is {state}"):
        article.record_correction(note=NOTE, by=editor)
    assert not Correction.objects.exists()
    assert not events_for(article)


def test_a_moderator_cannot_correct_an_article(moderator):
    with pytest.raises(PermissionDenied):
        ArticleFactory().record_correction(note=NOTE, by=moderator)


def test_an_article_correction_needs_a_note(editor):
    with pytest.raises(ValidationError, match="public note"):
        ArticleFactory().record_correction(note="", by=editor)


# --- never deleted --------------------------------------------------------------------------------


def test_a_correction_refuses_to_be_deleted():
    correction = make_corrected_answer()
    with pytest.raises(PermissionDenied):
        correction.delete()
    assert Correction.objects.filter(pk=correction.pk).exists()


def test_a_corrected_answer_article_or_question_cannot_be_deleted(editor):
    correction = make_corrected_answer()
    with pytest.raises(ProtectedError):
        correction.answer.delete()
    with pytest.raises(ProtectedError):
        correction.answer.question.delete()
    article = ArticleFactory()
    article.record_correction(note=NOTE, by=editor)
    with pytest.raises(ProtectedError):
        article.delete()
    assert Correction.objects.count() == 2


def test_public_lists_only_corrections_of_what_readers_see(editor):
    shown = make_corrected_answer()
    hidden = make_corrected_answer()
    Question.objects.filter(pk=hidden.answer.question_id).update(status=Question.Status.DRAFT)
    article = ArticleFactory()
    on_article = article.record_correction(note=NOTE, by=editor)
    assert set(Correction.objects.public()) == {shown, on_article}
    article.archive(by=editor)
    assert set(Correction.objects.public()) == {shown}
