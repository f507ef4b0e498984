"""The shared page cache: fast for readers, never stale, never shared with staff."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from healthqa.models import AdPlacement, SiteSettings
from tests.factories import (
    AdPlacementFactory,
    AnswerFactory,
    ArticleFactory,
    ContinueLearningPickFactory,
    TopicFactory,
    UserFactory,
    make_public_question,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def site_settings(transactional_db):
    """The settings row exists, as on any running site (its creation starts a generation)."""
    return SiteSettings.load()


@pytest.fixture
def question():
    topic = TopicFactory(name="Back Pain")
    question = make_public_question(topic=topic, title="Why does my back hurt?")
    ArticleFactory(topic=topic, title="Back care basics")
    return question


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response, response.content.decode()


def test_second_anonymous_request_is_served_from_the_cache_without_queries(
    client, question, django_assert_num_queries
):
    first, _ = get(client, question.get_absolute_url())
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        second, html = get(Client(), question.get_absolute_url())
    assert second["X-Page-Cache"] == "hit"
    assert question.title in html


@pytest.mark.parametrize(
    "url",
    ["/", "/topics/", "topic", "/questions/", "/articles/", "/experts/"],
)
def test_reader_pages_are_cached(client, question, url):
    url = question.topic.get_absolute_url() if url == "topic" else url
    get(client, url)
    assert get(Client(), url)[0]["X-Page-Cache"] == "hit"


def test_editing_the_question_shows_at_once(client, question):
    get(client, question.get_absolute_url())
    question.title = "Why does my lower back hurt?"
    question.save()
    assert "Why does my lower back hurt?" in get(Client(), question.get_absolute_url())[1]


def test_a_newly_approved_answer_shows_at_once(client, question, moderator, expert_user, expert):
    get(client, question.get_absolute_url())
    answer = AnswerFactory(question=question, expert=expert, draft=True, body="Brace your core.")
    answer.submit(by=expert_user)
    assert "Brace your core." not in get(Client(), question.get_absolute_url())[1]
    answer.approve(by=moderator)
    assert "Brace your core." in get(Client(), question.get_absolute_url())[1]


def test_an_approved_revision_replaces_the_live_text_at_once(
    client, moderator, expert_user, expert
):
    question = make_public_question(answers=0)
    answer = AnswerFactory(question=question, expert=expert, body="First version.")
    get(client, question.get_absolute_url())
    answer.revise(body="Second version.", by=expert_user)
    assert "First version." in get(Client(), question.get_absolute_url())[1]
    answer.approve(by=moderator)
    html = get(Client(), question.get_absolute_url())[1]
    assert "Second version." in html and "First version." not in html


def test_renaming_an_expert_shows_on_their_answers(client, question):
    expert = question.answers.get().expert
    get(client, question.get_absolute_url())
    expert.name = "Dr. Renamed Expert"
    expert.save()
    assert "Dr. Renamed Expert" in get(Client(), question.get_absolute_url())[1]


def test_editing_an_article_updates_the_continue_learning_card(client, question):
    get(client, question.get_absolute_url())
    article = question.topic.articles.get()
    article.title = "Back care, revised"
    article.save()
    assert "Back care, revised" in get(Client(), question.get_absolute_url())[1]


def test_curating_a_pick_reorders_continue_learning(client, question):
    get(client, question.get_absolute_url())
    picked = ArticleFactory(title="Editors' pick", topic=TopicFactory())
    ContinueLearningPickFactory(question=question, article=picked, position=0)
    html = get(Client(), question.get_absolute_url())[1]
    assert html.index("Editors&#x27; pick") < html.index("Back care basics")


def test_site_settings_and_ads_show_at_once(client, question):
    get(client, question.get_absolute_url())
    settings_row = SiteSettings.load()
    settings_row.disclaimer = "Ask your own doctor."
    settings_row.save()
    assert "Ask your own doctor." in get(Client(), question.get_absolute_url())[1]
    AdPlacementFactory(image_alt="Our new newsletter")
    assert "Our new newsletter" in get(Client(), question.get_absolute_url())[1]
    AdPlacement.objects.get().delete()
    assert "Our new newsletter" not in get(Client(), question.get_absolute_url())[1]


def test_a_scheduled_article_appears_at_its_time_without_any_job(client, question):
    with freeze_time(timezone.now()) as clock:
        ArticleFactory(
            topic=question.topic,
            title="Scheduled article",
            published_at=timezone.now() + timedelta(hours=1),
        )
        assert "Scheduled article" not in get(client, question.get_absolute_url())[1]
        assert "Scheduled article" not in get(Client(), question.get_absolute_url())[1]
        clock.tick(timedelta(hours=1, seconds=1))
        assert "Scheduled article" in get(Client(), question.get_absolute_url())[1]


def test_helpful_votes_refresh_the_cached_count(client, question):
    answer = question.answers.get()
    get(client, question.get_absolute_url())
    voter = Client()
    voter.post(reverse("healthqa:answer_helpful", args=[answer.pk]), {"vote": "yes"})
    answer.refresh_from_db()
    assert answer.helpful_yes == 1
    assert get(Client(), question.get_absolute_url())[0]["X-Page-Cache"] == "miss"


def test_staff_are_never_served_or_stored_in_the_shared_cache(client, question):
    editor = UserFactory(is_staff=True, groups=["Editors"])
    staff = Client()
    staff.force_login(editor)
    response, _ = get(staff, question.get_absolute_url())
    assert "X-Page-Cache" not in response
    assert get(Client(), question.get_absolute_url())[0]["X-Page-Cache"] == "miss"


def test_previews_are_never_cached(client):
    question = make_public_question(status="draft", published_at=None)
    editor = UserFactory(is_staff=True, groups=["Editors"])
    staff = Client()
    staff.force_login(editor)
    assert "Preview — not published" in get(staff, question.get_absolute_url())[1]
    assert Client().get(question.get_absolute_url()).status_code == 404


def test_a_cached_page_carries_a_csrf_token_that_works_for_its_reader(question):
    get(Client(), question.get_absolute_url())
    reader = Client(enforce_csrf_checks=True)
    response, html = get(reader, question.get_absolute_url())
    assert response["X-Page-Cache"] == "hit"
    token = html.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    answer = question.answers.get()
    voted = reader.post(
        reverse("healthqa:answer_helpful", args=[answer.pk]),
        {"vote": "yes", "csrfmiddlewaretoken": token},
    )
    assert voted.status_code == 302


def test_conditional_get_answers_304(client, question):
    response, _ = get(client, question.get_absolute_url())
    assert response["Last-Modified"]
    again = Client().get(
        question.get_absolute_url(), HTTP_IF_MODIFIED_SINCE=response["Last-Modified"]
    )
    assert again.status_code == 304
    etag = Client().get(question.get_absolute_url())["ETag"]
    assert Client().get(question.get_absolute_url(), HTTP_IF_NONE_MATCH=etag).status_code == 304


# --- cache hits answered first in the middleware stack ----------------------------------------

UNSHARED_HEADERS = {"X-Page-Cache"}
STORED_HEADERS = [
    "Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "Permissions-Policy",
    "X-Frame-Options", "Vary", "ETag", "Last-Modified", "Cache-Control",
]  # fmt: skip


def headers_of(response):
    return {name: value for name, value in response.headers.items() if name not in UNSHARED_HEADERS}


@pytest.mark.parametrize("secure", [False, True])
def test_a_cache_hit_carries_exactly_the_headers_of_the_miss(question, secure):
    miss = Client().get(question.get_absolute_url(), secure=secure)
    hit = Client().get(question.get_absolute_url(), secure=secure)
    assert (miss["X-Page-Cache"], hit["X-Page-Cache"]) == ("miss", "hit")
    assert headers_of(hit) == headers_of(miss)
    for name in STORED_HEADERS:
        assert hit[name], name
    assert ("Strict-Transport-Security" in hit) is secure
    assert set(hit.cookies) == set(miss.cookies)


def test_pages_cached_before_a_header_setting_changed_are_not_replayed(settings, question):
    get(Client(), question.get_absolute_url())
    settings.X_FRAME_OPTIONS = "SAMEORIGIN"
    response, _ = get(Client(), question.get_absolute_url())
    assert response["X-Page-Cache"] == "miss"
    assert response["X-Frame-Options"] == "SAMEORIGIN"


def test_a_page_cached_over_https_is_not_served_over_plain_http(question):
    Client().get(question.get_absolute_url(), secure=True)
    plain = Client().get(question.get_absolute_url())
    assert plain["X-Page-Cache"] == "miss"
    assert "Strict-Transport-Security" not in plain


def test_plain_http_is_still_redirected_to_https_when_the_page_is_cached(settings, question):
    settings.SECURE_SSL_REDIRECT = True
    Client().get(question.get_absolute_url(), secure=True)
    assert Client().get(question.get_absolute_url(), secure=True)["X-Page-Cache"] == "hit"
    redirect = Client().get(question.get_absolute_url())
    assert redirect.status_code == 301
    assert redirect["Location"].startswith("https://")


def test_each_host_gets_its_own_absolute_links(question):
    first = Client().get(question.get_absolute_url(), HTTP_HOST="localhost")
    second = Client().get(question.get_absolute_url(), HTTP_HOST="127.0.0.1")
    assert second["X-Page-Cache"] == "miss"
    assert "http://localhost/" in first.content.decode()
    assert "http://localhost/" not in second.content.decode()


def test_a_foreign_host_is_refused_even_when_the_page_is_cached(question):
    get(Client(), question.get_absolute_url())
    refused = Client(raise_request_exception=False).get(
        question.get_absolute_url(), HTTP_HOST="evil.example.com"
    )
    assert refused.status_code == 400


def test_a_reader_with_a_session_is_never_served_a_cached_page(settings, question):
    get(Client(), question.get_absolute_url())
    reader = Client()
    reader.cookies[settings.SESSION_COOKIE_NAME] = "some-session-key"
    response, html = get(reader, question.get_absolute_url())
    assert "X-Page-Cache" not in response
    assert question.title in html


def test_a_reader_with_a_pending_message_is_never_served_or_stored(question):
    reader = Client()
    reader.cookies["messages"] = "pending"
    assert "X-Page-Cache" not in get(reader, question.get_absolute_url())[0]
    assert get(Client(), question.get_absolute_url())[0]["X-Page-Cache"] == "miss"


def test_a_hit_gives_a_new_reader_a_csrf_cookie_matching_the_form_token(settings, question):
    get(Client(), question.get_absolute_url())
    reader = Client(enforce_csrf_checks=True)
    response, html = get(reader, question.get_absolute_url())
    assert response["X-Page-Cache"] == "hit"
    assert settings.CSRF_COOKIE_NAME in response.cookies
    assert "__healthqa_csrf_placeholder__" not in html
    assert int(response["Content-Length"]) == len(response.content)


def test_a_hit_keeps_a_returning_readers_csrf_secret(settings, question):
    reader = Client()
    get(reader, question.get_absolute_url())
    secret = reader.cookies[settings.CSRF_COOKIE_NAME].value
    response, _ = get(reader, question.get_absolute_url())
    assert response["X-Page-Cache"] == "hit"
    assert reader.cookies[settings.CSRF_COOKIE_NAME].value == secret


def test_head_requests_are_answered_from_the_cache(question):
    get(Client(), question.get_absolute_url())
    head = Client().head(question.get_absolute_url())
    assert head.status_code == 200 and head["X-Page-Cache"] == "hit"


def test_posts_are_never_answered_from_the_cache(question):
    get(Client(), question.get_absolute_url())
    response = Client().post(question.get_absolute_url())
    assert response.status_code == 405
    assert "X-Page-Cache" not in response


def test_the_redis_backend_reuses_one_client_per_pool():
    from healthqa.cache import RedisCache

    backend = RedisCache("redis://127.0.0.1:6379/14", {})
    assert backend._cache.get_client() is backend._cache.get_client()
    assert backend._cache.get_client(write=True) is backend._cache.get_client()


# --- parts shared by many pages, computed once per generation ----------------------------------


def test_a_new_question_shows_in_the_related_list_of_cached_pages_at_once(client, question):
    get(client, question.get_absolute_url())
    newer = make_public_question(topic=question.topic, title="Is cycling good for my back?")
    html = get(Client(), question.get_absolute_url())[1]
    assert "Is cycling good for my back?" in html
    assert question.title in get(Client(), newer.get_absolute_url())[1]


def test_the_related_list_never_shows_the_page_itself(question):
    others = [make_public_question(topic=question.topic, title=f"Other {n}") for n in range(6)]
    for page in [question, *others]:
        html = get(Client(), page.get_absolute_url())[1]
        related = html.split('id="related-questions-title"', 1)[1].split("</aside>", 1)[0]
        assert page.get_absolute_url() not in related
        assert related.count("<li>") == 5
