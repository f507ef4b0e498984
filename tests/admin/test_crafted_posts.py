"""Crafted requests: fields a role may not set, and ids swapped for someone else's.

Forms are posted as a browser would, from the HTML the role's own GET returned (hidden fields
included), with the forbidden fields added by hand. Nothing a role may not change may change;
a row the role may not see answers exactly as a missing id does (403, 404, or the admin's
"does not exist" redirect to its home page, which it gives for both), and never a 500.
"""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from healthqa.models import Answer, AnswerRevision, Assignment, Flag
from tests.admin import test_permission_matrix as matrix
from tests.admin.test_permission_matrix import admin_url, rendered_form_data, signed_in
from tests.factories import AnswerFactory

# The matrix's users and rows: made once for this module, each test rolled back.
shared, users, world = matrix.shared, matrix.users, matrix.world

pytestmark = pytest.mark.django_db

MISSING = 987654


def values(obj, *fields):
    return type(obj)._default_manager.filter(pk=obj.pk).values(*fields).get()


def is_not_found(response):
    """403, 404 or the admin's redirect home for a row it cannot find."""
    if response.status_code in {403, 404}:
        return True
    return response.status_code == 302 and response["Location"] == reverse("admin:index")


def same_answer(one, other):
    return (one.status_code, one.get("Location")) == (other.status_code, other.get("Location"))


def action(client, label, name, objects, **extra):
    data = {"action": name, ACTION_CHECKBOX_NAME: [obj.pk for obj in objects], **extra}
    return client.post(admin_url(label, "changelist"), data)


# --- Experts: fields they may not set -----------------------------------------------------------

REVIEW_FIELDS = ("status", "expert_id", "question_id", "reviewed_by_id", "reviewed_at",
                 "review_note", "submitted_at", "helpful_yes", "helpful_no", "is_demo")  # fmt: skip


def forged_review_fields(world, users):
    return {
        "status": Answer.Status.APPROVED,
        "expert": world.expert.pk,
        "question": world.unassigned.pk,
        "reviewed_by": users["expert"].pk,
        "reviewed_at_0": "2020-01-01",
        "reviewed_at_1": "10:00:00",
        "review_note": "Self-approved",
        "approved_by": users["expert"].pk,
        "submitted_at_0": "2020-01-01",
        "submitted_at_1": "10:00:00",
        "helpful_yes": "999",
        "helpful_no": "0",
        "is_demo": "on",
    }


@pytest.mark.parametrize("status", ["draft", "changes_requested", "approved"])
def test_expert_editing_own_answer_cannot_set_review_fields(users, world, status):
    answer = world.own_answer
    Answer.objects.filter(pk=answer.pk).update(status=status)
    before = values(answer, *REVIEW_FIELDS)
    client = signed_in(users["expert"])
    url = admin_url("healthqa.answer", "change", answer.pk)
    data = rendered_form_data(client.get(url))
    data.update(forged_review_fields(world, users), body="My edited text.")
    response = client.post(url, data)
    assert response.status_code in {200, 302}
    after = values(answer, *REVIEW_FIELDS)
    # Editing an approved answer stamps submitted_at itself (the revision waits for review);
    # the forged 2020 date must never land.
    submitted, _ = after.pop("submitted_at"), before.pop("submitted_at")
    assert after == before
    assert submitted is None or submitted.year != 2020


def test_expert_adding_an_answer_cannot_write_as_another_expert(users, world):
    client = signed_in(users["expert"])
    url = admin_url("healthqa.answer", "add")
    data = rendered_form_data(client.get(url))
    data.update(forged_review_fields(world, users), body="Written as someone else.")
    response = client.post(url, data)
    assert response.status_code in {200, 302}
    written = Answer.objects.filter(body="Written as someone else.")
    assert not written.exclude(expert__user=users["expert"]).exists()
    assert not written.filter(question=world.unassigned).exists()
    assert not written.exclude(status=Answer.Status.DRAFT).exists()


def test_expert_cannot_approve_own_answer_through_the_queue(users, world):
    answer = world.own_answer
    Answer.objects.filter(pk=answer.pk).update(status=Answer.Status.PENDING)
    client = signed_in(users["expert"])
    response = client.post(
        reverse("admin:moderation_decide"), {"answer": answer.pk, "decision": "approve"}
    )
    assert response.status_code == 403
    assert values(answer, "status")["status"] == Answer.Status.PENDING


# --- Experts: someone else's ids ----------------------------------------------------------------

OTHERS = {
    "answer": ("healthqa.answer", "other_answer"),
    "revision": ("healthqa.answerrevision", "other_revision"),
    "assignment": ("healthqa.assignment", "other_assignment"),
    "flag": ("healthqa.flag", "flag"),
    "unassigned question": ("healthqa.question", "unassigned"),
}


@pytest.mark.parametrize("view", ["change", "history", "delete"])
@pytest.mark.parametrize("what", OTHERS)
def test_expert_opening_someone_elses_row_gets_what_a_missing_id_gets(users, world, what, view):
    label, attr = OTHERS[what]
    client = signed_in(users["expert"])
    response = client.get(admin_url(label, view, getattr(world, attr).pk))
    missing = client.get(admin_url(label, view, MISSING))
    assert is_not_found(response), response
    if response.status_code != 403:
        # A row outside the expert's queryset answers exactly as a missing id does.
        assert same_answer(response, missing), "the answer tells the row exists"


@pytest.mark.parametrize("what", ["answer", "unassigned question"])
def test_expert_cannot_open_an_old_version_of_someone_elses_row(users, world, what):
    label, attr = OTHERS[what]
    obj = getattr(world, attr)
    name = f"admin:{label.replace('.', '_')}_simple_history"
    client = signed_in(users["expert"])
    response = client.get(reverse(name, args=(obj.pk, obj.history.first().history_id)))
    assert is_not_found(response), response
    assert (obj.body if what == "answer" else obj.title) not in response.content.decode()


@pytest.mark.parametrize("what", OTHERS)
def test_expert_posting_to_someone_elses_row_changes_nothing(users, world, what):
    label, attr = OTHERS[what]
    obj = getattr(world, attr)
    editable = {
        "answer": ("body", "status"),
        "revision": ("body", "status"),
        "assignment": ("note", "status", "expert_id"),
        "flag": ("details", "status", "resolution_note"),
        "unassigned question": ("title", "details", "status"),
    }[what]
    before = values(obj, *editable)
    client = signed_in(users["expert"])
    forged = {
        "body": "Hijacked.",
        "note": "Hijacked.",
        "details": "Hijacked.",
        "title": "Hijacked title",
        "resolution_note": "Hijacked.",
        "status": "approved",
        "expert": users["expert"].expert_profile.pk,
    }
    response = client.post(admin_url(label, "change", obj.pk), forged)
    assert is_not_found(response), response
    deleted = client.post(admin_url(label, "delete", obj.pk), {"post": "yes"})
    assert is_not_found(deleted), deleted
    assert values(obj, *editable) == before


def test_expert_cannot_submit_someone_elses_draft(users, world):
    other = AnswerFactory(expert=world.other_answer.expert, question=world.unassigned, draft=True)
    client = signed_in(users["expert"])
    action(client, "healthqa.answer", "submit_for_review", [other])
    assert values(other, "status")["status"] == Answer.Status.DRAFT
    assert not other.revisions.exists()


def test_expert_cannot_act_on_flags_by_id(users, world):
    client = signed_in(users["expert"])
    for pk in (world.flag.pk, MISSING):
        url = reverse("admin:moderation_flag_decide", args=[pk])
        assert client.post(url, {"decision": "dismiss"}).status_code == 403
    action(client, "healthqa.flag", "dismiss", [world.flag])
    assert values(world.flag, "status")["status"] == Flag.Status.OPEN


def test_expert_starting_an_answer_on_an_unassigned_question_sees_nothing_of_it(users, world):
    client = signed_in(users["expert"])
    url = admin_url("healthqa.answer", "add") + f"?question={world.unassigned.pk}"
    response = client.get(url)
    assert response.status_code == 200
    assert world.unassigned.title not in response.content.decode()
    data = rendered_form_data(response)
    data.update(question=world.unassigned.pk, body="Sneaked in.")
    client.post(url, data)
    assert not Answer.objects.filter(body="Sneaked in.", question=world.unassigned).exists()


def test_expert_question_autocomplete_lists_only_their_questions(users, world):
    client = signed_in(users["expert"])
    url = reverse("admin:autocomplete")
    query = {"app_label": "healthqa", "model_name": "answer", "field_name": "question", "term": ""}
    response = client.get(url, query)
    assert response.status_code == 200
    ids = {int(row["id"]) for row in response.json()["results"]}
    assert world.assigned.pk in ids
    assert world.unassigned.pk not in ids
    assert world.public_question.pk not in ids


def test_expert_cannot_revise_someone_elses_answer_through_history_restore(users, world):
    obj = world.other_answer
    version = obj.history.first().history_id
    url = reverse("admin:healthqa_answer_simple_history", args=(obj.pk, version))
    client = signed_in(users["expert"])
    response = client.post(url, {"body": "Restored by a stranger."})
    assert is_not_found(response), response
    assert not AnswerRevision.objects.filter(body="Restored by a stranger.").exists()
    assert values(obj, "body")["body"] != "Restored by a stranger."


# --- Moderators ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "label, attr, changes, fields",
    [
        ("experts.expert", "expert", {"name": "Hacked", "verified": "on", "is_active": ""},
         ("name", "verified", "is_active")),
        ("healthqa.sitesettings", "settings", {"disclaimer": "Hacked", "site_name": "Hacked"},
         ("disclaimer", "site_name")),
        ("articles.article", "article", {"title": "Hacked", "body": "Hacked"}, ("title", "body")),
        ("healthqa.topic", "topic", {"name": "Hacked"}, ("name",)),
    ],
)  # fmt: skip
def test_moderator_posting_editorial_changes_changes_nothing(
    users, world, label, attr, changes, fields
):
    obj = getattr(world, attr)
    before = values(obj, *fields)
    url = admin_url(label, "change", obj.pk)
    data = rendered_form_data(signed_in(users["superuser"]).get(url))
    data.update(changes)
    response = signed_in(users["moderator"]).post(url, data)
    assert response.status_code == 403
    assert values(obj, *fields) == before


def test_moderator_cannot_verify_experts_by_action(users, world):
    action(signed_in(users["moderator"]), "experts.expert", "mark_verified", [world.expert])
    assert values(world.expert, "verified")["verified"] is False


def test_moderator_cannot_rewrite_an_answer_or_its_author(users, world):
    answer = world.other_answer
    before = values(answer, "body", "expert_id", "question_id", "helpful_yes")
    client = signed_in(users["moderator"])
    url = admin_url("healthqa.answer", "change", answer.pk)
    data = rendered_form_data(client.get(url))
    data.update(
        body="Moderator's words.",
        expert=users["expert"].expert_profile.pk,
        question=world.assigned.pk,
        helpful_yes="500",
    )
    assert client.post(url, data).status_code in {200, 302, 403}
    assert values(answer, "body", "expert_id", "question_id", "helpful_yes") == before
    assert not answer.revisions.filter(body="Moderator's words.").exists()


@pytest.mark.parametrize(
    "name, method",
    [
        ("moderation_flag_decide", "post"),
        ("moderation_triage", "get"),
        ("moderation_triage", "post"),
        ("moderation_review_confirm", "post"),
    ],
)
def test_moderator_acting_on_an_id_that_does_not_exist_gets_404(users, world, name, method):
    client = signed_in(users["moderator"])
    url = reverse(f"admin:{name}", args=[MISSING])
    response = getattr(client, method)(url, {"decision": "dismiss", "note": "x"})
    assert response.status_code == 404


def test_moderator_deciding_on_an_answer_outside_the_queue_changes_nothing(users, world):
    client = signed_in(users["moderator"])
    draft = world.own_answer
    for pk in (draft.pk, MISSING):
        client.post(reverse("admin:moderation_decide"), {"answer": pk, "decision": "approve"})
    assert values(draft, "status")["status"] == Answer.Status.DRAFT
    assert not Answer.objects.filter(pk=MISSING).exists()


def test_moderator_cannot_dismiss_a_handled_flag_again(users, world):
    client = signed_in(users["moderator"])
    url = reverse("admin:moderation_flag_decide", args=[world.flag.pk])
    client.post(url, {"decision": "dismiss", "note": "First."})
    first = values(world.flag, "status", "handled_at", "resolution_note")
    client.post(url, {"decision": "act", "note": "Second."})
    assert values(world.flag, "status", "handled_at", "resolution_note") == first


# --- Editors ------------------------------------------------------------------------------------


def test_editor_cannot_approve_an_answer_by_any_door(users, world):
    answer = world.other_answer
    client = signed_in(users["editor"])
    client.post(reverse("admin:moderation_decide"), {"answer": answer.pk, "decision": "approve"})
    action(client, "healthqa.answer", "approve", [answer])
    url = admin_url("healthqa.answer", "change", answer.pk)
    data = rendered_form_data(signed_in(users["superuser"]).get(url))
    data.update(status="approved", reviewed_by=users["editor"].pk)
    assert client.post(url, data).status_code == 403
    assert values(answer, "status", "reviewed_by_id") == {
        "status": Answer.Status.PENDING,
        "reviewed_by_id": None,
    }


def test_editor_cannot_confirm_a_review_or_resolve_a_flag(users, world):
    client = signed_in(users["editor"])
    before = values(world.due_answer, "reviewed_at")
    confirm = reverse("admin:moderation_review_confirm", args=[world.due_answer.pk])
    assert client.post(confirm).status_code == 403
    flag = reverse("admin:moderation_flag_decide", args=[world.flag.pk])
    assert client.post(flag, {"decision": "dismiss"}).status_code == 403
    assert values(world.due_answer, "reviewed_at") == before
    assert values(world.flag, "status")["status"] == Flag.Status.OPEN


def test_editor_cannot_set_a_question_status_in_its_form(users, world):
    question = world.unassigned
    client = signed_in(users["editor"])
    url = admin_url("healthqa.question", "change", question.pk)
    data = rendered_form_data(client.get(url))
    data.update(status="published", title="Still a draft")
    response = client.post(url, data)
    assert response.status_code == 302
    assert values(question, "status", "title") == {"status": "draft", "title": "Still a draft"}


def test_editor_cannot_mark_an_assignment_answered_for_the_expert(users, world):
    """Assignment status is the expert's (submitting closes it): editors may withdraw it only."""
    assignment = world.own_assignment
    client = signed_in(users["editor"])
    url = admin_url("healthqa.assignment", "change", assignment.pk)
    data = rendered_form_data(client.get(url))
    data.update(status=Assignment.Status.ANSWERED)
    client.post(url, data)
    assert values(assignment, "status")["status"] != Assignment.Status.ANSWERED


# --- Junk ids and the unguarded tag merge page ----------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/admin/healthqa/answer/abc/change/",
        "/admin/healthqa/answer/1%00/change/",
        "/admin/healthqa/answer/99999999999999999999999/change/",
        "/admin/healthqa/answer/abc/history/",
        "/admin/healthqa/answer/abc/history/1/",
        "/admin/healthqa/answer/1/history/abc/",
        "/admin/healthqa/question/abc/preview-links/",
        "/admin/healthqa/answerrevision/-1/change/",
        "/admin/moderation/flags/99999999999999999999999/",
    ],
)
@pytest.mark.parametrize("role", ["expert", "moderator", "editor", "superuser"])
def test_junk_ids_get_a_clear_answer_never_a_500(users, world, path, role):
    client = signed_in(users[role])
    assert client.get(path).status_code < 500
    assert client.post(path, {"body": "x", "decision": "dismiss"}).status_code < 500


@pytest.mark.parametrize("role", ["expert", "editor"])
def test_posting_the_tag_merge_page_without_a_selection_is_refused_not_a_500(users, world, role):
    client = signed_in(users[role])
    response = client.post(admin_url("taggit.tag", "merge_tags"), {"new_tag_name": "merged"})
    assert response.status_code in {302, 400, 403}


def test_expert_cannot_merge_tags(users, world):
    """The merge page reads its selection from the session, so a crafted session is the way in."""
    client = signed_in(users["expert"])
    session = client.session
    session["selected_tag_ids"] = str(world.tag.pk)
    session.save()
    client.post(admin_url("taggit.tag", "merge_tags"), {"new_tag_name": "hijacked"})
    assert values(world.tag, "name")["name"] == "push-ups"
    assert not world.public_question.tags.filter(name="hijacked").exists()
