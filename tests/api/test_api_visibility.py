"""The API shows only what readers may see: every hidden state is 404 and absent from listings,
exactly as on the pages."""

from datetime import timedelta

import pytest
from django.utils import timezone

from healthqa.models import Answer
from tests.factories import (
    AnswerFactory,
    ArticleFactory,
    ExpertFactory,
    QuestionFactory,
    TopicFactory,
    make_public_question,
)

pytestmark = pytest.mark.django_db
API = "/api/v1"


def listed(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return {item["slug"] for item in response.json()["items"]}


def hidden_questions():
    inactive = ExpertFactory(inactive=True)
    return {
        "draft": make_public_question(draft=True),
        "scheduled": make_public_question(scheduled=True),
        "archived": make_public_question(archived=True),
        "rejected": make_public_question(rejected=True),
        "submitted": make_public_question(submitted=True),
        "no-answer": QuestionFactory(),
        "pending-answer-only": AnswerFactory(pending=True).question,
        "rejected-answer-only": AnswerFactory(rejected=True).question,
        "draft-answer-only": AnswerFactory(draft=True).question,
        "inactive-expert-only": make_public_question(expert=inactive),
    }


def test_every_hidden_question_is_404_and_absent_from_every_listing(client):
    public = make_public_question(tags=["pain"])
    hidden = hidden_questions()
    for question in hidden.values():
        question.tags.add("pain")
        question.topic = public.topic
        question.save()
    for name, question in hidden.items():
        assert client.get(f"{API}/questions/{question.slug}/").status_code == 404, name
    expected = {public.slug}
    assert listed(client, f"{API}/questions/") == expected
    assert listed(client, f"{API}/questions/?topic={public.topic.slug}") == expected
    assert listed(client, f"{API}/questions/?tag=pain") == expected
    assert listed(client, f"{API}/questions/?updated_since=2000-01-01") == expected
    topics = client.get(f"{API}/topics/{public.topic.slug}/").json()
    assert topics["question_count"] == 1


def test_an_unpublished_answer_leaves_the_question_and_listing(client):
    question = make_public_question(answers=2)
    first, second = question.answers.all()
    Answer.objects.filter(pk=first.pk).update(status=Answer.Status.REJECTED)
    detail = client.get(f"{API}/questions/{question.slug}/").json()
    assert [a["id"] for a in detail["answers"]] == [second.pk]
    Answer.objects.filter(pk=second.pk).update(status=Answer.Status.PENDING)
    assert client.get(f"{API}/questions/{question.slug}/").status_code == 404
    assert listed(client, f"{API}/questions/") == set()


def test_an_inactive_experts_answers_and_profile_are_hidden(client):
    active, inactive = ExpertFactory(), ExpertFactory(inactive=True)
    question = make_public_question(expert=active)
    AnswerFactory(question=question, expert=inactive, position=5)
    detail = client.get(f"{API}/questions/{question.slug}/").json()
    assert [a["expert"]["slug"] for a in detail["answers"]] == [active.slug]
    assert client.get(f"{API}/experts/{inactive.slug}/").status_code == 404
    assert listed(client, f"{API}/experts/") == {active.slug}


def test_an_inactive_author_is_not_named_on_an_article(client):
    ArticleFactory(slug="by-gone", author=ExpertFactory(inactive=True))
    assert client.get(f"{API}/articles/by-gone/").json()["author"] is None


def test_hidden_articles_are_404_and_absent_from_listings(client):
    topic = TopicFactory(slug="back")
    ArticleFactory(slug="live", topic=topic)
    hidden = {
        "draft": ArticleFactory(draft=True, topic=topic),
        "scheduled": ArticleFactory(scheduled=True, topic=topic),
        "archived": ArticleFactory(archived=True, topic=topic),
    }
    for name, article in hidden.items():
        assert client.get(f"{API}/articles/{article.slug}/").status_code == 404, name
    assert listed(client, f"{API}/articles/") == {"live"}
    assert listed(client, f"{API}/articles/?topic=back") == {"live"}


def test_a_scheduled_question_appears_when_its_time_comes(client, frozen):
    question = make_public_question(published_at=timezone.now() + timedelta(hours=1))
    assert client.get(f"{API}/questions/{question.slug}/").status_code == 404
    frozen.tick(timedelta(hours=2))
    assert client.get(f"{API}/questions/{question.slug}/").status_code == 200


def test_tags_only_on_hidden_content_are_not_listed(client):
    make_public_question(tags=["seen"])
    QuestionFactory(draft=True, tags=["unseen"])
    make_public_question(draft=True, tags=["unseen"])
    ArticleFactory(draft=True, tags=["unseen"])
    assert listed(client, f"{API}/tags/") == {"seen"}


def test_search_never_finds_hidden_content(client):
    make_public_question(title="Elbow pain when lifting", slug="elbow-public")
    make_public_question(title="Elbow pain secret", draft=True)
    make_public_question(title="Elbow pain soon", scheduled=True)
    ArticleFactory(title="Elbow draft article", draft=True)
    items = client.get(f"{API}/search/?q=elbow").json()["items"]
    assert [item["api_url"].rsplit("/", 2)[-2] for item in items] == ["elbow-public"]
