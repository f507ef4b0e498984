"""Our Redis cache backend against a real Redis: Django's cache API, one client per process, and
the page cache's quick read (equal to `get()`, recovering from a lost connection, fork-safe)."""

import os
import socket
import threading
import time
import uuid

import pytest
import redis
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.exceptions import ImproperlyConfigured

from healthqa.pagecache.redis import RedisCache

URL = "redis://127.0.0.1:6379/15"


def _redis_reachable():
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


needs_redis = pytest.mark.skipif(
    not _redis_reachable(),
    reason="Redis is not reachable on 127.0.0.1:6379: the backend is tested against a real one",
)
pytestmark = needs_redis

VALUES = [
    0,
    -7,
    2**80,
    True,
    1.5,
    "12",
    "Ménière’s",
    b"12",
    b"\x80\x05 not a pickle",
    {"id": "abc", "next": None, "tags": ["a", "b"]},
    None,
]


def connections_named(name):
    """Server-side ids of the connections (to any database) that carry `name` (CLIENT LIST)."""
    with redis.Redis.from_url(URL) as lister:
        return {entry["id"] for entry in lister.client_list() if entry["name"] == name}


def kill_connections(name):
    """Close, on the server's side, every connection carrying `name`; how many there were."""
    ids = connections_named(name)
    with redis.Redis.from_url(URL) as killer:
        for connection_id in ids:
            killer.client_kill_filter(_id=connection_id)
    return len(ids)


@pytest.fixture
def name():
    """A connection name of this test's own: CLIENT KILL then touches no one else's."""
    return f"healthqa-test-{uuid.uuid4().hex[:12]}"


def make_backend(name, **params):
    return RedisCache(URL, {"KEY_PREFIX": "test", "OPTIONS": {"client_name": name}, **params})


@pytest.fixture
def backend(name):
    """A backend on Redis DB 15, emptied before and after."""
    backend = make_backend(name)
    backend.clear()
    yield backend
    backend.clear()
    backend.client.connection_pool.disconnect()


@pytest.fixture
def no_fallback(monkeypatch):
    """Fail the test if `get_quickly()` falls back to `get()`; returns the list of fallbacks
    when `allow` is called (for tests that expect one)."""

    def watch(backend, allow=False):
        fallbacks = []
        real_get = backend.get

        def get(key, *args, **kwargs):
            fallbacks.append(key)
            assert allow, "get_quickly() fell back to get()"
            return real_get(key, *args, **kwargs)

        monkeypatch.setattr(backend, "get", get)
        return fallbacks

    return watch


def ttl(backend, key, version=None):
    """Seconds left for `key` as Redis counts them (-1: no expiry, -2: absent)."""
    return backend.client.ttl(backend.make_key(key, version=version))


# --- Django's cache API --------------------------------------------------------------------------


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_values_come_back_equal_and_of_their_own_type(backend, value):
    backend.set("key", value)
    for read in (backend.get("key", "absent"), backend.get_quickly("key")):
        assert read == value and type(read) is type(value)
    assert backend.get_many(["key"]) == {"key": value}


def test_integers_are_stored_as_plain_integers_and_the_rest_pickled(backend):
    backend.set_many({"count": 42, "text": "42"})
    assert backend.client.get(backend.make_key("count")) == b"42"
    assert backend.client.get(backend.make_key("text")).startswith(b"\x80")


def test_what_djangos_own_backend_wrote_is_read_and_the_other_way_round(backend):
    django_backend = DjangoRedisCache(URL, {"KEY_PREFIX": "test"})
    django_backend.set_many({"count": 3, "generation": {"id": "abc"}})
    assert backend.get_many(["count", "generation"]) == {"count": 3, "generation": {"id": "abc"}}
    assert backend.get_quickly("generation") == {"id": "abc"}
    assert backend.incr("count") == 4
    backend.set("page", {"body": b"<html>"})
    assert django_backend.get("page") == {"body": b"<html>"}
    assert django_backend.get("count") == 4


def test_get_set_delete_and_has_key(backend):
    assert backend.get("key") is None and backend.get("key", "default") == "default"
    assert not backend.has_key("key")
    backend.set("key", "value")
    assert backend.has_key("key") and backend.get("key") == "value"
    backend.set("key", "other")
    assert backend.get("key") == "other"
    assert backend.delete("key") is True
    assert backend.delete("key") is False
    assert not backend.has_key("key")


def test_none_is_a_value_of_its_own(backend):
    backend.set("key", None)
    assert backend.has_key("key") and backend.get("key", "default") is None


def test_add_stores_only_what_is_not_there(backend):
    assert backend.add("key", "first") is True
    assert backend.add("key", "second") is False
    assert backend.get("key") == "first"
    assert backend.add("gone-at-once", "value", timeout=0) is True
    assert not backend.has_key("gone-at-once")
    assert backend.add("key", "third", timeout=0) is False
    assert backend.get("key") == "first"


def test_timeouts(backend):
    backend.set("default", 1)
    assert 290 < ttl(backend, "default") <= 300  # Django's default TIMEOUT, 300 s
    backend.set("forever", 1, timeout=None)
    assert ttl(backend, "forever") == -1
    backend.set("ten", 1, timeout=10)
    assert 0 < ttl(backend, "ten") <= 10
    backend.set("forever", 2, timeout=0)
    backend.set("ten", 2, timeout=-5)
    assert not backend.has_key("forever") and not backend.has_key("ten")
    backend.add("added", 1, timeout=20)
    assert 10 < ttl(backend, "added") <= 20
    backend.set("short", "value", timeout=1)
    time.sleep(1.2)
    assert backend.get("short") is None and backend.get_quickly("short") is None


def test_a_backend_default_timeout_is_used(name):
    backend = make_backend(name, TIMEOUT=50)
    backend.set("key", 1)
    assert 40 < ttl(backend, "key") <= 50
    backend.delete("key")


def test_touch_sets_a_new_timeout_on_existing_keys_only(backend):
    assert backend.touch("absent", 10) is False
    assert backend.touch("absent", None) is False
    backend.set("key", "value", timeout=None)
    assert backend.touch("key", 10) is True
    assert 0 < ttl(backend, "key") <= 10
    assert backend.touch("key", None) is True
    assert ttl(backend, "key") == -1
    assert backend.touch("key", None) is True  # already without expiry: still there
    assert backend.touch("key", 0) is True
    assert not backend.has_key("key")


def test_incr_and_decr(backend):
    with pytest.raises(ValueError, match="'absent' not found"):
        backend.incr("absent")
    assert not backend.has_key("absent")  # no key made without a timeout
    backend.set("count", 1, timeout=100)
    assert backend.incr("count") == 2
    assert backend.incr("count", 10) == 12
    assert backend.decr("count", 5) == 7
    assert backend.get("count") == 7 and backend.get_quickly("count") == 7
    assert 0 < ttl(backend, "count") <= 100  # incr keeps the timeout
    backend.add("window", 0, timeout=60)  # as the form rate limit counts
    assert backend.incr(key="window", delta=1) == 1  # keywords, as django-axes calls it


def test_set_many_get_many_delete_many(backend):
    assert backend.set_many({}) == []
    assert backend.get_many([]) == {}
    backend.delete_many([])
    assert backend.set_many({"a": 1, "b": "two", "c": {"three": 3}}, timeout=100) == []
    assert backend.get_many(["a", "b", "c", "absent"]) == {"a": 1, "b": "two", "c": {"three": 3}}
    assert all(0 < ttl(backend, key) <= 100 for key in "abc")
    backend.set_many({"d": 4}, timeout=None)
    assert ttl(backend, "d") == -1
    backend.delete_many(["a", "c", "absent"])
    assert backend.get_many(["a", "b", "c", "d"]) == {"b": "two", "d": 4}
    backend.set_many({"b": 2, "d": 5}, timeout=0)
    assert backend.get_many(["b", "d"]) == {}


def test_clear_empties_the_database(backend, name):
    other = make_backend(name, KEY_PREFIX="other")
    backend.set("key", 1)
    other.set("key", 2)
    assert backend.clear() is True
    assert not backend.has_key("key") and not other.has_key("key")


def test_key_prefixes_and_versions_keep_values_apart(backend, name):
    other = make_backend(name, KEY_PREFIX="other")
    backend.set("key", "ours")
    other.set("key", "theirs")
    assert backend.get("key") == "ours" and other.get("key") == "theirs"
    assert backend.get_quickly("key") == "ours" and other.get_quickly("key") == "theirs"
    other.delete("key")
    assert backend.get("key") == "ours"

    backend.set("versioned", "one", version=1)
    backend.set("versioned", "two", version=2)
    assert backend.get("versioned") == "one"
    assert backend.get("versioned", version=2) == "two"
    assert backend.get_many(["versioned"], version=2) == {"versioned": "two"}
    assert make_backend(name, VERSION=2).get_quickly("versioned") == "two"
    assert backend.incr_version("key") == 2
    assert backend.get("key") is None and backend.get("key", version=2) == "ours"


def test_a_backend_takes_one_server():
    with pytest.raises(ImproperlyConfigured):
        RedisCache("redis://127.0.0.1:6379/15,redis://127.0.0.1:6380/15", {})
    with pytest.raises(ImproperlyConfigured):
        RedisCache(["redis://127.0.0.1:6379/15"], {})


# --- one client per process ----------------------------------------------------------------------


def test_one_client_per_process_for_a_server_and_options(name):
    in_thread = []
    thread = threading.Thread(target=lambda: in_thread.append(make_backend(name).client))
    thread.start()
    thread.join()
    client = make_backend(name).client
    assert isinstance(client, redis.Redis)
    assert make_backend(name, KEY_PREFIX="other").client is client is in_thread[0]
    assert make_backend(f"{name}-other").client is not client


# --- the quick read ------------------------------------------------------------------------------


def test_quick_reads_are_gets_over_a_connection_of_the_thread_s_own(backend, name, no_fallback):
    backend.set("key", {"id": "abc"})
    expected = backend.get("key")
    no_fallback(backend)
    assert backend.get_quickly("key") == expected == {"id": "abc"}
    assert backend.get_quickly("absent") is None
    assert len(connections_named(name)) == 2  # the client's pool's and the quick read's
    for _ in range(3):
        backend.get_quickly("key")
    assert len(connections_named(name)) == 2


def test_quick_reads_in_threads_get_each_their_own_value(backend, no_fallback):
    no_fallback(backend)
    backend.set_many({f"key{n}": n for n in range(4)})
    wrong = []

    def read(n):
        for _ in range(300):
            if backend.get_quickly(f"key{n}") != n:
                wrong.append(n)

    threads = [threading.Thread(target=read, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wrong == []


def test_a_quick_read_over_a_lost_connection_falls_back_then_reconnects(backend, name, no_fallback):
    fallbacks = no_fallback(backend, allow=True)
    backend.set("generation", {"id": "abc"})
    assert backend.get_quickly("generation") == {"id": "abc"}
    assert kill_connections(name) == 2  # as when Redis restarts
    assert backend.get_quickly("generation") == {"id": "abc"}
    assert fallbacks == ["generation"]
    assert backend.get_quickly("generation") == {"id": "abc"}
    assert backend.get_quickly("absent") is None
    assert fallbacks == ["generation"]  # a new connection of its own again


def test_a_forked_child_opens_a_quick_connection_of_its_own(backend, name, no_fallback):
    if not hasattr(os, "fork"):
        pytest.skip("os.fork is not available on this platform")
    no_fallback(backend)
    backend.set("key", "value")
    assert backend.get_quickly("key") == "value"
    before = connections_named(name)
    pid = os.fork()
    if pid == 0:  # the child: report through the exit code only, never return into pytest
        code = 1
        try:
            if backend.get_quickly("key") == "value" and backend.get_quickly("absent") is None:
                new = connections_named(name) - before
                code = 0 if len(new) == 1 else 3  # 0 new: the parent's socket was reused
        except BaseException:
            code = 2
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert backend.get_quickly("key") == "value"  # the parent's connection still works
    backend.set("key", "changed")
    assert backend.get_quickly("key") == "changed"
