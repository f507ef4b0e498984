"""The live preview beside the question, answer and article change forms."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.db.models.fields.files import FieldFile
from django.test import Client
from django.test.utils import CaptureQueriesContext
from taggit.models import Tag

from articles.models import Article, Source
from healthqa.models import Answer, AnswerRevision, ModerationEvent, Question, SearchDocument
from healthqa.pagecache import middleware
from tests.admin.test_admin import admin_url, form_data, url_for
from tests.factories import (
    AnswerFactory,
    ArticleFactory,
    AssignmentFactory,
    QuestionFactory,
    SourceFactory,
    TopicFactory,
    UserFactory,
    make_public_question,
)

pytestmark = pytest.mark.django_db


def preview_url(obj):
    return url_for(obj, "live_preview")


def change_data(client, obj, **changes):
    """The change form's data as the page holds it (files left out), with `changes` typed in."""
    data = form_data(client.get(url_for(obj)))
    return {**{k: v for k, v in data.items() if not isinstance(v, FieldFile)}, **changes}


def text(response):
    return response.content.decode()


@pytest.fixture
def question():
    return make_public_question(title="Why do my knees click?", details="Only on stairs.")


def counts():
    return (
        Question.objects.count(),
        Question.history.count(),
        Answer.objects.count(),
        AnswerRevision.objects.count(),
        Article.objects.count(),
        ModerationEvent.objects.count(),
        SearchDocument.objects.count(),
    )


# --- What it shows -----------------------------------------------------------------------------


def test_question_preview_renders_the_posted_title_and_details(client, editor, question):
    client.force_login(editor)
    data = change_data(
        client, question, title="Why do my knees crack?", details="It is **loud** on stairs."
    )
    response = client.post(preview_url(question), data)
    assert response.status_code == 200
    page = text(response)
    assert '<h1 id="question-title" class="qa__title">Why do my knees crack?</h1>' in page
    assert "It is <strong>loud</strong> on stairs." in page
    assert "Preview — unsaved changes." in page
    assert "Preview — not published." not in page
    assert question.answers.get().body_html in page
    question.refresh_from_db()
    assert question.title == "Why do my knees click?"


def test_question_preview_shows_the_posted_tags(client, editor, question):
    client.force_login(editor)
    data = change_data(client, question, tags="knees, brand new tag")
    page = text(client.post(preview_url(question), data))
    assert '<span class="tag-pill">brand new tag</span>' in page
    assert ">knees</a>" in page or ">knees</span>" in page


def test_a_new_question_is_previewed_from_the_add_form(client, editor):
    client.force_login(editor)
    topic = TopicFactory(name="Knee Pain")
    data = {"title": "Is cycling good for knees?", "slug": "is-cycling-good-for-knees"}
    data.update({"topic": topic.pk, "details": "I ride daily.", "tags": "cycling"})
    data.update(form_data(client.get(admin_url("healthqa.question", "add"))))
    data.update(title="Is cycling good for knees?", slug="is-cycling-good-for-knees")
    before = counts()
    response = client.post(admin_url("healthqa.question", "add_live_preview"), data)
    assert response.status_code == 200
    assert "Is cycling good for knees?" in text(response)
    assert "This question has no approved answer yet." in text(response)
    assert counts() == before


def test_answer_preview_shows_the_question_page_with_the_new_text(client, expert_user, expert):
    question = make_public_question(title="Can I run after knee surgery?")
    answer = AnswerFactory(question=question, expert=expert, body="Wait six weeks.")
    client.force_login(expert_user)
    data = change_data(client, answer, body="Wait **eight** weeks.")
    response = client.post(preview_url(answer), data)
    assert response.status_code == 200
    page = text(response)
    assert "Can I run after knee surgery?" in page
    assert "Wait <strong>eight</strong> weeks." in page
    assert "readers see the approved text until then" in page
    assert "Wait six weeks." in page  # the live text, under "The approved text readers see now"
    answer.refresh_from_db()
    assert answer.body == "Wait six weeks."
    assert not answer.revisions.exists()


def test_expert_previews_a_new_answer_to_an_assigned_question(client, expert_user, expert):
    assignment = AssignmentFactory(expert=expert, question__title="Should I ice a sprain?")
    client.force_login(expert_user)
    add_page = client.get(
        admin_url("healthqa.answer", "add") + f"?question={assignment.question_id}"
    )
    url = add_page.context["live_preview_url"]
    assert url.endswith(f"?question={assignment.question_id}")
    # The question is fixed by the address: the form does not post it.
    before = counts()
    response = client.post(url, {"body": "Ice for **20 minutes**.", "position": "0"})
    assert response.status_code == 200
    page = text(response)
    assert "Should I ice a sprain?" in page
    assert "Ice for <strong>20 minutes</strong>." in page
    assert "Not approved yet — readers do not see this answer." in page
    assert counts() == before


def test_article_preview_renders_the_posted_body_and_sources(client, editor):
    article = ArticleFactory(draft=True, title="Stretching 101", body="Old body.")
    SourceFactory(article=article, title="Old source", position=0)
    client.force_login(editor)
    data = change_data(client, article, title="Stretching 102", body="## Warm up\n\nGently.")
    data["sources-0-title"] = "Renamed source"
    response = client.post(preview_url(article), data)
    assert response.status_code == 200
    page = text(response)
    assert "<h1>Stretching 102</h1>" in page
    assert "<h2>Warm up</h2>" in page
    assert "Renamed source" in page and "Old source" not in page
    assert Source.objects.get().title == "Old source"


# --- Nothing is saved --------------------------------------------------------------------------


def test_previews_save_nothing_anywhere(client, editor, question, monkeypatch):
    stored = []
    monkeypatch.setattr(middleware, "store", lambda *args, **kwargs: stored.append(args))
    client.force_login(editor)
    article = ArticleFactory(draft=True)
    data = change_data(client, question, title="Changed title", tags="new-tag-here")
    article_data = change_data(client, article, body="Changed body.")
    before = counts()
    versions = (question.version, article.version)
    assert client.post(preview_url(question), data).status_code == 200
    assert client.post(preview_url(article), article_data).status_code == 200
    assert counts() == before
    question.refresh_from_db()
    article.refresh_from_db()
    assert (question.version, article.version) == versions
    assert not Tag.objects.filter(name="new-tag-here").exists()
    assert not SearchDocument.objects.filter(title="Changed title").exists()
    assert stored == []  # no page-cache entry
    reader = Client()
    assert "Changed title" not in text(reader.get(question.get_absolute_url()))


# --- Headers -----------------------------------------------------------------------------------


def test_preview_is_private_unindexed_and_framable_by_our_pages_only(client, editor, question):
    client.force_login(editor)
    response = client.post(preview_url(question), change_data(client, question))
    control = response["Cache-Control"]
    assert "private" in control and "no-store" in control
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in policy and "frame-ancestors 'none'" not in policy
    # The change page itself keeps refusing frames.
    change = client.get(url_for(question))
    assert change["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in change["Content-Security-Policy"]


def test_change_pages_carry_the_panel_and_the_markdown_help(client, editor, question):
    client.force_login(editor)
    page = text(client.get(url_for(question)))
    assert 'id="live-preview"' in page
    assert f'data-url="{preview_url(question)}"' in page
    assert 'data-fields="id_details"' in page
    assert "Formatting help" in page
    assert "js/admin-live-preview.js" in page and "js/admin-markdown-toolbar.js" in page
    assert "Share a preview" in page
    add_page = text(client.get(admin_url("articles.article", "add")))
    assert admin_url("articles.article", "add_live_preview") in add_page


# --- Permissions -------------------------------------------------------------------------------


def test_get_is_not_allowed(client, editor, question):
    client.force_login(editor)
    assert client.get(preview_url(question)).status_code == 405


def test_view_only_users_get_403_and_no_panel(client, question):
    viewer = UserFactory(username="viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_question"))
    client.force_login(viewer)
    assert 'id="live-preview"' not in text(client.get(url_for(question)))
    response = client.post(preview_url(question), {"title": "Mine now"})
    assert response.status_code == 403


def test_expert_gets_403_on_someone_elses_answer(client, expert_user, other_expert_user):
    others = AnswerFactory(expert=other_expert_user.expert_profile)
    client.force_login(expert_user)
    response = client.post(preview_url(others), {"body": "Hijacked."})
    assert response.status_code == 403


def test_moderator_who_may_not_write_the_answer_gets_no_preview(client, moderator, expert):
    answer = AnswerFactory(expert=expert, pending=True)
    client.force_login(moderator)
    assert 'id="live-preview"' not in text(client.get(url_for(answer)))
    assert client.post(preview_url(answer), {"body": "Edited."}).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, question):
    response = client.post(preview_url(question), {"title": "x"})
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_unknown_ids_get_403(client, editor):
    client.force_login(editor)
    assert client.post(admin_url("healthqa.question", "live_preview", "999999")).status_code == 403
    assert (
        client.post(admin_url("healthqa.question", "live_preview", "not-a-pk")).status_code == 403
    )


# --- Invalid input -----------------------------------------------------------------------------


def test_invalid_input_shows_the_form_errors_not_a_page(client, editor, question):
    client.force_login(editor)
    data = change_data(client, question, title="", slug="not a slug!")
    response = client.post(preview_url(question), data)
    assert response.status_code == 422
    page = text(response)
    assert "The page cannot be shown yet" in page
    assert "<strong>Title:</strong> This field is required." in page
    assert "<strong>Slug:</strong>" in page
    assert 'class="qa__title"' not in page
    assert response["X-Robots-Tag"] == "noindex, nofollow"


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"title": "x" * 5000},
        {"topic": "not-a-number", "title": "T", "slug": "t"},
        {"topic": "999999", "title": "T", "slug": "t"},
        {"article_picks-TOTAL_FORMS": "zz", "title": "T", "slug": "t"},
        {"tags": '"unclosed, ' * 50, "title": "T", "slug": "t"},
    ],
)
def test_junk_posts_give_form_errors_never_a_500(client, editor, question, data):
    client.force_login(editor)
    response = client.post(preview_url(question), data)
    assert response.status_code in {200, 422}


def test_new_answer_without_a_question_shows_an_error(client, superuser):
    client.force_login(superuser)
    response = client.post(admin_url("healthqa.answer", "add_live_preview"), {"body": "Hi"})
    assert response.status_code == 422
    assert "Question:" in text(response)


# --- Queries -----------------------------------------------------------------------------------


def test_question_preview_reads_a_bounded_number_of_rows(client, editor):
    question = make_public_question(answers=1)
    client.force_login(editor)
    data = change_data(client, question, title="Counted")
    with CaptureQueriesContext(connection) as few:
        client.post(preview_url(question), data)
    for position in range(1, 6):
        AnswerFactory(question=question, position=position)
    for n in range(3):
        AnswerFactory(question=question, position=10 + n, pending=True)
    QuestionFactory(topic=question.topic)
    with CaptureQueriesContext(connection) as many:
        response = client.post(preview_url(question), data)
    assert response.status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    assert len(many) <= 30
