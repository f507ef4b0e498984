"""Our system checks (healthqa/checks.py)."""

import pytest
from django.core.checks.registry import registry
from django.test import override_settings

from healthqa.checks import check_shared_cache

PER_PROCESS = [
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
    "someone.elses.CacheBackend",
]
SHARED = [
    "healthqa.pagecache.redis.RedisCache",
    "healthqa.pagecache.disk.DiskCache",
    "diskcache.DjangoCache",
    "django.core.cache.backends.redis.RedisCache",
    "django.core.cache.backends.memcached.PyMemcacheCache",
    "django.core.cache.backends.db.DatabaseCache",
    "django.core.cache.backends.filebased.FileBasedCache",
]


def cache_warnings(backend, *, debug=False):
    # Restored before the test's own cache is cleared: the backend named here is never built.
    with override_settings(DEBUG=debug, CACHES={"default": {"BACKEND": backend}}):
        return check_shared_cache(None)


@pytest.mark.parametrize("backend", PER_PROCESS)
def test_deploy_check_warns_about_a_cache_each_process_keeps_alone(backend):
    (warning,) = cache_warnings(backend)
    assert warning.id == "healthqa.W001"
    assert backend in warning.msg
    assert "rate limits" in warning.hint and "lockouts" in warning.hint
    assert "page cache" in warning.hint and "per worker" in warning.hint


@pytest.mark.parametrize("backend", SHARED)
def test_deploy_check_accepts_caches_all_workers_share(backend):
    assert cache_warnings(backend) == []


def test_deploy_check_does_not_warn_in_debug():
    assert cache_warnings(PER_PROCESS[0], debug=True) == []


def test_the_cache_check_runs_with_deploy_only():
    assert check_shared_cache in registry.get_checks(include_deployment_checks=True)
    assert check_shared_cache not in registry.get_checks(include_deployment_checks=False)


def test_our_settings_pass_the_cache_check():
    with override_settings(DEBUG=False):
        assert check_shared_cache(None) == []
