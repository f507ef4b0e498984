"""Query budgets: a listing costs the same number of queries whatever its number of items."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from healthqa.pagecache import feed as feed_module
from tests.factories import (
    AnswerFactory,
    ArticleFactory,
    ContinueLearningPickFactory,
    ExpertFactory,
    QuestionFactory,
    TopicFactory,
    UserFactory,
    make_public_question,
)

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture(autouse=True)
def no_page_cache(settings, monkeypatch):
    """Every request renders (nothing is stored); the page cache's reading of its change log,
    not the endpoint's own queries, is settled before each measurement."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    monkeypatch.setattr(feed_module, "POLL_EVERY", 3600)


def settle():
    feed_module.feed.refresh()


SOURCES = [{"title": "Study", "doi": "10.1136/bmj.n1", "pmid": "1234", "year": 2020}]


def make_questions(count):
    """Questions as full as they come: two answers each with sources, a medical reviewer, a
    moderator with an expert profile; a topic and two tags."""
    reviewer = ExpertFactory(is_clinician=True)
    moderator = UserFactory()
    ExpertFactory(user=moderator)
    for n in range(count):
        question = QuestionFactory(topic=TopicFactory(), tags=[f"tag-{n}", "shared"])
        for position in range(2):
            AnswerFactory(
                question=question,
                position=position,
                approved_sources=SOURCES,
                medical_reviewer=reviewer,
                medically_reviewed_on=date(2025, 1, 1),
                reviewed_by=moderator,
            )


def queries_for(client, url):
    settle()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(captured), response.json()


@pytest.mark.parametrize("limit", [20, 100])
def test_a_page_of_questions_with_answers_is_at_most_ten_queries(
    client, django_assert_max_num_queries, limit
):
    make_questions(limit)
    settle()
    with django_assert_max_num_queries(10):
        response = client.get(f"{API}/questions/?limit={limit}")
    items = response.json()["items"]
    assert len(items) == limit
    assert all(len(item["answers"]) == 2 and item["answers"][0]["sources"] for item in items)


def test_question_detail_is_at_most_ten_queries(client, django_assert_max_num_queries):
    question = make_public_question(answers=2, tags=["a", "b"])
    for _ in range(3):
        ContinueLearningPickFactory(question=question)
    settle()
    with django_assert_max_num_queries(10):
        response = client.get(f"{API}/questions/{question.slug}/")
    assert len(response.json()["continue_learning"]) == 3


def fill(kind, count):
    if kind == "questions":
        make_questions(count)
    elif kind == "articles":
        for _ in range(count):
            ArticleFactory(author=ExpertFactory(), reviewed_by=ExpertFactory(), tags=["x"])
    elif kind == "experts":
        for _ in range(count):
            make_public_question(expert=ExpertFactory(specialties=[TopicFactory()]))
    elif kind == "topics":
        parent = TopicFactory()
        for _ in range(count):
            make_public_question(topic=TopicFactory(parent=parent))
    elif kind == "tags":
        for n in range(count):
            make_public_question(tags=[f"tag-{n}-{count}"])


@pytest.mark.parametrize("kind", ["questions", "articles", "experts", "topics", "tags"])
def test_every_listing_costs_the_same_queries_for_few_or_many_items(client, kind):
    fill(kind, 2)
    few, data = queries_for(client, f"{API}/{kind}/?limit=100")
    assert len(data["items"]) >= 2
    fill(kind, 10)
    many, data = queries_for(client, f"{API}/{kind}/?limit=100")
    assert len(data["items"]) >= 12
    assert many == few
