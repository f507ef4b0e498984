"""A small per-client rate limit for public forms, counted in Django's cache.

With REDIS_URL the cache is shared, so the limit holds across all web workers. The client is
REMOTE_ADDR, or, behind HEALTHQA_TRUSTED_PROXY_COUNT proxies, the address the outermost trusted
proxy saw (counted from the right of X-Forwarded-For, which clients cannot forge that far).
"""

import ipaddress
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render


def _valid_ip(value):
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request):
    """The client's IP address as a string, or None when the request carries no valid one.

    Also django-axes' AXES_CLIENT_IP_CALLABLE, so login lockouts count the same address.
    """
    remote = _valid_ip(request.META.get("REMOTE_ADDR", ""))
    proxies = getattr(settings, "HEALTHQA_TRUSTED_PROXY_COUNT", 0)
    if proxies > 0:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [hop for hop in hops if hop]
        if hops:
            candidate = hops[-proxies] if len(hops) >= proxies else hops[0]
            return _valid_ip(candidate) or remote
    return remote


def hit(scope, key, *, limit, period):
    """Count one attempt; True while the client is within `limit` attempts per `period`."""
    cache_key = f"ratelimit:{scope}:{key}"
    # add() starts the window only if none is running; incr() is atomic in Redis and locmem.
    cache.add(cache_key, 0, timeout=period)
    try:
        count = cache.incr(cache_key)
    except ValueError:
        # The window expired between add() and incr().
        cache.set(cache_key, 1, timeout=period)
        count = 1
    return count <= limit


def too_many_requests(request, period):
    response = render(request, "429.html", {"retry_minutes": max(1, period // 60)}, status=429)
    response["Retry-After"] = str(period)
    return response


def rate_limited(scope, *, limit=None, period=None, methods=("POST",)):
    """Decorator: more than `limit` `methods` requests per client per `period` seconds get 429.

    Defaults come from HEALTHQA_FORM_RATE_LIMIT (5) and HEALTHQA_FORM_RATE_PERIOD (3600).
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in methods:
                allowed = limit or settings.HEALTHQA_FORM_RATE_LIMIT
                window = period or settings.HEALTHQA_FORM_RATE_PERIOD
                client = client_ip(request) or "unknown"
                if not hit(scope, client, limit=allowed, period=window):
                    return too_many_requests(request, window)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
