"""Structured data and meta tags, parsed the way a search engine reads them."""

import json
import re
from html import unescape

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from tests.factories import (
    AnswerFactory,
    ArticleFactory,
    ExpertFactory,
    QuestionFactory,
    TopicFactory,
    UserFactory,
    make_public_question,
)

pytestmark = pytest.mark.django_db

BASE = "http://testserver"


def json_ld(html):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


def of_type(html, type_name):
    matches = [data for data in json_ld(html) if data.get("@type") == type_name]
    assert len(matches) == 1, [data.get("@type") for data in json_ld(html)]
    return matches[0]


def meta(html, attribute, name):
    match = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)"', html)
    return match and unescape(match.group(1))


def canonical(html):
    return re.search(r'<link rel="canonical" href="([^"]*)"', html).group(1)


@pytest.fixture
def question(moderator):
    topic = TopicFactory(name="Back Pain")
    nasm = ExpertFactory(organization=True, name="National Academy of Sports Medicine")
    question = QuestionFactory(
        title="Why does my back hurt when I do push-ups?", topic=topic, details="Only then."
    )
    first = AnswerFactory(
        question=question,
        expert=nasm,
        position=0,
        helpful_yes=7,
        reviewed_by=moderator,
        body="Determine whether you are feeling discomfort or pain. " * 8,
    )
    second = AnswerFactory(question=question, position=1, helpful_yes=2)
    return question, first, second


def test_question_page_has_a_qa_page_with_accepted_and_suggested_answers(client, question):
    question, first, second = question
    html = client.get(question.get_absolute_url()).content.decode()
    page = of_type(html, "QAPage")
    url = f"{BASE}{question.get_absolute_url()}"
    main = page["mainEntity"]
    assert main["@type"] == "Question" and main["name"] == question.title
    assert main["text"] == "Only then."
    assert main["answerCount"] == 2
    assert main["datePublished"] == question.published_at.isoformat()
    assert main["author"]["@type"] == "Organization"
    accepted = main["acceptedAnswer"]
    assert accepted["url"] == f"{url}#answer-{first.pk}"
    assert f'id="answer-{first.pk}"' in html
    assert accepted["upvoteCount"] == 7
    assert accepted["text"].startswith("Determine whether you are feeling discomfort")
    assert accepted["datePublished"] == first.reviewed_at.isoformat()
    assert accepted["author"] == {
        "@type": "Organization",
        "name": "National Academy of Sports Medicine",
        "url": f"{BASE}{first.expert.get_absolute_url()}",
    }
    [suggested] = main["suggestedAnswer"]
    assert suggested["url"] == f"{url}#answer-{second.pk}"
    assert suggested["author"]["@type"] == "Person" and suggested["upvoteCount"] == 2
    latest = max([first, second], key=lambda a: a.reviewed_at)
    assert page["lastReviewed"] == latest.reviewed_at.isoformat()
    assert page["reviewedBy"]["@type"] in {"Person", "Organization"}


def test_reader_submitted_question_is_asked_by_an_anonymous_reader(client):
    question = make_public_question(submitted_by_name="Jordan", submitted_by_email="j@example.com")
    html = client.get(question.get_absolute_url()).content.decode()
    author = of_type(html, "QAPage")["mainEntity"]["author"]
    assert author == {"@type": "Person", "name": "A reader"}
    assert "Jordan" not in html and "j@example.com" not in html


def test_question_page_has_breadcrumbs_as_structured_data(client, question):
    question, _, _ = question
    html = client.get(question.get_absolute_url()).content.decode()
    crumbs = of_type(html, "BreadcrumbList")["itemListElement"]
    assert [(c["position"], c["name"]) for c in crumbs] == [
        (1, "Home"),
        (2, "Back Pain"),
        (3, question.title),
    ]
    assert crumbs[0]["item"] == f"{BASE}/"
    assert crumbs[1]["item"] == f"{BASE}{question.topic.get_absolute_url()}"
    assert crumbs[2]["item"] == f"{BASE}{question.get_absolute_url()}"


def test_question_meta_description_comes_from_the_first_answer(client, question):
    question, first, _ = question
    html = client.get(question.get_absolute_url()).content.decode()
    description = meta(html, "name", "description")
    assert description.startswith("Determine whether you are feeling discomfort")
    assert 120 <= len(description) <= 170 and description.endswith("…")
    assert meta(html, "property", "og:description") == description
    assert meta(html, "property", "og:title") == question.title
    assert meta(html, "name", "twitter:card") == "summary_large_image"
    assert meta(html, "property", "og:image").startswith(f"{BASE}/static/img/og-default")


def test_canonical_drops_junk_query_strings_and_keeps_only_the_page_number(client, question):
    question, _, _ = question
    html = client.get(question.get_absolute_url(), {"utm_source": "x", "page": "2"}).content
    assert canonical(html.decode()) == f"{BASE}{question.get_absolute_url()}"
    for _ in range(25):
        make_public_question()
    listing = client.get("/questions/", {"page": "2", "ref": "junk"}).content.decode()
    assert canonical(listing) == f"{BASE}/questions/?page=2"
    assert meta(listing, "property", "og:url") == f"{BASE}/questions/?page=2"
    assert canonical(client.get("/questions/", {"page": "1"}).content.decode()) == (
        f"{BASE}/questions/"
    )


def test_structured_data_cannot_be_broken_out_of(client):
    title = "Is </script><script>alert(1)</script> & <b>safe</b>?"
    question = make_public_question(title=title)
    html = client.get(question.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html
    assert of_type(html, "QAPage")["mainEntity"]["name"] == title


def test_article_page_is_a_medical_web_page_with_review_and_image(client, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    author = ExpertFactory(name="Dr. Priya Raman")
    reviewer = ExpertFactory(name="Dr. Sam Reviewer")
    article = ArticleFactory(
        with_image=True,
        title="Ease Lower Back Pain with These Yoga Moves",
        author=author,
        reviewed_by=reviewer,
        reviewed_at=timezone.now(),
    )
    html = client.get(article.get_absolute_url()).content.decode()
    page = of_type(html, "MedicalWebPage")
    assert page["headline"] == article.title
    assert page["datePublished"] == article.published_at.isoformat()
    assert page["dateModified"] == article.updated_at.isoformat()
    assert page["author"]["name"] == "Dr. Priya Raman" and page["author"]["@type"] == "Person"
    assert page["reviewedBy"]["name"] == "Dr. Sam Reviewer"
    assert page["lastReviewed"] == article.reviewed_at.isoformat()
    assert page["image"].startswith(f"{BASE}/media/cache/")
    assert meta(html, "property", "og:image") == page["image"]
    assert meta(html, "name", "description") == article.teaser
    crumbs = of_type(html, "BreadcrumbList")["itemListElement"]
    assert [c["name"] for c in crumbs][-1] == article.title


@pytest.mark.parametrize("organization", [True, False])
def test_expert_profile_is_a_person_or_an_organization(client, organization):
    expert = ExpertFactory(organization=organization, website="https://example.org")
    make_public_question(expert=expert)
    html = client.get(expert.get_absolute_url()).content.decode()
    entity = of_type(html, "Organization" if organization else "Person")
    assert entity["name"] == expert.name
    assert entity["url"] == f"{BASE}{expert.get_absolute_url()}"
    assert entity["sameAs"] == ["https://example.org"]


def test_search_pages_are_noindex(client):
    html = client.get("/search/", {"q": "back"}).content.decode()
    assert '<meta name="robots" content="noindex, follow">' in html


def test_previews_are_noindex(client):
    question = QuestionFactory(draft=True)
    AnswerFactory(question=question)
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="change_question"))
    client.force_login(staff)
    html = client.get(question.get_absolute_url()).content.decode()
    assert '<meta name="robots" content="noindex' in html


def test_default_share_image_is_a_small_png(client):
    response = client.get("/static/img/og-default.png")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body.startswith(b"\x89PNG") and len(body) < 50_000
