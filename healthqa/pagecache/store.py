"""Content generations, cache keys derived from the raw request, and stored pages."""

import hashlib
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.db.models import Min
from django.dispatch import receiver
from django.http import HttpResponse
from django.http.cookie import parse_cookie
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe

from articles.models import Article
from healthqa.models import Question
from healthqa.pagecache.redis import get_quickly

GENERATION_KEY = "healthqa:content-generation"
PAGE_TIMEOUT = 60 * 60 * 24
# Set per response.
_UNSTORED_HEADERS = {"content-length", "x-page-cache", "set-cookie"}
# Part of every key: a release that changes what store() keeps changes it, so that pages stored
# by the previous release are never read in the new shape.
_STORED_FORMAT = 3


def _next_publication():
    """The earliest moment a scheduled question or article becomes public, or None."""

    now = timezone.now()
    scheduled = [
        model.objects.filter(status=model.Status.PUBLISHED, published_at__gt=now)
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
    generation = get_quickly(GENERATION_KEY)
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


def cacheable(meta):
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


def page_key(generation, meta):
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
        stored = get_quickly(key)
        if stored is not None:
            if len(_local_pages) >= _LOCAL_PAGES_MAX:
                _local_pages.clear()
            _local_pages[key] = stored
    return stored


def find(meta):
    """The stored page for this request in the live generation, or None. No database here:
    without a live generation nothing can be cached yet, and the view (through `cached_page`)
    starts one. On a miss the generation is left in `meta` for `cached_page`: a page rendered
    after a change but stored under the generation read before it is never looked up again."""
    generation = get_quickly(GENERATION_KEY)
    if generation is None or _expired(generation):
        return None
    stored = _lookup(page_key(generation, meta))
    if stored is None:
        meta[GENERATION_READ] = generation
    return stored


def store(key, body, response):
    """The body and its headers as a hit sends them (a list of pairs, as start_response takes)."""
    headers = [
        (name, value)
        for name, value in response.headers.items()
        if name.lower() not in _UNSTORED_HEADERS
    ]
    headers += [("Content-Length", str(len(body))), ("X-Page-Cache", "hit")]
    cache.set(key, {"body": body, "headers": headers}, PAGE_TIMEOUT)


def respond(request, stored):
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


# Left in the environ by find() when it found no page: the generation it read, which
# cached_page() reuses and which tells PageCacheMiddleware the lookup was made.
GENERATION_READ = "healthqa.page_cache.generation"
