""" "Medically reviewed by <name>, <credentials>, <date>" on answers and articles."""

import re
from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from healthqa.models import ContentChange, SiteSettings
from healthqa.pagecache import feed as feed_module
from healthqa.pagecache import shared
from tests.factories import (
    AnswerFactory,
    ArticleFactory,
    ExpertFactory,
    QuestionFactory,
    make_public_question,
)

pytestmark = pytest.mark.django_db


def clinician(**fields):
    return ExpertFactory(
        is_clinician=True, **{"name": "Dr. Maya Chen", "credentials": "MD"} | fields
    )


def html_of(client, obj):
    response = client.get(obj.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_an_answer_names_its_medical_reviewer_near_the_byline(client, moderator):
    reviewer = clinician(credentials="MD, MPH")
    question = QuestionFactory()
    answer = AnswerFactory(
        question=question,
        reviewed_by=moderator,
        medical_reviewer=reviewer,
        medically_reviewed_on=date(2026, 11, 30),
    )
    html = html_of(client, question)
    line = (
        f'Medically reviewed by <a href="{reviewer.get_absolute_url()}">Dr. Maya Chen</a>, '
        'MD, MPH, <time datetime="2026-11-30">30 November 2026</time>'
    )
    assert line in html
    section = html[html.index(f'id="answer-{answer.pk}"') :]
    assert section.index('class="byline"') < section.index(line) < section.index("answer__body")
    # The moderator's approval is a different thing, and still shown.
    assert re.search(r"<span>Reviewed <time [^>]*>[^<]*</time> by ", section)


def test_an_answer_without_a_medical_reviewer_says_nothing_of_one(client):
    question = make_public_question()
    assert "Medically reviewed" not in html_of(client, question)


def test_an_article_shows_its_medical_reviewer_instead_of_the_old_reviewed_line(client):
    reviewer = clinician(credentials="DPT")
    reviewed_at = timezone.now() - timedelta(days=3)
    article = ArticleFactory(reviewed_by=reviewer, reviewed_at=reviewed_at)
    html = html_of(client, article)
    day = timezone.localtime(reviewed_at)
    assert (
        f'Medically reviewed by <a href="{reviewer.get_absolute_url()}">Dr. Maya Chen</a>, DPT, '
        f'<time datetime="{day:%Y-%m-%d}">{day.day} {day:%B %Y}</time>'
    ) in html
    assert " · Reviewed <time" not in html


def test_an_article_checked_by_nobody_named_keeps_its_review_date(client):
    article = ArticleFactory(reviewed_at=timezone.now())
    html = html_of(client, article)
    assert " · Reviewed <time" in html and "Medically reviewed" not in html


def test_the_reviewers_name_and_credentials_are_escaped(client):
    reviewer = clinician(name="<script>alert(1)</script>", credentials='"><b>MD</b>')
    question = QuestionFactory()
    AnswerFactory(question=question, medical_reviewer=reviewer)
    html = html_of(client, question)
    assert "<script>alert(1)" not in html and "<b>MD</b>" not in html
    assert "Medically reviewed by" in html


def first_cached_render(url):
    Client().get(url)  # warm per-process lookups
    cache.clear()
    shared.clear()
    feed_module.feed.refresh()
    with CaptureQueriesContext(connection) as captured:
        response = Client().get(url)
    assert response["X-Page-Cache"] == "miss"
    return len(captured.captured_queries), response.content.decode()


def test_the_page_cache_render_reads_medical_reviewers_with_the_experts(settings):
    """No query per answer: reviewers come with the experts every page repeats."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SiteSettings.load()
    small = QuestionFactory()
    AnswerFactory(question=small, medical_reviewer=clinician(name="Dr. Solo"))
    large = QuestionFactory()
    for n in range(6):
        AnswerFactory(question=large, position=n, medical_reviewer=clinician(name=f"Dr. R{n}"))

    small_count, _ = first_cached_render(small.get_absolute_url())
    large_count, html = first_cached_render(large.get_absolute_url())

    assert large_count <= small_count
    assert all(f"Dr. R{n}</a>, MD" in html for n in range(6))


@pytest.fixture
def change_log(transactional_db):
    """A change log of this test's own writes. On PostgreSQL, the ids that earlier tests' rolled
    back writes took lie between the migrations' row and ours: gaps the page cache would wait
    two minutes for before it stores a page."""
    ContentChange.objects.all().delete()
    SiteSettings.load()  # as on a running site: its creation is a change of its own


@pytest.mark.django_db(transaction=True)
def test_naming_a_medical_reviewer_shows_at_once_on_a_cached_page(change_log):
    question = make_public_question()
    url = question.get_absolute_url()
    Client().get(url)
    assert Client().get(url)["X-Page-Cache"] == "hit"

    answer = question.answers.get()
    answer.medical_reviewer = clinician(name="Dr. Late Reviewer")
    answer.medically_reviewed_on = date(2026, 12, 1)
    answer.save()

    assert "Dr. Late Reviewer" in Client().get(url).content.decode()
