"""System checks of our own (`manage.py check --deploy`)."""

from django.conf import settings
from django.core import checks

# Cache backends that every worker of a site reaches. Any other (LocMemCache, DummyCache, one we
# do not know) is taken to keep its entries in each process.
SHARED_CACHE_BACKENDS = {
    "healthqa.pagecache.redis.RedisCache",
    "healthqa.pagecache.disk.DiskCache",
    "diskcache.DjangoCache",
    "django.core.cache.backends.redis.RedisCache",
    "django.core.cache.backends.memcached.PyMemcacheCache",
    "django.core.cache.backends.memcached.PyLibMCCache",
    "django.core.cache.backends.db.DatabaseCache",
    "django.core.cache.backends.filebased.FileBasedCache",
}


@checks.register(checks.Tags.caches, deploy=True)
def check_shared_cache(app_configs, **kwargs):
    """Warn when a cache outside debug (the default one, or the one for pages) is one each
    process keeps for itself."""
    if settings.DEBUG:
        return []
    return [
        checks.Warning(
            f"The {alias} cache ({backend}) is kept by each process on its own.",
            hint=(
                "Form rate limits, the vote limit, login lockouts (with django-axes' cache "
                "handler) and the page cache would then count per worker: N workers let N times "
                "as many attempts through, and serve pages another worker has invalidated. Set "
                "REDIS_URL, or leave it unset for the disk cache that all processes on this "
                "machine share (HEALTHQA_CACHE_DIR)."
            ),
            id="healthqa.W001",
        )
        for alias in ("default", "pages")
        if alias in settings.CACHES or alias == "default"
        if (backend := settings.CACHES.get(alias, {}).get("BACKEND", ""))
        not in SHARED_CACHE_BACKENDS
    ]
