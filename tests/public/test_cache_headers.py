"""Cache-Control on the responses that are not pages of the page cache."""

import pytest
from django.test import Client
from django.urls import reverse

from healthqa.public.feeds import LatestQuestionsFeed
from tests.factories import ArticleFactory, UserFactory, make_public_question

pytestmark = pytest.mark.django_db

NO_STORE = {"no-store"}
FIVE_MINUTES = {"public", "max-age=300"}


def directives(response):
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


@pytest.fixture
def content():
    make_public_question(title="Why does my knee click?")
    ArticleFactory(title="Knee care")


@pytest.mark.parametrize(
    ("url", "headers", "status", "expected"),
    [
        ("/search/?q=knee", {}, 200, NO_STORE),
        ("/search/", {}, 200, NO_STORE),
        ("/search/suggest/?q=knee", {}, 200, NO_STORE),
        ("/healthz", {}, 200, NO_STORE),
        ("/robots.txt", {}, 200, {"public", "max-age=3600"}),
        ("/feeds/questions/", {}, 200, FIVE_MINUTES),
        ("/feeds/articles/", {}, 200, FIVE_MINUTES),
        ("/sitemap.xml", {}, 200, FIVE_MINUTES),
        ("/questions/no-such-question/", {}, 404, NO_STORE),
        ("/articles/no-such-article/", {}, 404, NO_STORE),
        ("/no-such-page/", {}, 404, NO_STORE),
        ("/", {"HTTP_HOST": "evil.example"}, 400, NO_STORE),
    ],
)
def test_responses_outside_the_page_cache_say_how_to_cache_them(
    client, content, url, headers, status, expected
):
    response = client.get(url, **headers)
    assert response.status_code == status
    assert directives(response) == expected


def test_robots_txt_names_its_charset(client):
    assert client.get("/robots.txt")["Content-Type"] == "text/plain; charset=utf-8"


def test_a_server_error_is_not_stored(monkeypatch):
    def broken(self):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(LatestQuestionsFeed, "items", broken)
    response = Client(raise_request_exception=False).get("/feeds/questions/")
    assert response.status_code == 500
    assert directives(response) == NO_STORE


def test_the_form_rate_limit_is_not_stored(client):
    for _ in range(6):
        response = client.post("/ask/", {"title": "Why does my knee click when I squat?"})
    assert response.status_code == 429
    assert directives(response) == NO_STORE


def test_the_login_lockout_is_not_stored(client, settings):
    user = UserFactory(username="locked-editor", is_staff=True)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(
            reverse("admin:login"), {"username": user.username, "password": "wrong"}
        )
    assert response.status_code == 429
    assert directives(response) == NO_STORE
    assert response["Retry-After"] == str(round(settings.AXES_COOLOFF_TIME * 3600))
    assert "Too many requests" in response.content.decode()
