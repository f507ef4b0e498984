"""The review workflow of SPEC §3: who may move answers and questions between states."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from healthqa.models import Answer, AnswerRevision, Assignment, ModerationEvent, Question
from tests.factories import (
    AnswerFactory,
    AssignmentFactory,
    ExpertFactory,
    QuestionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

S = Answer.Status


def events_for(obj):
    """Moderation events of `obj`, oldest first."""
    return list(
        ModerationEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        ).order_by("created_at", "pk")
    )


def event_summary(event):
    return (event.actor, event.action, event.from_state, event.to_state, event.note)


@pytest.fixture
def draft(expert):
    return AnswerFactory(expert=expert, draft=True, body="First draft.")


@pytest.fixture
def pending(expert):
    return AnswerFactory(expert=expert, pending=True, body="Submitted text.")


@pytest.fixture
def approved(expert, moderator, frozen):
    """An answer that went through review, with its first version on record."""
    answer = AnswerFactory(expert=expert, draft=True, body="Live text.")
    answer.submit(by=expert.user)
    answer.approve(by=moderator)
    return answer


# --- submit ------------------------------------------------------------------------------------


def test_expert_submits_own_draft_for_review(draft, expert_user, frozen):
    draft.submit(by=expert_user)

    assert draft.status == S.PENDING
    assert draft.submitted_at == timezone.now()
    assert [event_summary(e) for e in events_for(draft)] == [
        (expert_user, "submit", "draft", "pending", "")
    ]


@pytest.mark.parametrize("user", [None, AnonymousUser()], ids=["none", "anonymous"])
def test_anonymous_user_cannot_submit_an_answer(draft, user):
    with pytest.raises(PermissionDenied):
        draft.submit(by=user)

    draft.refresh_from_db()
    assert draft.status == S.DRAFT
    assert events_for(draft) == []


def test_reader_cannot_submit_someone_elses_answer(draft, reader):
    with pytest.raises(PermissionDenied):
        draft.submit(by=reader)

    assert Answer.objects.get(pk=draft.pk).status == S.DRAFT


def test_editor_cannot_submit_an_experts_answer(draft, editor):
    with pytest.raises(PermissionDenied):
        draft.submit(by=editor)


def test_inactive_expert_account_cannot_submit(draft, expert_user):
    expert_user.is_active = False

    with pytest.raises(PermissionDenied):
        draft.submit(by=expert_user)


def test_expert_cannot_submit_another_experts_answer(draft, other_expert_user):
    with pytest.raises(PermissionDenied):
        draft.submit(by=other_expert_user)


@pytest.mark.parametrize("trait", ["pending", "rejected"])
def test_only_drafts_and_sent_back_answers_can_be_submitted(expert, trait):
    answer = AnswerFactory(expert=expert, **{trait: True})

    with pytest.raises(ValidationError):
        answer.submit(by=expert.user)

    assert Answer.objects.get(pk=answer.pk).status == trait
    assert events_for(answer) == []


def test_submitting_an_approved_answer_is_refused(approved, expert_user):
    with pytest.raises(ValidationError):
        approved.submit(by=expert_user)

    assert Answer.objects.get(pk=approved.pk).status == S.APPROVED


# --- approve -----------------------------------------------------------------------------------


def test_moderator_approves_a_pending_answer(pending, moderator, frozen):
    pending.approve(by=moderator, note="Clear and accurate.")

    pending.refresh_from_db()
    assert pending.status == S.APPROVED
    assert pending.reviewed_by == moderator
    assert pending.reviewed_at == timezone.now()
    assert pending.review_note == "Clear and accurate."
    assert [event_summary(e) for e in events_for(pending)] == [
        (moderator, "approve", "pending", "approved", "Clear and accurate.")
    ]


def test_approving_makes_the_question_public(pending, moderator):
    assert not pending.question.is_public

    pending.approve(by=moderator)

    assert pending.question.is_public


def test_superuser_can_approve(pending, superuser):
    pending.approve(by=superuser)

    assert pending.status == S.APPROVED


def test_expert_cannot_approve_own_answer(pending, expert_user):
    with pytest.raises(PermissionDenied):
        pending.approve(by=expert_user)

    assert Answer.objects.get(pk=pending.pk).status == S.PENDING
    assert events_for(pending) == []


def test_expert_cannot_approve_another_experts_answer(pending, other_expert_user):
    with pytest.raises(PermissionDenied):
        pending.approve(by=other_expert_user)


def test_editor_cannot_approve_answers(pending, editor):
    with pytest.raises(PermissionDenied):
        pending.approve(by=editor)


@pytest.mark.parametrize("user", [None, AnonymousUser()], ids=["none", "anonymous"])
def test_anonymous_user_cannot_approve(pending, user):
    with pytest.raises(PermissionDenied):
        pending.approve(by=user)


def test_inactive_moderator_cannot_approve(pending, moderator):
    moderator.is_active = False

    with pytest.raises(PermissionDenied):
        pending.approve(by=moderator)


@pytest.mark.parametrize("action", ["approve", "request_changes", "reject"])
def test_moderator_cannot_review_an_answer_by_their_own_expert_profile(moderator, action):
    own = AnswerFactory(expert=ExpertFactory(user=moderator), pending=True)

    with pytest.raises(PermissionDenied):
        getattr(own, action)(by=moderator, note="Looks fine to me.")

    assert Answer.objects.get(pk=own.pk).status == S.PENDING
    assert events_for(own) == []


@pytest.mark.parametrize("trait", ["draft", "changes_requested", "rejected"])
def test_only_pending_answers_can_be_approved(expert, moderator, trait):
    answer = AnswerFactory(expert=expert, **{trait: True})

    with pytest.raises(ValidationError):
        answer.approve(by=moderator)

    assert Answer.objects.get(pk=answer.pk).status == trait
    assert events_for(answer) == []


def test_approving_an_approved_answer_without_a_pending_revision_is_refused(approved, moderator):
    with pytest.raises(ValidationError):
        approved.approve(by=moderator)


def test_state_change_is_undone_when_the_event_cannot_be_written(pending, moderator, monkeypatch):
    def broken_record(*args, **kwargs):
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(ModerationEvent, "record", broken_record)

    with pytest.raises(RuntimeError):
        pending.approve(by=moderator)

    assert Answer.objects.get(pk=pending.pk).status == S.PENDING
    assert not AnswerRevision.objects.filter(answer=pending).exists()


# --- request changes and reject ----------------------------------------------------------------


def test_moderator_requests_changes_with_a_note(pending, moderator):
    pending.request_changes(by=moderator, note="Please cite a source.")

    pending.refresh_from_db()
    assert pending.status == S.CHANGES_REQUESTED
    assert pending.review_note == "Please cite a source."
    assert [event_summary(e) for e in events_for(pending)] == [
        (moderator, "request_changes", "pending", "changes_requested", "Please cite a source.")
    ]


def test_moderator_rejects_with_a_note(pending, moderator):
    pending.reject(by=moderator, note="Not an answer to the question.")

    pending.refresh_from_db()
    assert pending.status == S.REJECTED
    assert pending.review_note == "Not an answer to the question."
    assert [event_summary(e) for e in events_for(pending)] == [
        (moderator, "reject", "pending", "rejected", "Not an answer to the question.")
    ]


@pytest.mark.parametrize("action", ["request_changes", "reject"])
@pytest.mark.parametrize("note", ["", "   \n"], ids=["empty", "blank"])
def test_sending_back_requires_a_note(pending, moderator, action, note):
    with pytest.raises(ValidationError):
        getattr(pending, action)(by=moderator, note=note)

    assert Answer.objects.get(pk=pending.pk).status == S.PENDING
    assert events_for(pending) == []


@pytest.mark.parametrize("action", ["request_changes", "reject"])
def test_expert_cannot_send_back_answers(pending, other_expert_user, action):
    with pytest.raises(PermissionDenied):
        getattr(pending, action)(by=other_expert_user, note="No.")


@pytest.mark.parametrize("action", ["request_changes", "reject"])
@pytest.mark.parametrize("trait", ["draft", "changes_requested", "rejected"])
def test_only_pending_answers_can_be_sent_back(expert, moderator, action, trait):
    answer = AnswerFactory(expert=expert, **{trait: True})

    with pytest.raises(ValidationError):
        getattr(answer, action)(by=moderator, note="Please fix.")

    assert Answer.objects.get(pk=answer.pk).status == trait


def test_expert_resubmits_after_changes_requested(pending, expert_user, moderator):
    pending.request_changes(by=moderator, note="Please cite a source.")

    pending.revise(body="Submitted text, with a source.", by=expert_user)
    pending.submit(by=expert_user)

    pending.refresh_from_db()
    assert pending.status == S.PENDING
    assert pending.body == "Submitted text, with a source."
    assert [(e.action, e.from_state, e.to_state) for e in events_for(pending)] == [
        ("request_changes", "pending", "changes_requested"),
        ("edit", "changes_requested", "changes_requested"),
        ("submit", "changes_requested", "pending"),
    ]

    pending.approve(by=moderator)
    assert pending.status == S.APPROVED


# --- revise ------------------------------------------------------------------------------------


def test_revising_a_draft_changes_it_in_place(draft, expert_user):
    draft.revise(body="Better draft.", by=expert_user)

    draft.refresh_from_db()
    assert draft.status == S.DRAFT
    assert draft.body == "Better draft."
    assert "Better draft." in draft.body_html
    assert not draft.revisions.exists()
    assert [event_summary(e) for e in events_for(draft)] == [
        (expert_user, "edit", "draft", "draft", "")
    ]


def test_revise_refuses_an_empty_body(draft, expert_user):
    with pytest.raises(ValidationError):
        draft.revise(body="  ", by=expert_user)

    assert Answer.objects.get(pk=draft.pk).body == "First draft."


def test_rejected_answer_cannot_be_revised(expert):
    answer = AnswerFactory(expert=expert, rejected=True)

    with pytest.raises(ValidationError):
        answer.revise(body="Try again.", by=expert.user)


def test_reader_cannot_revise_an_answer(approved, reader):
    with pytest.raises(PermissionDenied):
        approved.revise(body="Vandalism.", by=reader)

    assert not approved.revisions.filter(status=AnswerRevision.Status.PENDING).exists()


def test_expert_cannot_revise_another_experts_approved_answer(approved, other_expert_user):
    with pytest.raises(PermissionDenied):
        approved.revise(body="Words in your mouth.", by=other_expert_user)


def test_revising_an_approved_answer_keeps_the_live_text(approved, expert_user, frozen):
    live_html = approved.body_html

    approved.revise(body="Updated text.", by=expert_user)

    approved.refresh_from_db()
    assert approved.status == S.APPROVED
    assert approved.body == "Live text."
    assert approved.body_html == live_html
    assert Answer.objects.public().filter(pk=approved.pk).exists()
    revision = approved.pending_revision()
    assert revision.body == "Updated text."
    assert revision.created_by == expert_user
    assert list(Answer.objects.waiting_for_review()) == [approved]
    assert event_summary(events_for(approved)[-1]) == (
        expert_user, "revise", "approved", "approved", ""
    )  # fmt: skip


def test_a_new_revision_supersedes_the_pending_one(approved, expert_user):
    approved.revise(body="Second.", by=expert_user)
    approved.revise(body="Third.", by=expert_user)

    statuses = dict(approved.revisions.values_list("body", "status"))
    assert statuses["Second."] == AnswerRevision.Status.SUPERSEDED
    assert statuses["Third."] == AnswerRevision.Status.PENDING
    assert approved.pending_revision().body == "Third."


def test_approving_a_revision_makes_it_live(approved, expert_user, moderator, frozen):
    approved.revise(body="Updated **text**.", by=expert_user)
    frozen.tick(timedelta(days=3))

    approved.approve(by=moderator, note="Good update.")

    approved.refresh_from_db()
    assert approved.status == S.APPROVED
    assert approved.body == "Updated **text**."
    assert "<strong>text</strong>" in approved.body_html
    assert approved.reviewed_by == moderator
    assert approved.reviewed_at == timezone.now()
    assert approved.pending_revision() is None
    revision = approved.revisions.get(body="Updated **text**.")
    assert revision.status == AnswerRevision.Status.APPROVED
    assert (revision.reviewed_by, revision.reviewed_at) == (moderator, timezone.now())
    assert event_summary(events_for(approved)[-1]) == (
        moderator, "approve_revision", "approved", "approved", "Good update."
    )  # fmt: skip


def test_approving_a_revision_records_the_new_reviewer(approved, expert_user, superuser):
    approved.revise(body="Updated.", by=expert_user)

    approved.approve(by=superuser)

    assert Answer.objects.get(pk=approved.pk).reviewed_by == superuser


def test_rejecting_a_revision_leaves_the_live_text(approved, expert_user, moderator, frozen):
    reviewed_at = approved.reviewed_at
    approved.revise(body="Dubious claim.", by=expert_user)
    frozen.tick(timedelta(days=1))

    approved.reject(by=moderator, note="Unsupported claim.")

    approved.refresh_from_db()
    assert approved.status == S.APPROVED
    assert approved.body == "Live text."
    assert approved.reviewed_at == reviewed_at
    assert approved.question.is_public
    revision = approved.revisions.get(body="Dubious claim.")
    assert revision.status == AnswerRevision.Status.REJECTED
    assert revision.review_note == "Unsupported claim."
    assert event_summary(events_for(approved)[-1]) == (
        moderator, "reject_revision", "approved", "approved", "Unsupported claim."
    )  # fmt: skip


def test_requesting_changes_on_a_revision_leaves_the_live_text(approved, expert_user, moderator):
    approved.revise(body="Needs work.", by=expert_user)

    approved.request_changes(by=moderator, note="Add a source.")

    approved.refresh_from_db()
    assert approved.status == S.APPROVED
    assert approved.body == "Live text."
    assert approved.revisions.get(body="Needs work.").status == "changes_requested"
    assert events_for(approved)[-1].action == "request_changes_revision"


def test_revision_needs_a_moderator(approved, expert_user):
    approved.revise(body="Sneaky.", by=expert_user)

    with pytest.raises(PermissionDenied):
        approved.approve(by=expert_user)

    assert Answer.objects.get(pk=approved.pk).body == "Live text."


def test_every_version_of_an_answer_is_kept(approved, expert_user, moderator):
    approved.revise(body="Version two.", by=expert_user)
    approved.approve(by=moderator)
    approved.revise(body="Version three.", by=expert_user)
    approved.reject(by=moderator, note="No.")
    approved.revise(body="Version four.", by=expert_user)
    approved.revise(body="Version five.", by=expert_user)

    versions = dict(approved.revisions.values_list("body", "status"))
    assert versions == {
        "Live text.": "approved",
        "Version two.": "approved",
        "Version three.": "rejected",
        "Version four.": "superseded",
        "Version five.": "pending",
    }
    assert Answer.objects.get(pk=approved.pk).body == "Version two."


def test_the_version_sent_back_for_changes_is_kept(pending, expert_user, moderator):
    pending.request_changes(by=moderator, note="Please cite a source.")
    pending.revise(body="Submitted text, with a source.", by=expert_user)

    assert pending.revisions.filter(body="Submitted text.").exists()


def test_moderator_cannot_rewrite_an_experts_answer(approved, moderator):
    with pytest.raises(PermissionDenied):
        approved.revise(body="Rewritten by the moderator.", by=moderator)

    assert not approved.revisions.filter(status="pending").exists()


def test_nobody_approves_a_revision_they_wrote(approved, superuser):
    approved.revise(body="Rewritten by an administrator.", by=superuser)

    with pytest.raises(PermissionDenied):
        approved.approve(by=superuser)


def test_moderation_events_are_kept_in_order(draft, expert_user, moderator):
    draft.submit(by=expert_user)
    draft.request_changes(by=moderator, note="More detail.")
    draft.revise(body="More detail.", by=expert_user)
    draft.submit(by=expert_user)
    draft.approve(by=moderator)

    assert [(e.actor, e.action) for e in events_for(draft)] == [
        (expert_user, "submit"),
        (moderator, "request_changes"),
        (expert_user, "edit"),
        (expert_user, "submit"),
        (moderator, "approve"),
    ]


# --- questions ---------------------------------------------------------------------------------


def test_editor_publishes_a_draft_question(editor, frozen):
    question = QuestionFactory(draft=True)

    question.publish(by=editor, note="Ready.")

    assert question.status == Question.Status.PUBLISHED
    assert question.published_at == timezone.now()
    assert [event_summary(e) for e in events_for(question)] == [
        (editor, "publish", "draft", "published", "Ready.")
    ]


def test_publishing_keeps_a_scheduled_date(editor, frozen):
    later = timezone.now() + timedelta(days=2)
    question = QuestionFactory(draft=True, published_at=later)

    question.publish(by=editor)

    assert question.published_at == later
    assert question.is_scheduled


def test_editor_archives_and_republishes_a_question(editor):
    question = QuestionFactory()

    question.archive(by=editor)
    assert question.status == Question.Status.ARCHIVED

    question.publish(by=editor)
    assert question.status == Question.Status.PUBLISHED
    assert [(e.action, e.from_state, e.to_state) for e in events_for(question)] == [
        ("archive", "published", "archived"),
        ("publish", "archived", "published"),
    ]


@pytest.mark.parametrize("role", ["editor", "moderator"])
def test_editors_and_moderators_accept_reader_submissions(request, role):
    user = request.getfixturevalue(role)
    question = QuestionFactory(submitted=True)

    question.accept_submission(by=user)

    assert question.status == Question.Status.DRAFT
    assert [event_summary(e) for e in events_for(question)] == [
        (user, "accept", "submitted", "draft", "")
    ]


@pytest.mark.parametrize("role", ["editor", "moderator"])
def test_editors_and_moderators_reject_reader_submissions(request, role):
    user = request.getfixturevalue(role)
    question = QuestionFactory(submitted=True)

    question.reject(by=user, note="Spam.")

    assert question.status == Question.Status.REJECTED
    assert [event_summary(e) for e in events_for(question)] == [
        (user, "reject", "submitted", "rejected", "Spam.")
    ]


@pytest.mark.parametrize("role", ["expert_user", "reader"])
@pytest.mark.parametrize(
    ("trait", "action"),
    [("draft", "publish"), ("archived", "publish"), ("", "archive"),
     ("submitted", "accept_submission"), ("submitted", "reject")],
)  # fmt: skip
def test_experts_and_readers_cannot_change_question_states(request, role, trait, action):
    user = request.getfixturevalue(role)
    question = QuestionFactory(**({trait: True} if trait else {}))
    before = question.status

    with pytest.raises(PermissionDenied):
        getattr(question, action)(by=user)

    assert Question.objects.get(pk=question.pk).status == before
    assert events_for(question) == []


@pytest.mark.parametrize("user", [None, AnonymousUser()], ids=["none", "anonymous"])
def test_anonymous_user_cannot_publish_a_question(user):
    question = QuestionFactory(draft=True)

    with pytest.raises(PermissionDenied):
        question.publish(by=user)


@pytest.mark.parametrize(
    ("trait", "action"),
    [("submitted", "publish"), ("", "publish"), ("rejected", "publish"), ("draft", "archive"),
     ("submitted", "archive"), ("draft", "accept_submission"), ("", "accept_submission"),
     ("draft", "reject"), ("", "reject")],
)  # fmt: skip
def test_illegal_question_transitions_are_refused(editor, trait, action):
    question = QuestionFactory(**({trait: True} if trait else {}))
    before = question.status

    with pytest.raises(ValidationError):
        getattr(question, action)(by=editor)

    assert Question.objects.get(pk=question.pk).status == before
    assert events_for(question) == []


# --- triage: accepting with edits, merging ---------------------------------------------------


def test_accepting_a_submission_can_edit_its_text_and_topic(editor):
    question = QuestionFactory(submitted=True, title="my knee clicks wen i squat??")
    topic = question.topic.__class__.objects.create(name="Knee Pain")

    question.accept_submission(
        by=editor, title="Why does my knee click when I squat?", details="Edited.", topic=topic
    )

    question.refresh_from_db()
    assert question.status == Question.Status.DRAFT
    assert question.title == "Why does my knee click when I squat?"
    assert question.slug.startswith("why-does-my-knee-click-when-i-squat")
    assert (question.details, question.topic) == ("Edited.", topic)


@pytest.mark.parametrize("role", ["editor", "moderator"])
def test_editors_and_moderators_merge_a_submission_into_an_existing_question(request, role):
    user = request.getfixturevalue(role)
    existing = QuestionFactory()
    submission = QuestionFactory(submitted=True)

    submission.merge_into(existing, by=user, note="Same question.")

    assert submission.status == Question.Status.MERGED
    assert submission.merged_into == existing
    assert [event_summary(e) for e in events_for(submission)] == [
        (user, "merge", "submitted", "merged", "Same question.")
    ]
    assert [e.action for e in events_for(existing)] == ["merge_in"]
    assert not Question.objects.public().filter(pk=submission.pk).exists()


@pytest.mark.parametrize("role", ["expert_user", "reader"])
def test_experts_and_readers_cannot_merge_submissions(request, role):
    submission = QuestionFactory(submitted=True)

    with pytest.raises(PermissionDenied):
        submission.merge_into(QuestionFactory(), by=request.getfixturevalue(role))

    assert Question.objects.get(pk=submission.pk).status == Question.Status.SUBMITTED


@pytest.mark.parametrize(
    ("source", "target"),
    [("draft", ""), ("", ""), ("submitted", "submitted"), ("submitted", "rejected")],
)
def test_illegal_merges_are_refused(editor, source, target):
    submission = QuestionFactory(**({source: True} if source else {}))
    other = QuestionFactory(**({target: True} if target else {}))

    with pytest.raises(ValidationError):
        submission.merge_into(other, by=editor)

    assert Question.objects.get(pk=submission.pk).merged_into is None
    assert events_for(submission) == []


def test_a_submission_cannot_be_merged_into_itself(editor):
    submission = QuestionFactory(submitted=True)

    with pytest.raises(ValidationError):
        submission.merge_into(submission, by=editor)


# --- unpublish -------------------------------------------------------------------------------


def test_moderator_unpublishes_a_live_answer_with_a_note(approved, moderator):
    approved.unpublish(by=moderator, note="Dangerous advice.")

    assert approved.status == S.REJECTED
    assert approved.review_note == "Dangerous advice."
    assert not approved.question.is_public
    assert event_summary(events_for(approved)[-1]) == (
        moderator,
        "unpublish",
        "approved",
        "rejected",
        "Dangerous advice.",
    )


def test_unpublishing_closes_a_waiting_revision_and_keeps_every_version(
    approved, expert_user, moderator
):
    approved.revise(body="A newer text.", by=expert_user)

    approved.unpublish(by=moderator, note="Taken down.")

    statuses = {r.body: r.status for r in approved.revisions.all()}
    assert statuses == {
        "Live text.": AnswerRevision.Status.APPROVED,
        "A newer text.": AnswerRevision.Status.REJECTED,
    }


@pytest.mark.parametrize("role", ["editor", "expert_user", "reader"])
def test_only_moderators_unpublish(request, approved, role):
    with pytest.raises(PermissionDenied):
        approved.unpublish(by=request.getfixturevalue(role), note="No.")

    assert Answer.objects.get(pk=approved.pk).status == S.APPROVED


def test_unpublishing_needs_a_note(approved, moderator):
    with pytest.raises(ValidationError):
        approved.unpublish(by=moderator, note=" ")


@pytest.mark.parametrize("trait", ["draft", "pending", "changes_requested", "rejected"])
def test_only_live_answers_can_be_unpublished(expert, moderator, trait):
    answer = AnswerFactory(expert=expert, **{trait: True})

    with pytest.raises(ValidationError):
        answer.unpublish(by=moderator, note="No.")

    assert events_for(answer) == []


# --- assignments and the reviewer line -------------------------------------------------------


def test_submitting_an_answer_closes_the_experts_open_assignment(draft, expert_user, expert):
    mine = AssignmentFactory(question=draft.question, expert=expert)
    someone_elses = AssignmentFactory(question=draft.question)

    draft.submit(by=expert_user)

    mine.refresh_from_db()
    someone_elses.refresh_from_db()
    assert mine.status == Assignment.Status.ANSWERED
    assert someone_elses.status == Assignment.Status.OPEN
    assert [event_summary(e) for e in events_for(mine)] == [
        (expert_user, "answered", "open", "answered", "")
    ]


def test_reviewed_by_line_names_the_moderator_of_the_live_revision(
    client, approved, expert_user, moderator, frozen
):
    second = UserFactory(groups=["Moderators"], first_name="Rosa", last_name="Parks")
    ExpertFactory(user=moderator, name="Dr. Mo Derator")
    url = approved.question.get_absolute_url()
    assert "Reviewed" in client.get(url).content.decode()
    assert "by Dr. Mo Derator" in client.get(url).content.decode()

    frozen.tick(timedelta(days=40))
    approved.revise(body="Better text.", by=expert_user)
    page = client.get(url).content.decode()
    assert "by Dr. Mo Derator" in page and "Live text." in page

    approved.approve(by=second)
    page = client.get(url).content.decode()
    assert "Better text." in page
    assert "by Rosa Parks" in page and "Dr. Mo Derator" not in page
    assert timezone.now().strftime("%-d %B %Y") in page


def test_rejecting_a_revision_keeps_the_reviewer_of_the_live_text(
    client, approved, expert_user, moderator
):
    second = UserFactory(groups=["Moderators"], first_name="Rosa", last_name="Parks")
    approved.revise(body="Worse text.", by=expert_user)

    approved.reject(by=second, note="No.")

    assert approved.reviewer_name == moderator.get_full_name()


def test_moderator_confirms_a_live_answer_is_still_right(approved, moderator, frozen):
    frozen.tick(timedelta(days=400))

    approved.confirm_review(by=moderator, note="Still accurate.")

    assert approved.reviewed_at == timezone.now()
    assert events_for(approved)[-1].action == "confirm_review"


def test_confirming_review_needs_a_moderator_and_no_waiting_revision(
    approved, expert_user, editor, moderator
):
    with pytest.raises(PermissionDenied):
        approved.confirm_review(by=editor)
    approved.revise(body="New.", by=expert_user)
    with pytest.raises(ValidationError):
        approved.confirm_review(by=moderator)


# --- withdraw ----------------------------------------------------------------------------------


def test_expert_withdraws_own_pending_answer_to_a_draft(draft, expert_user):
    draft.submit(by=expert_user)
    revision = draft.pending_revision()

    draft.withdraw(by=expert_user)

    assert draft.status == S.DRAFT
    assert draft.pending_revision() is None
    revision.refresh_from_db()
    assert revision.status == AnswerRevision.Status.SUPERSEDED
    assert event_summary(events_for(draft)[-1]) == (expert_user, "withdraw", "pending", "draft", "")
    assert not Answer.objects.waiting_for_review().filter(pk=draft.pk).exists()


def test_a_withdrawn_answer_is_edited_in_place_and_can_be_submitted_again(draft, expert_user):
    draft.submit(by=expert_user)
    draft.withdraw(by=expert_user)

    draft.revise(body="Second try.", by=expert_user)
    draft.submit(by=expert_user)

    assert draft.status == S.PENDING
    assert draft.pending_revision().body == "Second try."


def test_withdrawing_reopens_the_assignment_that_submitting_closed(draft, expert, expert_user):
    assignment = AssignmentFactory(question=draft.question, expert=expert)
    draft.submit(by=expert_user)
    draft.withdraw(by=expert_user)

    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.OPEN
    assert event_summary(events_for(assignment)[-1]) == (
        expert_user, "reopen", "answered", "open", ""
    )  # fmt: skip
    draft.submit(by=expert_user)
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.ANSWERED


@pytest.mark.parametrize("user", ["moderator", "editor", "other_expert_user"])
def test_only_the_answering_expert_withdraws(pending, user, request):
    with pytest.raises(PermissionDenied):
        pending.withdraw(by=request.getfixturevalue(user))
    assert Answer.objects.get(pk=pending.pk).status == S.PENDING


@pytest.mark.parametrize("trait", ["draft", "changes_requested", "rejected"])
def test_only_an_answer_waiting_for_review_can_be_withdrawn(expert, expert_user, trait):
    answer = AnswerFactory(expert=expert, **{trait: True})
    with pytest.raises(ValidationError):
        answer.withdraw(by=expert_user)
    assert events_for(answer) == []


def test_an_approved_answer_cannot_be_withdrawn(approved, expert_user):
    with pytest.raises(ValidationError):
        approved.withdraw(by=expert_user)
    assert Answer.objects.get(pk=approved.pk).status == S.APPROVED


def test_withdrawing_from_an_old_version_is_refused(pending, expert_user):
    stale = Answer.objects.get(pk=pending.pk)
    pending.revise(body="Newer text.", by=expert_user)
    with pytest.raises(ValidationError, match="changed by someone else"):
        stale.withdraw(by=expert_user)
    assert Answer.objects.get(pk=pending.pk).status == S.PENDING
