"""Sitemap, robots.txt and RSS feeds: absolute URLs of public items only."""

import xml.etree.ElementTree as ET

import pytest

from tests.factories import (
    AnswerFactory,
    ArticleFactory,
    ExpertFactory,
    QuestionFactory,
    TopicFactory,
    make_public_question,
)

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture
def site():
    topic = TopicFactory(name="Back Pain")
    empty_topic = TopicFactory(name="Nothing public yet")
    public = make_public_question(title="Public push-ups question", topic=topic)
    draft = QuestionFactory(draft=True, title="Draft question", topic=empty_topic)
    AnswerFactory(question=draft)
    scheduled = QuestionFactory(scheduled=True, title="Scheduled question", topic=empty_topic)
    AnswerFactory(question=scheduled)
    unanswered = QuestionFactory(title="Unanswered question", topic=empty_topic)
    AnswerFactory(question=unanswered, pending=True)
    article = ArticleFactory(title="Public article", topic=topic)
    hidden_articles = [
        ArticleFactory(draft=True, title="Draft article", topic=empty_topic),
        ArticleFactory(scheduled=True, title="Scheduled article", topic=empty_topic),
    ]
    inactive = ExpertFactory(inactive=True, name="Inactive expert")
    return {
        "public": [public, article, topic, public.answers.first().expert],
        "hidden": [draft, scheduled, unanswered, *hidden_articles, inactive, empty_topic],
    }


def test_sitemap_lists_public_questions_articles_topics_and_experts_with_lastmod(client, site):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    entries = {
        url.find("sm:loc", SITEMAP_NS).text: url.find("sm:lastmod", SITEMAP_NS)
        for url in root.findall("sm:url", SITEMAP_NS)
    }
    for obj in site["public"]:
        location = f"http://testserver{obj.get_absolute_url()}"
        assert location in entries, location
        assert entries[location] is not None and entries[location].text
    for obj in site["hidden"]:
        assert f"http://testserver{obj.get_absolute_url()}" not in entries, obj


def test_robots_names_the_absolute_sitemap_and_keeps_private_paths_out(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    for path in ("/admin/", "/search/", "/ask/", "/answers/", "/preview/"):
        assert f"Disallow: {path}" in lines


@pytest.mark.parametrize(
    ("url", "public_index", "hidden_titles"),
    [
        ("/feeds/questions/", 0, ["Draft question", "Scheduled question", "Unanswered question"]),
        ("/feeds/articles/", 1, ["Draft article", "Scheduled article"]),
    ],
)
def test_feeds_list_only_public_items_with_absolute_links(
    client, site, url, public_index, hidden_titles
):
    response = client.get(url)
    assert response.status_code == 200
    channel = ET.fromstring(response.content).find("channel")
    items = channel.findall("item")
    titles = [item.find("title").text for item in items]
    public = site["public"][public_index]
    assert titles == [public.title]
    assert items[0].find("link").text == f"http://testserver{public.get_absolute_url()}"
    assert items[0].find("pubDate").text
    assert items[0].find("description").text
    assert not set(hidden_titles) & set(titles)


def test_question_feed_describes_an_item_with_its_first_answer(client):
    question = make_public_question(title="Feed question")
    AnswerFactory(question=question, body="Later answer.", position=5)
    item = ET.fromstring(client.get("/feeds/questions/").content).find("channel/item")
    assert item.find("description").text == question.answers.order_by("position").first().summary


def test_feeds_drop_characters_xml_cannot_carry_instead_of_failing(client):
    make_public_question(title="Bell\x07 and\x1b escape\x0c in a title")
    ArticleFactory(title="Article\x0b with a vertical tab")
    for url, expected in [
        ("/feeds/questions/", "Bell and escape in a title"),
        ("/feeds/articles/", "Article with a vertical tab"),
    ]:
        response = client.get(url)
        assert response.status_code == 200
        titles = [t.text for t in ET.fromstring(response.content).iter("title")]
        assert expected in titles
