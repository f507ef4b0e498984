"""The API's HTTP layer (ApiMiddleware): CORS, methods, JSON errors, cookies, keys on requests,
and how API responses go through the page cache (validators, Cache-Control, replayed hits)."""

import io
import json

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.http import JsonResponse
from django.test import Client
from django.urls import path

import healthqa.urls
from healthqa.models.partners import PartnerKey
from healthqa.pagecache.middleware import cached_page
from tests.factories import QuestionFactory, make_public_question

SCHEMA = "/api/v1/schema/"
PROBE = "/api/probe/"
EXPOSED = "ETag, Last-Modified, Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset"


@cached_page
def probe(request):
    """An API response stored by the page cache, as the endpoints' are."""
    return JsonResponse({"items": []})


def whoami(request):
    return JsonResponse({"partner": getattr(request.partner_key, "name", None)})


def broken(request):
    raise RuntimeError("a bug")


urlpatterns = [
    path("api/probe/", probe),
    path("api/broken/", broken),
    path("api/whoami/", whoami),
    *healthqa.urls.urlpatterns,
]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def body(response):
    return json.loads(response.content)


def assert_json_error(response, status):
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert body(response) == {
        "error": {"status": status, "message": body(response)["error"]["message"]}
    }
    assert body(response)["error"]["message"]
    assert response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("method", ["get", "head"])
def test_get_and_head_allow_any_origin_and_expose_the_api_headers(client, method):
    response = getattr(client, method)(SCHEMA, HTTP_ORIGIN="https://partner.example")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Expose-Headers"] == EXPOSED
    assert response["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert "Access-Control-Allow-Credentials" not in response


def test_an_unknown_api_path_is_a_json_404_not_a_page(client):
    response = client.get("/api/v1/no-such-thing/")
    assert_json_error(response, 404)
    assert body(response)["error"]["message"] == "Not found."
    assert b"<html" not in response.content.lower()
    assert response["Cache-Control"] == "no-store"


def test_a_bad_host_is_a_json_400(client):
    response = client.get(SCHEMA, HTTP_HOST="evil.example")
    assert_json_error(response, 400)


def test_a_server_error_is_a_json_500():
    response = Client(raise_request_exception=False).get("/api/broken/")
    assert_json_error(response, 500)
    assert body(response)["error"]["message"] == "Internal server error."


def test_a_preflight_is_answered_with_what_the_api_allows(client):
    response = client.options(
        SCHEMA,
        HTTP_ORIGIN="https://partner.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization",
    )
    assert response.status_code == 204
    assert response.content == b""
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert response["Access-Control-Allow-Headers"] == "Authorization"
    assert int(response["Access-Control-Max-Age"]) >= 600


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "TRACE", "BREW"])
def test_methods_that_change_things_are_refused_before_anything_runs(
    client, method, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.generic(
            method, "/api/v1/questions/", data="{}", HTTP_AUTHORIZATION="Bearer hqa_whatever"
        )
    assert_json_error(response, 405)
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert "read-only" in body(response)["error"]["message"]
    assert "RateLimit-Remaining" not in response  # not counted


def test_pages_outside_the_api_are_left_alone(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "text/html" in response["Content-Type"]
    assert "Access-Control-Allow-Origin" not in response
    assert "RateLimit-Limit" not in response


def test_api_responses_set_no_cookies_and_read_none(client, editor):
    client.force_login(editor)
    response = client.get(PROBE)
    assert response.status_code == 200
    assert not response.cookies
    # The editor's session is not read: the response is the public one, shared with everyone.
    assert response["Cache-Control"].startswith("public")
    assert response["X-Page-Cache"] in {"miss", "hit"}


def test_an_api_response_has_validators_that_answer_304(client):
    first = client.get(PROBE)
    assert first.status_code == 200 and first["ETag"] and first["Last-Modified"]
    by_etag = client.get(PROBE, HTTP_IF_NONE_MATCH=first["ETag"])
    by_date = client.get(PROBE, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    for response in (by_etag, by_date):
        assert response.status_code == 304
        assert response.content == b""
        assert response["Access-Control-Allow-Origin"] == "*"
        assert response["RateLimit-Remaining"]
    assert client.get(PROBE, HTTP_IF_NONE_MATCH='W/"other"').status_code == 200


def test_an_api_response_tells_shared_caches_how_to_keep_it(client):
    response = client.get(PROBE)
    control = response["Cache-Control"]
    assert control.startswith("public") and "s-maxage=" in control
    assert response["Surrogate-Key"]


def test_a_stored_api_response_is_replayed_with_the_current_clients_limit_headers(client, frozen):
    first = client.get(PROBE, REMOTE_ADDR="198.51.100.1")
    again = client.get(PROBE, REMOTE_ADDR="198.51.100.1")
    other = client.get(PROBE, REMOTE_ADDR="198.51.100.2")
    assert first["X-Page-Cache"] == "miss"
    assert again["X-Page-Cache"] == other["X-Page-Cache"] == "hit"
    assert again.content == other.content == first.content
    limit = int(first["RateLimit-Limit"])
    assert int(first["RateLimit-Remaining"]) == limit - 1
    assert int(again["RateLimit-Remaining"]) == limit - 2
    assert int(other["RateLimit-Remaining"]) == limit - 1


@pytest.fixture
def wsgi_get():
    """GET through healthqa.wsgi.application, the page cache's WSGI fast path included."""
    from healthqa.wsgi import application

    def call(path, address):
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "REMOTE_ADDR": address,
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "HTTP_HOST": "testserver",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(),
            "wsgi.errors": io.StringIO(),
        }
        answer = {}

        def start_response(status, headers, exc_info=None):
            answer.update(status=status, headers=dict(headers))

        b"".join(application(environ, start_response))
        return answer["headers"]

    # As Django's test client does: the test's database connection (and transaction) stays.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield call
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def test_the_wsgi_fast_path_leaves_stored_api_responses_to_the_counted_stack(wsgi_get, frozen):
    remaining = [wsgi_get(PROBE, "198.51.100.7").get("RateLimit-Remaining") for _ in range(3)]
    assert wsgi_get(PROBE, "198.51.100.7")["X-Page-Cache"] == "hit"
    limit = int(wsgi_get(PROBE, "198.51.100.8")["RateLimit-Limit"])
    assert remaining == [str(limit - 1), str(limit - 2), str(limit - 3)]


def test_a_partner_key_is_looked_up_in_one_query_and_put_on_the_request(
    client, editor, django_assert_num_queries
):
    key, secret = PartnerKey.issue(name="Clinic app", by=editor, rate_limit=700)
    client.get(SCHEMA)  # the page cache reads what changed: not the key's queries
    with django_assert_num_queries(1):
        response = client.get(SCHEMA, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    assert response["RateLimit-Limit"] == "700"
    named = client.get("/api/whoami/", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert body(named) == {"partner": "Clinic app"}


@pytest.mark.parametrize(
    "header",
    [
        "Bearer hqa_not-a-key",
        "Bearer",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "hqa_no-scheme",
        "Bearer x",
    ],
)
def test_an_unknown_or_malformed_key_is_a_json_401(client, header):
    response = client.get(SCHEMA, HTTP_AUTHORIZATION=header)
    assert_json_error(response, 401)
    assert response["WWW-Authenticate"] == 'Bearer error="invalid_token"'


def test_a_request_without_a_key_is_anonymous(client):
    assert body(client.get("/api/whoami/")) == {"partner": None}
    assert client.get(SCHEMA, HTTP_AUTHORIZATION="").status_code == 200


@pytest.fixture
def endpoints():
    """The addresses of real endpoints: a listing, a detail, the tags."""
    question = make_public_question()
    return ["/api/v1/questions/", f"/api/v1/questions/{question.slug}/", "/api/v1/tags/"]


# Committed, as the page cache's own tests: the change log is read as other processes see it.
@pytest.mark.django_db(transaction=True)
def test_the_endpoints_answer_with_cors_validators_and_shared_cache_headers(client, endpoints):
    for url in endpoints:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Access-Control-Allow-Origin"] == "*"
        assert (
            response["Cache-Control"].startswith("public")
            and "s-maxage=" in (response["Cache-Control"])
        )
        assert response["Surrogate-Key"]
        assert client.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
        since = client.get(url, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
        assert since.status_code == 304 and since["RateLimit-Remaining"]


@pytest.mark.django_db(transaction=True)
def test_the_endpoints_replay_stored_responses_with_the_current_clients_headers(
    client, frozen, endpoints
):
    for n, url in enumerate(endpoints):
        first = client.get(url, REMOTE_ADDR=f"192.0.2.{n}")
        again = client.get(url, REMOTE_ADDR=f"192.0.2.{n}")
        other = client.get(url, REMOTE_ADDR=f"192.0.2.{n + 100}")
        assert (first["X-Page-Cache"], again["X-Page-Cache"]) == ("miss", "hit"), url
        limit = int(first["RateLimit-Limit"])
        assert again["RateLimit-Remaining"] == str(limit - 2)
        assert other["RateLimit-Remaining"] == str(limit - 1)


def test_a_draft_question_is_a_json_404(client):
    draft = QuestionFactory(draft=True)
    assert_json_error(client.get(f"/api/v1/questions/{draft.slug}/"), 404)
