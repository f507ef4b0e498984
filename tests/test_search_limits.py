"""Search stays fast on a large index: counts stop at a cap, pages are ranked from the index."""

from datetime import timedelta

import pytest
from django.utils import timezone

from healthqa import search
from tests.factories import TopicFactory, make_public_question

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_cap(monkeypatch):
    monkeypatch.setattr(search, "COUNT_CAP", 3)


def questions_about(word, count, **fields):
    return [
        make_public_question(title=f"{word.title()} question {n}", **fields) for n in range(count)
    ]


@pytest.mark.parametrize("filtered", [False, True], ids=["all", "within-a-topic"])
def test_the_count_stops_at_the_cap_and_says_so(small_cap, filtered):
    topic = TopicFactory()
    questions_about("magnesium", 5, topic=topic)
    results = search.search("magnesium", topic=topic if filtered else None)
    assert results.count() == 3
    assert results.count_capped


def test_a_count_at_the_cap_is_exact(small_cap):
    questions_about("magnesium", 3)
    results = search.search("magnesium")
    assert results.count() == 3
    assert not results.count_capped


def test_the_search_page_says_more_than_the_cap(small_cap, client):
    questions_about("magnesium", 5)
    html = client.get("/search/", {"q": "magnesium"}).content.decode()
    assert "More than 3 results" in html


def test_the_search_page_gives_the_exact_count_below_the_cap(small_cap, client):
    questions_about("magnesium", 2)
    html = client.get("/search/", {"q": "magnesium"}).content.decode()
    assert "2 results" in html and "More than" not in html


def test_a_page_is_filled_past_many_better_matches_readers_cannot_see_yet():
    later = timezone.now() + timedelta(days=1)
    hidden = questions_about("magnesium", 25, published_at=later)
    shown = [
        make_public_question(title=f"Minerals {n}", details="Some magnesium, too.")
        for n in range(2)
    ]
    urls = {question.get_absolute_url() for question in shown}
    first, second = search.search("magnesium")[0:1], search.search("magnesium")[1:2]
    assert {hit.url for hit in first + second} == urls
    assert not {q.get_absolute_url() for q in hidden} & {hit.url for hit in first + second}
