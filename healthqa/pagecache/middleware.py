"""Answering hits (the middleware and the WSGI wrapper) and rendering misses for the cache
(`cached_page`)."""

import functools
import hashlib
import math
import time

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.core.handlers.wsgi import get_path_info, get_script_name
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date

from healthqa.pagecache import feed as feed_module
from healthqa.pagecache.feed import refresh_or_none
from healthqa.pagecache.keys import collecting
from healthqa.pagecache.purge import EVERYTHING
from healthqa.pagecache.store import LOOKED_UP, cacheable, find, page_key, respond, store


class PageCacheMiddleware:
    """First in MIDDLEWARE after ApiMiddleware (which counts API requests). Answers hits at
    once; stores what `cached_page` rendered.

    A miss runs the whole stack, so the page is stored on the way out with every header the
    other middleware added; the next hit replays them and touches nothing else.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if cacheable(request.META) and LOOKED_UP not in request.META:
            stored = find(request.META)
            if stored is not None:
                return respond(request, stored)
        response = self.get_response(request)
        pending = getattr(response, "page_cache_pending", None)
        # Any cookie (messages being cleared, say) means the page was this reader's alone.
        if pending is not None and response.status_code == 200 and not response.cookies:
            key, body, checks = pending
            store(key, body, response, **checks)
        elif pending is None:
            keep_private(request, response)
        return response


def keep_private(request, response):
    """Tell shared caches to keep out of what was rendered for one person.

    Staff and preview links: `private, no-store`. A reader with a session, or a response that
    sets a cookie: `private, no-cache` unless the view said `no-store` already. Public pages of
    the page cache carry their own header (`cached_page`)."""
    control = response.get("Cache-Control", "")
    user = getattr(request, "user", None)
    if getattr(request, "is_preview", False) or (user is not None and user.is_staff):
        response["Cache-Control"] = "private, no-store"
    elif "no-store" in control:
        return
    elif (
        response.cookies
        or settings.SESSION_COOKIE_NAME in request.COOKIES
        or (user is not None and user.is_authenticated)
    ):
        response["Cache-Control"] = "private, no-cache"


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
            # API requests go on to Django: ApiMiddleware counts them against the rate limit.
            if cacheable(meta) and not meta["PATH_INFO"].startswith("/api/"):
                stored = find(meta)
                if stored is not None:
                    start_response("200 OK", stored["headers"])
                    return [stored["body"]]
                if LOOKED_UP in meta:
                    environ[LOOKED_UP] = True
        return self.application(environ, start_response)


def cached_page(view):
    """Render an anonymous reader's page with the keys of what it shows; the middleware stores
    it, and it tells shared caches how to keep it (`Cache-Control`, validators,
    `Surrogate-Key`)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not cacheable(request.META) or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        feed = feed_module.feed if request.META.get(LOOKED_UP) else refresh_or_none()
        if feed is None:
            return view(request, *args, **kwargs)
        stamp, at = feed.position(), time.time()
        if not isinstance(caches["default"], DummyCache):
            # Read by shared_part(): with a cache that keeps nothing, sharing parts between
            # pages would only add queries.
            request.page_stamp = (stamp, at)
        with collecting() as found:
            found.add(EVERYTHING)  # changed by migrations (and by nothing else)
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
        body = response.content
        response["Last-Modified"] = http_date(at)
        response["ETag"] = f'W/"{hashlib.sha256(body).hexdigest()[:24]}"'
        response["X-Page-Cache"] = "miss"
        shared_age = min(settings.HEALTHQA_PROXY_MAX_AGE, feed.seconds_to_next_event())
        response["Cache-Control"] = f"public, max-age=0, s-maxage={max(0, math.floor(shared_age))}"
        response["Surrogate-Key"] = " ".join(sorted(found))
        patch_vary_headers(response, ["Cookie"])
        response.page_cache_pending = (
            page_key(request.META),
            body,
            {"stamp": stamp, "at": at, "keys": tuple(found)},
        )
        return response

    return wrapped
