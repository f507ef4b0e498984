"""The API's rate limit per client: HEALTHQA_API_RATE_LIMIT per minute per address, a partner
key's own limit, 429 with an exact Retry-After, and the RateLimit headers on every response."""

import json
from datetime import timedelta

import pytest
from django.core.cache import cache

from healthqa.api import middleware
from healthqa.models.partners import PartnerKey

SCHEMA = "/api/v1/schema/"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock(frozen):
    """A stopped clock: no client's minute ends in the middle of a test."""
    return frozen


@pytest.fixture
def limit(settings):
    settings.HEALTHQA_API_RATE_LIMIT = 3
    return 3


def get(client, address="198.51.100.20", **headers):
    return client.get(SCHEMA, REMOTE_ADDR=address, **headers)


def test_the_limit_refuses_the_request_after_n_with_retry_after(client, limit):
    allowed = [get(client) for _ in range(limit)]
    refused = get(client)
    assert [r.status_code for r in allowed] == [200] * limit
    assert [r["RateLimit-Remaining"] for r in allowed] == ["2", "1", "0"]
    assert all(r["RateLimit-Limit"] == "3" for r in allowed)
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/json"
    assert json.loads(refused.content)["error"]["status"] == 429
    assert refused["Cache-Control"] == "no-store"
    assert refused["Access-Control-Allow-Origin"] == "*"
    assert refused["RateLimit-Remaining"] == "0"
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused["Retry-After"] == refused["RateLimit-Reset"]


def test_retry_after_is_exactly_when_the_window_ends(client, limit, frozen):
    for _ in range(limit):
        get(client)
    wait = int(get(client)["Retry-After"])
    frozen.tick(timedelta(seconds=wait - 1))
    last = get(client)
    assert last.status_code == 429 and last["Retry-After"] == "1"
    frozen.tick(timedelta(seconds=1))
    fresh = get(client)
    assert fresh.status_code == 200
    assert fresh["RateLimit-Remaining"] == "2" and fresh["RateLimit-Reset"] == "60"


def test_clients_windows_end_at_seconds_of_their_own(client, frozen):
    resets = {get(client, f"198.51.100.{n}")["RateLimit-Reset"] for n in range(1, 11)}
    assert len(resets) > 1


def test_two_addresses_are_counted_apart(client, limit):
    for _ in range(limit):
        get(client, "198.51.100.21")
    assert get(client, "198.51.100.21").status_code == 429
    other = get(client, "198.51.100.22")
    assert other.status_code == 200 and other["RateLimit-Remaining"] == "2"


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_client(client, limit, settings):
    settings.HEALTHQA_TRUSTED_PROXY_COUNT = 1
    for _ in range(limit):
        get(client, "10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert get(client, "10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 429
    assert get(client, "10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.6").status_code == 200


def test_unknown_paths_count_too(client, limit):
    for _ in range(limit):
        assert client.get("/api/v1/nope/", REMOTE_ADDR="198.51.100.23").status_code == 404
    assert get(client, "198.51.100.23").status_code == 429


def test_a_partner_key_has_its_own_higher_limit(client, limit, editor):
    _, secret = PartnerKey.issue(name="Clinic app", by=editor, rate_limit=5)
    keyed = [get(client, HTTP_AUTHORIZATION=f"Bearer {secret}") for _ in range(6)]
    assert [r.status_code for r in keyed] == [200] * 5 + [429]
    assert keyed[0]["RateLimit-Limit"] == "5"
    # The key's requests are its own: the address it came from has its whole allowance left.
    assert get(client)["RateLimit-Remaining"] == "2"


def test_a_partner_keys_limit_follows_the_key_wherever_it_comes_from(client, editor):
    _, secret = PartnerKey.issue(name="Clinic app", by=editor, rate_limit=2)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    assert get(client, "198.51.100.30", **auth).status_code == 200
    assert get(client, "198.51.100.31", **auth).status_code == 200
    assert get(client, "198.51.100.32", **auth).status_code == 429


def test_a_revoked_key_is_refused_at_once(client, editor):
    key, secret = PartnerKey.issue(name="Clinic app", by=editor)
    assert get(client, HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    key.revoke(by=editor)
    refused = get(client, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert refused.status_code == 401
    assert refused["WWW-Authenticate"] == 'Bearer error="invalid_token"'


def test_refused_keys_count_against_the_address(client, limit):
    statuses = [get(client, HTTP_AUTHORIZATION="Bearer hqa_guess").status_code for _ in range(4)]
    assert statuses == [401] * limit + [429]


class CountingCache:
    """Django's cache, counting the calls made through it."""

    def __init__(self):
        self.calls = []

    def __getattr__(self, name):
        method = getattr(cache, name)

        def counted(*args, **kwargs):
            self.calls.append(name)
            return method(*args, **kwargs)

        return counted


def test_counting_a_request_costs_one_cache_call_once_the_window_runs(client, monkeypatch, frozen):
    counting = CountingCache()
    monkeypatch.setattr(middleware, "cache", counting)
    get(client)
    first = list(counting.calls)
    counting.calls.clear()
    get(client)
    assert first == ["incr", "add"]
    assert counting.calls == ["incr"]
