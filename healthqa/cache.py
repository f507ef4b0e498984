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
rest of the stack gave the page when it was rendered, stored beside the body. A page that used a
CSRF token (different for every reader) is never stored; the question page's vote buttons are
guarded by the browser's Origin headers instead (healthqa/origin.py).

Under gunicorn (healthqa/wsgi.py) a plain GET hit is answered one step earlier still, by
`PageCacheApp`, before Django builds a request object: the same lookup, the same stored headers.
"""

import functools
import hashlib
import os
import threading
import time
import uuid
import zlib

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from django.core.handlers.wsgi import get_path_info, get_script_name
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpResponse
from django.http.cookie import parse_cookie
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, parse_http_date_safe

GENERATION_KEY = "healthqa:content-generation"
PAGE_TIMEOUT = 60 * 60 * 24
# Set per response.
_UNSTORED_HEADERS = {"content-length", "x-page-cache", "set-cookie"}
# Part of every key: a release that changes what _store() keeps changes it, so that pages stored
# by the previous release are never read in the new shape.
_STORED_FORMAT = 3


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
        self._own = threading.local()

    def get_quickly(self, key):
        """`get(key)` over a connection this thread (and process) keeps to itself.

        Every page cache lookup reads the content generation; through the client that read costs
        about three times the CPU of the round trip itself (pool checkout, retry wrappers,
        response callbacks). Any Redis error closes the connection and falls back to `get()`.
        """
        own = self._own
        connection = getattr(own, "connection", None)
        if connection is None or own.pid != os.getpid():
            pool = self._cache.get_client(key).connection_pool
            connection = own.connection = pool.connection_class(**pool.connection_kwargs)
            own.pid = os.getpid()
        try:
            connection.send_command("GET", self.make_and_validate_key(key))
            value = connection.read_response()
        except Exception:
            connection.disconnect()
            own.connection = None
            return self.get(key)
        return None if value is None else self._cache._serializer.loads(value)


def _get_quickly(key):
    """The cache's `get_quickly()` where it has one (Redis), else its `get()`."""
    backend = caches["default"]
    getter = getattr(backend, "get_quickly", None)
    return backend.get(key) if getter is None else getter(key)


def _next_publication():
    """The earliest moment a scheduled question or article becomes public, or None."""
    from django.db.models import Min

    from articles.models import Article
    from healthqa.models import Question

    now = timezone.now()
    scheduled = [
        model.objects.filter(status="published", published_at__gt=now)
        .order_by()
        .values("status")
        .annotate(first=Min("published_at"))
        .values("first")
        for model in (Question, Article)
    ]
    # One query for both: the earliest of each, as a union.
    moments = [
        first
        for first in scheduled[0].union(scheduled[1], all=True).values_list("first", flat=True)
        if first is not None
    ]
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
    generation = _get_quickly(GENERATION_KEY)
    if generation is None or _expired(generation):
        generation = _new_generation()
        cache.set(GENERATION_KEY, generation, None)
    return generation


def _scheme(meta):
    """`HttpRequest.scheme` read from the WSGI environ (SECURE_PROXY_SSL_HEADER included)."""
    if settings.SECURE_PROXY_SSL_HEADER:
        header, secure_value = settings.SECURE_PROXY_SSL_HEADER
        value = meta.get(header)
        if value is not None:
            return "https" if value.split(",", 1)[0].strip() == secure_value else "http"
    return meta.get("wsgi.url_scheme", "http")


def _cacheable(meta):
    """Anonymous readers without a session or pending messages: nothing on the page is theirs.

    `meta` is `request.META`, or the WSGI environ before Django has built a request. Plain-HTTP
    requests that SecurityMiddleware would redirect to HTTPS are left to it.
    """
    if meta.get("REQUEST_METHOD") not in {"GET", "HEAD"}:
        return False
    cookies = parse_cookie(meta.get("HTTP_COOKIE", ""))
    return (
        settings.SESSION_COOKIE_NAME not in cookies
        and "messages" not in cookies
        and (not settings.SECURE_SSL_REDIRECT or _scheme(meta) == "https")
    )


# Settings that shape the stored headers: a deploy that changes them (a new CSP, say) must not
# replay the old headers from pages cached before it.
_HEADER_SETTINGS = ("MIDDLEWARE", "SECURE_", "CSRF_", "SESSION_COOKIE_", "CONTENT_SECURITY_",
                    "X_FRAME_OPTIONS", "PERMISSIONS_POLICY", "CROSS_ORIGIN_",
                    "USE_X_FORWARDED_")  # fmt: skip
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


def _host(meta):
    """`HttpRequest._get_raw_host()` from the WSGI environ: the host before validation."""
    if settings.USE_X_FORWARDED_HOST and "HTTP_X_FORWARDED_HOST" in meta:
        return meta["HTTP_X_FORWARDED_HOST"]
    if "HTTP_HOST" in meta:
        return meta["HTTP_HOST"]
    port = meta.get("SERVER_PORT")
    if settings.USE_X_FORWARDED_PORT and "HTTP_X_FORWARDED_PORT" in meta:
        port = meta["HTTP_X_FORWARDED_PORT"]
    default = "443" if _scheme(meta) == "https" else "80"
    return meta.get("SERVER_NAME", "") + ("" if str(port) == default else f":{port}")


def _key(generation, meta):
    """Per scheme and host as well as path and query: pages carry absolute URLs (canonical,
    Open Graph, JSON-LD), and HSTS is only sent over HTTPS.

    Read from the raw request (`request.META`, or the WSGI environ with the path decoded as
    Django decodes it), so that `PageCacheApp` can look a page up without building a request;
    scheme and host are derived as Django derives them. The host is not validated here: a page
    is only stored after the full stack has accepted its host, so a foreign host finds nothing.
    """
    address = repr(
        (
            _STORED_FORMAT,
            _settings_fingerprint(),
            _scheme(meta),
            _host(meta),
            meta.get("SCRIPT_NAME", ""),
            meta.get("PATH_INFO", ""),
            meta.get("QUERY_STRING", ""),
        )
    )
    return f"healthqa:page:{generation['id']}:{hashlib.sha256(address.encode()).hexdigest()}"


# Stored pages never change under their key (a new generation gets new keys), so each worker
# may keep recently served ones in memory and skip fetching the page from a shared cache.
_local_pages = {}
_LOCAL_PAGES_MAX = 256


def _lookup(key):
    stored = _local_pages.get(key)
    if stored is None:
        stored = _get_quickly(key)
        if stored is not None:
            if len(_local_pages) >= _LOCAL_PAGES_MAX:
                _local_pages.clear()
            _local_pages[key] = stored
    return stored


def _find(meta):
    """The stored page for this request in the live generation, or None. No database here:
    without a live generation nothing can be cached yet, and the view (through `cached_page`)
    starts one. On a miss the generation is left in `meta` for `cached_page`: a page rendered
    after a change but stored under the generation read before it is never looked up again."""
    generation = _get_quickly(GENERATION_KEY)
    if generation is None or _expired(generation):
        return None
    stored = _lookup(_key(generation, meta))
    if stored is None:
        meta[_GENERATION_READ] = generation
    return stored


def _store(key, body, response):
    """The body and its headers as a hit sends them (a list of pairs, as start_response takes)."""
    headers = [
        (name, value)
        for name, value in response.headers.items()
        if name.lower() not in _UNSTORED_HEADERS
    ]
    headers += [("Content-Length", str(len(body))), ("X-Page-Cache", "hit")]
    cache.set(key, {"body": body, "headers": headers}, PAGE_TIMEOUT)


def _respond(request, stored):
    """A stored page as a response, with its own headers; 304 when the reader has it."""
    response = HttpResponse(stored["body"], headers=stored["headers"])
    if request.method == "GET":  # as ConditionalGetMiddleware does
        return get_conditional_response(
            request,
            etag=response["ETag"],
            last_modified=parse_http_date_safe(response["Last-Modified"]),
            response=response,
        )
    return response


# Left in the environ by _find() when it found no page: the generation it read, which
# cached_page() reuses and which tells PageCacheMiddleware the lookup was made.
_GENERATION_READ = "healthqa.page_cache.generation"


class PageCacheMiddleware:
    """First in MIDDLEWARE. Answers hits at once; stores what `cached_page` rendered.

    A miss runs the whole stack, so the page is stored on the way out with every header the
    other middleware added; the next hit replays them and touches nothing else.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _cacheable(request.META) and _GENERATION_READ not in request.META:
            stored = _find(request.META)
            if stored is not None:
                return _respond(request, stored)
        response = self.get_response(request)
        pending = getattr(response, "page_cache_pending", None)
        # Any cookie (messages being cleared, say) means the page was this reader's alone.
        if pending is not None and response.status_code == 200 and not response.cookies:
            _store(*pending, response)
        return response


class PageCacheApp:
    """The WSGI application (healthqa/wsgi.py): a plain GET hit, answered before Django runs.

    Building Django's request and response objects costs more than the lookup itself, so a GET
    for a stored page, without conditional headers, is answered here from the same stored body
    and headers. Everything else goes on to Django: HEAD, If-None-Match/If-Modified-Since (304),
    readers with a session, misses; PageCacheMiddleware then answers the remaining hits.
    """

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        if (
            environ.get("REQUEST_METHOD") == "GET"
            and "HTTP_IF_NONE_MATCH" not in environ
            and "HTTP_IF_MODIFIED_SINCE" not in environ
        ):
            # The path as Django's WSGIRequest decodes it, which is what pages are stored under.
            meta = {
                **environ,
                "PATH_INFO": get_path_info(environ),
                "SCRIPT_NAME": get_script_name(environ),
            }
            if _cacheable(meta):
                stored = _find(meta)
                if stored is not None:
                    start_response("200 OK", stored["headers"])
                    return [stored["body"]]
                if _GENERATION_READ in meta:
                    environ[_GENERATION_READ] = meta[_GENERATION_READ]
        return self.application(environ, start_response)


# Parts shared by many pages (a topic's newest questions, the house ad), computed once per
# content generation by each worker while it renders pages for the cache.
_shared_parts = {"generation": None, "parts": {}}
_SHARED_PARTS_MAX = 1024


def _parts(generation):
    if _shared_parts["generation"] != generation["id"] or (
        len(_shared_parts["parts"]) >= _SHARED_PARTS_MAX
    ):
        _shared_parts.update(generation=generation["id"], parts={})
    return _shared_parts["parts"]


def shares_parts(request):
    """True while rendering a page for the page cache: `shared_part()` reuses what it computes."""
    return getattr(request, "page_generation", None) is not None


def shared_part(request, name, compute):
    """`compute()`, reused by this worker until the content generation changes.

    Only for pages rendered for the page cache, which know their generation; any other render
    (staff, a reader with a session) computes afresh.
    """
    generation = getattr(request, "page_generation", None)
    if generation is None:
        return compute()
    parts = _parts(generation)
    if name not in parts:
        parts[name] = compute()
    return parts[name]


_SHARED_OBJECTS_MAX = 4096


def shared_objects(request, name, queryset, pks):
    """`queryset.in_bulk(pks)` ({pk: object}), one query at most.

    In a render for the page cache, rows this worker has already loaded under `name` in this
    content generation are reused and only the others are fetched: the experts, reviewers and
    topics that many pages show are read once, not once per page.
    """
    pks = set(pks)
    generation = getattr(request, "page_generation", None)
    if generation is None or not pks:
        return queryset.in_bulk(pks) if pks else {}
    parts = _parts(generation)
    known = parts.setdefault(f"objects:{name}", {})
    missing = pks - known.keys()
    if missing:
        if len(known) >= _SHARED_OBJECTS_MAX:
            known.clear()
            missing = pks
        known.update(queryset.in_bulk(missing))
    return {pk: known[pk] for pk in pks if pk in known}


def cached_page(view):
    """Render an anonymous reader's page once per content generation; the middleware stores it."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not _cacheable(request.META) or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        generation = request.META.get(_GENERATION_READ) or current_generation()
        key = _key(generation, request.META)
        if not isinstance(caches["default"], DummyCache):
            # Read by shared_part(): with a cache that keeps nothing every request is a new
            # generation, and sharing parts between pages would only add queries.
            request.page_generation = generation
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        if (
            response.status_code != 200
            or response.cookies
            or getattr(request, "is_preview", False)
            # A CSRF token is this reader's own: a page showing one is never shared.
            or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        ):
            return response
        response["Last-Modified"] = http_date(generation["at"])
        response["ETag"] = f'W/"{generation["id"]}-{zlib.crc32(key.encode()):08x}"'
        response["X-Page-Cache"] = "miss"
        patch_cache_control(response, no_cache=True)
        response.page_cache_pending = (key, response.content)
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
