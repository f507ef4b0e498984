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
from tests.pagecache.test_redis_cache import kill_connections, needs_redis

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("site_settings")]


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


def test_a_cached_question_page_carries_no_csrf_token_and_sets_no_cookie(question):
    get(Client(), question.get_absolute_url())
    response, html = get(Client(enforce_csrf_checks=True), question.get_absolute_url())
    assert response["X-Page-Cache"] == "hit"
    assert "csrfmiddlewaretoken" not in html
    assert not response.cookies


def test_a_reader_can_vote_from_the_cached_page(question):
    get(Client(), question.get_absolute_url())
    reader = Client(enforce_csrf_checks=True)
    assert get(reader, question.get_absolute_url())[0]["X-Page-Cache"] == "hit"
    answer = question.answers.get()
    voted = reader.post(
        reverse("healthqa:answer_helpful", args=[answer.pk]),
        {"vote": "yes"},
        HTTP_SEC_FETCH_SITE="same-origin",
        HTTP_ORIGIN="http://testserver",
    )
    assert voted.status_code == 302
    answer.refresh_from_db()
    assert answer.helpful_yes == 1


def test_a_page_that_shows_a_csrf_token_is_never_stored(rf):
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse
    from django.template import RequestContext, Template

    from healthqa.pagecache.middleware import PageCacheMiddleware, cached_page

    def form_page(request):
        html = Template("<form>{% csrf_token %}</form>").render(RequestContext(request))
        return HttpResponse(html)

    stack = PageCacheMiddleware(cached_page(form_page))
    for _ in range(2):
        request = rf.get("/a-form/")
        request.user = AnonymousUser()
        response = stack(request)
        assert "csrfmiddlewaretoken" in response.content.decode()
        assert "X-Page-Cache" not in response


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


def test_head_requests_are_answered_from_the_cache(question):
    get(Client(), question.get_absolute_url())
    head = Client().head(question.get_absolute_url())
    assert head.status_code == 200 and head["X-Page-Cache"] == "hit"


def test_posts_are_never_answered_from_the_cache(question):
    get(Client(), question.get_absolute_url())
    response = Client().post(question.get_absolute_url())
    assert response.status_code == 405
    assert "X-Page-Cache" not in response


@needs_redis
def test_the_redis_backend_shares_one_client_per_process():
    from healthqa.pagecache.redis import RedisCache

    backend = RedisCache("redis://127.0.0.1:6379/14", {})
    assert backend.client is backend.client
    assert RedisCache("redis://127.0.0.1:6379/14", {"KEY_PREFIX": "other"}).client is backend.client


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


# --- hits answered by the WSGI application, before Django builds a request --------------------


@pytest.fixture
def wsgi_get():
    """GET through healthqa.wsgi.application as gunicorn calls it: (status, headers, body)."""
    import io
    from urllib.parse import unquote_to_bytes

    from django.core.signals import request_finished
    from django.db import close_old_connections

    from healthqa.wsgi import application

    def call(path, method="GET", **extra):
        environ = {
            "REQUEST_METHOD": method,
            # WSGI servers hand the path over as the request's bytes read as latin-1.
            "PATH_INFO": unquote_to_bytes(path).decode("latin-1"),
            "QUERY_STRING": "",
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "HTTP_HOST": "testserver",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(),
            "wsgi.errors": io.StringIO(),
            **extra,
        }
        answer = {}

        def start_response(status, headers, exc_info=None):
            answer.update(status=status, headers=dict(headers))

        body = b"".join(application(environ, start_response))
        return answer["status"], answer["headers"], body

    # As Django's test client does: the test's database connection stays open.
    request_finished.disconnect(close_old_connections)
    yield call
    request_finished.connect(close_old_connections)


def test_the_wsgi_app_answers_a_hit_with_the_stored_page_and_headers(
    question, wsgi_get, django_assert_num_queries
):
    url = question.get_absolute_url()
    miss = Client().get(url)
    hit = Client().get(url)
    with django_assert_num_queries(0):
        status, headers, body = wsgi_get(url)
    assert status == "200 OK"
    assert body == hit.content
    assert headers == dict(hit.headers)
    assert headers["X-Page-Cache"] == "hit" and miss["X-Page-Cache"] == "miss"
    assert int(headers["Content-Length"]) == len(body)


@pytest.mark.parametrize(
    "extra",
    [
        {"REQUEST_METHOD": "HEAD"},
        {"HTTP_IF_NONE_MATCH": '"x"'},
        {"HTTP_IF_MODIFIED_SINCE": "Thu, 01 Jan 2026 00:00:00 GMT"},
        {"HTTP_COOKIE": "sessionid=abc"},
        {"HTTP_COOKIE": "messages=pending"},
        {"PATH_INFO": "/no-such-page/"},
        {"REQUEST_METHOD": "POST"},
    ],
)
def test_the_wsgi_app_hands_everything_else_to_django(settings, question, extra):
    import io

    from healthqa.pagecache.middleware import PageCacheApp

    get(Client(), question.get_absolute_url())
    if extra.get("HTTP_COOKIE", "").startswith("sessionid"):
        extra = {"HTTP_COOKIE": f"{settings.SESSION_COOKIE_NAME}=abc"}
    calls = []

    def django(environ, start_response):
        calls.append(environ["PATH_INFO"])
        start_response("204 No Content", [])
        return [b""]

    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": question.get_absolute_url(),
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        **extra,
    }
    PageCacheApp(django)(environ, lambda status, headers, exc_info=None: None)
    assert calls == [environ["PATH_INFO"]]
    plain = dict(environ, REQUEST_METHOD="GET", PATH_INFO=question.get_absolute_url())
    for name in ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_COOKIE"):
        plain.pop(name, None)
    PageCacheApp(django)(plain, lambda status, headers, exc_info=None: None)
    assert len(calls) == 1  # the same page without them is answered before Django


def test_the_wsgi_app_never_serves_a_page_older_than_the_content(question, wsgi_get):
    url = question.get_absolute_url()
    assert wsgi_get(url)[1]["X-Page-Cache"] == "miss"
    assert wsgi_get(url)[1]["X-Page-Cache"] == "hit"
    question.title = "Why does my lower back hurt?"
    question.save()
    status, headers, body = wsgi_get(url)
    assert headers["X-Page-Cache"] == "miss"
    assert "Why does my lower back hurt?" in body.decode()
    assert wsgi_get(url)[1]["X-Page-Cache"] == "hit"


def test_the_wsgi_app_finds_pages_at_unicode_addresses(wsgi_get):
    make_public_question(tags=["Ménière’s disease"])
    url = reverse("healthqa:tag_detail", args=["ménières-disease"])
    first = wsgi_get(url)
    second = wsgi_get(url)
    assert first[0] == second[0] == "200 OK"
    assert (first[1]["X-Page-Cache"], second[1]["X-Page-Cache"]) == ("miss", "hit")
    assert first[2] == second[2]


@needs_redis
def test_quick_redis_reads_match_the_client_and_survive_a_lost_connection():
    import uuid

    from healthqa.pagecache.redis import RedisCache

    name = f"quick-read-test-{uuid.uuid4().hex[:12]}"
    params = {"KEY_PREFIX": "quick-read-test", "OPTIONS": {"client_name": name}}
    backend = RedisCache("redis://127.0.0.1:6379/14", params)
    backend.set("generation", {"id": "abc", "next": None})
    assert backend.get_quickly("generation") == {"id": "abc", "next": None}
    assert backend.get_quickly("absent") is None
    assert kill_connections(name) == 2  # as when Redis restarts
    assert backend.get_quickly("generation") == {"id": "abc", "next": None}
    assert backend.get_quickly("generation") == {"id": "abc", "next": None}
    backend.delete("generation")
    backend.client.connection_pool.disconnect()


# --- what many pages show is read once per generation by each worker ---------------------------


@pytest.fixture
def two_questions_of_a_topic(moderator):
    """Two questions of one topic, answered by one expert, reviewed by one moderator."""
    moderator.first_name, moderator.last_name = "Mona", "Reviewer"
    moderator.save()
    topic = TopicFactory(name="Back Pain")
    questions = [
        make_public_question(topic=topic, title=f"Back question {n}", tags=["posture"])
        for n in range(2)
    ]
    expert = questions[0].answers.get().expert
    for question in questions:
        question.answers.update(expert=expert, reviewed_by=moderator)
    for title in ["Desk stretches", "Lifting safely", "Sleeping positions", "Back care basics"]:
        ArticleFactory(topic=topic, title=title)
    return questions


def test_the_next_page_of_a_topic_reads_only_its_own_rows(
    two_questions_of_a_topic, django_assert_num_queries
):
    first, second = two_questions_of_a_topic
    assert get(Client(), first.get_absolute_url())[0]["X-Page-Cache"] == "miss"
    # Its question with its answers, its tags, its curated picks; expert, reviewer, topic
    # articles, ad, newest questions, header, footer and site settings: from the first render.
    with django_assert_num_queries(3):
        response, html = get(Client(), second.get_absolute_url())
    assert response["X-Page-Cache"] == "miss"
    assert "Back question 1" in html and "Back care basics" in html and "Mona Reviewer" in html


def test_shared_parts_are_read_again_after_a_change(two_questions_of_a_topic, moderator):
    first, second = two_questions_of_a_topic
    get(Client(), first.get_absolute_url())
    moderator.first_name = "Mina"
    moderator.save()
    article = first.topic.articles.get(title="Back care basics")
    article.title = "Back care, revised"
    article.save()
    html = get(Client(), second.get_absolute_url())[1]
    assert "Mina Reviewer" in html and "Back care, revised" in html
    assert "Mona Reviewer" not in html and "Back care basics" not in html


def test_staff_renders_never_reuse_shared_parts(two_questions_of_a_topic):
    first, second = two_questions_of_a_topic
    get(Client(), first.get_absolute_url())
    editor = UserFactory(is_staff=True, groups=["Editors"])
    staff = Client()
    staff.force_login(editor)
    SiteSettings.objects.filter(pk=1).update(site_name="Renamed without a signal")
    from django.core.cache import cache

    cache.delete(SiteSettings.CACHE_KEY)
    assert "Renamed without a signal" in get(staff, second.get_absolute_url())[1]


def test_the_wsgi_module_starts_in_a_fresh_process():
    """gunicorn imports healthqa.wsgi before Django is set up: it must set it up first."""
    import os
    import subprocess
    import sys

    from django.conf import settings

    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REDIS_URL"))}
    env.update(DJANGO_SECRET_KEY="wsgi-test-" + "k" * 50, DJANGO_ALLOWED_HOSTS="localhost")
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", "import healthqa.wsgi as w; print(type(w.application).__name__)"],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "PageCacheApp"
