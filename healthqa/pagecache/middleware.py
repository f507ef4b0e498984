"""Answering hits (the middleware and the WSGI wrapper) and rendering misses for the cache
(`cached_page`)."""

import functools
import zlib

from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.core.handlers.wsgi import get_path_info, get_script_name
from django.utils.cache import patch_cache_control
from django.utils.http import http_date

from healthqa.pagecache.store import (
    GENERATION_READ,
    cacheable,
    current_generation,
    find,
    page_key,
    respond,
    store,
)


class PageCacheMiddleware:
    """First in MIDDLEWARE. Answers hits at once; stores what `cached_page` rendered.

    A miss runs the whole stack, so the page is stored on the way out with every header the
    other middleware added; the next hit replays them and touches nothing else.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if cacheable(request.META) and GENERATION_READ not in request.META:
            stored = find(request.META)
            if stored is not None:
                return respond(request, stored)
        response = self.get_response(request)
        pending = getattr(response, "page_cache_pending", None)
        # Any cookie (messages being cleared, say) means the page was this reader's alone.
        if pending is not None and response.status_code == 200 and not response.cookies:
            store(*pending, response)
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
            if cacheable(meta):
                stored = find(meta)
                if stored is not None:
                    start_response("200 OK", stored["headers"])
                    return [stored["body"]]
                if GENERATION_READ in meta:
                    environ[GENERATION_READ] = meta[GENERATION_READ]
        return self.application(environ, start_response)


def cached_page(view):
    """Render an anonymous reader's page once per content generation; the middleware stores it."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not cacheable(request.META) or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        generation = request.META.get(GENERATION_READ) or current_generation()
        key = page_key(generation, request.META)
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
