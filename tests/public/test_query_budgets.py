"""Every public page runs a fixed number of SQL queries, however much content it shows."""

import pytest
from django.db import connection
from django.test import Client
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
)

pytestmark = pytest.mark.django_db

# Page budgets without the page cache (every request renders).
BUDGETS = {
    "home": 10,
    "topics": 6,
    "topic": 12,
    "questions": 8,
    "question": 10,
    "articles": 6,
    "article": 10,
    "experts": 6,
    "expert": 10,
    "tag": 10,
    "search": 12,
}


@pytest.fixture(autouse=True)
def no_page_cache(settings, monkeypatch):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    # The page cache reads its change log after a write and once a second: not the page's own
    # queries, settled before each measurement.
    monkeypatch.setattr(feed_module, "POLL_EVERY", 3600)


def settle():
    feed_module.feed.refresh()


def build(size):
    """A site where one question, topic, tag and expert carry `size` of everything."""
    topic = TopicFactory(name=f"Back Pain {size}")
    expert = ExpertFactory(name=f"Dr. Busy {size}", specialties=[topic])
    tags = [f"tag-{size}-{n}" for n in range(size)]
    question = QuestionFactory(topic=topic, tags=tags, title=f"Why does my back hurt {size}?")
    for n in range(size):
        other = ExpertFactory(specialties=[topic])
        AnswerFactory(
            question=question,
            expert=other if n else expert,
            position=n,
            reviewed_by=UserFactory(is_staff=True, groups=["Moderators"]),
        )
        article = ArticleFactory(topic=topic, tags=tags[:3], author=expert, with_image=n < 3)
        article.sources.create(title=f"Source {n}", url=f"https://example.org/{n}")
        ContinueLearningPickFactory(question=question, article=article, position=n)
        more = QuestionFactory(topic=topic, tags=tags[:2])
        AnswerFactory(question=more, expert=expert)
    article = question.article_picks.first().article
    return {
        "home": "/",
        "topics": "/topics/",
        "topic": topic.get_absolute_url(),
        "questions": "/questions/",
        "question": question.get_absolute_url(),
        "articles": "/articles/",
        "article": article.get_absolute_url(),
        "experts": "/experts/",
        "expert": expert.get_absolute_url(),
        "tag": f"/tags/{tags[0]}/",
        "search": "/search/?q=back+hurt",
    }


def queries_for(url):
    client = Client()
    client.get(url)  # warm per-process lookups (content types, templates)
    settle()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


@pytest.mark.parametrize("page", sorted(BUDGETS))
def test_page_query_count_is_within_budget_and_independent_of_content(page):
    small = queries_for(build(1)[page])
    large = queries_for(build(30)[page])
    assert small <= BUDGETS[page], f"{page}: {small} queries with 1 item"
    assert large <= BUDGETS[page], f"{page}: {large} queries with 30 items"
    assert large <= small, f"{page}: {small} queries with 1 item, {large} with 30"


@pytest.mark.parametrize("size", [1, 30])
def test_the_first_question_page_rendered_for_the_page_cache_is_within_budget(settings, size):
    """With a real cache, the first render of a generation fills the parts later pages share
    (experts, reviewers, topic articles, the ad): still within the page's budget."""
    from django.core.cache import cache

    from healthqa.pagecache import shared

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    url = build(size)["question"]
    Client().get(url)  # warm per-process lookups
    cache.clear()  # nothing stored, nothing shared yet
    shared.clear()
    settle()
    with CaptureQueriesContext(connection) as captured:
        response = Client().get(url)
    assert response.status_code == 200 and response["X-Page-Cache"] == "miss"
    # Two more than a render without the page cache: the site settings row and the footer's
    # list of the publisher's pages, which every worker reads afresh once after a change (not
    # from Django's cache, which a script's update() would leave stale).
    assert len(captured.captured_queries) <= BUDGETS["question"] + 2
