"""Corrections shown above the text they correct, on fresh and on cached pages."""

import re
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from healthqa.models import ContentChange, Correction, SiteSettings
from healthqa.pagecache import feed as feed_module
from tests.factories import ArticleFactory, make_public_question

pytestmark = pytest.mark.django_db

DEC_5 = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
DEC_9 = datetime(2026, 12, 9, 12, 0, tzinfo=UTC)


def html_of(client, obj):
    response = client.get(obj.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def answer_section(html, answer):
    start = html.index(f'id="answer-{answer.pk}"')
    return html[start : html.index("</section>", start)]


def test_a_correction_shows_above_the_answer_text(client):
    question = make_public_question()
    answer = question.answers.get()
    correction = Correction.objects.create(
        answer=answer, note="The dose was 20 mg, not 200 mg.", made_at=DEC_5
    )
    section = answer_section(html_of(client, question), answer)
    expected = (
        f'<p class="correction" id="correction-{correction.pk}">Corrected '
        '<time datetime="2026-12-05">5 December 2026</time>: The dose was 20 mg, not 200 mg.</p>'
    )
    assert expected in section
    assert section.index(expected) < section.index("answer__body")


def test_corrections_are_listed_newest_first(client):
    question = make_public_question()
    answer = question.answers.get()
    older = Correction.objects.create(answer=answer, note="First fix.", made_at=DEC_5)
    newer = Correction.objects.create(answer=answer, note="Second fix.", made_at=DEC_9)
    section = answer_section(html_of(client, question), answer)
    ids = re.findall(r'id="correction-(\d+)"', section)
    assert ids == [str(newer.pk), str(older.pk)]


def test_each_answer_shows_only_its_own_corrections(client):
    question = make_public_question(answers=2)
    first, second = question.answers.order_by("position")
    Correction.objects.create(answer=second, note="Only the second.", made_at=DEC_5)
    html = html_of(client, question)
    assert "Only the second." not in answer_section(html, first)
    assert "Only the second." in answer_section(html, second)


def test_a_correction_note_is_escaped(client):
    question = make_public_question()
    Correction.objects.create(
        answer=question.answers.get(), note="<script>alert(1)</script> & more", made_at=DEC_5
    )
    html = html_of(client, question)
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in html


def test_a_page_without_corrections_says_nothing_of_them(client):
    question = make_public_question()
    assert "Corrected" not in html_of(client, question)


def test_an_article_correction_shows_above_the_article_text(client):
    article = ArticleFactory(body="Stretch gently every day.")
    correction = Correction.objects.create(
        article=article, note="We removed a stretch that may harm.", made_at=DEC_5
    )
    html = html_of(client, article)
    notice = f'<p class="correction" id="correction-{correction.pk}">Corrected <time'
    assert notice in html
    assert html.index(notice) < html.index("article__body")
    assert "We removed a stretch that may harm." in html


def count_queries(url):
    client = Client()
    client.get(url)
    feed_module.feed.refresh()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_corrections_of_all_answers_are_read_in_one_query(settings, monkeypatch):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    monkeypatch.setattr(feed_module, "POLL_EVERY", 3600)
    one = make_public_question(answers=1)
    many = make_public_question(answers=6)
    for answer in [*one.answers.all(), *many.answers.all()]:
        Correction.objects.create(answer=answer, note=f"Fixed {answer.pk}.", made_at=DEC_5)
        Correction.objects.create(answer=answer, note=f"Fixed {answer.pk} again.", made_at=DEC_9)
    assert count_queries(many.get_absolute_url()) <= count_queries(one.get_absolute_url())


@pytest.fixture
def change_log(transactional_db):
    """A change log of this test's own writes. On PostgreSQL, the ids that earlier tests' rolled
    back writes took lie between the migrations' row and ours: gaps the page cache would wait
    two minutes for before it stores a page."""
    ContentChange.objects.all().delete()
    SiteSettings.load()  # as on a running site: its creation is a change of its own


@pytest.mark.django_db(transaction=True)
def test_a_new_correction_shows_at_once_on_a_cached_question_page(change_log):
    question = make_public_question()
    url = question.get_absolute_url()
    Client().get(url)
    assert Client().get(url)["X-Page-Cache"] == "hit"

    Correction.objects.create(answer=question.answers.get(), note="We fixed the dose.")

    response = Client().get(url)
    assert response["X-Page-Cache"] == "miss"
    assert "We fixed the dose." in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_new_correction_shows_at_once_on_a_cached_article_page(change_log):
    article = ArticleFactory()
    url = article.get_absolute_url()
    Client().get(url)
    assert Client().get(url)["X-Page-Cache"] == "hit"

    Correction.objects.create(article=article, note="We fixed a stretch.")

    assert "We fixed a stretch." in Client().get(url).content.decode()
