"""Full-text search: what it finds, what it never finds, and what it does with odd input."""

import io
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from healthqa import search
from healthqa.models import Answer, SearchDocument
from tests.factories import (
    AnswerFactory,
    ArticleFactory,
    QuestionFactory,
    TopicFactory,
    make_public_question,
)

pytestmark = pytest.mark.django_db


def urls(hits):
    return [hit.url for hit in hits]


def found(query, **filters):
    return urls(search.search(query, **filters)[:100])


def test_public_question_is_found_by_title_details_and_answer_text():
    question = make_public_question(
        title="Why does my back hurt when I do push-ups?", details="Mostly in the evening."
    )
    AnswerFactory(question=question, body="Brace your core and keep your hips level.")
    for query in ("back hurt", "evening", "brace core", "hips"):
        assert found(query) == [question.get_absolute_url()], query


def test_hyphenated_joined_and_spaced_spellings_find_the_same_question():
    question = make_public_question(title="Why does my back hurt when I do push-ups?")
    for query in ("push-ups", "pushups", "push ups", "Push-Up", "PUSHUPS"):
        assert found(query) == [question.get_absolute_url()], query


def test_stemming_matches_other_forms_of_a_word():
    question = make_public_question(title="Can stretching prevent running injuries?")
    assert found("stretches injury runners") == [question.get_absolute_url()]


def test_title_matches_rank_above_body_matches():
    in_body = make_public_question(title="A question about posture", details="Knee pain.")
    in_title = make_public_question(title="Knee pain on stairs", details="Mostly going down.")
    assert found("knee")[:2] == [in_title.get_absolute_url(), in_body.get_absolute_url()]


def test_articles_and_questions_share_one_ranked_list_with_type_and_topic():
    topic = TopicFactory(name="Sleep")
    question = make_public_question(title="How much sleep do adults need?", topic=topic)
    article = ArticleFactory(title="Sleep tips for shift workers", topic=topic)
    hits = search.search("sleep")[:10]
    assert {hit.url for hit in hits} == {question.get_absolute_url(), article.get_absolute_url()}
    assert {hit.kind for hit in hits} == {"question", "article"}
    assert all(hit.topic == topic for hit in hits)


@pytest.mark.parametrize(
    "hide",
    [
        lambda q: q.__class__.objects.filter(pk=q.pk).update(status="draft"),
        lambda q: q.__class__.objects.filter(pk=q.pk).update(
            published_at=timezone.now() + timedelta(days=1)
        ),
        lambda q: q.answers.update(status=Answer.Status.PENDING),
        lambda q: q.answers.first().expert.__class__.objects.update(is_active=False),
    ],
    ids=["unpublished", "scheduled", "answer-not-approved", "expert-inactive"],
)
def test_questions_readers_cannot_see_are_never_found(hide):
    """Visibility is decided at query time, even when the index was not told of the change."""
    question = make_public_question(title="Glucose monitoring question")
    assert found("glucose") == [question.get_absolute_url()]
    hide(question)
    assert found("glucose") == []
    assert search.suggest("glucose") == []


def test_drafts_submissions_and_unapproved_answer_text_are_not_indexed():
    QuestionFactory(draft=True, title="Zinc draft question")
    QuestionFactory(submitted=True, title="Zinc reader submission")
    question = make_public_question(title="Vitamin question")
    AnswerFactory(question=question, pending=True, body="Zinc lozenges, pending review.")
    AnswerFactory(question=question, rejected=True, body="Zinc, rejected text.")
    assert found("zinc") == []
    assert "zinc" not in SearchDocument.objects.get(question=question).body.lower()


def test_scheduled_article_appears_when_its_time_comes(frozen):
    article = ArticleFactory(
        title="Magnesium explained", published_at=timezone.now() + timedelta(hours=2)
    )
    assert found("magnesium") == []
    frozen.tick(timedelta(hours=3))
    assert found("magnesium") == [article.get_absolute_url()]


def test_approving_an_answer_and_its_revision_updates_the_index(moderator, expert_user):
    question = make_public_question(title="Iron question")
    answer = AnswerFactory(
        question=question, expert=expert_user.expert_profile, pending=True, body="Spinach."
    )
    assert found("spinach") == []
    answer.approve(by=moderator)
    assert found("spinach") == [question.get_absolute_url()]
    answer.revise(body="Lentils instead.", by=expert_user)
    assert found("lentils") == []  # the revision waits for review
    answer.approve(by=moderator)
    assert found("lentils") == [question.get_absolute_url()]
    assert found("spinach") == []


def test_deactivating_an_expert_removes_their_answer_text():
    question = make_public_question(title="Calcium question")
    other = AnswerFactory(question=question, body="Sardines are rich in calcium.")
    assert found("sardines") == [question.get_absolute_url()]
    other.expert.is_active = False
    other.expert.save()
    assert found("sardines") == []
    assert found("calcium") == [question.get_absolute_url()]


def test_archiving_an_article_takes_it_out_of_the_index(editor):
    article = ArticleFactory(title="Potassium guide")
    assert found("potassium") == [article.get_absolute_url()]
    article.archive(by=editor)
    assert found("potassium") == []
    assert not SearchDocument.objects.filter(article=article).exists()


def test_deleted_question_leaves_no_result():
    question = make_public_question(title="Selenium question")
    question.delete()
    assert found("selenium") == []


def test_filters_by_topic_and_type():
    sleep, heart = TopicFactory(name="Sleep"), TopicFactory(name="Heart")
    q_sleep = make_public_question(title="Rest and sleep", topic=sleep)
    q_heart = make_public_question(title="Rest and heart rate", topic=heart)
    article = ArticleFactory(title="Rest days", topic=sleep)
    assert set(found("rest", topic=sleep)) == {
        q_sleep.get_absolute_url(),
        article.get_absolute_url(),
    }
    assert found("rest", kind="article") == [article.get_absolute_url()]
    assert set(found("rest", kind="question")) == {
        q_sleep.get_absolute_url(),
        q_heart.get_absolute_url(),
    }


def test_words_that_match_nowhere_together_fall_back_to_any_word():
    question = make_public_question(title="Hydration for runners")
    assert found("hydration xylophone") == [question.get_absolute_url()]


def test_snippet_highlights_matches_and_escapes_everything_else():
    question = make_public_question(title="Safety question")
    AnswerFactory(question=question, body="Use <script>alert(1)</script> & a helmet when cycling.")
    hit = search.search("helmet")[0]
    assert "<mark>helmet</mark>" in hit.snippet
    assert "<script>" not in hit.snippet and "&amp;" in hit.snippet
    assert set(re.findall(r"</?(\w+)", hit.snippet)) == {"mark"}


def test_rebuild_command_restores_a_lost_index():
    question = make_public_question(title="Omega question")
    article = ArticleFactory(title="Omega article")
    SearchDocument.objects.all().delete()
    assert found("omega") == []
    out = io.StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert "1 published questions, 1 published articles" in out.getvalue()
    assert set(found("omega")) == {question.get_absolute_url(), article.get_absolute_url()}


# --- The page ----------------------------------------------------------------------------------


def test_search_page_shows_type_topic_title_link_and_snippet(client):
    topic = TopicFactory(name="Back Pain")
    question = make_public_question(title="Why does my back hurt when I do push-ups?", topic=topic)
    html = client.get("/search/", {"q": "push-ups"}).content.decode()
    assert f'href="{question.get_absolute_url()}"' in html
    assert "Question · " in html and ">Back Pain</a>" in html
    assert "<mark>" in html
    assert '<meta name="robots" content="noindex, follow">' in html


def test_search_page_paginates_and_refuses_pages_out_of_range(client):
    for n in range(25):
        make_public_question(title=f"Cholesterol question number {n}")
    first = client.get("/search/", {"q": "cholesterol"})
    assert first.context["paginator"].count == 25 and len(first.context["results"]) == 20
    second = client.get("/search/", {"q": "cholesterol", "page": 2})
    assert len(second.context["results"]) == 5
    assert client.get("/search/", {"q": "cholesterol", "page": 9}).status_code == 404
    assert client.get("/search/", {"q": "cholesterol", "page": "x"}).status_code == 404


@pytest.mark.parametrize(
    "params",
    [
        {"q": "back", "topic": "no-such-topic"},
        {"q": "back", "topic": "x" * 5000},
        {"q": "back", "type": "expert"},
        {"q": "back", "type": "", "topic": "../../etc"},
    ],
)
def test_junk_filters_are_ignored(client, params):
    question = make_public_question(title="Back question")
    response = client.get("/search/", params)
    assert response.status_code == 200
    assert question.get_absolute_url() in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "",
        '"unbalanced',
        "back AND OR NOT",
        "back* ^ NEAR(x y) : - + ~ ( ) { } [ ]",
        "title:back",
        "'; DROP TABLE healthqa_question; --",
        "😀😀 back 🩺",
        "x" * 1200,
        "back " * 400,
        "\\",
        "&lt;b&gt;",
        "-back",
    ],
)
def test_odd_queries_give_a_page_never_an_error(client, query):
    make_public_question(title="Back question")
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert client.get("/search/suggest/", {"q": query}).status_code == 200


# --- Suggestions for /ask/ ---------------------------------------------------------------------


def test_suggest_returns_up_to_five_public_questions_as_title_and_url(client):
    for n in range(7):
        make_public_question(title=f"How much water should I drink {n}?")
    ArticleFactory(title="Water article")
    QuestionFactory(draft=True, title="How much water draft?")
    data = client.get("/search/suggest/", {"q": "how much wat"}).json()
    assert len(data["results"]) == 5
    assert all(set(item) == {"title", "url"} for item in data["results"])
    assert all(item["url"].startswith("/questions/") for item in data["results"])
    assert not any("draft" in item["title"] for item in data["results"])


def test_suggest_without_a_query_returns_nothing(client):
    make_public_question()
    assert client.get("/search/suggest/").json() == {"results": []}
    assert client.post("/search/suggest/", {"q": "back"}).status_code == 405
