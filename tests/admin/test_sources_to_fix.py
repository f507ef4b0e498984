"""The "Sources to fix" report: broken and redirected addresses with the pages citing them."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from healthqa.cited_links import pages_citing
from healthqa.models import Answer, AnswerRevision, AnswerSource, LinkCheck
from tests.factories import AnswerFactory, ArticleFactory, SourceFactory

pytestmark = pytest.mark.django_db

REPORT = "/admin/moderation/sources-to-fix/"
BROKEN = "https://journal.example/gone"
MOVED = "https://guideline.example/old"


def checked(url, outcome, **fields):
    return LinkCheck.objects.create(url=url, outcome=outcome, checked_at=timezone.now(), **fields)


@pytest.fixture
def citations():
    """A broken address cited by a published article, a draft article, a live answer (approved
    list and working list) and, only in a pending revision, another answer; a redirected one
    cited only by an answer's working list; an address that is fine."""
    live_article = ArticleFactory(title="Back pain basics")
    draft_article = ArticleFactory(title="Draft on sciatica", draft=True)
    SourceFactory(article=live_article, url=BROKEN)
    SourceFactory(article=draft_article, url=BROKEN)
    live = AnswerFactory(
        question__title="Is running bad for knees?",
        expert__name="Dr. Rita Runner",
        approved_sources=[{"title": "Gone", "url": BROKEN}],
    )
    AnswerSource.objects.create(answer=live, title="Gone", url=BROKEN)
    revised = AnswerFactory(question__title="Should I stretch before running?")
    AnswerRevision.objects.create(
        answer=revised, body="New text", sources=[{"title": "Gone", "url": BROKEN}]
    )
    drafted = AnswerFactory(draft=True, question__title="Can ice help a sprain?")
    AnswerSource.objects.create(answer=drafted, title="Old", url=MOVED)
    checked(BROKEN, LinkCheck.Outcome.BROKEN, status_code=404)
    checked(MOVED, LinkCheck.Outcome.REDIRECTED, status_code=200, final_url=MOVED + "/new")
    checked(live_article.sources.get().url.replace("gone", "fine"), LinkCheck.Outcome.OK)
    return {"live": live, "revised": revised, "drafted": drafted, "article": live_article}


def test_pages_citing_says_where_each_address_is_listed(citations):
    pages = pages_citing([BROKEN, MOVED, "https://nobody.example/"])

    assert [page.summary for page in pages[BROKEN]] == [
        "live",  # the published article
        "live; also in working list",
        "not live (draft)",
        "not live: only in pending revision",
    ]
    assert [page.summary for page in pages[MOVED]] == ["not live: only in working list"]
    assert pages[MOVED][0].answer == citations["drafted"]
    assert "https://nobody.example/" not in pages


@pytest.mark.parametrize("role", ["editor", "moderator", "superuser"])
def test_editors_and_moderators_open_the_report(client, request, role, citations):
    client.force_login(request.getfixturevalue(role))

    response = client.get(REPORT)

    assert response.status_code == 200
    assert [link.url for link in response.context["links"]] == [BROKEN, MOVED]


@pytest.mark.parametrize("role", ["expert_user", "reader"])
def test_others_cannot_open_the_report(client, request, role):
    user = request.getfixturevalue(role)
    client.force_login(user)

    response = client.get(REPORT)

    assert response.status_code == (403 if user.is_staff else 302)


def test_the_report_lists_broken_then_redirected_with_the_pages_citing_them(
    client, editor, citations
):
    client.force_login(editor)

    page = client.get(REPORT).content.decode()

    assert page.index(BROKEN) < page.index(MOVED)
    assert "Broken (404)" in page
    assert f'href="{MOVED}/new"' in page
    live, drafted = citations["live"], citations["drafted"]
    article_url = reverse("admin:articles_article_change", args=[citations["article"].pk])
    assert f'Article <a href="{article_url}">Back pain basics</a>' in page
    answer_url = reverse("admin:healthqa_answer_change", args=[live.pk])
    assert f'<a href="{answer_url}">Is running bad for knees?</a> by Dr. Rita Runner' in page
    assert "<strong>live; also in working list</strong>" in page
    drafted_url = reverse("admin:healthqa_answer_change", args=[drafted.pk])
    row = re.search(rf'<a href="{drafted_url}">.*?</li>', page, re.S).group(0)
    assert "not live: only in working list" in row
    assert "fine" not in page


def test_an_address_no_longer_cited_says_so(client, editor):
    checked("https://orphan.example/", LinkCheck.Outcome.BROKEN, error="Could not connect.")
    client.force_login(editor)

    page = client.get(REPORT).content.decode()

    assert "Broken: Could not connect." in page
    assert "No page cites it any more." in page


def test_titles_and_addresses_are_escaped(client, editor):
    url = 'https://x.example/?q="><script>alert(1)</script>'
    article = ArticleFactory(title="<script>alert(2)</script>")
    SourceFactory(article=article, url=url)
    checked(url, LinkCheck.Outcome.BROKEN, status_code=500, error="<b>bad</b>")
    client.force_login(editor)

    page = client.get(REPORT).content.decode()

    assert "<script>alert" not in page and "<b>bad" not in page
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page


def make_cited_links(first, last):
    for n in range(first, last):
        url = f"https://site{n}.example/page"
        article = ArticleFactory()
        SourceFactory(article=article, url=url)
        answer = AnswerFactory(approved_sources=[{"title": "A", "url": url}])
        AnswerSource.objects.create(answer=answer, title="A", url=url)
        AnswerRevision.objects.create(
            answer=AnswerFactory(), body="x", sources=[{"title": "A", "url": url}]
        )
        checked(url, LinkCheck.Outcome.BROKEN if n % 2 else LinkCheck.Outcome.REDIRECTED)


def report_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(REPORT)
    assert response.status_code == 200
    return len(queries), len(response.context["links"])


def test_the_report_takes_the_same_queries_for_one_link_or_many(client, editor):
    client.force_login(editor)
    client.get(REPORT)  # the session and the site's settings, read once
    make_cited_links(0, 1)
    few, listed_few = report_queries(client)
    make_cited_links(1, 7)
    many, listed_many = report_queries(client)

    assert (listed_few, listed_many) == (1, 7)
    assert few == many


def test_admin_home_links_the_report_with_its_count(client, moderator, citations):
    client.force_login(moderator)

    page = client.get(reverse("admin:index")).content.decode()

    assert f'href="{REPORT}">Sources to fix</a></th><td class="open-count">2 open' in page


def test_the_approved_list_of_an_answer_taken_down_is_not_live(citations):
    Answer.objects.filter(pk=citations["live"].pk).update(status=Answer.Status.REJECTED)

    summaries = [page.summary for page in pages_citing([BROKEN])[BROKEN]]

    assert "not live: only in approved list (answer not approved), working list" in summaries


def test_addresses_with_other_characters_are_found_in_the_copied_lists(db):
    url = 'https://例え.example/ページ?q="a\\b"'
    answer = AnswerFactory(approved_sources=[{"title": "Japanese page", "url": url}])
    AnswerFactory(approved_sources=[{"title": "Other", "url": "https://other.example/"}])

    [page] = pages_citing([url])[url]

    assert (page.answer, page.summary) == (answer, "live")
