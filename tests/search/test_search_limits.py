"""Search stays fast on a large index: counts stop at a cap, pages are ranked from the index."""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from healthqa import search
from healthqa.search import results
from healthqa.search.postgres import PostgresBackend
from tests.factories import TopicFactory, make_public_question

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_cap(monkeypatch):
    monkeypatch.setattr(results, "COUNT_CAP", 3)


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


# --- PostgreSQL: past PostgresBackend.RANK_ALL matches, a bounded set is ranked -----------------

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL only: SQLite's FTS5 index ranks every match itself",
)


@pytest.fixture
def small_ranked_set(monkeypatch):
    """A few matches are enough to leave the fully ranked path."""
    backend = PostgresBackend
    for name, value in [
        ("RANK_ALL", 5),
        ("TITLE_CANDIDATES", 2),
        ("RECENT_CANDIDATES", 3),
        ("RECENT_WINDOW", 6),
    ]:
        monkeypatch.setattr(backend, name, value)


def body_matches(count, days_ago=0, **fields):
    now = timezone.now()
    return [
        make_public_question(
            title=f"Minerals {n}",
            details="Some magnesium, too.",
            published_at=now - timedelta(days=days_ago, minutes=n),
            **fields,
        )
        for n in range(count)
    ]


# Within a topic or a kind the newest matches are found another way (see _candidates).
within = pytest.mark.parametrize("filtered", [False, True], ids=["all", "within-a-topic"])


@needs_postgresql
@within
def test_an_old_title_match_still_ranks_first_among_many_newer_body_matches(
    small_ranked_set, filtered
):
    topic = TopicFactory()
    old = make_public_question(
        title="Magnesium and cramps",
        published_at=timezone.now() - timedelta(days=900),
        topic=topic,
    )
    body_matches(12, topic=topic)
    hits = search.search("magnesium", topic=topic if filtered else None)[0:5]
    assert hits[0].url == old.get_absolute_url()
    assert all("<mark>" in hit.snippet for hit in hits[1:])


@needs_postgresql
@within
def test_pages_past_the_ranked_set_list_every_match_once(small_ranked_set, filtered):
    topic = TopicFactory()
    titles = [
        make_public_question(
            title=f"Magnesium question {n}",
            published_at=timezone.now() - timedelta(days=500 + n),
            topic=topic,
        )
        for n in range(3)
    ]
    expected = {q.get_absolute_url() for q in titles + body_matches(12, 10, topic=topic)}
    elsewhere = body_matches(2, 20, topic=TopicFactory())
    if not filtered:
        expected |= {q.get_absolute_url() for q in elsewhere}
    results = search.search("magnesium", topic=topic if filtered else None)
    total = len(expected)
    assert results.count() == total
    seen = [hit.url for start in range(0, total, 4) for hit in results[start : start + 4]]
    assert len(seen) == total and set(seen) == expected
    assert seen[0] in {q.get_absolute_url() for q in titles}
    assert results[total : total + 4] == []


@needs_postgresql
def test_the_title_candidates_are_read_from_the_title_index():
    """The index of migration 0010 is over the very expression the backend queries."""
    visible = search.search("magnesium").visible_documents()
    candidates, params = PostgresBackend._candidates(
        visible, PostgresBackend.query(search.parse("magnesium"), all_terms=True)
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {candidates}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "healthqa_searchdocument_title_gin" in plan, plan
