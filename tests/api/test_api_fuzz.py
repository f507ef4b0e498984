"""Junk in every API route's path and query string: never a server error, always JSON.

As tests/public/test_fuzz_urls.py does for the pages, Hypothesis fills each /api/v1/ route's
path parameters and query string with hostile values (huge, unicode, negative and non-numeric
limits, damaged cursors, impossible dates, unknown fields, control characters), and paths
under /api/v1/ that match no route. Every answer must be below 500 and JSON, and a refusal
must be in the error shape. HEALTHQA_FUZZ_EXAMPLES sets the examples per route (default 200).
"""

import json
import os

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import ArticleFactory, ExpertFactory, TopicFactory, make_public_question
from tests.public.test_fuzz_urls import fill

EXAMPLES = int(os.environ.get("HEALTHQA_FUZZ_EXAMPLES", "200"))
PREFIX = "api/v1/"
# Addresses under the API that match no route: they must answer a JSON 404 too.
UNROUTED = ["api/v1/<junk>", "api/v1/<junk>/", "api/v1/questions/<slug>/<junk>/"]
PARAMETERS = ["limit", "cursor", "topic", "tag", "updated_since", "fields", "q", "type"]

junk_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1000, max_size=12_000),
    st.sampled_from(["", "0", "-1", "1.5", "101", "9" * 40, "NaN", "%00", "' OR 1=1 --",
                     "<script>alert(1)</script>", "😀" * 50, "\x00\x01", "../../etc/passwd",
                     "back-pain", "posture", "2025-02-30", "2025-03-14T25:00:00Z",
                     "9999-12-31T23:59:59+14:00", "0001-01-01", "title,slug", ",,,",
                     "answers,nope", "question", "article"]),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
)  # fmt: skip
segment = st.one_of(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1, max_size=60),
    st.text(alphabet=st.characters(blacklist_characters="/?#", codec="utf-8"), min_size=1,
            max_size=300),
    st.sampled_from(["why-does-my-back-hurt-when-i-do-push-ups", "back-pain", "posture",
                     "questions", "schema", "1", "999999999"]),
)  # fmt: skip


def api_routes():
    """Every URL pattern under /api/v1/, and a few addresses there that match none."""
    found = []

    def walk(patterns, prefix=""):
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, route)
            elif isinstance(entry, URLPattern) and route.startswith(PREFIX):
                found.append(route)

    walk(get_resolver().url_patterns)
    return sorted(set(found)) + UNROUTED


ROUTES = api_routes()


@pytest.fixture
def content(db, settings):
    """Public content for the filters to find, and a real cursor to damage."""
    settings.HEALTHQA_API_RATE_LIMIT = 10**9  # the fuzzing client is one client
    topic = TopicFactory(name="Back Pain", slug="back-pain")
    for n in range(3):
        make_public_question(topic=topic, tags=["posture"], title=f"Back question {n}")
    make_public_question(
        topic=topic, slug="why-does-my-back-hurt-when-i-do-push-ups", tags=["posture"]
    )
    ArticleFactory(topic=topic)
    ExpertFactory()
    cursor = Client().get("/api/v1/questions/", {"limit": 1}).json()["meta"]["next"]
    return cursor.split("cursor=", 1)[1]


def test_the_route_list_covers_the_api():
    assert {"api/v1/questions/", "api/v1/questions/<slug>/", "api/v1/search/"} <= set(ROUTES)
    assert len(ROUTES) >= 11 + len(UNROUTED)


def assert_json(response, url, params):
    where = (url, params, response.status_code)
    assert response.status_code < 500, where
    if response.status_code in (301, 302):
        # A renamed slug's old address: a redirect to the new one, with no body.
        assert response["Location"], where
        return
    assert response["Content-Type"].startswith("application/json"), where
    if response.status_code >= 400 and response.content:
        body = json.loads(response.content)
        assert body == {
            "error": {"status": response.status_code, "message": body["error"]["message"]}
        }, where
        assert isinstance(body["error"]["message"], str) and body["error"]["message"], where


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES)
def test_junk_never_causes_a_server_error_and_always_answers_json(route, content):
    client = Client(raise_request_exception=False)
    cursor = content
    damaged = st.sampled_from(
        [cursor, cursor[:-4], cursor + "x", cursor.upper(), cursor[::-1], cursor.replace(":", "")]
    )
    query = st.dictionaries(
        st.one_of(st.sampled_from(PARAMETERS), st.text(max_size=20)),
        st.one_of(junk_text, damaged, st.lists(junk_text, min_size=2, max_size=3)),
        max_size=5,
    )

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                               HealthCheck.data_too_large],
    )  # fmt: skip
    @given(st.lists(segment, min_size=3, max_size=3), query)
    def check(values, params):
        url = fill(route, values)
        assert_json(client.get(url, params), url, params)
        head = client.head(url, params)
        assert head.status_code < 500, (url, params, head.status_code)
        if head.status_code not in (301, 302):
            assert head["Content-Type"].startswith("application/json"), (url, params)

    check()
