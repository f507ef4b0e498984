"""The moderation queue in the admin: who sees it, what it shows, decisions one by one and in
bulk, and the admin home that links to it with its open count."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from healthqa.core.text import word_diff
from healthqa.models import Answer, ModerationEvent, Question
from tests.factories import AnswerFactory, AssignmentFactory, QuestionFactory

pytestmark = pytest.mark.django_db

QUEUE = "/admin/moderation/"
DECIDE = "/admin/moderation/decide/"
S = Answer.Status


@pytest.fixture
def pending(expert):
    answer = AnswerFactory(expert=expert, draft=True, body="Rest **two days** then walk.")
    answer.submit(by=expert.user)
    return answer


@pytest.fixture
def revised(expert, moderator, frozen):
    """A live answer with a revision waiting."""
    answer = AnswerFactory(expert=expert, draft=True, body="Stretch gently every morning.")
    answer.submit(by=expert.user)
    answer.approve(by=moderator)
    frozen.tick(timedelta(hours=1))
    answer.revise(body="Stretch gently every evening <script>x</script>.", by=expert.user)
    return answer


def seen(answer):
    revision = answer.pending_revision()
    return str(revision.pk) if revision else ""


def decide(client, answers, decision, note="", **extra):
    data = {"answer": [a.pk for a in answers], "decision": decision, "note": note, **extra}
    for answer in answers:
        data[f"seen-{answer.pk}"] = seen(answer)
    return client.post(DECIDE, data, follow=True)


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(QUEUE)

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


@pytest.mark.parametrize("role", ["editor", "expert_user"])
def test_editors_and_experts_are_refused_the_queue(client, request, role, pending):
    client.force_login(request.getfixturevalue(role))

    assert client.get(QUEUE).status_code == 403
    assert client.post(DECIDE, {"answer": pending.pk, "decision": "approve"}).status_code == 403
    assert Answer.objects.get(pk=pending.pk).status == S.PENDING


@pytest.mark.parametrize("role", ["moderator", "superuser"])
def test_moderators_and_superusers_see_the_queue(client, request, role, pending):
    client.force_login(request.getfixturevalue(role))

    response = client.get(QUEUE)

    assert response.status_code == 200
    page = response.content.decode()
    assert pending.question.title in page
    assert pending.expert.name in page
    assert "<strong>two days</strong>" in page


def test_queue_lists_answers_and_revisions_oldest_first(client, moderator, expert, frozen):
    older = AnswerFactory(expert=expert, draft=True)
    older.submit(by=expert.user)
    frozen.tick(timedelta(days=1))
    live = AnswerFactory(expert=expert, draft=True, body="Old words here.")
    live.submit(by=expert.user)
    live.approve(by=moderator)
    frozen.tick(timedelta(days=1))
    live.revise(body="New words here.", by=expert.user)
    frozen.tick(timedelta(days=1))
    newer = AnswerFactory(expert=expert, draft=True)
    newer.submit(by=expert.user)
    AnswerFactory(expert=expert, draft=True)
    client.force_login(moderator)

    items = client.get(QUEUE).context["items"]

    assert [item.answer for item in items] == [older, live, newer]
    assert [item.is_revision for item in items] == [False, True, False]
    assert "3\xa0days" in client.get(QUEUE).content.decode()


def test_revision_shows_a_word_diff_against_the_live_text(client, moderator, revised):
    client.force_login(moderator)

    page = client.get(QUEUE).content.decode()

    assert "<del>morning.</del>" in page
    assert "<ins>evening" in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page
    assert "<script>x</script>" not in page


def test_word_diff_escapes_and_marks_changed_words():
    diff = word_diff("Walk <b>daily</b> now", "Walk <i>weekly</i> now")

    assert (
        diff == "Walk <del>&lt;b&gt;daily&lt;/b&gt;</del><ins>&lt;i&gt;weekly&lt;/i&gt;</ins> now"
    )
    assert word_diff("same text", "same text") == "same text"


def test_moderator_approves_from_the_queue(client, moderator, pending):
    client.force_login(moderator)

    response = decide(client, [pending], "approve")

    pending.refresh_from_db()
    assert pending.status == S.APPROVED
    assert pending.reviewed_by == moderator
    assert "Approved: 1 answer." in messages_of(response)
    assert response.context["items"] == []


@pytest.mark.parametrize(("decision", "state"), [("request_changes", S.CHANGES_REQUESTED),
                                                  ("reject", S.REJECTED)])  # fmt: skip
def test_moderator_sends_back_from_the_queue_with_a_note(
    client, moderator, pending, decision, state
):
    client.force_login(moderator)

    decide(client, [pending], decision, note="Cite a source, please.")

    pending.refresh_from_db()
    assert pending.status == state
    assert pending.review_note == "Cite a source, please."
    event = ModerationEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(Answer), object_id=pending.pk
    ).first()
    assert (event.actor, event.action, event.note) == (moderator, decision, pending.review_note)


@pytest.mark.parametrize("decision", ["request_changes", "reject"])
def test_sending_back_without_a_note_is_refused_with_a_message(
    client, moderator, pending, decision
):
    client.force_login(moderator)

    response = decide(client, [pending], decision, note="   ")

    assert Answer.objects.get(pk=pending.pk).status == S.PENDING
    assert any("note" in message for message in messages_of(response))


def test_moderator_approves_a_revision_and_it_goes_live(client, moderator, revised):
    client.force_login(moderator)

    decide(client, [revised], "approve")

    revised.refresh_from_db()
    assert revised.body.startswith("Stretch gently every evening")
    assert revised.pending_revision() is None


def test_rejecting_a_revision_from_the_queue_keeps_the_live_text(client, moderator, revised):
    client.force_login(moderator)

    decide(client, [revised], "reject", note="Keep mornings.")

    revised.refresh_from_db()
    assert revised.status == S.APPROVED
    assert revised.body == "Stretch gently every morning."


def test_bulk_approve_decides_every_ticked_item(client, moderator, pending, revised, expert):
    untouched = AnswerFactory(expert=expert, draft=True)
    untouched.submit(by=expert.user)
    client.force_login(moderator)

    response = decide(client, [pending, revised], "approve")

    assert Answer.objects.get(pk=pending.pk).status == S.APPROVED
    assert Answer.objects.get(pk=revised.pk).pending_revision() is None
    assert Answer.objects.get(pk=untouched.pk).status == S.PENDING
    assert "Approved: 2 answers." in messages_of(response)


def test_bulk_reject_with_one_note(client, moderator, expert):
    answers = [AnswerFactory(expert=expert, draft=True) for _ in range(3)]
    for answer in answers:
        answer.submit(by=expert.user)
    client.force_login(moderator)

    decide(client, answers, "reject", note="Duplicate answers.")

    assert {a.status for a in Answer.objects.filter(pk__in=[a.pk for a in answers])} == {S.REJECTED}
    assert {a.review_note for a in Answer.objects.all()} == {"Duplicate answers."}


def test_one_refusal_in_bulk_leaves_the_others_decided(client, moderator, pending, expert):
    own = AnswerFactory(pending=True, expert__user=moderator)
    client.force_login(moderator)

    response = decide(client, [pending, own], "approve")

    assert Answer.objects.get(pk=pending.pk).status == S.APPROVED
    assert Answer.objects.get(pk=own.pk).status == S.PENDING
    assert any("Nobody reviews their own answer" in m for m in messages_of(response))


def test_a_revision_replaced_after_the_page_was_loaded_is_not_approved(
    client, moderator, revised, expert_user
):
    client.force_login(moderator)
    stale = seen(revised)
    revised.revise(body="A third text nobody has read.", by=expert_user)

    response = client.post(
        DECIDE,
        {"answer": revised.pk, "decision": "approve", f"seen-{revised.pk}": stale},
        follow=True,
    )

    revised.refresh_from_db()
    assert revised.body == "Stretch gently every morning."
    assert any("changed after you opened" in m for m in messages_of(response))


@pytest.mark.parametrize(
    "data",
    [
        {"decision": "approve"},
        {"answer": "abc", "decision": "approve"},
        {"answer": "999999", "decision": "approve"},
        {"answer": "1", "decision": "publish"},
    ],
)
def test_malformed_decisions_are_refused_without_changes(client, moderator, pending, data):
    client.force_login(moderator)

    response = client.post(DECIDE, data, follow=True)

    assert response.status_code == 200
    assert messages_of(response)
    assert Answer.objects.get(pk=pending.pk).status == S.PENDING


def test_decided_answers_cannot_be_decided_again_from_a_stale_page(client, moderator, pending):
    client.force_login(moderator)
    decide(client, [pending], "approve")

    decide(client, [pending], "reject", note="Too late.")

    assert Answer.objects.get(pk=pending.pk).status == S.APPROVED


def test_queue_decisions_need_post(client, moderator, pending):
    client.force_login(moderator)

    assert client.get(DECIDE, {"answer": pending.pk, "decision": "approve"}).status_code == 405
    assert Answer.objects.get(pk=pending.pk).status == S.PENDING


def test_queue_decisions_need_a_csrf_token(moderator, pending):
    client = Client(enforce_csrf_checks=True)
    client.force_login(moderator)

    response = client.post(DECIDE, {"answer": pending.pk, "decision": "approve"})

    assert response.status_code == 403
    assert Answer.objects.get(pk=pending.pk).status == S.PENDING


# --- admin home ------------------------------------------------------------------------------


def test_admin_home_links_the_queue_with_its_open_count(client, moderator, pending, revised):
    client.force_login(moderator)

    page = client.get(reverse("admin:index")).content.decode()

    assert f'href="{QUEUE}">Moderation queue</a>' in page
    assert "2 open" in page


def test_admin_home_hides_the_queue_from_editors(client, editor):
    client.force_login(editor)

    page = client.get(reverse("admin:index")).content.decode()

    assert f'href="{QUEUE}"' not in page
    assert "Reader questions to triage" in page
    assert "Review due" in page


# --- triage of reader submissions ------------------------------------------------------------


@pytest.fixture
def submission(db):
    return Question.submit_from_reader(
        title="my knee clicks, mail me at jo@example.com",
        details="call 555 123 4567",
        name="Jo",
        email="jo@example.com",
    )


def triage_url(question):
    return reverse("admin:moderation_triage", args=[question.pk])


@pytest.mark.parametrize("role", ["editor", "moderator"])
def test_editors_and_moderators_see_submissions_to_triage(client, request, role, submission):
    client.force_login(request.getfixturevalue(role))

    assert submission.title in client.get(reverse("admin:moderation_submissions")).content.decode()
    assert client.get(triage_url(submission)).status_code == 200


def test_experts_cannot_triage(client, expert_user, submission):
    client.force_login(expert_user)

    assert client.get(reverse("admin:moderation_submissions")).status_code == 403
    assert client.post(triage_url(submission), {"decision": "reject"}).status_code == 403


def test_only_moderators_see_the_unmasked_text(client, editor, moderator, submission):
    client.force_login(editor)
    assert "555 123 4567" not in client.get(triage_url(submission)).content.decode()

    client.force_login(moderator)
    assert "555 123 4567" in client.get(triage_url(submission)).content.decode()


def test_editor_accepts_a_submission_as_a_draft_with_edited_text(client, editor, submission):
    client.force_login(editor)

    response = client.post(
        triage_url(submission),
        {
            "decision": "accept",
            "accept-title": "Why does my knee click?",
            "accept-details": "When squatting.",
            "accept-note": "Tidied.",
        },
    )

    submission.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:healthqa_question_change", args=[submission.pk])
    assert (submission.status, submission.title) == (
        Question.Status.DRAFT,
        "Why does my knee click?",
    )
    assert submission.details == "When squatting."


def test_accept_needs_a_title(client, editor, submission):
    client.force_login(editor)

    response = client.post(triage_url(submission), {"decision": "accept", "accept-title": ""})

    assert response.status_code == 200
    assert response.context["accept_form"].errors["title"]
    assert Question.objects.get(pk=submission.pk).status == Question.Status.SUBMITTED


def test_moderator_merges_a_submission_into_an_existing_question(client, moderator, submission):
    existing = QuestionFactory()
    client.force_login(moderator)

    client.post(triage_url(submission), {"decision": "merge", "merge-target": existing.pk})

    submission.refresh_from_db()
    assert (submission.status, submission.merged_into) == (Question.Status.MERGED, existing)


def test_merging_into_another_submission_is_refused(client, moderator, submission):
    other = QuestionFactory(submitted=True)
    client.force_login(moderator)

    response = client.post(triage_url(submission), {"decision": "merge", "merge-target": other.pk})

    assert response.status_code == 200
    assert response.context["merge_form"].errors["target"]
    assert Question.objects.get(pk=submission.pk).status == Question.Status.SUBMITTED


def test_editor_rejects_a_submission(client, editor, submission):
    client.force_login(editor)

    client.post(triage_url(submission), {"decision": "reject", "reject-note": "Spam."})

    assert Question.objects.get(pk=submission.pk).status == Question.Status.REJECTED


def test_unknown_triage_decision_changes_nothing(client, editor, submission):
    client.force_login(editor)

    response = client.post(triage_url(submission), {"decision": "publish"})

    assert response.status_code == 200
    assert Question.objects.get(pk=submission.pk).status == Question.Status.SUBMITTED


def test_triaged_questions_leave_the_triage_page(client, editor, submission):
    submission.reject(by=editor)
    client.force_login(editor)

    assert client.get(triage_url(submission)).status_code == 302
    assert client.get(reverse("admin:moderation_triage", args=[999999])).status_code == 404


def test_triage_list_is_oldest_first(client, editor, frozen):
    first = Question.submit_from_reader(title="The first question of all")
    frozen.tick(timedelta(minutes=5))
    second = Question.submit_from_reader(title="The second question asked")
    client.force_login(editor)

    response = client.get(reverse("admin:moderation_submissions"))

    assert list(response.context["submissions"]) == [first, second]


def test_queue_runs_a_constant_number_of_queries(
    client, moderator, expert, django_assert_max_num_queries
):
    for _ in range(12):
        answer = AnswerFactory(expert=expert, draft=True)
        answer.submit(by=expert.user)
    client.force_login(moderator)

    with django_assert_max_num_queries(12):
        assert len(client.get(QUEUE).context["items"]) == 12


def test_moderation_records_list_assignment_and_merge_events(client, superuser, expert, editor):
    assignment = AssignmentFactory(expert=expert)
    answer = AnswerFactory(expert=expert, question=assignment.question, draft=True)
    answer.submit(by=expert.user)
    Question.submit_from_reader(title="A duplicate question").merge_into(
        assignment.question, by=editor
    )
    client.force_login(superuser)

    response = client.get(reverse("admin:healthqa_moderationevent_changelist"))

    assert response.status_code == 200
    assert "answered" in response.content.decode()
    assert "merge_in" in response.content.decode()


def test_triage_page_answers_only_get_and_post(client, editor, submission):
    client.force_login(editor)

    assert client.put(triage_url(submission)).status_code == 405
    assert client.delete(triage_url(submission)).status_code == 405


@pytest.fixture
def resubmitted(expert, moderator, frozen):
    """An answer sent back for changes, edited and submitted again."""
    answer = AnswerFactory(expert=expert, draft=True, body="Rest for two weeks.")
    answer.submit(by=expert.user)
    frozen.tick(timedelta(hours=1))
    answer.request_changes(by=moderator, note="Two weeks is too long; cite a source.")
    frozen.tick(timedelta(hours=1))
    answer.revise(body="Rest for two days, then walk (NHS advice).", by=expert.user)
    answer.submit(by=expert.user)
    return answer


def test_resubmitted_answer_shows_the_earlier_note_and_a_diff(client, moderator, resubmitted):
    moderator.first_name, moderator.last_name = "Mona", "Moderator"
    moderator.save()
    client.force_login(moderator)

    response = client.get(QUEUE)
    page = response.content.decode()
    (item,) = response.context["items"]

    assert item.kind == "Resubmitted after changes were requested"
    assert "Resubmitted after changes were requested" in page
    assert "New answer" not in page
    assert "Two weeks is too long; cite a source." in page
    assert "by Mona Moderator" in page
    assert item.resubmitted_diff == word_diff(
        "Rest for two weeks.", "Rest for two days, then walk (NHS advice)."
    )
    assert "<del>weeks.</del>" in page
    assert "<ins>days," in page


def test_a_first_submission_is_still_a_new_answer(client, moderator, pending):
    client.force_login(moderator)

    (item,) = client.get(QUEUE).context["items"]

    assert (item.kind, item.sent_back, item.resubmitted_diff) == ("New answer", None, None)


def test_a_revision_sent_back_and_revised_again_shows_the_note(
    client, moderator, revised, expert, frozen
):
    revised.request_changes(by=moderator, note="Keep the morning stretch.")
    frozen.tick(timedelta(hours=1))
    revised.revise(body="Stretch gently every morning and evening.", by=expert.user)
    client.force_login(moderator)

    (item,) = client.get(QUEUE).context["items"]

    assert item.kind == "Revision resubmitted after changes were requested"
    assert item.sent_back.review_note == "Keep the morning stretch."
    assert "<ins>morning" in str(item.resubmitted_diff)
    assert "<del>" in str(item.resubmitted_diff)


def test_queue_with_resubmissions_runs_a_constant_number_of_queries(
    client, moderator, expert, django_assert_max_num_queries
):
    for _ in range(6):
        answer = AnswerFactory(expert=expert, draft=True)
        answer.submit(by=expert.user)
        answer.request_changes(by=moderator, note="Add a source.")
        answer.revise(body=f"{answer.body} With a source.", by=expert.user)
        answer.submit(by=expert.user)
    client.force_login(moderator)

    with django_assert_max_num_queries(12):
        items = client.get(QUEUE).context["items"]
        assert [item.sent_back_by for item in items] == [moderator.get_full_name()] * 6


def test_triage_marks_and_lists_first_submissions_that_mention_an_emergency(client, editor, frozen):
    calm = Question.submit_from_reader(title="How often should I stretch my hamstrings?")
    frozen.tick(timedelta(minutes=5))
    urgent = Question.submit_from_reader(
        title="Is this muscle strain?", details="I have had chest pain since this morning."
    )
    client.force_login(editor)

    response = client.get(reverse("admin:moderation_submissions"))
    page = response.content.decode()

    assert list(response.context["submissions"]) == [urgent, calm]
    assert "Mentions an emergency:</strong> chest pain" in page
    assert page.count("Mentions an emergency:") == 1
    triage_page = client.get(triage_url(urgent)).content.decode()
    assert "Mentions an emergency:</strong> chest pain" in triage_page
    assert "Mentions an emergency" not in client.get(triage_url(calm)).content.decode()
