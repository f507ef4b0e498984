"""The role table of SPEC §5, cell by cell, through real admin URLs (GET and POST)."""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.core.files import File
from django.urls import reverse

from articles.models import Article
from experts.models import Expert
from healthqa.models import Answer, ModerationEvent, Question, SiteSettings, Topic
from tests.admin.test_admin import admin_url, form_data, run_action, url_for
from tests.factories import (
    AnswerFactory,
    ArticleFactory,
    AssignmentFactory,
    ExpertFactory,
    FlagFactory,
    QuestionFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(expert):
    """One of everything, with an assigned draft question and a pending answer by `expert`."""
    assigned = AssignmentFactory(expert=expert).question
    return SimpleNamespace(
        topic=TopicFactory(name="Stays put"),
        question=QuestionFactory(draft=True, title="Stays put"),
        assigned=assigned,
        article=ArticleFactory(title="Stays put"),
        expert=ExpertFactory(name="Stays put"),
        own_answer=AnswerFactory(expert=expert, question=assigned, pending=True),
        answer=AnswerFactory(pending=True),
        flag=FlagFactory(),
        settings=SiteSettings.load(),
    )


def hijack(client, obj, **data):
    return client.post(url_for(obj), data)


def unchanged(obj, field, value):
    obj.refresh_from_db()
    return getattr(obj, field) == value


def test_role_groups_exist_after_migrate():
    assert set(Group.objects.values_list("name", flat=True)) >= {
        "Editors",
        "Moderators",
        "Experts",
    }


# --- Experts -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["article", "expert", "settings", "topic", "flag"])
def test_expert_cannot_open_or_post_other_content(client, expert_user, rows, name):
    obj = getattr(rows, name)
    client.force_login(expert_user)
    assert client.get(url_for(obj)).status_code == 403
    assert (
        hijack(client, obj, name="Hacked", title="Hacked", disclaimer="Hacked").status_code == 403
    )


def test_expert_cannot_edit_own_profile_in_the_admin(client, expert_user, expert):
    client.force_login(expert_user)
    assert client.get(url_for(expert)).status_code == 403
    assert hijack(client, expert, name="Self-promoted").status_code == 403
    assert unchanged(expert, "name", "Dr. Dana Expert")


@pytest.mark.parametrize("model", ["articles.article", "experts.expert", "healthqa.topic"])
def test_expert_cannot_add_content_other_than_answers(client, expert_user, model):
    client.force_login(expert_user)
    assert client.get(admin_url(model, "add")).status_code == 403
    assert client.post(admin_url(model, "add"), {"name": "x", "title": "x"}).status_code == 403


def test_expert_reads_an_assigned_question_but_cannot_change_it(client, expert_user, rows):
    client.force_login(expert_user)
    response = client.get(url_for(rows.assigned))
    assert response.status_code == 200
    assert not response.context["has_change_permission"]
    assert hijack(client, rows.assigned, title="Rewritten").status_code == 403
    assert not unchanged(rows.assigned, "title", "Rewritten")


def test_expert_cannot_open_a_question_not_theirs(client, expert_user, rows):
    client.force_login(expert_user)
    response = client.get(url_for(rows.question))
    assert response.status_code == 302
    assert response.url == reverse("admin:index")
    hijack(client, rows.question, title="Rewritten")
    assert unchanged(rows.question, "title", "Stays put")


def test_expert_cannot_set_status_or_pick_another_expert(client, expert_user, expert, rows):
    answer = AnswerFactory(expert=expert, question=rows.assigned, draft=True, body="Mine.")
    client.force_login(expert_user)
    data = form_data(client.get(url_for(answer)))
    data.update(
        status="approved",
        expert=rows.expert.pk,
        reviewed_by=expert_user.pk,
        review_note="Self-approved",
        helpful_yes="999",
        body="Mine, edited.",
    )
    assert client.post(url_for(answer), data).status_code == 302
    answer.refresh_from_db()
    assert answer.status == Answer.Status.DRAFT
    assert answer.expert == expert
    assert (answer.reviewed_by, answer.review_note, answer.helpful_yes) == (None, "", 0)
    assert answer.body == "Mine, edited."


def test_expert_cannot_approve_even_own_answers(client, expert_user, rows):
    client.force_login(expert_user)
    run_action(client, "healthqa.answer", "approve", [rows.own_answer])
    assert unchanged(rows.own_answer, "status", Answer.Status.PENDING)


def test_expert_sees_only_own_answers_everywhere(client, expert_user, rows):
    client.force_login(expert_user)
    listing = client.get(admin_url("healthqa.answer", "changelist"))
    assert list(listing.context["cl"].result_list) == [rows.own_answer]
    for url in (url_for(rows.answer), url_for(rows.answer, "history")):
        response = client.get(url)
        assert response.status_code == 302 and response.url != url
    assert client.post(url_for(rows.answer), {"body": "Hijacked"}).status_code in {302, 403}
    assert unchanged(rows.answer, "status", Answer.Status.PENDING)


def test_expert_cannot_delete_answers(client, expert_user, rows):
    client.force_login(expert_user)
    url = admin_url("healthqa.answer", "delete", rows.own_answer.pk)
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Answer.objects.filter(pk=rows.own_answer.pk).exists()


# --- Moderators --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["expert", "article"])
def test_moderator_reads_but_cannot_change_experts_or_articles(client, moderator, rows, name):
    obj = getattr(rows, name)
    client.force_login(moderator)
    response = client.get(url_for(obj))
    assert response.status_code == 200
    assert not response.context["has_change_permission"]
    assert hijack(client, obj, name="Hacked", title="Hacked").status_code == 403
    field = "name" if name == "expert" else "title"
    assert unchanged(obj, field, "Stays put")


def test_moderator_cannot_touch_site_settings(client, moderator, rows):
    client.force_login(moderator)
    assert client.get(url_for(rows.settings)).status_code == 403
    assert hijack(client, rows.settings, disclaimer="Hacked").status_code == 403
    assert SiteSettings.load().disclaimer != "Hacked"


@pytest.mark.parametrize("model", ["articles.article", "experts.expert", "healthqa.topic"])
def test_moderator_cannot_add_editorial_content(client, moderator, model):
    client.force_login(moderator)
    assert client.get(admin_url(model, "add")).status_code == 403
    assert client.post(admin_url(model, "add"), {"name": "x", "title": "x"}).status_code == 403


@pytest.mark.parametrize(
    "name", ["topic", "question", "article", "expert", "answer", "flag", "settings"]
)
def test_moderator_deletes_nothing(client, moderator, rows, name):
    obj = getattr(rows, name)
    client.force_login(moderator)
    opts = obj._meta
    url = admin_url((opts.app_label, opts.model_name), "delete", obj.pk)
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert type(obj).objects.filter(pk=obj.pk).exists()


@pytest.mark.parametrize(
    "model",
    [
        "healthqa.question",
        "healthqa.answer",
        "healthqa.flag",
        "healthqa.moderationevent",
        "healthqa.topic",
        "articles.article",
        "experts.expert",
    ],
)
def test_moderator_has_no_bulk_delete(client, moderator, model):
    client.force_login(moderator)
    response = client.get(admin_url(model, "changelist"))
    actions = (
        response.context["action_form"].fields["action"].choices
        if response.context["action_form"]
        else []
    )
    assert "delete_selected" not in [value for value, _ in actions]


def test_moderator_bulk_delete_post_is_refused(client, moderator, rows):
    client.force_login(moderator)
    run_action(client, "healthqa.answer", "delete_selected", [rows.answer], post="yes")
    assert Answer.objects.filter(pk=rows.answer.pk).exists()


def test_moderator_cannot_publish_questions(client, moderator, rows):
    AnswerFactory(question=rows.question)
    client.force_login(moderator)
    run_action(client, "healthqa.question", "publish", [rows.question])
    assert unchanged(rows.question, "status", Question.Status.DRAFT)


def test_moderator_approves(client, moderator, rows):
    client.force_login(moderator)
    run_action(client, "healthqa.answer", "approve", [rows.answer])
    assert unchanged(rows.answer, "status", Answer.Status.APPROVED)


# --- Editors -----------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["approve", "reject", "request_changes"])
def test_only_moderators_review_answers_not_editors(client, editor, rows, action):
    client.force_login(editor)
    response = run_action(client, "healthqa.answer", action, [rows.answer], post="yes", note="x")
    assert unchanged(rows.answer, "status", Answer.Status.PENDING)
    assert response.status_code == 200
    assert not ModerationEvent.objects.filter(actor=editor).exists()


def test_editor_reads_answers_but_cannot_rewrite_them(client, editor, rows):
    client.force_login(editor)
    assert client.get(url_for(rows.answer)).status_code == 200
    assert hijack(client, rows.answer, body="Editor's words").status_code == 403
    assert not rows.answer.revisions.filter(body="Editor's words").exists()


@pytest.mark.parametrize("name, field", [("expert", "name"), ("article", "title")])
def test_editor_edits_experts_and_articles(client, editor, rows, name, field):
    obj = getattr(rows, name)
    client.force_login(editor)
    page = client.get(url_for(obj))
    data = {k: v for k, v in form_data(page).items() if not isinstance(v, File)}
    data["tags"] = ""
    data[field] = "Edited by the editor"
    response = client.post(url_for(obj), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert unchanged(obj, field, "Edited by the editor")


@pytest.mark.parametrize("model", [Question, Article, Expert, Topic])
def test_editor_archives_rather_than_deletes(client, editor, rows, model):
    obj = {Question: rows.question, Article: rows.article, Expert: rows.expert, Topic: rows.topic}[
        model
    ]
    client.force_login(editor)
    url = url_for(obj, "delete")
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=obj.pk).exists()


@pytest.mark.parametrize(
    "role, title",
    [
        ("expert_user", "Your answers"),
        ("moderator", "Moderation"),
        ("editor", "Editorial work"),
        ("superuser", "Editorial work"),
    ],
)
def test_admin_home_is_titled_for_the_role(client, request, role, title):
    client.force_login(request.getfixturevalue(role))

    response = client.get(reverse("admin:index"))

    assert response.context["title"] == title
    assert f"<h1>{title}</h1>" in response.content.decode()


def test_admin_home_of_a_user_with_several_roles_has_the_broadest_title(client, expert_user):
    expert_user.groups.add(Group.objects.get(name="Moderators"))
    client.force_login(expert_user)
    assert client.get(reverse("admin:index")).context["title"] == "Moderation"

    expert_user.groups.add(Group.objects.get(name="Editors"))
    assert client.get(reverse("admin:index")).context["title"] == "Editorial work"


def test_tags_app_has_a_readable_name(client, editor):
    client.force_login(editor)

    page = client.get(reverse("admin:index")).content.decode()

    assert ">Tags</a>" in page
    assert "Taggit" not in page
