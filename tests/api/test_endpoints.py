"""The API's endpoints: every payload, filters, `?fields=`, old slugs, and 400s for bad input."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from healthqa.api import schemas
from healthqa.models import Correction, Question
from tests.factories import (
    AnswerFactory,
    ArticleFactory,
    ContinueLearningPickFactory,
    ExpertFactory,
    QuestionFactory,
    SourceFactory,
    TopicFactory,
    UserFactory,
    image_file,
    make_public_question,
)

pytestmark = pytest.mark.django_db
API = "/api/v1"
ORIGIN = "http://testserver"


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    return response.json()


@pytest.fixture
def answered():
    """A public question with a topic, a tag, two answers (sources, a medical reviewer, a
    moderator, a correction) and a curated Continue Learning pick."""
    topic = TopicFactory(name="Back Pain", slug="back-pain")
    question = QuestionFactory(
        title="Why does my back hurt?", slug="why-back", topic=topic, tags=["push-ups"]
    )
    question.details = "It hurts **during** push-ups."
    question.save()
    moderator = UserFactory(first_name="Mo", last_name="Derator")
    reviewer = ExpertFactory(name="Dr. Rev", credentials="MD", is_clinician=True)
    first = AnswerFactory(
        question=question,
        position=0,
        body="Stop if it *hurts*.",
        reviewed_by=moderator,
        medical_reviewer=reviewer,
        medically_reviewed_on=date(2025, 1, 2),
        approved_sources=[
            {"title": "Back study", "doi": "10.1136/bmj.n1", "pmid": "123", "year": 2021}
        ],
    )
    AnswerFactory(question=question, position=1, body="Second answer.")
    Correction.objects.create(answer=first, note="Fixed the dose.")
    ContinueLearningPickFactory(question=question, article=ArticleFactory(slug="stretching"))
    return question


def test_question_detail_has_answers_sources_reviewers_corrections_and_picks(client, answered):
    data = get(client, f"{API}/questions/why-back/")
    schemas.QuestionDetail.model_validate(data)
    assert data["url"] == f"{ORIGIN}/questions/why-back/"
    assert data["api_url"] == f"{ORIGIN}{API}/questions/why-back/"
    assert data["details_html"] == "<p>It hurts <strong>during</strong> push-ups.</p>\n"
    assert data["details_text"] == "It hurts during push-ups."
    assert data["topic"]["slug"] == "back-pain"
    assert data["topic"]["api_url"] == f"{ORIGIN}{API}/topics/back-pain/"
    assert data["tags"] == [
        {"name": "push-ups", "slug": "push-ups", "url": f"{ORIGIN}/tags/push-ups/"}
    ]
    first, second = data["answers"]
    assert first["body_html"] == "<p>Stop if it <em>hurts</em>.</p>\n"
    assert first["body_text"] == "Stop if it hurts."
    assert first["url"] == f"{ORIGIN}/questions/why-back/#answer-{first['id']}"
    assert first["reviewed_by"] == "Mo Derator"
    assert first["medical_reviewer"] == {
        "name": "Dr. Rev",
        "credentials": "MD",
        "reviewed_on": "2025-01-02",
    }
    [source] = first["sources"]
    assert source["doi_url"] == "https://doi.org/10.1136/bmj.n1"
    assert source["pmid_url"] == "https://pubmed.ncbi.nlm.nih.gov/123/"
    assert source["link"] == "https://doi.org/10.1136/bmj.n1"
    assert [c["note"] for c in first["corrections"]] == ["Fixed the dose."]
    assert first["expert"]["api_url"].startswith(f"{ORIGIN}{API}/experts/")
    assert second["medical_reviewer"] is None and second["corrections"] == []
    assert [a["slug"] for a in data["continue_learning"]] == ["stretching"]
    assert data["continue_learning"][0]["api_url"] == f"{ORIGIN}{API}/articles/stretching/"


def test_question_listing_items_carry_the_answers_inline(client, answered):
    data = get(client, f"{API}/questions/")
    schemas.QuestionList.model_validate(data)
    assert data["meta"] == {"total_count": 1, "next": None, "previous": None}
    [item] = data["items"]
    assert item["slug"] == "why-back"
    assert [a["body_text"] for a in item["answers"]] == ["Stop if it hurts.", "Second answer."]
    assert "continue_learning" not in item


def test_article_listing_and_detail(client):
    reviewer = ExpertFactory(name="Dr. Check", credentials="RN", is_clinician=True)
    author = ExpertFactory(slug="author")
    article = ArticleFactory(
        slug="ease-back-pain",
        body="Walk **more**.",
        author=author,
        reviewed_by=reviewer,
        reviewed_at=timezone.now() - timedelta(days=1),
        with_image=True,
    )
    SourceFactory(article=article, title="CDC report", url="https://www.example.org/cdc")
    Correction.objects.create(article=article, note="Updated figures.")

    listing = get(client, f"{API}/articles/")
    schemas.ArticleList.model_validate(listing)
    [item] = listing["items"]
    assert item["url"] == f"{ORIGIN}/articles/ease-back-pain/"
    assert item["author"]["api_url"] == f"{ORIGIN}{API}/experts/author/"
    assert item["medical_review"]["reviewer"]["name"] == "Dr. Check"
    assert item["image"]["url"].startswith(f"{ORIGIN}/")
    assert item["image"]["alt"] == "A person stretching their back"
    assert "body_html" not in item

    detail = get(client, f"{API}/articles/ease-back-pain/")
    schemas.ArticleDetail.model_validate(detail)
    assert detail["body_html"] == "<p>Walk <strong>more</strong>.</p>\n"
    assert detail["body_text"] == "Walk more."
    assert [s["title"] for s in detail["sources"]] == ["CDC report"]
    assert detail["sources"][0]["link"] == "https://www.example.org/cdc"
    assert [c["note"] for c in detail["corrections"]] == ["Updated figures."]


def test_an_article_without_image_or_review_says_null(client):
    ArticleFactory(slug="plain", author=None)
    data = get(client, f"{API}/articles/plain/")
    assert data["image"] is None
    assert data["medical_review"] is None
    assert data["author"] is None


def test_expert_listing_and_detail(client):
    topic = TopicFactory(slug="sleep")
    expert = ExpertFactory(
        slug="dr-sleep",
        bio="Sleeps *well*.",
        website="https://sleep.example",
        specialties=[topic],
        photo=image_file("me.png"),
    )
    make_public_question(expert=expert)
    make_public_question(expert=expert)
    listing = get(client, f"{API}/experts/")
    schemas.ExpertList.model_validate(listing)
    [item] = listing["items"]
    assert item["answer_count"] == 2
    assert [t["slug"] for t in item["specialties"]] == ["sleep"]
    assert item["photo_url"].startswith(f"{ORIGIN}/")
    detail = get(client, f"{API}/experts/dr-sleep/")
    schemas.ExpertDetail.model_validate(detail)
    assert detail["bio_html"] == "<p>Sleeps <em>well</em>.</p>\n"
    assert detail["bio_text"] == "Sleeps well."
    assert detail["website"] == "https://sleep.example"
    assert detail["verified"] is True


def test_topic_listing_counts_public_questions_and_detail_lists_subtopics(client):
    parent = TopicFactory(name="Back", slug="back")
    child = TopicFactory(name="Lower back", slug="lower-back", parent=parent)
    make_public_question(topic=parent)
    QuestionFactory(topic=parent, draft=True)
    listing = get(client, f"{API}/topics/")
    schemas.TopicList.model_validate(listing)
    counts = {item["slug"]: item["question_count"] for item in listing["items"]}
    assert counts == {"back": 1, "lower-back": 0}
    lower = next(item for item in listing["items"] if item["slug"] == "lower-back")
    assert lower["parent"]["slug"] == "back"
    detail = get(client, f"{API}/topics/back/")
    schemas.TopicDetail.model_validate(detail)
    assert [t["slug"] for t in detail["subtopics"]] == [child.slug]
    assert detail["url"] == f"{ORIGIN}/topics/back/"


def test_tag_listing_counts_public_questions_only(client):
    make_public_question(tags=["knees"])
    QuestionFactory(draft=True, tags=["knees", "secret"])
    ArticleFactory(tags=["reading"])
    data = get(client, f"{API}/tags/")
    schemas.TagList.model_validate(data)
    assert {item["slug"]: item["question_count"] for item in data["items"]} == {
        "knees": 1,
        "reading": 0,
    }
    knees = data["items"][0]
    assert knees["url"] == f"{ORIGIN}/tags/knees/"
    assert knees["api_url"] == f"{ORIGIN}{API}/questions/?tag=knees"


def test_search_finds_public_questions_and_articles_typed(client):
    make_public_question(
        title="Why do my knees click?", slug="knees-click", details="My knees click on stairs."
    )
    QuestionFactory(title="Knees secret draft", draft=True)
    ArticleFactory(title="Knees and stairs", slug="knees-stairs")
    data = get(client, f"{API}/search/?q=knees")
    schemas.SearchResults.model_validate(data)
    found = {(item["type"], item["api_url"]) for item in data["items"]}
    assert found == {
        ("question", f"{ORIGIN}{API}/questions/knees-click/"),
        ("article", f"{ORIGIN}{API}/articles/knees-stairs/"),
    }
    assert any("<mark>knees</mark>" in item["snippet"].lower() for item in data["items"])


@pytest.mark.parametrize("query", ["", "?q=", "?q=%20%20", f"?q={'a' * 1001}"])
def test_search_without_words_or_with_too_many_is_400(client, query):
    data = get(client, f"{API}/search/{query}", status=400)
    assert data["error"]["status"] == 400
    assert data["error"]["message"].startswith("q:")


def test_questions_filter_by_topic_and_tag(client):
    back, sleep = TopicFactory(slug="back"), TopicFactory(slug="sleep")
    make_public_question(topic=back, slug="in-back", tags=["pain"])
    make_public_question(topic=sleep, slug="in-sleep", tags=["pain", "night"])
    assert [q["slug"] for q in get(client, f"{API}/questions/?topic=back")["items"]] == ["in-back"]
    assert [q["slug"] for q in get(client, f"{API}/questions/?tag=night")["items"]] == ["in-sleep"]
    both = get(client, f"{API}/questions/?tag=pain&topic=sleep")["items"]
    assert [q["slug"] for q in both] == ["in-sleep"]


def test_articles_filter_by_topic(client):
    back = TopicFactory(slug="back")
    ArticleFactory(topic=back, slug="a-back")
    ArticleFactory(slug="a-other")
    assert [a["slug"] for a in get(client, f"{API}/articles/?topic=back")["items"]] == ["a-back"]


@pytest.mark.parametrize(
    "query, named",
    [
        ("topic=nowhere", "topic"),
        ("tag=nowhere", "tag"),
        ("updated_since=yesterday", "updated_since"),
    ],
)
def test_unknown_filters_are_400(client, query, named):
    make_public_question()
    data = get(client, f"{API}/questions/?{query}", status=400)
    assert data["error"]["message"].startswith(f"{named}:")


def test_updated_since_lists_questions_changed_since_oldest_change_first(client, frozen):
    old = make_public_question(slug="old")
    frozen.tick(timedelta(days=2))
    make_public_question(slug="new")
    day_before = (timezone.now() - timedelta(days=1)).date().isoformat()
    assert slugs(get(client, f"{API}/questions/?updated_since={day_before}")) == ["new"]
    since = (timezone.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S")  # no offset: UTC
    frozen.tick(timedelta(hours=1))
    answer = old.answers.get()
    answer.body = "A change to the answer is a change to its question."
    answer.save()
    assert slugs(get(client, f"{API}/questions/?updated_since={since}")) == ["new", "old"]
    later = (timezone.now() - timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M:%S%z")
    assert slugs(client.get(f"{API}/questions/", {"updated_since": later}).json()) == ["old"]


def slugs(listing):
    return [item["slug"] for item in listing["items"]]


def test_updated_since_filters_articles(client, frozen):
    ArticleFactory(slug="before")
    frozen.tick(timedelta(days=1))
    ArticleFactory(slug="after")
    since = (timezone.now() - timedelta(minutes=1)).isoformat()
    query = {"updated_since": since}
    data = client.get(f"{API}/articles/", query).json()
    assert [a["slug"] for a in data["items"]] == ["after"]


@pytest.mark.parametrize(
    "url, schema",
    [
        ("/questions/", schemas.Question),
        ("/articles/", schemas.Article),
        ("/experts/", schemas.Expert),
        ("/topics/", schemas.Topic),
        ("/tags/", schemas.Tag),
        ("/search/?q=back", schemas.SearchHit),
    ],
)
def test_fields_chooses_item_fields_on_every_listing(client, url, schema):
    make_public_question(title="Back question", tags=["back"])
    ArticleFactory(title="Back article")
    sep = "&" if "?" in url else "?"
    data = get(client, f"{API}{url}{sep}fields=url,api_url")
    assert data["items"], url
    assert all(set(item) == {"url", "api_url"} for item in data["items"])
    assert set(data["meta"]) == {"total_count", "next", "previous"}
    refused = get(client, f"{API}{url}{sep}fields=url,secret", status=400)
    message = refused["error"]["message"]
    assert "secret" in message and all(name in message for name in schema.model_fields)


def test_fields_chooses_detail_fields(client, answered):
    data = get(client, f"{API}/questions/why-back/?fields=title,continue_learning")
    assert set(data) == {"title", "continue_learning"}
    assert (
        get(client, f"{API}/questions/why-back/?fields=nope", status=400)["error"]["status"] == 400
    )


def test_a_renamed_questions_old_api_address_redirects_to_the_new_one(client, answered):
    answered.slug = "why-back-renamed"
    answered.save()
    response = client.get(f"{API}/questions/why-back/?fields=title")
    assert response.status_code == 301
    assert response["Location"] == f"{ORIGIN}{API}/questions/why-back-renamed/?fields=title"


def test_a_renamed_articles_old_api_address_redirects_to_the_new_one(client):
    article = ArticleFactory(slug="first-name")
    article.slug = "second-name"
    article.save()
    response = client.get(f"{API}/articles/first-name/")
    assert response.status_code == 301
    assert response["Location"] == f"{ORIGIN}{API}/articles/second-name/"


def test_an_old_slug_of_a_question_no_longer_public_is_404(client, answered):
    answered.slug = "why-back-renamed"
    answered.save()
    Question.objects.filter(pk=answered.pk).update(status=Question.Status.ARCHIVED)
    assert get(client, f"{API}/questions/why-back/", status=404)["error"]["status"] == 404


@pytest.mark.parametrize("slug", ["nothing-here", "x" * 500, "%C3%A9t%C3%A9"])
def test_unknown_slugs_are_404_json(client, slug):
    for kind in ("questions", "articles", "experts", "topics"):
        get(client, f"{API}/{kind}/{slug}/", status=404)


JUNK = [
    "topic=%00",
    "tag=%00",
    "tag=a%00b",
    "updated_since=0001-01-01T00:00:00%2B05:00",
    "updated_since=9999-12-31T23:59:59-05:00",
    "updated_since=%00",
    "limit=99999999999999999999999",
    "limit=%00",
    "cursor=%00",
    "fields=%00",
    "fields=,,,",
    "q=%00",
    "q=back&type=%00",
    "q=back&topic=%00",
    "q=back&topic=nowhere&type=nothing",
]
ENDPOINTS = ["questions", "articles", "experts", "topics", "tags", "search"]


@pytest.mark.parametrize("query", JUNK)
def test_junk_query_strings_never_cause_a_server_error(client, query):
    make_public_question(title="Back question", tags=["back"])
    for endpoint in ENDPOINTS:
        response = client.get(f"{API}/{endpoint}/?{query}")
        assert response.status_code in {200, 400}, (endpoint, query, response.content)
        assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("slug", ["a%00b", "%00", "..", "a b"])
def test_junk_slugs_are_404(client, slug):
    for kind in ("questions", "articles", "experts", "topics"):
        assert client.get(f"{API}/{kind}/{slug}/").status_code == 404, kind


def test_the_openapi_schema_documents_every_endpoint_and_its_payloads(client):
    from openapi_spec_validator import validate

    spec = client.get(f"{API}/schema/").json()
    validate(spec)
    for endpoint in ENDPOINTS + ["questions/{slug}", "articles/{slug}", "experts/{slug}"]:
        assert f"{API}/{endpoint}/" in spec["paths"], endpoint
    listed = spec["paths"][f"{API}/questions/"]["get"]
    assert listed["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/QuestionList"
    }
    question = spec["components"]["schemas"]["Question"]["properties"]
    assert question["url"]["description"] == schemas.URL
    assert {p["name"] for p in listed["parameters"]} >= {"limit", "cursor", "fields", "topic"}
