"""Revision history in the admin: who changed what and when, and restoring a version."""

import re
from datetime import datetime, timedelta
from html import unescape
from pathlib import Path

import pytest
from django.core.files import File
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from healthqa.admin.base import moderation_history
from healthqa.core.text import ACTION_LABELS
from healthqa.models import Answer, AnswerRevision, Question, Topic
from tests.admin.test_admin import admin_url, form_data, url_for
from tests.factories import (
    AnswerFactory,
    ArticleFactory,
    ExpertFactory,
    QuestionFactory,
    TopicFactory,
)


def history_url(obj):
    return url_for(obj, "history")


def version_url(obj, version):
    opts = obj._meta
    return reverse(
        f"admin:{opts.app_label}_{opts.model_name}_simple_history", args=[obj.pk, version.pk]
    )


def oldest_version(obj):
    return obj.history.earliest("history_date", "history_id")


def page_data(response, obj):
    """What the admin page would post back: files stay as they are, tags as typed text."""
    data = {}
    for name, value in form_data(response).items():
        if isinstance(value, datetime):
            value = timezone.localtime(value)
            data[f"{name}_0"], data[f"{name}_1"] = f"{value:%Y-%m-%d}", f"{value:%H:%M:%S}"
        elif not isinstance(value, File):
            data[name] = value
    if "tags" in data:
        data["tags"] = ", ".join(tag.name for tag in obj.tags.all())
    return data


def post_change(client, obj, **changes):
    """Save `obj` through its admin change page, as an editor would."""
    data = page_data(client.get(url_for(obj)), obj)
    data.update(changes)
    response = client.post(url_for(obj), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def restore(client, obj, version):
    """Open a version's page and press "Restore this version" with what it shows."""
    page = client.get(version_url(obj, version))
    assert page.status_code == 200
    return client.post(version_url(obj, version), page_data(page, obj))


@pytest.mark.parametrize(
    "make",
    [
        lambda: TopicFactory(),
        lambda: QuestionFactory(),
        lambda: AnswerFactory(),
        lambda: ArticleFactory(),
        lambda: ExpertFactory(),
    ],
    ids=["topic", "question", "answer", "article", "expert"],
)
def test_every_content_model_has_a_history_page_and_version_pages(client, superuser, make):
    obj = make()
    client.force_login(superuser)
    response = client.get(history_url(obj))
    assert response.status_code == 200
    assert "Read or restore" in response.content.decode()
    assert client.get(version_url(obj, oldest_version(obj))).status_code == 200


def test_history_page_shows_who_changed_which_field_and_when(client, editor):
    question = QuestionFactory(draft=True, title="Why do my knees ache?")
    client.force_login(editor)
    post_change(client, question, title="Why do my knees ache on stairs?")
    html = client.get(history_url(question)).content.decode()
    assert "editor" in html
    assert "<strong>Title:</strong>" in html
    assert "Why do my knees ache? &rarr; Why do my knees ache on stairs?" in html


def test_history_shows_choice_labels_not_stored_values(client, superuser, moderator):
    answer = AnswerFactory(pending=True)
    answer.approve(by=moderator)
    client.force_login(superuser)
    html = client.get(history_url(answer)).content.decode()
    assert "Pending review &rarr; Approved" in html


def test_long_text_changes_read_as_a_word_diff(client, editor):
    body = "Stretch gently every day. " * 20 + "Walk more."
    article = ArticleFactory(draft=True, body=body)
    client.force_login(editor)
    post_change(client, article, body=body.replace("Walk more.", "Swim twice a week."))
    html = client.get(history_url(article)).content.decode()
    assert "<del>Walk more.</del>" in html or "<del>Walk</del>" in html
    assert "<ins>Swim" in html
    assert "…" in html, "long unchanged stretches are shortened"


def test_history_escapes_what_editors_typed(client, editor):
    topic = TopicFactory(description="Plain.")
    client.force_login(editor)
    post_change(client, topic, description="<script>alert(1)</script>")
    html = client.get(history_url(topic)).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_editor_restores_an_earlier_question_title(client, editor):
    question = QuestionFactory(draft=True, title="First wording")
    client.force_login(editor)
    post_change(client, question, title="Second wording")
    first = oldest_version(question)

    page = client.get(version_url(question, first))
    assert page.context["adminform"].form["title"].value() == "First wording"
    assert "Restore this version" in page.content.decode()
    assert "Second wording" in page.content.decode(), "the difference from now is shown"

    response = restore(client, question, first)
    assert response.status_code == 302
    assert response.url == url_for(question)
    question.refresh_from_db()
    assert question.title == "First wording"
    latest = question.history.latest("history_date", "history_id")
    assert latest.history_user == editor
    assert latest.history_change_reason.startswith("Restored the version of ")
    assert question.history.count() == 3, "restoring adds a version; none is lost"


def test_restoring_never_changes_the_publication_state(client, editor):
    question = QuestionFactory(draft=True, title="Drafted")
    AnswerFactory(question=question)
    question.publish(by=editor)
    client.force_login(editor)
    restore(client, question, oldest_version(question))
    question.refresh_from_db()
    assert question.status == Question.Status.PUBLISHED


def test_restoring_an_approved_answer_waits_for_review(client, expert_user, expert, moderator):
    answer = AnswerFactory(expert=expert, draft=True, body="My first text.")
    answer.revise(body="My second text.", by=expert_user)
    answer.submit(by=expert_user)
    answer.approve(by=moderator)
    client.force_login(expert_user)
    response = restore(client, answer, oldest_version(answer))
    assert response.status_code == 302
    answer.refresh_from_db()
    assert (answer.status, answer.body) == (Answer.Status.APPROVED, "My second text.")
    pending = answer.revisions.get(status=AnswerRevision.Status.PENDING)
    assert pending.body == "My first text."


def test_restoring_an_expert_keeps_the_verification(client, editor):
    expert = ExpertFactory(headline="Old headline", verified=False)
    client.force_login(editor)
    post_change(client, expert, headline="New headline", verified="on")
    restore(client, expert, oldest_version(expert))
    expert.refresh_from_db()
    assert expert.headline == "Old headline"
    assert expert.verified and expert.verified_by == editor


def test_restoring_an_article_slug_keeps_both_addresses(client, editor):
    article = ArticleFactory(slug="first-slug")
    client.force_login(editor)
    post_change(client, article, slug="second-slug")
    restore(client, article, oldest_version(article))
    article.refresh_from_db()
    assert article.slug == "first-slug"
    assert client.get("/articles/second-slug/").url == "/articles/first-slug/"


def test_moderator_reads_topic_versions_but_cannot_restore(client, moderator):
    topic = TopicFactory(name="Old name")
    topic.name = "New name"
    topic.save()
    client.force_login(moderator)
    version = oldest_version(topic)
    page = client.get(version_url(topic, version))
    assert page.status_code == 200
    assert "Restore this version" not in page.content.decode()
    assert "Old name" in page.content.decode()
    assert client.post(version_url(topic, version), {"name": "Old name"}).status_code == 403
    topic.refresh_from_db()
    assert topic.name == "New name"


def test_expert_cannot_read_or_restore_another_experts_answer_history(
    client, expert_user, other_expert_user
):
    theirs = AnswerFactory(expert=other_expert_user.expert_profile, draft=True, body="Theirs.")
    theirs.revise(body="Theirs, revised.", by=other_expert_user)
    version = oldest_version(theirs)
    client.force_login(expert_user)
    for url in (history_url(theirs), version_url(theirs, version)):
        response = client.get(url)
        assert response.status_code in {302, 403, 404}, url
        assert "Theirs" not in response.content.decode()
    client.post(version_url(theirs, version), {"body": "Hijacked", "position": "0"})
    theirs.refresh_from_db()
    assert theirs.body == "Theirs, revised."


def test_expert_reads_own_answer_history(client, expert_user, expert):
    answer = AnswerFactory(expert=expert, draft=True, body="Mine.")
    answer.revise(body="Mine, better.", by=expert_user)
    client.force_login(expert_user)
    html = client.get(history_url(answer)).content.decode()
    assert "Mine, better." in html


def test_expert_cannot_read_article_history(client, expert_user):
    article = ArticleFactory()
    client.force_login(expert_user)
    assert client.get(history_url(article)).status_code == 403


@pytest.mark.parametrize("version_id", ["abc", "999999"])
def test_unknown_or_malformed_versions_are_not_found(client, editor, version_id):
    topic = TopicFactory()
    client.force_login(editor)
    url = admin_url("healthqa.topic", "simple_history", topic.pk, version_id)
    assert client.get(url).status_code == 404


def test_a_version_of_another_object_is_not_found(client, editor):
    one, other = TopicFactory(), TopicFactory()
    client.force_login(editor)
    assert client.get(version_url(one, oldest_version(other))).status_code == 404


def test_models_keep_history_of_model_method_changes(editor):
    article = ArticleFactory(draft=True)
    article.publish(by=editor)
    statuses = list(article.history.order_by("history_date").values_list("status", flat=True))
    assert statuses == [Article.Status.DRAFT, Article.Status.PUBLISHED]
    assert Topic.history.model is not None


def test_restoring_an_unscheduled_version_keeps_the_schedule(client, editor):
    article = ArticleFactory(draft=True, title="Drafted")
    later = (timezone.now() + timedelta(days=3)).replace(microsecond=0)
    article.published_at = later
    article.save()
    article.publish(by=editor)
    client.force_login(editor)
    restore(client, article, oldest_version(article))
    article.refresh_from_db()
    assert (article.status, article.published_at) == (Article.Status.PUBLISHED, later)
    assert article.is_scheduled


def test_an_invalid_restore_shows_the_errors(client, editor):
    topic = TopicFactory(name="Before")
    topic.name = "After"
    topic.save()
    client.force_login(editor)
    url = version_url(topic, oldest_version(topic))
    response = client.post(url, {"name": "", "slug": topic.slug})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["name"]
    topic.refresh_from_db()
    assert topic.name == "After"


def moderation_rows(answer):
    """The answer page's moderation history, as (action, change) pairs, oldest first."""
    html = str(moderation_history(answer))
    rows = re.findall(r"<tr><td>[^<]*</td><td>[^<]*</td><td>([^<]*)</td><td>([^<]*)</td>", html)
    return [(unescape(action), unescape(change)) for action, change in reversed(rows)]


@pytest.mark.django_db
def test_moderation_history_reads_as_words_not_codes(moderator, expert_user, expert):
    answer = AnswerFactory(expert=expert, draft=True, body="Rest.")
    answer.submit(by=expert_user)
    answer.request_changes(by=moderator, note="Say for how long.")
    answer.revise(body="Rest two days.", by=expert_user)
    answer.submit(by=expert_user)
    answer.approve(by=moderator)
    answer.revise(body="Rest two days, then walk.", by=expert_user)
    answer.approve(by=moderator)

    assert moderation_rows(answer) == [
        ("Submitted for review", "Draft → Pending review"),
        ("Changes requested", "Pending review → Changes requested"),
        ("Edited", "Changes requested"),
        ("Submitted for review", "Changes requested → Pending review"),
        ("Approved", "Pending review → Approved"),
        ("Edit submitted for review", "Approved"),
        ("Revision approved", "Approved"),
    ]


@pytest.mark.django_db
def test_moderation_history_names_people_not_usernames(moderator):
    moderator.first_name, moderator.last_name = "Mona", "Moderator"
    moderator.save()
    answer = AnswerFactory(pending=True)
    answer.approve(by=moderator)

    assert "<td>Mona Moderator</td>" in str(moderation_history(answer))


def test_every_action_the_models_record_has_a_label():
    """Each `action="..."` written by a model (and the answer's `_revision` variants) reads as
    words in the moderation history."""
    sources = [*Path("healthqa/models").glob("*.py"), Path("experts/models.py")]
    sources.append(Path("articles/models.py"))
    actions = set()
    for source in sources:
        text = source.read_text()
        actions |= set(re.findall(r'action="(\w+)"', text))
        actions |= set(re.findall(r'"dismiss" if .* else "(\w+)"', text))
        actions |= set(re.findall(r'to_state, action = [^,]+, "(\w+)"', text))
    actions |= {"approve_revision", "request_changes_revision", "reject_revision"}
    assert {"submit", "publish", "accept", "decline", "verify"} <= actions
    assert sorted(action for action in actions if action not in ACTION_LABELS) == []
