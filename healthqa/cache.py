"""A shared page cache for readers that never serves stale content.

Every cached page is stored under the current *content generation*. Any change to something a
public page can show (questions, answers, experts, articles, topics, picks, tags, site settings,
ads) calls `content_changed()`, which starts a new generation: every page cached before it is
simply never looked up again. Items scheduled for later need no job either: the generation
remembers the earliest future `published_at`, and the first request after that moment starts a
new generation.

Only anonymous GET/HEAD requests without a session (or pending messages) are cached, so staff
previews, messages and per-reader state ("you found this helpful") are never stored or served
from here. `PageCacheMiddleware` comes first in MIDDLEWARE: a hit is answered before any other
middleware runs, with the complete header set (security headers, CSP, Vary, ETag, ...) that the
rest of the stack gave the page when it was rendered, stored beside the body. CSRF tokens are not
stored: the cached HTML keeps a placeholder that each response fills with the reader's own token.
"""

import base64
import functools
import hashlib
import os
import string
import time
import uuid
import zlib

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from django.core.exceptions import DisallowedHost
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpResponse
from django.middleware.csrf import (
    CSRF_ALLOWED_CHARS,
    CSRF_SECRET_LENGTH,
    CsrfViewMiddleware,
    get_token,
)
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, parse_http_date_safe

GENERATION_KEY = "healthqa:content-generation"
PAGE_TIMEOUT = 60 * 60 * 24
CSRF_PLACEHOLDER = "__healthqa_csrf_placeholder__"
_PLACEHOLDER = CSRF_PLACEHOLDER.encode()
# Recomputed for each response (the body's length changes with the token) or set per response.
_UNSTORED_HEADERS = {"content-length", "x-page-cache", "set-cookie"}


class _ReusedClients(RedisCacheClient):
    """One redis-py client per connection pool, instead of a new one for every cache call.

    Django builds a `redis.Redis` object per get/set; with redis-py 5+ its constructor (response
    callbacks, event dispatcher) costs about as much CPU as the round trip itself. Clients are
    thread-safe and hold no connection of their own, so sharing them changes nothing else.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            if index not in self._pools:
                self._pools[index] = self._pool_class.from_url(
                    self._servers[index], **self._pool_options
                )
            client = self._clients[index] = self._client(connection_pool=self._pools[index])
        return client


class RedisCache(DjangoRedisCache):
    """Django's Redis cache backend with `_ReusedClients` (CACHES BACKEND in settings)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ReusedClients


def _next_publication():
    """The earliest moment a scheduled question or article becomes public, or None."""
    from articles.models import Article
    from healthqa.models import Question

    now = timezone.now()
    moments = [
        model.objects.filter(status="published", published_at__gt=now)
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
        for model in (Question, Article)
    ]
    moments = [m for m in moments if m is not None]
    return min(moments).timestamp() if moments else None


def content_changed():
    """Start a new generation: pages cached so far are never served again."""
    cache.set(GENERATION_KEY, _new_generation(), None)


def _new_generation():
    return {"id": uuid.uuid4().hex, "at": time.time(), "next": _next_publication()}


def _expired(generation):
    """True once a scheduled item has gone live since the generation began."""
    return generation["next"] is not None and generation["next"] <= time.time()


def current_generation():
    generation = cache.get(GENERATION_KEY)
    if generation is None or _expired(generation):
        generation = _new_generation()
        cache.set(GENERATION_KEY, generation, None)
    return generation


def _cacheable(request):
    """Anonymous readers without a session or pending messages: nothing on the page is theirs.

    Plain-HTTP requests that SecurityMiddleware would redirect to HTTPS are left to it.
    """
    cookies = request.COOKIES
    return (
        request.method in {"GET", "HEAD"}
        and settings.SESSION_COOKIE_NAME not in cookies
        and "messages" not in cookies
        and (not settings.SECURE_SSL_REDIRECT or request.is_secure())
    )


# Settings that shape the stored headers: a deploy that changes them (a new CSP, say) must not
# replay the old headers from pages cached before it.
_HEADER_SETTINGS = ("MIDDLEWARE", "SECURE_", "CSRF_", "SESSION_COOKIE_", "CONTENT_SECURITY_",
                    "X_FRAME_OPTIONS", "PERMISSIONS_POLICY", "CROSS_ORIGIN_")  # fmt: skip
_fingerprint = None


def _settings_fingerprint():
    global _fingerprint
    if _fingerprint is None:
        names = sorted(name for name in dir(settings) if name.startswith(_HEADER_SETTINGS))
        values = repr([(name, getattr(settings, name)) for name in names])
        _fingerprint = hashlib.sha256(values.encode()).hexdigest()[:16]
    return _fingerprint


@receiver(setting_changed)
def _forget_fingerprint(**kwargs):
    global _fingerprint
    _fingerprint = None


def _key(generation, request):
    """Per scheme and host as well as path and query: pages carry absolute URLs (canonical,
    Open Graph, JSON-LD), and HSTS is only sent over HTTPS."""
    scheme = "https" if request.is_secure() else "http"
    address = f"{_settings_fingerprint()} {scheme}://{request.get_host()}{request.get_full_path()}"
    return f"healthqa:page:{generation['id']}:{hashlib.sha256(address.encode()).hexdigest()}"


# Stored pages never change under their key (a new generation gets new keys), so each worker
# may keep recently served ones in memory and skip fetching the page from a shared cache.
_local_pages = {}
_LOCAL_PAGES_MAX = 256


def _lookup(key):
    stored = _local_pages.get(key)
    if stored is None:
        stored = cache.get(key)
        if stored is not None:
            if len(_local_pages) >= _LOCAL_PAGES_MAX:
                _local_pages.clear()
            _local_pages[key] = stored
    return stored


def _store(key, body, response):
    stored = {
        "body": body,
        "headers": {
            name: value
            for name, value in response.headers.items()
            if name.lower() not in _UNSTORED_HEADERS
        },
        "csrf": _PLACEHOLDER in body,
        "etag": response["ETag"],
        "last_modified": parse_http_date_safe(response["Last-Modified"]),
    }
    cache.set(key, stored, PAGE_TIMEOUT)


# Only its cookie handling is used: read the reader's CSRF cookie, set or renew it on the way out.
_csrf = CsrfViewMiddleware(lambda request: None)
_CSRF_INDEX = {char: index for index, char in enumerate(CSRF_ALLOWED_CHARS)}
assert set(CSRF_ALLOWED_CHARS) == set(string.ascii_letters + string.digits)


def _random_csrf_string(length=CSRF_SECRET_LENGTH):
    """Django's `_get_new_csrf_string()` without a system random read per character.

    Base64 of random bytes is uniform over 64 symbols; dropping "+" and "/" leaves it uniform
    over exactly the 62 letters and digits Django allows.
    """
    chars = b""
    while len(chars) < length:
        chars += base64.b64encode(os.urandom(length * 3 // 4 + 12)).translate(None, b"+/=")
    return chars[:length].decode()


def _reader_token(request):
    """`django.middleware.csrf.get_token()` for a cache hit, the same token format.

    Served to every anonymous reader without a CSRF cookie (a new secret and a new mask), so
    it matters: Django's version reads the system's random source 64 times per response.
    """
    secret = request.META.get("CSRF_COOKIE")
    if secret is None:
        secret = request.META["CSRF_COOKIE"] = _random_csrf_string()
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    mask = _random_csrf_string()
    size = len(CSRF_ALLOWED_CHARS)
    cipher = "".join(
        CSRF_ALLOWED_CHARS[(_CSRF_INDEX[s] + _CSRF_INDEX[m]) % size]
        for s, m in zip(secret, mask, strict=True)
    )
    return mask + cipher


def _respond(request, stored):
    """A stored page as a response: its own headers, this reader's CSRF token and cookie."""
    body = stored["body"]
    if stored["csrf"]:
        _csrf.process_request(request)
        body = body.replace(_PLACEHOLDER, _reader_token(request).encode())
    response = HttpResponse(body, headers=stored["headers"])
    response.headers["Content-Length"] = str(len(body))
    response.headers["X-Page-Cache"] = "hit"
    if stored["csrf"]:
        _csrf.process_response(request, response)
    if request.method == "GET":  # as ConditionalGetMiddleware does
        return get_conditional_response(
            request,
            etag=stored["etag"],
            last_modified=stored["last_modified"],
            response=response,
        )
    return response


class PageCacheMiddleware:
    """First in MIDDLEWARE. Answers hits at once; stores what `cached_page` rendered.

    A miss runs the whole stack, so the page is stored on the way out with every header the
    other middleware added; the next hit replays them and touches nothing else.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _cacheable(request):
            response = self._hit(request)
            if response is not None:
                return response
        response = self.get_response(request)
        pending = getattr(response, "page_cache_pending", None)
        # The reader's own CSRF cookie is not stored (headers only); any other cookie, such as
        # messages being cleared, means the page was theirs alone.
        if (
            pending is not None
            and response.status_code == 200
            and not set(response.cookies) - {settings.CSRF_COOKIE_NAME}
        ):
            _store(*pending, response)
        return response

    @staticmethod
    def _hit(request):
        # No database here: without a live generation nothing can be cached yet, and the
        # view (through `cached_page`) starts one.
        generation = cache.get(GENERATION_KEY)
        if generation is None or _expired(generation):
            return None
        try:
            key = _key(generation, request)
        except DisallowedHost:
            return None  # CommonMiddleware answers 400, with the usual headers
        stored = _lookup(key)
        return None if stored is None else _respond(request, stored)


# Parts shared by many pages (a topic's newest questions, the house ad), computed once per
# content generation by each worker while it renders pages for the cache.
_shared_parts = {"generation": None, "parts": {}}
_SHARED_PARTS_MAX = 1024


def shared_part(request, name, compute):
    """`compute()`, reused by this worker until the content generation changes.

    Only for pages rendered for the page cache, which know their generation; any other render
    (staff, a reader with a session) computes afresh.
    """
    generation = getattr(request, "page_generation", None)
    if generation is None:
        return compute()
    if _shared_parts["generation"] != generation["id"] or (
        len(_shared_parts["parts"]) >= _SHARED_PARTS_MAX
    ):
        _shared_parts.update(generation=generation["id"], parts={})
    parts = _shared_parts["parts"]
    if name not in parts:
        parts[name] = compute()
    return parts[name]


def cached_page(view):
    """Render an anonymous reader's page once per content generation; the middleware stores it."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not _cacheable(request) or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        generation = current_generation()
        key = _key(generation, request)
        request.renders_for_page_cache = True  # read by the site context processor
        request.page_generation = generation  # read by shared_part()
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        body = response.content
        if _PLACEHOLDER in body:
            response.content = body.replace(_PLACEHOLDER, get_token(request).encode())
        if response.status_code != 200 or response.cookies or getattr(request, "is_preview", False):
            return response
        response["Last-Modified"] = http_date(generation["at"])
        # Per generation, not per body: the body differs by its CSRF token on every response.
        response["ETag"] = f'W/"{generation["id"]}-{zlib.crc32(key.encode()):08x}"'
        response["X-Page-Cache"] = "miss"
        patch_cache_control(response, no_cache=True)
        response.page_cache_pending = (key, body)
        return response

    return wrapped


def _on_change(sender, **kwargs):
    """Bump now and again after commit: a page rendered between the write and the commit
    (still showing the old rows) is dropped by the second bump."""
    from django.db import transaction

    content_changed()
    transaction.on_commit(content_changed)


def connect_invalidation():
    """Start a new generation whenever a row that public pages show is written or deleted.

    Receivers rather than save() overrides, so that bulk deletes, tag changes and many-to-many
    edits made by the admin are covered too.
    """
    from django.apps import apps
    from django.db.models import signals

    labels = [
        "healthqa.Topic", "healthqa.Question", "healthqa.Answer", "healthqa.ContinueLearningPick",
        "healthqa.SiteSettings", "healthqa.AdPlacement", "experts.Expert", "articles.Article",
        "articles.Source", "taggit.Tag", "taggit.TaggedItem",
    ]  # fmt: skip
    for label in labels:
        model = apps.get_model(label)
        signals.post_save.connect(_on_change, sender=model, dispatch_uid=f"page-cache:{label}")
        signals.post_delete.connect(_on_change, sender=model, dispatch_uid=f"page-cache-d:{label}")
    signals.m2m_changed.connect(
        _on_change, sender=apps.get_model("experts.Expert").specialties.through,
        dispatch_uid="page-cache:specialties",
    )  # fmt: skip
