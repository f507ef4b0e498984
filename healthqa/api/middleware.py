"""The API's HTTP layer, first in MIDDLEWARE: CORS, partner keys, the rate limit, JSON errors.

Only paths under /api/ are touched. Refusals (405, 401, 429) are answered here before anything
else runs; everything else goes down the stack (the page cache included, which then stores and
replays API responses like pages) and comes back to get this client's headers.
"""

import math
import time
import zlib
from http import HTTPStatus

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

from healthqa.api.site import error
from healthqa.models.partners import PartnerKey
from healthqa.public.ratelimit import client_ip

PREFIX = "/api/"
# The docs are a page of the site (its cookies, its errors), not a call to the API.
DOCS = "/api/docs/"
METHODS = "GET, HEAD, OPTIONS"
WINDOW = 60
CORS = {
    "Access-Control-Allow-Origin": "*",
    # Public data for any site: not the pages' `same-origin` (SecurityHeadersMiddleware).
    "Cross-Origin-Resource-Policy": "cross-origin",
    "Access-Control-Expose-Headers": (
        "ETag, Last-Modified, Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset"
    ),
}
PREFLIGHT = {
    **CORS,
    "Access-Control-Allow-Methods": METHODS,
    "Access-Control-Allow-Headers": "Authorization",
    "Access-Control-Max-Age": "86400",
    "Allow": METHODS,
}
INVALID_TOKEN = 'Bearer error="invalid_token"'
# Kept when a non-JSON error page is turned into JSON: what the body said is replaced, the rest
# (security headers, Allow, Retry-After, Vary) still holds.
_BODY_HEADERS = {"content-type", "content-length", "content-disposition", "cache-control"}


def count(client, *, now):
    """Count one request for `client` in its current one-minute window, in Django's cache (shared
    by every process): (requests so far in the window, seconds until it ends).

    Each client's minute starts at a second of its own, so that refused clients do not all come
    back at once. One cache round trip, except for the first request of a window.
    """
    second = int(now)
    start = second - (second - zlib.crc32(client.encode())) % WINDOW
    key = f"ratelimit:api:{client}:{start}"
    left = start + WINDOW - now
    try:
        return cache.incr(key), left
    except ValueError:
        # The window's first request; add() is atomic, so of two racing processes one starts it.
        if cache.add(key, 1, timeout=math.ceil(left) + 1):
            return 1, left
        return cache.incr(key), left


class ApiMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if not path.startswith(PREFIX) or path.startswith(DOCS):
            return self.get_response(request)
        if request.method == "OPTIONS":
            return _with(HttpResponse(status=204), PREFLIGHT)
        if request.method not in ("GET", "HEAD"):
            refusal = error(405, f"Method {request.method} is not allowed: the API is read-only.")
            return _with(refusal, {**CORS, "Allow": METHODS})
        # Cookies are not read or set here: the API is the same for everyone, staff included.
        request.META.pop("HTTP_COOKIE", None)
        request.partner_key, refused = _partner_key(request)
        if request.partner_key is not None:
            client, limit = f"key:{request.partner_key.pk}", request.partner_key.rate_limit
        else:
            client = f"ip:{client_ip(request) or 'unknown'}"
            limit = settings.HEALTHQA_API_RATE_LIMIT
        used, left = count(client, now=time.time())
        reset = str(max(1, math.ceil(left)))
        if used > limit:
            message = f"Too many requests: at most {limit} a minute."
            response = error(429, message, Retry_After=reset)
        elif refused:
            response = error(401, "Unknown or revoked API key.", WWW_Authenticate=INVALID_TOKEN)
        else:
            response = _as_json(self.get_response(request))
            response.cookies.clear()
        return _with(
            response,
            {
                **CORS,
                "RateLimit-Limit": str(limit),
                "RateLimit-Remaining": str(max(0, limit - used)),
                "RateLimit-Reset": reset,
            },
        )


def _partner_key(request):
    """(the key the request names, or None; whether the key it sent is refused)."""
    header = request.META.get("HTTP_AUTHORIZATION", "").strip()
    if not header:
        return None, False
    scheme, _, raw = header.partition(" ")
    key = PartnerKey.objects.for_bearer(raw.strip()) if scheme.lower() == "bearer" else None
    return key, key is None


def _with(response, headers):
    for name, value in headers.items():
        response[name] = value
    return response


def _as_json(response):
    """A 4xx or 5xx that is not JSON already (Django's HTML 404, a bad Host's 400) as our JSON
    error, with the same status and the headers that do not describe the old body."""
    if response.status_code < 400 or response.get("Content-Type", "").startswith(
        "application/json"
    ):
        return response
    try:
        phrase = HTTPStatus(response.status_code).phrase
    except ValueError:
        phrase = "Request refused" if response.status_code < 500 else "Server error"
    converted = error(response.status_code, phrase[0] + phrase[1:].lower() + ".")
    for name, value in response.headers.items():
        if name.lower() not in _BODY_HEADERS:
            converted[name] = value
    return converted
