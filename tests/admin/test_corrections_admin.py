"""Marking corrections in the admin: a moderator approving a revision of a live answer (change
form and queue), an editor saving a live article; the read-only list of corrections; deleting
what was corrected is refused with a page that says why."""

import pytest

from articles.models import Article
from healthqa.models import Answer, Correction
from tests.admin.test_admin import admin_url, messages_of, url_for
from tests.admin.test_moderation_queue import decide
from tests.admin.test_workflow_buttons import form_errors, posted, press
from tests.factories import AnswerFactory, ArticleFactory, make_corrected_answer

pytestmark = pytest.mark.django_db

NOTE = "The first version gave the adult dose for children."
QUEUE = "/admin/moderation/"


@pytest.fixture
def revised(expert, expert_user):
    """A live answer with a revision waiting for review."""
    answer = AnswerFactory(expert=expert, body="Give 500 mg.")
    answer.revise(body="Give 250 mg.", by=expert_user)
    return answer


# --- the answer's change form -----------------------------------------------------------------


def test_moderator_sees_the_correction_fields_only_on_a_revision_of_a_live_answer(
    client, moderator, revised
):
    client.force_login(moderator)
    html = client.get(url_for(revised)).content.decode()
    assert "This is a correction" in html
    assert "Correction note (shown to readers)" in html
    pending = AnswerFactory(pending=True)
    fields = client.get(url_for(pending)).context["adminform"].form.fields
    assert "decision_note" in fields and "is_correction" not in fields


def test_expert_does_not_see_the_correction_fields(client, expert_user, revised):
    client.force_login(expert_user)
    assert "is_correction" not in client.get(url_for(revised)).context["adminform"].form.fields


def test_moderator_approves_a_revision_as_a_correction_from_the_change_form(
    client, moderator, revised
):
    client.force_login(moderator)
    response = press(client, revised, "_approve", is_correction="on", correction_note=NOTE)
    assert response.status_code == 302
    revised.refresh_from_db()
    assert revised.body == "Give 250 mg."
    correction = Correction.objects.get()
    assert (correction.answer, correction.note, correction.made_by) == (revised, NOTE, moderator)
    assert messages_of(client.get(response.url)) == [
        "Approved as a correction: the revised text is live, with the note."
    ]


def test_a_correction_without_a_note_is_a_form_error_and_nothing_is_approved(
    client, moderator, revised
):
    client.force_login(moderator)
    response = press(client, revised, "_approve", is_correction="on", correction_note="  ")
    assert response.status_code == 200
    assert "public note" in form_errors(response)["correction_note"]
    revised.refresh_from_db()
    assert revised.body == "Give 500 mg." and revised.pending_revision() is not None
    assert not Correction.objects.exists()


def test_a_note_without_the_tick_is_a_form_error(client, moderator, revised):
    client.force_login(moderator)
    response = press(client, revised, "_approve", correction_note=NOTE)
    assert response.status_code == 200
    assert "Tick" in form_errors(response)["is_correction"]
    assert not Correction.objects.exists()


def test_the_correction_fields_do_nothing_when_sending_a_revision_back(client, moderator, revised):
    client.force_login(moderator)
    press(
        client,
        revised,
        "_request_changes",
        decision_note="Cite the guideline.",
        is_correction="on",
        correction_note=NOTE,
    )
    assert revised.pending_revision() is None
    assert not Correction.objects.exists()


# --- the moderation queue -----------------------------------------------------------------------


def test_the_queue_offers_the_correction_fields_for_revisions_only(client, moderator, revised):
    AnswerFactory(pending=True)
    client.force_login(moderator)
    html = client.get(QUEUE).content.decode()
    assert html.count('name="is_correction"') == 1
    assert f'id="correction-{revised.pk}"' in html
    assert "Correction note (shown to readers)" in html


def test_moderator_approves_a_revision_as_a_correction_from_the_queue(client, moderator, revised):
    client.force_login(moderator)
    response = decide(client, [revised], "approve", is_correction="on", correction_note=NOTE)
    assert messages_of(response) == ["Approved: 1 answer."]
    revised.refresh_from_db()
    assert revised.body == "Give 250 mg."
    assert Correction.objects.get().note == NOTE


def test_a_queue_correction_without_a_note_is_refused_and_nothing_is_approved(
    client, moderator, revised
):
    client.force_login(moderator)
    response = decide(client, [revised], "approve", is_correction="on", correction_note="")
    assert "Write the public note that tells readers what was corrected." in messages_of(response)
    revised.refresh_from_db()
    assert revised.body == "Give 500 mg."
    assert not Correction.objects.exists()


def test_a_queue_correction_of_a_new_answer_is_refused(client, moderator, expert):
    pending = AnswerFactory(expert=expert, draft=True)
    pending.submit(by=expert.user)
    client.force_login(moderator)
    response = decide(client, [pending], "approve", is_correction="on", correction_note=NOTE)
    assert any("Only an edit of a live answer" in m for m in messages_of(response))
    assert Answer.objects.get(pk=pending.pk).status == Answer.Status.PENDING
    assert not Correction.objects.exists()


def test_one_correction_note_is_not_given_to_many_answers(client, moderator, revised, expert):
    other = AnswerFactory(expert=expert)
    other.revise(body="Another fix.", by=expert.user)
    client.force_login(moderator)
    response = decide(client, [revised, other], "approve", is_correction="on", correction_note=NOTE)
    assert "Mark one answer at a time as a correction." in messages_of(response)
    assert not Correction.objects.exists()


# --- the article's change form ------------------------------------------------------------------


def test_editor_marks_a_save_of_a_live_article_as_a_correction(client, editor):
    article = ArticleFactory(body="Old advice.")
    client.force_login(editor)
    response = client.get(url_for(article))
    assert "Correction note (shown to readers)" in response.content.decode()
    data = posted(response, body="New advice.", is_correction="on", correction_note=NOTE)
    data["_continue"] = "Save"
    response = client.post(url_for(article), data)
    assert response.status_code == 302, form_errors(response)
    article.refresh_from_db()
    assert article.body == "New advice."
    correction = Correction.objects.get()
    assert (correction.article, correction.note, correction.made_by) == (article, NOTE, editor)
    assert "Marked as a correction" in " ".join(messages_of(client.get(response.url)))


def test_an_article_correction_without_a_note_is_a_form_error_and_nothing_is_saved(client, editor):
    article = ArticleFactory(body="Old advice.")
    client.force_login(editor)
    data = posted(client.get(url_for(article)), body="New advice.", is_correction="on")
    response = client.post(url_for(article), {**data, "_continue": "Save"})
    assert response.status_code == 200
    assert "public note" in form_errors(response)["correction_note"]
    assert Article.objects.get(pk=article.pk).body == "Old advice."
    assert not Correction.objects.exists()


def test_a_draft_article_has_no_correction_fields_and_refuses_a_posted_one(client, editor):
    article = ArticleFactory(draft=True, body="Old advice.")
    client.force_login(editor)
    response = client.get(url_for(article))
    assert "Correction note (shown to readers)" not in response.content.decode()
    data = posted(response, body="New advice.", is_correction="on", correction_note=NOTE)
    response = client.post(url_for(article), {**data, "_continue": "Save"})
    assert response.status_code == 200
    assert "Only a live article can be marked as corrected; this one is draft." in str(
        response.context["errors"]
    )
    assert Article.objects.get(pk=article.pk).body == "Old advice."
    assert not Correction.objects.exists()


def test_unpublishing_while_marking_a_correction_is_refused_and_undone(client, editor):
    article = ArticleFactory()
    client.force_login(editor)
    response = press(client, article, "_unpublish", is_correction="on", correction_note=NOTE)
    assert response.status_code == 200
    assert "Only a live article" in str(response.context["errors"])
    assert Article.objects.get(pk=article.pk).status == Article.Status.PUBLISHED
    assert not Correction.objects.exists()


# --- the list of corrections, and deleting -----------------------------------------------------


@pytest.mark.parametrize("role", ["editor", "moderator", "superuser"])
def test_staff_read_the_corrections_but_nobody_adds_changes_or_deletes(client, request, role):
    correction = make_corrected_answer(note="Dose <b>fixed</b>.")
    client.force_login(request.getfixturevalue(role))
    response = client.get(admin_url("healthqa.correction", "changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Dose &lt;b&gt;fixed&lt;/b&gt;." in html
    assert correction.answer.question.title in html
    assert client.get(url_for(correction)).status_code == 200
    assert client.get(admin_url("healthqa.correction", "add")).status_code == 403
    assert client.get(url_for(correction, "delete")).status_code == 403
    assert client.post(url_for(correction), {"note": "Changed."}).status_code == 403
    assert Correction.objects.get().note == "Dose <b>fixed</b>."


def test_experts_do_not_see_the_corrections(client, expert_user):
    make_corrected_answer()
    client.force_login(expert_user)
    assert client.get(admin_url("healthqa.correction", "changelist")).status_code == 403


def test_deleting_a_corrected_article_or_question_shows_why_it_cannot(client, superuser, editor):
    correction = make_corrected_answer()
    article = ArticleFactory()
    article.record_correction(note=NOTE, by=editor)
    client.force_login(superuser)
    for obj in (article, correction.answer.question, correction.answer):
        url = url_for(obj, "delete")
        page = client.get(url)
        assert page.status_code == 200
        html = page.content.decode()
        assert "Cannot delete" in html and "<li>correction</li>" in html
        response = client.post(url, {"post": "yes"})
        assert response.status_code == 200
        assert type(obj).objects.filter(pk=obj.pk).exists()
    assert Correction.objects.count() == 2
