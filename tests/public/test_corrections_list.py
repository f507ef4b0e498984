"""/corrections/ and /feeds/corrections/: corrections of public answers and articles, newest
first, linked to the corrected page; the footer and the sitemap lead there."""

import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.utils import timezone

from healthqa.models import Correction, Question
from healthqa.public.corrections import CorrectionListView
from tests.factories import ArticleFactory, UserFactory, make_corrected_answer

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def text_of(response):
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def corrections():
    """An answer corrected two days ago, an article yesterday, and a correction of a question
    taken down since (not public)."""
    editor = UserFactory(groups=["Editors"], is_staff=True)
    on_answer = make_corrected_answer(
        note="The dose was <em>wrong</em>.", title="How much ibuprofen is safe?"
    )
    article = ArticleFactory(title="Caring for a sprained ankle")
    on_article = article.record_correction(note="Ice for 20 minutes, not 2 hours.", by=editor)
    hidden = make_corrected_answer(note="Hidden note.", title="A question taken down")
    Question.objects.filter(pk=hidden.answer.question_id).update(status=Question.Status.ARCHIVED)
    now = timezone.now()
    Correction.objects.filter(pk=on_answer.pk).update(made_at=now - timedelta(days=2))
    Correction.objects.filter(pk=on_article.pk).update(made_at=now - timedelta(days=1))
    return {"answer": on_answer, "article": on_article, "hidden": hidden}


def test_the_list_shows_public_corrections_newest_first_with_links(client, corrections):
    response = client.get("/corrections/")
    assert response.status_code == 200
    html = text_of(response)
    article_at = html.index("Caring for a sprained ankle")
    answer_at = html.index("How much ibuprofen is safe?")
    assert article_at < answer_at
    for correction in (corrections["answer"], corrections["article"]):
        assert f'href="{correction.get_absolute_url()}"' in html
    assert "The dose was &lt;em&gt;wrong&lt;/em&gt;." in html
    assert "Ice for 20 minutes, not 2 hours." in html
    assert "A question taken down" not in html and "Hidden note." not in html
    assert 'href="/feeds/corrections/"' in html


def test_the_list_says_so_when_nothing_was_corrected(client):
    assert "Nothing has been corrected yet." in text_of(client.get("/corrections/"))


def test_the_list_paginates_and_refuses_bad_pages(client, corrections, monkeypatch):
    monkeypatch.setattr(CorrectionListView, "paginate_by", 1)
    first = text_of(client.get("/corrections/"))
    assert "Page 1 of 2" in first and "Caring for a sprained ankle" in first
    assert "How much ibuprofen is safe?" in text_of(client.get("/corrections/?page=2"))
    assert client.get("/corrections/?page=last").status_code == 200
    for junk in ["3", "0", "-1", "abc", "1.5", "9" * 40, "%00"]:
        assert client.get(f"/corrections/?page={junk}").status_code == 404, junk


def test_the_feed_is_rss_with_public_corrections_only(client, corrections):
    response = client.get("/feeds/corrections/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    assert channel.find("link").text == "http://testserver/corrections/"
    items = channel.findall("item")
    assert [item.find("title").text for item in items] == [
        "Correction: Caring for a sprained ankle",
        "Correction: How much ibuprofen is safe?",
    ]
    first = items[0]
    article = corrections["article"]
    assert first.find("link").text == f"http://testserver{article.get_absolute_url()}"
    assert first.find("description").text == "Ice for 20 minutes, not 2 hours."
    assert first.find("pubDate").text


def test_the_feed_drops_characters_xml_cannot_carry(client):
    make_corrected_answer(note="Bell\x07 in a note.", title="Escape\x1b in a title")
    response = client.get("/feeds/corrections/")
    assert response.status_code == 200
    item = ET.fromstring(response.content).find("channel/item")
    assert item.find("description").text == "Bell in a note."


def test_the_footer_links_the_corrections(client):
    assert 'href="/corrections/"' in client.get("/").content.decode()


def test_the_sitemap_lists_the_corrections_page_with_the_latest_correction(client, corrections):
    root = ET.fromstring(client.get("/sitemap.xml").content)
    entries = {
        url.find("sm:loc", SITEMAP_NS).text: url.find("sm:lastmod", SITEMAP_NS)
        for url in root.findall("sm:url", SITEMAP_NS)
    }
    lastmod = entries["http://testserver/corrections/"]
    made_at = Correction.objects.get(pk=corrections["article"].pk).made_at
    assert lastmod is not None and lastmod.text.startswith(f"{made_at:%Y-%m-%d}")
