"""Small per-client limits for public forms and votes, counted in Django's cache.

The cache is shared (Redis with REDIS_URL, otherwise diskcache on this machine's disk), so the
limits hold across all web workers. The client is REMOTE_ADDR, or, behind
HEALTHQA_TRUSTED_PROXY_COUNT proxies, the address the outermost trusted proxy saw (counted from
the right of X-Forwarded-For, which clients cannot forge that far).
"""

import ipaddress
import math
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.utils.cache import patch_cache_control


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
    # add() starts the window only if none is running; incr() is atomic in Redis and diskcache.
    if cache.add(cache_key, 0, timeout=period):
        cache.set(f"{cache_key}:ends", time.time() + period, timeout=period)
    try:
        count = cache.incr(cache_key)
    except ValueError:
        # The window expired between add() and incr().
        cache.set(cache_key, 1, timeout=period)
        count = 1
    return count <= limit


def once_per_period(scope, key, period):
    """True the first time `key` is seen in `scope`, False again until `period` seconds later."""
    # add() is atomic: of two workers racing for the same key, only one stores it.
    return cache.add(f"once:{scope}:{key}", 1, timeout=period)


def seconds_to_wait(scope, key, period):
    """Seconds until the client's window in `scope` ends, rounded up to whole minutes, at most
    `period`. A window another worker started an instant ago may not show its end yet: `period`.
    """
    ends = cache.get(f"ratelimit:{scope}:{key}:ends")
    left = period if ends is None else ends - time.time()
    return max(1, min(period, math.ceil(left / 60) * 60))


def too_many_requests(request, period, *, template_name="429.html", context=None):
    """The 429 answer: `template_name` (a form's own page, say) with `retry_minutes`, and
    Retry-After `period` seconds."""
    context = {**(context or {}), "retry_minutes": max(1, math.ceil(period / 60))}
    response = render(request, template_name, context, status=429)
    response["Retry-After"] = str(period)
    # A refusal for this client at this moment: no cache may keep it or serve it to another.
    patch_cache_control(response, no_store=True)
    return response


def login_locked_out(request, original_response=None, credentials=None):
    """django-axes' AXES_LOCKOUT_CALLABLE: the forms' 429 page, for the cool-off period (always
    set in settings)."""
    from axes.helpers import get_cool_off

    return too_many_requests(request, round(get_cool_off(request).total_seconds()))


def rate_limited(scope, *, limit=None, period=None, methods=("POST",), form_view=False):
    """Decorator: more than `limit` `methods` requests per client per `period` seconds get 429.

    Defaults come from HEALTHQA_FORM_RATE_LIMIT (5) and HEALTHQA_FORM_RATE_PERIOD (3600).
    A `form_view` answers the refusal itself, so that the reader keeps what they typed: it is
    called with `request.rate_limit_wait`, the seconds to wait (None while within the limit),
    and shows its form again through `too_many_requests(..., template_name=...)`.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            request.rate_limit_wait = None
            if request.method in methods:
                allowed = limit or settings.HEALTHQA_FORM_RATE_LIMIT
                window = period or settings.HEALTHQA_FORM_RATE_PERIOD
                client = client_ip(request) or "unknown"
                if not hit(scope, client, limit=allowed, period=window):
                    wait = seconds_to_wait(scope, client, window)
                    if not form_view:
                        return too_many_requests(request, wait)
                    request.rate_limit_wait = wait
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
