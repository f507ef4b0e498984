"""Scheduled publishing: a future `published_at` keeps an item off every public page until
that moment, and it appears by itself then — no cron job, only the public() querysets."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from healthqa.models import ModerationEvent
from tests.admin.test_admin import admin_url
from tests.conftest import FROZEN_NOW
from tests.factories import (
    AnswerFactory,
    ArticleFactory,
    ContinueLearningPickFactory,
    ExpertFactory,
    QuestionFactory,
    TopicFactory,
    make_public_question,
)

pytestmark = pytest.mark.django_db

AT = FROZEN_NOW + timedelta(hours=2)
QUESTION = "Should I ice a sprained ankle on the first day?"
ARTICLE = "Ankle Sprains: The First Forty-Eight Hours"


@pytest.fixture
def scheduled(frozen):
    topic = TopicFactory(name="Sprains", slug="sprains")
    expert = ExpertFactory(name="Dr. Ada Scheduled", slug="dr-ada-scheduled")
    question = QuestionFactory(
        title=QUESTION, slug="ice-a-sprain", topic=topic, published_at=AT, tags=["ankle"]
    )
    AnswerFactory(question=question, expert=expert, body="Yes, for short spells.")
    article = ArticleFactory(
        title=ARTICLE, slug="ankle-sprains", topic=topic, published_at=AT, tags=["ankle"]
    )
    # A page that is already public and would list the article among its Continue Learning.
    neighbour = make_public_question(topic=topic, slug="neighbour", expert=expert)
    ContinueLearningPickFactory(question=neighbour, article=article)
    return question, article


LISTS = ["/", "/questions/", "/topics/sprains/", "/tags/ankle/", "/articles/", "/topics/"]


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_scheduled_items_are_absent_everywhere_until_their_time(client, scheduled, frozen):
    for url in LISTS + ["/questions/neighbour/", "/experts/dr-ada-scheduled/"]:
        html = page(client, url)
        assert QUESTION not in html, url
        assert ARTICLE not in html, url
    assert client.get("/questions/ice-a-sprain/").status_code == 404
    assert client.get("/articles/ankle-sprains/").status_code == 404

    frozen.move_to(AT - timedelta(seconds=1))
    assert client.get("/questions/ice-a-sprain/").status_code == 404


def test_scheduled_items_appear_by_themselves_at_their_time(client, scheduled, frozen):
    frozen.move_to(AT)
    for url in ["/", "/questions/", "/topics/sprains/", "/tags/ankle/"]:
        assert QUESTION in page(client, url), url
    for url in ["/articles/", "/topics/sprains/", "/tags/ankle/", "/questions/neighbour/"]:
        assert ARTICLE in page(client, url), url
    assert "Yes, for short spells." in page(client, "/questions/ice-a-sprain/")
    assert ARTICLE in page(client, "/articles/ankle-sprains/")


def test_admin_lists_show_when_an_item_is_scheduled(client, editor, scheduled):
    client.force_login(editor)
    for model in ("healthqa.question", "articles.article"):
        html = page(client, admin_url(model, "changelist"))
        assert "Scheduled for " in html, model
    changelist = admin_url("healthqa.question", "changelist")
    filtered = client.get(changelist, {"publication": "scheduled"})
    assert [q.title for q in filtered.context["cl"].result_list] == [QUESTION]


def test_admin_lists_stop_saying_scheduled_once_the_time_has_come(
    client, editor, scheduled, frozen
):
    frozen.move_to(AT + timedelta(minutes=1))
    client.force_login(editor)
    for model in ("healthqa.question", "articles.article"):
        assert "Scheduled for " not in page(client, admin_url(model, "changelist")), model


# --- unpublish and whole seconds ---------------------------------------------------------------


def test_unpublishing_a_scheduled_item_returns_it_to_draft_with_its_date(editor, frozen):
    for item in (QuestionFactory(published_at=AT), ArticleFactory(published_at=AT)):
        item.unpublish(by=editor)
        assert (item.status, item.published_at) == ("draft", AT)
        event = ModerationEvent.objects.filter(object_id=item.pk).latest("pk")
        assert (event.action, event.from_state, event.to_state) == (
            "unschedule",
            "published",
            "draft",
        )


def test_unpublishing_a_live_item_archives_it(editor, frozen):
    for item in (QuestionFactory(), ArticleFactory()):
        item.unpublish(by=editor)
        assert item.status == "archived"


def test_only_publishers_unpublish_and_only_published_items(editor, moderator):
    with pytest.raises(PermissionDenied):
        QuestionFactory().unpublish(by=moderator)
    with pytest.raises(ValidationError):
        QuestionFactory(draft=True).unpublish(by=editor)


def test_publication_and_review_times_are_stored_in_whole_seconds(editor):
    fine = FROZEN_NOW.replace(microsecond=123456)
    question = QuestionFactory(published_at=fine)
    article = ArticleFactory(published_at=fine, reviewed_at=fine)
    assert question.published_at.microsecond == 0
    assert (article.published_at.microsecond, article.reviewed_at.microsecond) == (0, 0)
    draft = QuestionFactory(draft=True)
    draft.publish(by=editor)
    assert draft.published_at.microsecond == 0
