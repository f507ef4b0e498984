"""The Django admin as editorial staff use it, through real admin URLs."""

from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from taggit.models import Tag

from articles.models import Article, Source
from healthqa.models import (
    Answer,
    AnswerRevision,
    AnswerSource,
    ContinueLearningPick,
    LinkCheck,
    ModerationEvent,
    Question,
    SiteSettings,
)
from tests.factories import (
    AdPlacementFactory,
    AnswerFactory,
    ArticleFactory,
    AssignmentFactory,
    ContinueLearningPickFactory,
    ExpertFactory,
    FlagFactory,
    QuestionFactory,
    SourceFactory,
    TopicFactory,
    UserFactory,
    image_file,
)

REGISTERED = [
    "healthqa.topic",
    "healthqa.question",
    "healthqa.answer",
    "healthqa.answerrevision",
    "healthqa.moderationevent",
    "healthqa.assignment",
    "healthqa.flag",
    "healthqa.sitesettings",
    "healthqa.adplacement",
    "experts.expert",
    "articles.article",
    "taggit.tag",
]
NO_ADD_PAGE = {"healthqa.answerrevision", "healthqa.moderationevent", "healthqa.sitesettings"}


def admin_url(model, view, *args):
    app_label, model_name = model.split(".") if isinstance(model, str) else model
    return reverse(f"admin:{app_label}_{model_name}_{view}", args=args)


def url_for(obj, view="change"):
    return admin_url((obj._meta.app_label, obj._meta.model_name), view, obj.pk)


def run_action(client, model, action, objects, **extra):
    data = {"action": action, ACTION_CHECKBOX_NAME: [obj.pk for obj in objects], **extra}
    return client.post(admin_url(model, "changelist"), data, follow=True)


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def form_data(response):
    """The POST data of an admin change or add page as rendered, inlines included."""
    data = {}

    def add(form):
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = "on" if value is True else value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        for form in formset.initial_forms:
            add(form)
    return data


def events_of(obj):
    return ModerationEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    )


@pytest.fixture
def content(superuser):
    """One row of every model the admin shows, with images where a model has one."""
    topic = TopicFactory(name="Back Pain")
    expert = ExpertFactory(photo=image_file("portrait.png", size=(20, 10)))
    question = QuestionFactory(topic=topic, tags=["push-ups"])
    answer = AnswerFactory(question=question, expert=expert)
    answer.revise(body="A clearer answer.", by=superuser)
    article = ArticleFactory(topic=topic, with_image=True)
    SourceFactory(article=article)
    ContinueLearningPickFactory(question=question, article=article)
    return SimpleNamespace(
        topic=topic,
        expert=expert,
        question=question,
        answer=answer,
        pending=AnswerFactory(question=question, pending=True),
        revision=answer.revisions.get(),
        event=events_of(answer).get(),
        article=article,
        assignment=AssignmentFactory(expert=expert),
        flag=FlagFactory(answer=answer),
        question_flag=FlagFactory(on_question=True),
        ad=AdPlacementFactory(),
        settings=SiteSettings.load(),
        tag=Tag.objects.get(name="push-ups"),
    )


# --- Every page loads --------------------------------------------------------------------------


def test_every_model_has_an_admin():
    """Pick and source rows are edited inline on their question, answer and article; historical
    rows are read through each model's history page; link checks in the "Sources to fix" report."""
    inline_only = {AnswerSource, ContinueLearningPick, LinkCheck, Source}
    for app_label in ("healthqa", "experts", "articles"):
        for model in apps.get_app_config(app_label).get_models():
            if model not in inline_only and not model.__name__.startswith("Historical"):
                assert admin.site.is_registered(model), model


@pytest.mark.parametrize("model", REGISTERED)
def test_changelist_and_search_load_for_superuser(client, superuser, content, model):
    client.force_login(superuser)
    url = admin_url(model, "changelist")
    assert client.get(url, follow=True).status_code == 200
    assert client.get(url, {"q": "x"}, follow=True).status_code == 200


@pytest.mark.parametrize("model", sorted(set(REGISTERED) - NO_ADD_PAGE))
def test_add_page_loads_for_superuser(client, superuser, content, model):
    client.force_login(superuser)
    assert client.get(admin_url(model, "add")).status_code == 200


@pytest.mark.parametrize("model", sorted(NO_ADD_PAGE))
def test_records_and_singletons_have_no_add_page(client, superuser, content, model):
    client.force_login(superuser)
    assert client.get(admin_url(model, "add")).status_code == 403


@pytest.mark.parametrize(
    "name",
    [
        "topic",
        "expert",
        "question",
        "answer",
        "revision",
        "event",
        "article",
        "assignment",
        "flag",
        "question_flag",
        "ad",
        "settings",
        "tag",
    ],
)
def test_change_page_loads_for_superuser(client, superuser, content, name):
    client.force_login(superuser)
    assert client.get(url_for(getattr(content, name))).status_code == 200


def test_lists_show_thumbnails_with_alt_text_and_a_placeholder(client, superuser, content):
    ArticleFactory(title="Without a picture")
    client.force_login(superuser)
    articles = client.get(admin_url("articles.article", "changelist")).content.decode()
    assert 'alt="A person stretching their back"' in articles
    assert 'width="16" height="9"' in articles
    assert "No image" in articles
    experts = client.get(admin_url("experts.expert", "changelist")).content.decode()
    assert f'alt="Portrait of {content.expert.name}"' in experts
    ads = client.get(admin_url("healthqa.adplacement", "changelist")).content.decode()
    assert 'alt="Subscribe to our newsletter"' in ads


def test_site_header_names_healthqa(client, superuser):
    client.force_login(superuser)
    assert "HealthQA administration" in client.get(reverse("admin:index")).content.decode()


@pytest.mark.parametrize("model", sorted(set(REGISTERED) - {"healthqa.sitesettings"}))
def test_changelist_query_count_does_not_grow_with_rows(client, superuser, content, model):
    client.force_login(superuser)
    url = admin_url(model, "changelist")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    before = queries()
    for n in range(5):
        expert = ExpertFactory(photo=image_file(), user=UserFactory())
        question = QuestionFactory(tags=[f"tag-{n}"])
        answer = AnswerFactory(question=question, expert=expert)
        answer.revise(body=f"Revised {n}.", by=superuser)
        FlagFactory(answer=answer)
        FlagFactory(on_question=True)
        AssignmentFactory(expert=expert)
        ArticleFactory(with_image=True, author=expert)
        AdPlacementFactory()
    assert queries() == before


def test_view_on_site_of_an_answer_goes_to_its_anchor_on_the_question(client, superuser, content):
    client.force_login(superuser)
    content_type = ContentType.objects.get_for_model(Answer)
    response = client.get(reverse("admin:view_on_site", args=[content_type.pk, content.answer.pk]))
    assert response.status_code == 302
    assert response.url.endswith(f"/questions/{content.question.slug}/#answer-{content.answer.pk}")


# --- Questions ---------------------------------------------------------------------------------


def test_bulk_publish_uses_the_model_method_and_records_an_event(client, editor):
    question = QuestionFactory(draft=True)
    client.force_login(editor)
    response = run_action(client, "healthqa.question", "publish", [question])
    question.refresh_from_db()
    assert question.status == Question.Status.PUBLISHED
    assert question.published_at is not None
    event = events_of(question).get()
    assert (event.actor, event.action, event.from_state, event.to_state) == (
        editor,
        "publish",
        "draft",
        "published",
    )
    assert "Published 1 question." in messages_of(response)


def test_bulk_publish_reports_each_refusal_and_publishes_the_rest(client, editor):
    draft = QuestionFactory(draft=True)
    submission = QuestionFactory(submitted=True, title="From a reader")
    client.force_login(editor)
    response = run_action(client, "healthqa.question", "publish", [draft, submission])
    draft.refresh_from_db()
    submission.refresh_from_db()
    assert draft.status == Question.Status.PUBLISHED
    assert submission.status == Question.Status.SUBMITTED
    assert any(m.startswith("“From a reader”: ") for m in messages_of(response))
    assert not events_of(submission).exists()


def test_bulk_archive_archives_published_questions(client, editor):
    question = QuestionFactory()
    client.force_login(editor)
    run_action(client, "healthqa.question", "archive", [question])
    question.refresh_from_db()
    assert question.status == Question.Status.ARCHIVED
    assert events_of(question).get().action == "archive"


def test_question_list_says_scheduled_and_waiting_for_an_answer(client, editor):
    scheduled = QuestionFactory(scheduled=True)
    AnswerFactory(question=scheduled)
    QuestionFactory(title="Nobody answered yet")
    client.force_login(editor)
    html = client.get(admin_url("healthqa.question", "changelist")).content.decode()
    assert "Scheduled for " in html
    assert "Published — waiting for an approved answer" in html


def test_question_status_cannot_be_posted(client, editor):
    question = QuestionFactory(draft=True, title="Stays a draft")
    client.force_login(editor)
    data = {
        "title": "Stays a draft",
        "slug": question.slug,
        "status": "published",
        "tags": "",
        "loaded_version": question.version,
        "answers-TOTAL_FORMS": "0",
        "answers-INITIAL_FORMS": "0",
        "article_picks-TOTAL_FORMS": "0",
        "article_picks-INITIAL_FORMS": "0",
        "assignments-TOTAL_FORMS": "0",
        "assignments-INITIAL_FORMS": "0",
    }
    response = client.post(url_for(question), data)
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.status == Question.Status.DRAFT


# --- Answers -----------------------------------------------------------------------------------


def test_answer_status_cannot_be_changed_by_posting_a_status_field(client, moderator):
    answer = AnswerFactory(pending=True)
    client.force_login(moderator)
    data = form_data(client.get(url_for(answer)))
    data.update(status="approved", reviewed_by=moderator.pk, review_note="sneaky")
    response = client.post(url_for(answer), data)
    assert response.status_code == 302
    answer.refresh_from_db()
    assert answer.status == Answer.Status.PENDING
    assert answer.review_note == ""
    assert not events_of(answer).exists()


def test_editing_an_approved_answer_stores_a_pending_revision(client, expert_user, expert):
    answer = AnswerFactory(expert=expert, body="The live text.")
    client.force_login(expert_user)
    data = form_data(client.get(url_for(answer)))
    data["body"] = "A better text."
    assert client.post(url_for(answer), data).status_code == 302
    answer.refresh_from_db()
    assert answer.status == Answer.Status.APPROVED
    assert answer.body == "The live text."
    revision = answer.revisions.get()
    assert (revision.status, revision.body) == (AnswerRevision.Status.PENDING, "A better text.")
    assert events_of(answer).get().action == "revise"


def test_moderator_cannot_rewrite_an_experts_text(client, moderator):
    answer = AnswerFactory(pending=True, body="The expert's words.")
    client.force_login(moderator)
    response = client.get(url_for(answer))
    assert "body" not in response.context["adminform"].form.fields
    data = form_data(response)
    data["body"] = "The moderator's words."
    assert client.post(url_for(answer), data).status_code == 302
    answer.refresh_from_db()
    assert answer.body == "The expert's words."


def test_bulk_approve_calls_the_model_method(client, moderator):
    answer = AnswerFactory(pending=True)
    client.force_login(moderator)
    response = run_action(client, "healthqa.answer", "approve", [answer])
    answer.refresh_from_db()
    assert answer.status == Answer.Status.APPROVED
    assert answer.reviewed_by == moderator
    assert events_of(answer).get().action == "approve"
    assert "Approved 1 answer." in messages_of(response)


def test_bulk_reject_asks_for_a_note_first(client, moderator):
    answer = AnswerFactory(pending=True)
    client.force_login(moderator)
    response = run_action(client, "healthqa.answer", "reject", [answer])
    assert response.templates[0].name == "admin/healthqa/answer/review_note.html"
    response = run_action(client, "healthqa.answer", "reject", [answer], post="yes", note=" ")
    assert response.context["form"].errors
    answer.refresh_from_db()
    assert answer.status == Answer.Status.PENDING

    run_action(client, "healthqa.answer", "reject", [answer], post="yes", note="Off topic.")
    answer.refresh_from_db()
    assert (answer.status, answer.review_note) == (Answer.Status.REJECTED, "Off topic.")
    assert events_of(answer).get().note == "Off topic."


def test_bulk_request_changes_sends_the_answer_back_with_the_note(client, moderator):
    answer = AnswerFactory(pending=True)
    client.force_login(moderator)
    data = {"post": "yes", "note": "Please cite a source."}
    run_action(client, "healthqa.answer", "request_changes", [answer], **data)
    answer.refresh_from_db()
    assert answer.status == Answer.Status.CHANGES_REQUESTED
    assert answer.review_note == "Please cite a source."


def test_editor_cannot_approve_answers(client, editor):
    answer = AnswerFactory(pending=True)
    client.force_login(editor)
    run_action(client, "healthqa.answer", "approve", [answer])
    answer.refresh_from_db()
    assert answer.status == Answer.Status.PENDING


def test_expert_submits_own_draft_for_review(client, expert_user, expert):
    answer = AnswerFactory(expert=expert, draft=True)
    client.force_login(expert_user)
    run_action(client, "healthqa.answer", "submit_for_review", [answer])
    answer.refresh_from_db()
    assert answer.status == Answer.Status.PENDING


def test_expert_sees_only_own_answers(client, expert_user, expert, other_expert_user):
    own = AnswerFactory(expert=expert, draft=True)
    AnswerFactory(expert=other_expert_user.expert_profile, draft=True)
    client.force_login(expert_user)
    response = client.get(admin_url("healthqa.answer", "changelist"))
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [own]


def test_expert_cannot_open_another_experts_answer(client, expert_user, other_expert_user):
    theirs = AnswerFactory(expert=other_expert_user.expert_profile, draft=True)
    client.force_login(expert_user)
    response = client.get(url_for(theirs))
    assert response.status_code in {302, 403, 404}
    if response.status_code == 302:
        assert response.url != url_for(theirs)
    data = {"body": "Hijacked", "position": "0"}
    client.post(url_for(theirs), data)
    theirs.refresh_from_db()
    assert theirs.body != "Hijacked"


def test_expert_adds_answers_only_as_themselves(client, expert_user, expert, other_expert_user):
    question = AssignmentFactory(expert=expert).question
    client.force_login(expert_user)
    add_url = admin_url("healthqa.answer", "add")
    response = client.get(add_url)
    assert "expert" not in response.context["adminform"].form.fields
    data = form_data(response)
    data.update(question=question.pk, body="My answer.", expert=other_expert_user.expert_profile.pk)
    assert client.post(add_url, data).status_code == 302
    answer = Answer.objects.get(question=question)
    assert answer.expert == expert
    assert answer.status == Answer.Status.DRAFT


def test_expert_cannot_answer_a_question_not_assigned_to_them(client, expert_user):
    question = QuestionFactory(draft=True)
    client.force_login(expert_user)
    add_url = admin_url("healthqa.answer", "add")
    data = form_data(client.get(add_url))
    data.update(question=question.pk, body="My answer.")
    response = client.post(add_url, data)
    assert response.status_code == 200
    assert "question" in response.context["adminform"].form.errors
    assert not Answer.objects.exists()


def test_expert_sees_only_questions_they_work_on(client, expert_user, expert):
    assigned = AssignmentFactory(expert=expert).question
    QuestionFactory(submitted=True)
    client.force_login(expert_user)
    response = client.get(admin_url("healthqa.question", "changelist"))
    assert list(response.context["cl"].result_list) == [assigned]


# --- Articles ----------------------------------------------------------------------------------


def test_bulk_publish_articles_records_an_event(client, editor):
    article = ArticleFactory(draft=True)
    client.force_login(editor)
    run_action(client, "articles.article", "publish", [article])
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.published_at is not None
    assert events_of(article).get().actor == editor


def test_bulk_archive_refuses_articles_that_are_not_published(client, editor):
    draft = ArticleFactory(draft=True, title="Not yet")
    client.force_login(editor)
    response = run_action(client, "articles.article", "archive", [draft])
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT
    assert any(m.startswith("“Not yet”: ") for m in messages_of(response))


def test_article_list_shows_scheduled_articles(client, editor):
    ArticleFactory(scheduled=True)
    client.force_login(editor)
    html = client.get(admin_url("articles.article", "changelist")).content.decode()
    assert "Scheduled for " in html


# --- Site settings, records and roles ----------------------------------------------------------


def test_site_settings_list_opens_the_single_row(client, editor):
    SiteSettings.load()
    client.force_login(editor)
    response = client.get(admin_url("healthqa.sitesettings", "changelist"))
    assert response.status_code == 302
    assert response.url == admin_url("healthqa.sitesettings", "change", 1)


def test_site_settings_cannot_be_deleted(client, superuser):
    SiteSettings.load()
    client.force_login(superuser)
    response = client.post(admin_url("healthqa.sitesettings", "delete", 1), {"post": "yes"})
    assert response.status_code == 403
    assert SiteSettings.objects.exists()


def test_moderation_events_cannot_be_added_changed_or_deleted(client, superuser, content):
    client.force_login(superuser)
    event = content.event
    assert client.get(admin_url("healthqa.moderationevent", "add")).status_code == 403
    delete_url = admin_url("healthqa.moderationevent", "delete", event.pk)
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert client.post(url_for(event), {"note": "rewritten"}).status_code == 403
    event.refresh_from_db()
    assert event.note == ""
    changelist = client.get(admin_url("healthqa.moderationevent", "changelist"))
    assert changelist.context["action_form"] is None, "no actions, not even delete_selected"


def test_answer_page_shows_its_moderation_history(client, moderator):
    answer = AnswerFactory(pending=True)
    answer.approve(by=moderator, note="Clear and sourced.")
    client.force_login(moderator)
    html = client.get(url_for(answer)).content.decode()
    assert "Clear and sourced." in html
    assert "Pending review → Approved" in html


@pytest.mark.parametrize(
    "role, models",
    [
        (
            "editor",
            [
                "healthqa.question",
                "healthqa.topic",
                "healthqa.answer",
                "healthqa.assignment",
                "healthqa.adplacement",
                "articles.article",
                "experts.expert",
                "healthqa.sitesettings",
            ],
        ),
        (
            "moderator",
            [
                "healthqa.question",
                "healthqa.answer",
                "healthqa.answerrevision",
                "healthqa.moderationevent",
                "healthqa.flag",
            ],
        ),
        ("expert_user", ["healthqa.answer", "healthqa.question", "healthqa.assignment"]),
    ],
)
def test_roles_reach_their_lists(client, request, content, role, models):
    client.force_login(request.getfixturevalue(role))
    for model in models:
        assert client.get(admin_url(model, "changelist"), follow=True).status_code == 200, model


def test_expert_cannot_see_moderation_records_or_articles(client, expert_user):
    client.force_login(expert_user)
    assert client.get(admin_url("healthqa.moderationevent", "changelist")).status_code == 403
    assert client.get(admin_url("articles.article", "changelist")).status_code == 403


def test_flag_needs_exactly_one_target(client, superuser, content):
    client.force_login(superuser)
    add_url = admin_url("healthqa.flag", "add")
    data = {"reason": "spam", "answer": content.answer.pk, "question": content.question.pk}
    response = client.post(add_url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors


def test_verifying_an_expert_records_who_and_when(client, editor):
    expert = ExpertFactory(verified=False)
    client.force_login(editor)
    run_action(client, "experts.expert", "mark_verified", [expert])
    expert.refresh_from_db()
    assert expert.verified and expert.verified_by == editor and expert.verified_at


def test_editor_links_no_accounts_to_experts(client, editor, content):
    client.force_login(editor)
    response = client.get(url_for(content.expert))
    assert "user" not in response.context["adminform"].form.fields
