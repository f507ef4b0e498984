"""The state buttons of the change forms: who sees which, what each does, and refusals that
keep what was typed. Also: publication times in whole seconds, so an unchanged form saves no
change."""

import importlib
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django import forms
from django.apps import apps
from django.db import connection
from django.utils import timezone

from articles.models import Article
from healthqa.admin.workflow import sentence
from healthqa.core.text import when
from healthqa.models import Answer, AnswerRevision, Question
from tests.admin.test_admin import admin_url, events_of, messages_of, run_action, url_for
from tests.factories import AnswerFactory, ArticleFactory, AssignmentFactory, QuestionFactory

pytestmark = pytest.mark.django_db

QS = Question.Status
AS = Answer.Status
NOTE = "Please name a source for the dose."


def posted(response, **changes):
    """The POST data of an admin change or add page as a browser would send it, with
    `changes`: split date and time fields in two, tags as text, inlines included."""
    data = {}

    def add(form):
        for name, field in form.fields.items():
            key, value, widget = form.add_prefix(name), form[name].value(), field.widget
            if isinstance(field, forms.FileField):
                continue
            if isinstance(widget, forms.MultiWidget):
                parts = value if isinstance(value, list) else widget.decompress(value)
                for i, (part, sub) in enumerate(zip(parts, widget.widgets, strict=True)):
                    data[f"{key}_{i}"] = sub.format_value(part) or ""
            elif value is True:
                data[key] = "on"
            elif value is not None and value is not False:
                data[key] = (widget.format_value(value) or "") if name == "tags" else value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        for form in formset.initial_forms:
            add(form)
    data.update(changes)
    return data


def buttons(response):
    """(name, label) of the buttons of the change form's submit row."""
    found = response.context.get("workflow_buttons") or []
    return [(button.name, button.label) for button in found]


def press(client, obj, button, *, view="change", **changes):
    url = url_for(obj) if view == "change" else admin_url(obj, "add")
    data = posted(client.get(url), **changes)
    data[button] = "pressed"
    return client.post(url, data)


def local_parts(moment):
    moment = timezone.localtime(moment)
    return {
        "published_at_0": moment.strftime("%Y-%m-%d"),
        "published_at_1": moment.strftime("%H:%M:%S"),
    }


def form_errors(response):
    form = response.context["adminform"].form
    return {name: " ".join(errors) for name, errors in form.errors.items()}


# --- questions and articles: which buttons --------------------------------------------------


def test_editor_sees_save_draft_publish_now_and_schedule_on_a_draft(client, editor):
    question = QuestionFactory(draft=True)
    client.force_login(editor)
    response = client.get(url_for(question))
    assert buttons(response) == [
        ("_continue", "Save draft"),
        ("_publish", "Publish now"),
        ("_schedule", "Schedule"),
    ]
    html = response.content.decode()
    assert "Save and add another" not in html
    assert 'name="_publish" value="Publish now" class="workflow-button default"' in html


def test_schedule_is_the_primary_button_when_the_date_is_in_the_future(client, editor):
    question = QuestionFactory(draft=True, published_at=timezone.now() + timedelta(days=3))
    client.force_login(editor)
    primary = [
        b.name for b in client.get(url_for(question)).context["workflow_buttons"] if b.primary
    ]
    assert primary == ["_schedule"]


def test_published_item_has_save_and_unpublish_scheduled_one_save_and_unschedule(client, editor):
    client.force_login(editor)
    live, later = QuestionFactory(), ArticleFactory(scheduled=True)
    assert buttons(client.get(url_for(live))) == [("_save", "Save"), ("_unpublish", "Unpublish")]
    assert buttons(client.get(url_for(later))) == [("_save", "Save"), ("_unpublish", "Unschedule")]


def test_archived_item_can_be_saved_published_or_scheduled(client, editor):
    client.force_login(editor)
    names = [name for name, _ in buttons(client.get(url_for(ArticleFactory(archived=True))))]
    assert names == ["_continue", "_publish", "_schedule"]


def test_moderator_without_publish_permission_sees_only_save_draft(client, moderator):
    question = QuestionFactory(draft=True)
    client.force_login(moderator)
    assert buttons(client.get(url_for(question))) == [("_continue", "Save draft")]


def test_add_page_offers_save_draft_and_publish(client, editor):
    client.force_login(editor)
    names = [name for name, _ in buttons(client.get(admin_url("articles.article", "add")))]
    assert names == ["_continue", "_publish", "_schedule"]


# --- questions and articles: what the buttons do ---------------------------------------------


def test_publish_now_saves_the_edit_then_publishes(client, editor):
    question = QuestionFactory(draft=True, title="Old title")
    client.force_login(editor)
    response = press(client, question, "_publish", title="New title")
    assert response.status_code == 302
    assert response.url == url_for(question)
    question.refresh_from_db()
    assert (question.title, question.status) == ("New title", QS.PUBLISHED)
    assert question.published_at <= timezone.now()
    assert events_of(question).get().action == "publish"
    assert messages_of(client.get(response.url)) == ["Published."]


def test_publish_now_with_a_future_date_publishes_now(client, editor):
    question = QuestionFactory(draft=True, published_at=timezone.now() + timedelta(days=3))
    client.force_login(editor)
    press(client, question, "_publish")
    question.refresh_from_db()
    assert question.status == QS.PUBLISHED and not question.is_scheduled


def test_publish_now_keeps_the_past_date_of_an_archived_item(client, editor):
    article = ArticleFactory(archived=True)
    first_published = article.published_at
    client.force_login(editor)
    press(client, article, "_publish")
    article.refresh_from_db()
    assert (article.status, article.published_at) == (Article.Status.PUBLISHED, first_published)


def test_schedule_publishes_with_the_future_date_and_says_when(client, editor):
    question = QuestionFactory(draft=True)
    at = (timezone.now() + timedelta(days=2)).replace(microsecond=0)
    client.force_login(editor)
    response = press(client, question, "_schedule", **local_parts(at))
    question.refresh_from_db()
    assert question.is_scheduled and question.published_at == at
    assert messages_of(client.get(response.url)) == [sentence(f"Scheduled for {when(at)}")]


def test_schedule_without_a_future_date_is_a_form_error_and_saves_nothing(client, editor):
    question = QuestionFactory(draft=True, title="Old title")
    client.force_login(editor)
    response = press(client, question, "_schedule", title="Typed title")
    assert response.status_code == 200
    assert "in the future" in form_errors(response)["published_at"]
    assert response.context["adminform"].form["title"].value() == "Typed title"
    question.refresh_from_db()
    assert (question.title, question.status) == ("Old title", QS.DRAFT)


def test_schedule_a_new_article_from_the_add_page(client, editor):
    at = (timezone.now() + timedelta(days=1)).replace(microsecond=0)
    client.force_login(editor)
    response = press(
        client,
        "articles.article",
        "_schedule",
        view="add",
        title="Stretching at the desk",
        slug="stretching-at-the-desk",
        body="Stand up every hour.",
        **{"sources-TOTAL_FORMS": "0", "sources-INITIAL_FORMS": "0"},
        **local_parts(at),
    )
    article = Article.objects.get(slug="stretching-at-the-desk")
    assert response.url == url_for(article)
    assert article.is_scheduled and article.published_at == at


def test_unschedule_returns_a_scheduled_question_to_draft(client, editor):
    question = QuestionFactory(scheduled=True)
    client.force_login(editor)
    response = press(client, question, "_unpublish")
    question.refresh_from_db()
    assert question.status == QS.DRAFT
    assert messages_of(client.get(response.url)) == ["Unscheduled: the question is a draft again."]


def test_unpublish_archives_a_live_article(client, editor):
    article = ArticleFactory()
    client.force_login(editor)
    press(client, article, "_unpublish")
    article.refresh_from_db()
    assert article.status == Article.Status.ARCHIVED
    assert events_of(article).get().action == "archive"


def test_a_crafted_publish_by_a_moderator_is_refused_and_saves_nothing(client, moderator):
    question = QuestionFactory(draft=True, title="Old title")
    client.force_login(moderator)
    response = press(client, question, "_publish", title="Typed title")
    assert response.status_code == 200
    assert response.context["errors"]
    assert response.context["adminform"].form["title"].value() == "Typed title"
    question.refresh_from_db()
    assert (question.title, question.status) == ("Old title", QS.DRAFT)
    assert not events_of(question).exists()


def test_publishing_an_already_published_question_from_a_stale_form_is_refused(client, editor):
    question = QuestionFactory(draft=True)
    client.force_login(editor)
    data = posted(client.get(url_for(question)), _publish="pressed")
    question.publish(by=editor)
    response = client.post(url_for(question), data)
    assert response.status_code == 200
    assert "changed after you opened it" in str(response.context["errors"])
    assert events_of(question).count() == 1


def test_plain_save_of_a_published_question_keeps_djangos_message(client, editor):
    question = QuestionFactory(title="Old title")
    client.force_login(editor)
    response = press(client, question, "_save", title="New title")
    assert response.url == admin_url("healthqa.question", "changelist")
    question.refresh_from_db()
    assert (question.title, question.status) == ("New title", QS.PUBLISHED)


# --- the list action's message -----------------------------------------------------------------


def test_list_action_says_scheduled_for_a_future_date_and_published_for_the_rest(client, editor):
    later = QuestionFactory(draft=True, published_at=timezone.now() + timedelta(days=2))
    now = QuestionFactory(draft=True)
    client.force_login(editor)
    response = run_action(client, "healthqa.question", "publish", [later, now])
    assert sorted(messages_of(response)) == ["Published 1 question.", "Scheduled 1 question."]


# --- answers: which buttons --------------------------------------------------------------------


def test_expert_sees_save_draft_and_submit_on_a_draft_and_no_review_buttons(
    client, expert_user, expert
):
    answer = AnswerFactory(expert=expert, draft=True)
    client.force_login(expert_user)
    assert buttons(client.get(url_for(answer))) == [
        ("_continue", "Save draft"),
        ("_submit", "Submit for review"),
    ]
    assert buttons(client.get(admin_url("healthqa.answer", "add"))) == [
        ("_continue", "Save draft"),
        ("_submit", "Submit for review"),
    ]


def test_expert_sees_save_and_withdraw_while_waiting_and_save_once_approved(
    client, expert_user, expert
):
    client.force_login(expert_user)
    pending = AnswerFactory(expert=expert, pending=True)
    approved = AnswerFactory(expert=expert)
    assert buttons(client.get(url_for(pending))) == [("_save", "Save"), ("_withdraw", "Withdraw")]
    assert buttons(client.get(url_for(approved))) == [("_save", "Save")]


def test_moderator_sees_the_decisions_and_a_note_box_on_an_answer_waiting_for_review(
    client, moderator
):
    answer = AnswerFactory(pending=True)
    client.force_login(moderator)
    response = client.get(url_for(answer))
    assert buttons(response) == [
        ("_save", "Save"),
        ("_approve", "Approve"),
        ("_request_changes", "Request changes"),
        ("_reject", "Reject"),
    ]
    assert "decision_note" in response.context["adminform"].form.fields


def test_moderator_sees_no_decisions_on_a_draft_nor_on_a_live_answer(client, moderator):
    client.force_login(moderator)
    for answer in (AnswerFactory(draft=True), AnswerFactory()):
        response = client.get(url_for(answer))
        assert buttons(response) == [("_save", "Save")]
        assert "decision_note" not in response.context["adminform"].form.fields


def test_editor_sees_no_buttons_on_answers(client, editor):
    client.force_login(editor)
    response = client.get(url_for(AnswerFactory(pending=True)))
    assert buttons(response) == []
    assert "Approve" not in response.content.decode()


# --- answers: what the buttons do -------------------------------------------------------------


def test_expert_submits_from_the_change_form_with_the_edit(client, expert_user, expert):
    answer = AnswerFactory(expert=expert, draft=True, body="First words.")
    client.force_login(expert_user)
    response = press(client, answer, "_submit", body="Better words.")
    answer.refresh_from_db()
    assert (answer.status, answer.body) == (AS.PENDING, "Better words.")
    assert answer.pending_revision().body == "Better words."
    assert messages_of(client.get(response.url)) == ["Submitted for review."]


def test_expert_writes_and_submits_a_new_answer(client, expert_user, expert):
    question = AssignmentFactory(expert=expert).question
    client.force_login(expert_user)
    url = admin_url("healthqa.answer", "add") + f"?question={question.pk}"
    data = posted(client.get(url), body="Rest it for a week.", position="0", _submit="pressed")
    response = client.post(url, data)
    answer = Answer.objects.get(question=question)
    assert response.url == url_for(answer)
    assert (answer.status, answer.expert) == (AS.PENDING, expert)


def test_expert_withdraws_a_pending_answer(client, expert_user, expert):
    answer = AnswerFactory(expert=expert, draft=True)
    answer.submit(by=expert_user)
    client.force_login(expert_user)
    response = press(client, answer, "_withdraw")
    answer.refresh_from_db()
    assert answer.status == AS.DRAFT
    assert not answer.revisions.filter(status=AnswerRevision.Status.PENDING).exists()
    assert messages_of(client.get(response.url)) == ["Withdrawn: the answer is a draft again."]


def test_a_crafted_approve_by_the_expert_is_refused_and_keeps_the_typed_text(
    client, expert_user, expert
):
    answer = AnswerFactory(expert=expert, pending=True, body="Waiting words.")
    client.force_login(expert_user)
    response = press(client, answer, "_approve", body="Typed words.")
    assert response.status_code == 200
    assert "Only moderators review answers." in str(response.context["errors"])
    assert response.context["adminform"].form["body"].value() == "Typed words."
    answer.refresh_from_db()
    assert (answer.status, answer.body) == (AS.PENDING, "Waiting words.")
    assert not answer.revisions.exists()


def test_a_crafted_submit_by_a_moderator_is_refused(client, moderator):
    answer = AnswerFactory(draft=True)
    client.force_login(moderator)
    response = press(client, answer, "_submit")
    assert response.status_code == 200
    assert Answer.objects.get(pk=answer.pk).status == AS.DRAFT


def test_moderator_approves_from_the_change_form(client, moderator):
    answer = AnswerFactory(pending=True)
    client.force_login(moderator)
    response = press(client, answer, "_approve")
    answer.refresh_from_db()
    assert (answer.status, answer.reviewed_by) == (AS.APPROVED, moderator)
    assert messages_of(client.get(response.url)) == ["Approved."]
    # The decision is recorded, not an empty edit besides it.
    assert answer.history.count() == 2


def test_moderator_approves_a_revision_of_a_live_answer(client, moderator, expert_user, expert):
    answer = AnswerFactory(expert=expert, body="Old live text.")
    answer.revise(body="New text.", by=expert_user)
    client.force_login(moderator)
    response = press(client, answer, "_approve")
    answer.refresh_from_db()
    assert answer.body == "New text."
    assert messages_of(client.get(response.url)) == ["Approved: the revised text is live."]


@pytest.mark.parametrize("button", ["_request_changes", "_reject"])
def test_sending_back_without_a_note_is_a_form_error(client, moderator, button):
    answer = AnswerFactory(pending=True)
    client.force_login(moderator)
    response = press(client, answer, button, position="3")
    assert response.status_code == 200
    assert "Write a note" in form_errors(response)["decision_note"]
    assert response.context["adminform"].form["position"].value() == "3"
    answer.refresh_from_db()
    assert (answer.status, answer.position) == (AS.PENDING, 0)


@pytest.mark.parametrize(
    ("button", "status", "message"),
    [
        ("_request_changes", AS.CHANGES_REQUESTED, "Sent back to the expert for changes."),
        ("_reject", AS.REJECTED, "Rejected."),
    ],
)
def test_moderator_sends_back_with_the_note(client, moderator, button, status, message):
    answer = AnswerFactory(pending=True)
    client.force_login(moderator)
    response = press(client, answer, button, decision_note=NOTE)
    answer.refresh_from_db()
    assert (answer.status, answer.review_note) == (status, NOTE)
    assert messages_of(client.get(response.url)) == [message]


def test_a_decision_on_an_answer_withdrawn_meanwhile_is_refused(client, moderator, expert):
    answer = AnswerFactory(expert=expert, draft=True)
    answer.submit(by=expert.user)
    client.force_login(moderator)
    data = posted(client.get(url_for(answer)), _approve="pressed")
    answer.withdraw(by=expert.user)
    response = client.post(url_for(answer), data)
    assert response.status_code == 200
    assert Answer.objects.get(pk=answer.pk).status == AS.DRAFT


# --- whole seconds -----------------------------------------------------------------------------


def history_changes(obj):
    newest, previous = obj.history.all()[:2]
    return [change.field for change in newest.diff_against(previous).changes]


@pytest.mark.parametrize("factory", [QuestionFactory, ArticleFactory])
def test_saving_an_unchanged_form_records_no_field_change(client, editor, factory):
    fine = timezone.now().replace(microsecond=654321) - timedelta(days=1)
    item = factory(published_at=fine)
    client.force_login(editor)
    response = press(client, item, "_save")
    assert response.status_code == 302
    assert history_changes(item) == []


def test_an_item_published_with_the_button_saves_unchanged_afterwards(client, editor):
    question = QuestionFactory(draft=True)
    client.force_login(editor)
    press(client, question, "_publish")
    assert press(client, question, "_save").status_code == 302
    assert history_changes(question) == []


def test_a_conflict_after_an_unchanged_save_names_no_publication_date(client, editor):
    question = QuestionFactory(published_at=timezone.now().replace(microsecond=5))
    client.force_login(editor)
    first = posted(client.get(url_for(question)), _save="pressed")
    assert press(client, question, "_save").status_code == 302
    response = client.post(url_for(question), first)
    errors = str(response.context["errors"])
    assert "changed after you opened it" in errors
    assert "Published at" not in errors


def test_the_data_migrations_cut_stored_times_to_whole_seconds(editor):
    fine = timezone.now().replace(microsecond=987654)
    question, article = QuestionFactory(), ArticleFactory()
    Question.objects.filter(pk=question.pk).update(published_at=fine)
    Article.objects.filter(pk=article.pk).update(published_at=fine, reviewed_at=fine)
    editor_side = SimpleNamespace(connection=connection)
    for module in (
        "healthqa.migrations.0013_whole_second_publication_times",
        "articles.migrations.0006_whole_second_times",
    ):
        importlib.import_module(module).whole_seconds(apps, editor_side)
    question.refresh_from_db()
    article.refresh_from_db()
    assert question.published_at == fine.replace(microsecond=0)
    assert article.published_at == article.reviewed_at == fine.replace(microsecond=0)
