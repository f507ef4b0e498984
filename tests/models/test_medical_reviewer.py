"""Naming the medical reviewer of an answer: an editor names an active clinician expert (not the
answer's own) and the day of the review; a live answer only, a stale copy refused, audited."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from healthqa.core.bases import EditConflict
from healthqa.models import Answer
from tests.admin.test_admin import events_of
from tests.factories import AnswerFactory, ExpertFactory
from tests.models.test_transactions import assert_all_or_nothing

pytestmark = pytest.mark.django_db

TODAY = date(2025, 3, 14)  # the frozen clock's day


@pytest.fixture
def clinician(db):
    return ExpertFactory(is_clinician=True, name="Dr. Ada Reviewer", credentials="MD, MPH")


def reviewer_of(answer):
    answer.refresh_from_db()
    return answer.medical_reviewer, answer.medically_reviewed_on


def test_an_editor_names_a_clinician_with_the_day_of_the_review(editor, clinician, frozen):
    answer = AnswerFactory()
    version = answer.version

    answer.name_medical_reviewer(reviewer=clinician, reviewed_on=TODAY, by=editor)

    assert reviewer_of(answer) == (clinician, TODAY)
    assert answer.version == version + 1
    event = events_of(answer).get()
    assert (event.actor, event.action, event.from_state, event.to_state) == (
        editor,
        "medical_review",
        "approved",
        "approved",
    )
    assert event.note == "Dr. Ada Reviewer, MD, MPH (2025-03-14)"
    assert answer.history.first().medical_reviewer_id == clinician.pk


def test_an_earlier_day_is_accepted_and_none_clears_both(editor, clinician, frozen):
    answer = AnswerFactory()
    answer.name_medical_reviewer(
        reviewer=clinician, reviewed_on=TODAY - timedelta(days=30), by=editor
    )

    answer.name_medical_reviewer(reviewer=None, reviewed_on=TODAY, by=editor)

    assert reviewer_of(answer) == (None, None)
    assert [e.note for e in events_of(answer).order_by("pk")] == [
        "Dr. Ada Reviewer, MD, MPH (2025-02-12)",
        "Cleared",
    ]


@pytest.mark.parametrize("role", ["moderator", "expert_user", "reader"])
def test_only_holders_of_the_permission_name_reviewers(request, role, clinician, frozen):
    answer = AnswerFactory()

    with pytest.raises(PermissionDenied):
        answer.name_medical_reviewer(
            reviewer=clinician, reviewed_on=TODAY, by=request.getfixturevalue(role)
        )

    assert reviewer_of(answer) == (None, None)
    assert not events_of(answer).exists()


def test_an_inactive_editor_is_refused(editor, clinician, frozen):
    answer = AnswerFactory()
    editor.is_active = False
    editor.save(update_fields=["is_active"])

    with pytest.raises(PermissionDenied):
        answer.name_medical_reviewer(reviewer=clinician, reviewed_on=TODAY, by=editor)

    assert reviewer_of(answer) == (None, None)


@pytest.mark.parametrize(
    "reviewer",
    [
        {"is_clinician": False},
        {"is_clinician": True, "is_active": False},
    ],
    ids=["not a clinician", "inactive clinician"],
)
def test_only_an_active_clinician_can_be_named(editor, reviewer, frozen):
    answer = AnswerFactory()

    with pytest.raises(ValidationError, match="not an active clinician"):
        answer.name_medical_reviewer(
            reviewer=ExpertFactory(**reviewer), reviewed_on=TODAY, by=editor
        )

    assert reviewer_of(answer) == (None, None)
    assert not events_of(answer).exists()


def test_an_answers_own_expert_cannot_review_it(editor, clinician, frozen):
    answer = AnswerFactory(expert=clinician)

    with pytest.raises(ValidationError, match="own expert"):
        answer.name_medical_reviewer(reviewer=clinician, reviewed_on=TODAY, by=editor)

    assert reviewer_of(answer) == (None, None)


@pytest.mark.parametrize("reviewed_on", [TODAY + timedelta(days=1), None])
def test_the_day_must_be_given_and_not_in_the_future(editor, clinician, reviewed_on, frozen):
    answer = AnswerFactory()

    with pytest.raises(ValidationError, match="today or earlier"):
        answer.name_medical_reviewer(reviewer=clinician, reviewed_on=reviewed_on, by=editor)

    assert reviewer_of(answer) == (None, None)


@pytest.mark.parametrize(
    "state",
    [{"pending": True}, {"draft": True}, {"status": Answer.Status.REJECTED}],
    ids=["pending", "draft", "rejected"],
)
def test_only_a_live_answer_gets_a_medical_reviewer(editor, clinician, state, frozen):
    answer = AnswerFactory(**state)

    with pytest.raises(ValidationError, match="live answer"):
        answer.name_medical_reviewer(reviewer=clinician, reviewed_on=TODAY, by=editor)

    assert reviewer_of(answer) == (None, None)


def test_a_stale_copy_is_refused(editor, superuser, clinician, frozen):
    answer = AnswerFactory()
    stale = Answer.objects.get(pk=answer.pk)
    answer.confirm_review(by=superuser)

    with pytest.raises(EditConflict):
        stale.name_medical_reviewer(reviewer=clinician, reviewed_on=TODAY, by=editor)
    with pytest.raises(EditConflict):
        Answer.objects.get(pk=answer.pk).name_medical_reviewer(
            reviewer=clinician, reviewed_on=TODAY, by=editor, version=stale.version
        )

    assert reviewer_of(answer) == (None, None)
    assert [e.action for e in events_of(answer)] == ["confirm_review"]


def test_naming_a_reviewer_is_all_or_nothing(editor, clinician, frozen):
    answer = AnswerFactory()

    assert_all_or_nothing(
        lambda: Answer.objects.get(pk=answer.pk).name_medical_reviewer(
            reviewer=clinician, reviewed_on=timezone.localdate(), by=editor
        )
    )
