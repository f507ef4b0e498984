"""Stored pages: keys derived from the raw request, and what a hit is checked against."""

import hashlib

from django.conf import settings
from django.core.cache import caches
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpResponse
from django.http.cookie import parse_cookie
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe

from healthqa.pagecache.feed import refresh_or_none
from healthqa.pagecache.redis import get_quickly

PAGE_TIMEOUT = 60 * 60 * 24
# Set per response.
_UNSTORED_HEADERS = {"content-length", "x-page-cache", "set-cookie"}
# Part of every key: a release that changes what store() keeps changes it, so that pages stored
# by the previous release are never read in the new shape.
_STORED_FORMAT = 4


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


def page_key(meta):
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
    return f"healthqa:page:{hashlib.sha256(address.encode()).hexdigest()}"


# Each worker keeps recently served pages in memory and checks them like any other: a page
# another worker stored since is fetched when this copy is no longer valid.
_local_pages = {}
_LOCAL_PAGES_MAX = 256


def pages_alias():
    """The cache that keeps stored pages: its own where configured ("pages"), else the default."""
    return "pages" if "pages" in settings.CACHES else "default"


def _valid(feed, stored):
    return feed.valid(stored["stamp"], stored["at"], stored["keys"])


def find(meta):
    """The stored page for this request if nothing it shows has changed since, or None."""
    feed = refresh_or_none()
    if feed is None:
        return None
    meta[LOOKED_UP] = True  # and the feed is fresh: cached_page() need not read the bell again
    key = page_key(meta)
    stored = _local_pages.get(key)
    if stored is None or not _valid(feed, stored):
        stored = get_quickly(key, pages_alias())
        if stored is None or not _valid(feed, stored):
            return None
        if len(_local_pages) >= _LOCAL_PAGES_MAX:
            _local_pages.clear()
        _local_pages[key] = stored
    return stored


def store(key, body, response, *, stamp, at, keys):
    """The body and its headers as a hit sends them (a list of pairs, as start_response takes),
    with what `find()` checks: the log position and moment it was rendered at, and its keys."""
    headers = [
        (name, value)
        for name, value in response.headers.items()
        if name.lower() not in _UNSTORED_HEADERS
    ]
    headers += [("Content-Length", str(len(body))), ("X-Page-Cache", "hit")]
    page = {"body": body, "headers": headers, "stamp": stamp, "at": at, "keys": keys}
    caches[pages_alias()].set(key, page, PAGE_TIMEOUT)


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


# Left in the request's environ by find() (and by PageCacheApp): the page was looked up and the
# feed read, so neither PageCacheMiddleware nor cached_page() does either again.
LOOKED_UP = "healthqa.page_cache.looked_up"


def clear_local():
    _local_pages.clear()
