"""API responses are stored by the page cache and dropped by the edits they show, however the
edit is made (plain ORM calls here)."""

import pytest
from django.test import Client

from articles.models import Article
from healthqa.models import Answer, Question
from tests.factories import AnswerFactory, ArticleFactory, make_public_question

pytestmark = pytest.mark.django_db(transaction=True)
API = "/api/v1"


@pytest.fixture(autouse=True)
def site_settings(transactional_db):
    """The settings row exists, as on a running site (its creation is a change of its own)."""
    from healthqa.models import SiteSettings

    return SiteSettings.load()


@pytest.fixture(autouse=True)
def no_waiting_for_rolled_back_ids(monkeypatch):
    """On PostgreSQL, tests rolled back before these used change-log ids that will never
    commit; the feed would wait GAP_WAIT for them before serving any page stored here."""
    from healthqa.pagecache import feed

    monkeypatch.setattr(feed, "GAP_WAIT", -1)


def fetch(url):
    response = Client().get(url)
    return response, (response.json() if response.status_code in {200, 400, 404} else None)


def warm(*urls):
    for url in urls:
        fetch(url)
        response, _ = fetch(url)
        assert response.status_code == 200, url
        assert response["X-Page-Cache"] == "hit", url


def test_a_retitled_question_shows_in_the_cached_listing_and_detail():
    question = make_public_question()
    detail = f"{API}/questions/{question.slug}/"
    warm(f"{API}/questions/", detail)
    Question.objects.filter(pk=question.pk).update(title="Retitled by QuerySet.update")
    _, listing = fetch(f"{API}/questions/")
    assert listing["items"][0]["title"] == "Retitled by QuerySet.update"
    assert fetch(detail)[1]["title"] == "Retitled by QuerySet.update"


def test_an_approved_answer_shows_in_the_cached_responses():
    question = make_public_question()
    pending = AnswerFactory(question=question, pending=True, position=3)
    detail = f"{API}/questions/{question.slug}/"
    warm(f"{API}/questions/", detail, f"{API}/questions/?topic={question.topic.slug}")
    Answer.objects.filter(pk=pending.pk).update(status=Answer.Status.APPROVED)
    for url in (f"{API}/questions/", detail, f"{API}/questions/?topic={question.topic.slug}"):
        response, data = fetch(url)
        answers = data["answers"] if "answers" in data else data["items"][0]["answers"]
        assert pending.pk in [a["id"] for a in answers], url


def test_unpublishing_the_only_answer_takes_the_question_out_of_cached_responses():
    question = make_public_question(tags=["pain"])
    detail = f"{API}/questions/{question.slug}/"
    listings = [f"{API}/questions/", f"{API}/questions/?tag=pain", f"{API}/topics/"]
    warm(detail, *listings)
    Answer.objects.filter(question=question).update(status=Answer.Status.REJECTED)
    assert fetch(detail)[0].status_code == 404
    assert fetch(listings[0])[1]["items"] == []
    assert fetch(listings[1])[1]["items"] == []
    assert fetch(listings[2])[1]["items"][0]["question_count"] == 0


def test_an_unpublished_article_leaves_the_cached_article_responses():
    article = ArticleFactory()
    detail = f"{API}/articles/{article.slug}/"
    warm(detail, f"{API}/articles/")
    Article.objects.filter(pk=article.pk).update(status=Article.Status.ARCHIVED)
    assert fetch(detail)[0].status_code == 404
    assert fetch(f"{API}/articles/")[1]["items"] == []


def test_errors_and_search_are_never_stored():
    make_public_question(title="Knee question")
    for url in (f"{API}/questions/nothing/", f"{API}/questions/?limit=0", f"{API}/search/?q=knee"):
        fetch(url)
        response, _ = fetch(url)
        assert response.get("X-Page-Cache") != "hit", url
        assert "no-store" in response["Cache-Control"], url


def count_queries(url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response, data = fetch(url)
    assert response.status_code == 200
    return data, [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]


def test_the_pages_of_a_listing_share_one_count_until_the_listing_changes():
    for _ in range(5):
        make_public_question()
    first, counts = count_queries(f"{API}/questions/?limit=2")
    assert first["meta"]["total_count"] == 5 and counts
    second, counts = count_queries(first["meta"]["next"])
    assert second["meta"]["total_count"] == 5 and not counts
    make_public_question()
    third, counts = count_queries(second["meta"]["next"])
    assert third["meta"]["total_count"] == 6 and counts
