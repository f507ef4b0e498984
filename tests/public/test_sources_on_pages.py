"""The sources under an answer and an article, and `[n]` in a text linked to them."""

import re
from datetime import date

import pytest

from healthqa.models import Citation, cited_works
from healthqa.templatetags.citation_tags import reader_sources
from tests.factories import AnswerFactory, ArticleFactory, SourceFactory, make_public_question

pytestmark = pytest.mark.django_db

JOURNAL = {
    "kind": Citation.Kind.JOURNAL_ARTICLE,
    "title": "Core stability exercise for low back pain",
    "authors": "Smith J, Jones K",
    "container": "Journal of Spine Care",
    "year": 2020,
    "doi": "10.1249/mss.0000000000001234",
    "pmid": "31234567",
    "url": "",
    "accessed_on": None,
}
WEB_PAGE = {
    "kind": Citation.Kind.WEB_PAGE,
    "title": "Back pain",
    "authors": "National Health Service",
    "container": "NHS",
    "year": None,
    "doi": "",
    "pmid": "",
    "url": "https://www.example.org/back-pain",
    "accessed_on": "2026-03-03",
}


def answer_with(sources, body="Brace your core [1]. Walk daily [2]."):
    question = make_public_question(answers=0)
    return AnswerFactory(question=question, body=body, approved_sources=sources)


def page(client, obj):
    response = client.get(obj.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def entries(html, prefix):
    return re.findall(rf'<li id="{prefix}-source-(\d+)">(.*?)</li>', html, re.S)


def test_answer_sources_are_a_numbered_list_under_the_answer(client):
    answer = answer_with([JOURNAL, WEB_PAGE])
    html = page(client, answer.question)

    section = html[html.index(f'id="answer-{answer.pk}"') :]
    assert section.index("answer__body") < section.index(">Sources</h3>")
    assert re.search(r'<ol class="sources__list">', section)
    [(first, journal), (second, web)] = entries(html, f"answer-{answer.pk}")
    assert (first, second) == ("1", "2")
    assert journal.startswith("Smith J, Jones K. ")
    assert (
        '<a href="https://doi.org/10.1249/mss.0000000000001234" rel="nofollow noopener">'
        "Core stability exercise for low back pain</a>. <cite>Journal of Spine Care</cite>, 2020."
    ) in journal
    assert "Accessed" not in journal
    assert (
        '<a href="https://www.example.org/back-pain" rel="nofollow noopener">Back pain</a>.'
    ) in web
    assert 'Accessed <time datetime="2026-03-03">3 March 2026</time>.' in web


def test_doi_and_pubmed_are_linked_to_their_resolvers(client):
    answer = answer_with([JOURNAL])
    [(_, journal)] = entries(page(client, answer.question), f"answer-{answer.pk}")
    assert (
        'DOI: <a href="https://doi.org/10.1249/mss.0000000000001234" rel="nofollow noopener">'
        "10.1249/mss.0000000000001234</a>."
    ) in journal
    assert (
        'PubMed: <a href="https://pubmed.ncbi.nlm.nih.gov/31234567/" rel="nofollow noopener">'
        "31234567</a>."
    ) in journal


def test_an_answer_without_sources_shows_no_sources_heading(client):
    answer = answer_with([])
    html = page(client, answer.question)
    assert ">Sources<" not in html
    assert "[1]" in html and 'class="citation"' not in html


def test_citations_link_to_existing_entries_only(client):
    answer = answer_with([JOURNAL, WEB_PAGE], body="Brace [1]. Walk [2]. Rest [3]. Not [0].")
    html = page(client, answer.question)
    prefix = f"answer-{answer.pk}"
    assert f'<a class="citation" href="#{prefix}-source-1" aria-label="Source 1">[1]</a>' in html
    assert f'href="#{prefix}-source-2"' in html
    assert "Rest [3]." in html and "Not [0]." in html
    assert f'href="#{prefix}-source-3"' not in html


def test_citations_in_links_and_code_stay_as_written(client):
    body = "[see [1]](https://example.org) and `[1]` and [2].\n\n    [1] in a code block"
    answer = answer_with([JOURNAL, WEB_PAGE], body=body)
    html = page(client, answer.question)
    assert '<a href="https://example.org" rel="nofollow noopener">see [1]</a>' in html
    assert "<code>[1]</code>" in html and "<code>[1] in a code block" in html
    assert html.count('class="citation"') == 1
    assert f'href="#answer-{answer.pk}-source-2"' in html


def test_two_answers_keep_their_own_numbers(client):
    question = make_public_question(answers=0)
    first = AnswerFactory(question=question, position=0, body="A [1].", approved_sources=[JOURNAL])
    second = AnswerFactory(
        question=question, position=1, body="B [1].", approved_sources=[WEB_PAGE]
    )
    html = page(client, question)
    assert f'href="#answer-{first.pk}-source-1"' in html
    assert f'href="#answer-{second.pk}-source-1"' in html
    assert f'id="answer-{first.pk}-source-1"' in html
    assert f'id="answer-{second.pk}-source-1"' in html


def test_hostile_source_fields_are_escaped_and_never_become_script_links(client):
    hostile = {
        **WEB_PAGE,
        "title": '<script>alert("t")</script>',
        "authors": "<img src=x onerror=alert(1)>",
        "container": '"><b>publisher</b>',
        "url": "javascript:alert(1)",
    }
    answer = answer_with([hostile])
    html = page(client, answer.question)
    assert '<script>alert("t")' not in html and "<img src=x" not in html
    assert "<b>publisher</b>" not in html
    assert "&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt;" in html
    assert "javascript:" not in html


def test_article_sources_are_a_numbered_list_with_citations(client):
    article = ArticleFactory(body="Yoga helps [1]. So does walking [2].")
    SourceFactory(
        article=article,
        kind=Citation.Kind.JOURNAL_ARTICLE,
        title="Yoga for back pain",
        authors="Lee A",
        container="Spine",
        year=2019,
        doi="https://doi.org/10.1097/BRS.0000000000003000",
        pmid="PMID: 30912345",
        url="",
    )
    html = page(client, article)
    assert '<h2 id="sources-title" class="sources__title">Sources</h2>' in html
    [(number, entry)] = entries(html, "article")
    assert number == "1"
    assert entry.startswith(
        'Lee A. <a href="https://doi.org/10.1097/brs.0000000000003000" rel="nofollow noopener">'
        "Yoga for back pain</a>. <cite>Spine</cite>, 2019."
    )
    assert 'href="https://pubmed.ncbi.nlm.nih.gov/30912345/"' in entry
    assert '<a class="citation" href="#article-source-1" aria-label="Source 1">[1]</a>' in html
    assert "walking [2]." in html


def test_a_title_ending_a_sentence_gets_no_second_full_stop(client):
    answer = answer_with([{**WEB_PAGE, "title": "Is back pain serious?", "container": ""}])
    [(_, entry)] = entries(page(client, answer.question), f"answer-{answer.pk}")
    assert "Is back pain serious?</a> Accessed" in entry


def test_readers_see_the_approved_sources_unless_the_view_chose_others():
    answer = AnswerFactory.build(approved_sources=[JOURNAL])
    assert [work.title for work in reader_sources(answer)] == [JOURNAL["title"]]
    answer.source_list = cited_works([WEB_PAGE])
    assert [work.title for work in reader_sources(answer)] == ["Back pain"]
    assert date(2026, 3, 3) == reader_sources(answer)[0].accessed_on
