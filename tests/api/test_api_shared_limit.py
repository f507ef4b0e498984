"""The API's rate limit holds across processes: two gunicorn servers over one database count a
client's requests together, in the disk cache both share (no REDIS_URL) and in Redis."""

import json
import urllib.error
import urllib.request

import pytest
import redis

from tests.pagecache.test_redis_cache import needs_redis
from tests.public.test_shared_limits import GUNICORN, gunicorns, manage, server_env

LIMIT = 4
REDIS_URL = "redis://127.0.0.1:6379/12"
# Cheap to answer (no content yet): the test lasts a fraction of a client's minute.
PATH = "/api/v1/tags/"


def fetch(site, path, address):
    request = urllib.request.Request(site + path, headers={"X-Forwarded-For": address})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def servers(tmp_path_factory, **extra):
    if not GUNICORN.exists():
        pytest.skip("gunicorn is not installed")
    tmp = tmp_path_factory.mktemp("api-shared-limit")
    env = {**server_env(tmp), "HEALTHQA_API_RATE_LIMIT": str(LIMIT), **extra}
    manage("migrate", "--verbosity", "0", env=env)
    return gunicorns(2, env, tmp)


def assert_one_limit_for_both(urls, base):
    # A client whose minute does not end during the test (each client's ends at its own second).
    for n in range(1, 60):
        address = f"{base}{n}"
        answers = [fetch(urls[0], PATH, address)]
        if int(answers[0][1]["RateLimit-Reset"]) >= 30:
            break
    answers += [fetch(urls[n % 2], PATH, address) for n in range(1, LIMIT + 2)]
    statuses = [status for status, _, _ in answers]
    seen = [(status, headers.get("RateLimit-Remaining"), headers.get("RateLimit-Reset"))
            for status, headers, _ in answers]  # fmt: skip
    assert statuses == [200] * LIMIT + [429, 429], (address, seen)
    remaining = [headers["RateLimit-Remaining"] for _, headers, _ in answers]
    assert remaining == [str(LIMIT - n) for n in range(1, LIMIT + 1)] + ["0", "0"]
    _, headers, body = answers[-1]
    assert json.loads(body)["error"]["status"] == 429
    assert 1 <= int(headers["Retry-After"]) <= 60
    # Another client still has its whole allowance, on either process.
    assert fetch(urls[1], PATH, f"{base}200")[0] == 200


def test_both_processes_count_against_one_limit_in_the_disk_cache(tmp_path_factory):
    with servers(tmp_path_factory) as urls:
        assert_one_limit_for_both(urls, "203.0.113.")


@needs_redis
def test_both_processes_count_against_one_limit_in_redis(tmp_path_factory):
    with redis.Redis.from_url(REDIS_URL) as db:
        db.flushdb()
        try:
            with servers(tmp_path_factory, REDIS_URL=REDIS_URL) as urls:
                assert_one_limit_for_both(urls, "198.51.100.")
            assert db.keys("*ratelimit:api:ip:198.51.100.*")
        finally:
            db.flushdb()
