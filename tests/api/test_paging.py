"""Cursor paging: every row exactly once, forward and back, even with equal sort keys; links
that keep the other parameters; 400 for a bad limit or cursor; no OFFSET in the SQL."""

import time
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from healthqa.api.paging import SALT
from tests.factories import ExpertFactory, TopicFactory, make_public_question

pytestmark = pytest.mark.django_db
API = "/api/v1"


def walk(client, url, direction="next"):
    """The slugs of every page, following `direction` links from `url`; and the pages' sizes."""
    slugs, sizes = [], []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        data = response.json()
        page = [item["slug"] for item in data["items"]]
        slugs.extend(page if direction == "next" else reversed(page))
        sizes.append(len(page))
        url = data["meta"][direction]
    return slugs, sizes


@pytest.fixture
def same_moment():
    """Seven public questions published at the same second, and two older ones."""
    moment = timezone.now().replace(microsecond=0) - timedelta(hours=1)
    same = [make_public_question(published_at=moment) for _ in range(7)]
    older = [make_public_question(published_at=moment - timedelta(days=n)) for n in (1, 2)]
    return same + older


def test_paging_walks_every_row_once_forward_and_back_with_equal_timestamps(client, same_moment):
    forward, sizes = walk(client, f"{API}/questions/?limit=2")
    assert sorted(forward) == sorted(q.slug for q in same_moment)
    assert len(forward) == len(set(forward)) == 9
    assert sizes == [2, 2, 2, 2, 1]
    # Ties in published_at are broken by pk, newest (highest) first.
    same = sorted(same_moment[:7], key=lambda q: -q.pk)
    assert forward[:7] == [q.slug for q in same]

    last = client.get(f"{API}/questions/?limit=2").json()
    while last["meta"]["next"]:
        last = client.get(last["meta"]["next"]).json()
    assert last["meta"]["previous"]
    backward, _ = walk(client, last["meta"]["previous"], direction="previous")
    backward = list(reversed(backward)) + [item["slug"] for item in last["items"]]
    assert backward == forward


def test_the_first_page_has_no_previous_and_the_last_no_next(client, same_moment):
    first = client.get(f"{API}/questions/?limit=5").json()
    assert first["meta"]["previous"] is None
    assert first["meta"]["total_count"] == 9
    second = client.get(first["meta"]["next"]).json()
    assert second["meta"]["next"] is None
    assert second["meta"]["total_count"] == 9
    back = client.get(second["meta"]["previous"]).json()
    assert [q["slug"] for q in back["items"]] == [q["slug"] for q in first["items"]]
    assert back["meta"]["previous"] is None


def test_links_keep_the_other_query_parameters(client):
    topic = TopicFactory(slug="back")
    for _ in range(3):
        make_public_question(topic=topic, tags=["pain"])
    data = client.get(f"{API}/questions/?topic=back&tag=pain&limit=1&fields=slug").json()
    query = parse_qs(urlsplit(data["meta"]["next"]).query)
    assert query["topic"] == ["back"] and query["tag"] == ["pain"]
    assert query["limit"] == ["1"] and query["fields"] == ["slug"]
    assert data["meta"]["next"].startswith("http://testserver/api/v1/questions/?")


def test_experts_page_through_verified_first_then_by_name(client):
    for n in range(5):
        ExpertFactory(name=f"Expert {n % 2}", verified=n < 2)
    slugs, _ = walk(client, f"{API}/experts/?limit=2")
    assert len(slugs) == len(set(slugs)) == 5
    listed = client.get(f"{API}/experts/?limit=100").json()["items"]
    assert [e["slug"] for e in listed] == slugs


def test_topics_and_tags_page_through_every_row(client):
    for n in range(5):
        make_public_question(topic=TopicFactory(name=f"Topic {n}"), tags=[f"tag-{n}"])
    assert len(set(walk(client, f"{API}/topics/?limit=2")[0])) == 5
    assert len(set(walk(client, f"{API}/tags/?limit=2")[0])) == 5


def test_search_pages_through_its_ranked_results(client):
    for n in range(5):
        make_public_question(title=f"Shoulder pain {n}")
    data = client.get(f"{API}/search/?q=shoulder&limit=2").json()
    assert data["meta"]["total_count"] == 5
    seen = []
    while True:
        seen += [item["url"] for item in data["items"]]
        if not data["meta"]["next"]:
            break
        data = client.get(data["meta"]["next"]).json()
    assert len(seen) == len(set(seen)) == 5
    back = client.get(data["meta"]["previous"]).json()
    assert [item["url"] for item in back["items"]] == seen[2:4]


@pytest.mark.parametrize("limit", ["0", "101", "-1", "ten", "1.5", ""])
def test_a_limit_outside_1_to_100_is_400(client, limit):
    response = client.get(f"{API}/questions/?limit={limit}")
    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith("limit:")


def forged(payload):
    from django.core import signing

    return signing.Signer(salt="someone-else").sign_object(payload, compress=True)


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "eyJhIjoxfQ",
        forged(["n", ["2020-01-01T00:00:00+00:00", 1]]),
        "%00%ff",
        "x" * 5000,
    ],
)
def test_a_forged_or_broken_cursor_is_400(client, cursor):
    make_public_question()
    response = client.get(f"{API}/questions/", {"cursor": cursor})
    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith("cursor:")


def test_a_signed_cursor_of_another_shape_is_400(client):
    from django.core import signing

    make_public_question()
    for payload in (["n", [1]], ["x", ["2020-01-01", 1]], ["n", ["not a date", 1]], ["n", "k"]):
        cursor = signing.Signer(salt=SALT).sign_object(payload, compress=True)
        response = client.get(f"{API}/questions/", {"cursor": cursor})
        assert response.status_code == 400, payload


def test_a_page_links_to_the_same_cursor_at_every_render(client, same_moment):
    """Cursors carry no timestamp: a stored response must equal a fresh render."""

    def next_cursor(query):
        link = client.get(f"{API}/questions/?{query}").json()["meta"]["next"]
        return parse_qs(urlsplit(link).query)["cursor"]

    first = next_cursor("limit=2")
    time.sleep(1.1)
    assert next_cursor("limit=2&fields=title") == first


def test_deep_pages_are_read_without_offset(client, same_moment):
    url = f"{API}/questions/?limit=2"
    for _ in range(3):
        url = client.get(url).json()["meta"]["next"]
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    selects = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("SELECT")]
    assert selects
    assert not any("OFFSET" in sql.upper() for sql in selects)
