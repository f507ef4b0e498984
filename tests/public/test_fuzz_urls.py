"""Junk in every URL pattern and query string: never a server error.

Hypothesis fills each public route's path parameters and query string with hostile values
(huge, unicode, negative and non-numeric page numbers, control characters) and checks that
no response is 5xx. HEALTHQA_FUZZ_EXAMPLES sets the examples per route (default 200).
"""

import os

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import ArticleFactory, ExpertFactory, TopicFactory, make_public_question

EXAMPLES = int(os.environ.get("HEALTHQA_FUZZ_EXAMPLES", "200"))
# The API has a fuzz test of its own (tests/api/test_api_fuzz.py), within its rate limit.
SKIPPED_PREFIXES = ("admin/", "media/", "static/", "api/v1/")
POST_ROUTES = ("ask", "report", "helpful")

junk_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1000, max_size=12_000),
    st.sampled_from(["", "0", "-1", "1.5", "9" * 40, "last", "NaN", "%00", "' OR 1=1 --",
                     "<script>alert(1)</script>", "😀" * 50, "\x00\x01", "../../etc/passwd"]),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
)  # fmt: skip
segment = st.one_of(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1, max_size=60),
    st.text(alphabet=st.characters(blacklist_characters="/?#", codec="utf-8"), min_size=1,
            max_size=300),
    st.sampled_from(["why-does-my-back-hurt-when-i-do-push-ups", "back-pain", "1", "999999999"]),
)  # fmt: skip
query = st.dictionaries(
    st.one_of(
        st.sampled_from(["page", "q", "topic", "type", "next", "format"]), st.text(max_size=20)
    ),
    junk_text,
    max_size=4,
)


def public_routes():
    """(route pattern, [converter names]) for every non-admin URL pattern."""
    found = []

    def walk(patterns, prefix=""):
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if route.startswith(SKIPPED_PREFIXES) or route.startswith("^media"):
                continue
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, route)
            elif isinstance(entry, URLPattern):
                found.append(route)

    walk(get_resolver().url_patterns)
    return sorted(set(found))


def fill(route, values):
    """Replace each <converter:name> in the route with the next value."""
    parts, values = [], list(values)
    while "<" in route:
        before, rest = route.split("<", 1)
        _, after = rest.split(">", 1)
        parts.append(before)
        parts.append(values.pop(0) if values else "x")
        route = after
    parts.append(route)
    return "/" + "".join(parts).lstrip("^").rstrip("$")


ROUTES = public_routes()


@pytest.fixture
def content(db):
    topic = TopicFactory(name="Back Pain", slug="back-pain")
    question = make_public_question(
        topic=topic, slug="why-does-my-back-hurt-when-i-do-push-ups", tags=["posture"]
    )
    ArticleFactory(topic=topic)
    ExpertFactory()
    return question


def test_the_route_list_covers_the_reader_site():
    assert {"", "questions/<slug:slug>/", "search/", "topics/<slug:slug>/"} <= set(ROUTES)


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES)
def test_junk_never_causes_a_server_error(route, content):
    client = Client(raise_request_exception=False)

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
        methods = [client.get, client.head]
        if any(word in route for word in POST_ROUTES):
            methods.append(client.post)
        for method in methods:
            response = method(url, params)
            assert response.status_code < 500, (url, params, response.status_code)

    check()
