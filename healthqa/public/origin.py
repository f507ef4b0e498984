"""Cross-site request protection without a token, for the reader's one-click forms.

A page with a CSRF token is different for every reader, so it cannot be served to everyone from
the page cache. The "Was this helpful?" vote on the question page therefore carries no token;
its view is guarded by what the browser itself says about where the request comes from:

- `Sec-Fetch-Site` (sent by every current browser): only `same-origin` (or `none`, a request
  the reader made directly) is accepted;
- without it, `Origin` (sent with every cross-origin POST since 2020) must be this site's own
  origin or one of `CSRF_TRUSTED_ORIGINS`; `Origin: null` is refused;
- a request with neither header does not come from a browser, so it cannot be a forged request
  riding on a reader's browser, and is accepted.

This is the check Go's `net/http.CrossOriginProtection` makes. Forms that change anything
more than an anonymous vote (reports, questions, logins) keep Django's token-based protection.
"""

import functools

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.urls import get_callable
from django.views.decorators.csrf import csrf_exempt

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


def cross_site_reason(request):
    """Why this request looks forged by another site, or None when it does not."""
    if request.method in SAFE_METHODS:
        return None
    fetch_site = request.META.get("HTTP_SEC_FETCH_SITE")
    if fetch_site is not None:
        if fetch_site in {"same-origin", "none"}:
            return None
        return f"the browser says this request came from another site ({fetch_site})."
    origin = request.META.get("HTTP_ORIGIN")
    if origin is None:
        return None
    try:
        own = f"{request.scheme}://{request.get_host()}"
    except DisallowedHost:
        return "the request is for a host this site does not serve."
    if origin == own or origin in settings.CSRF_TRUSTED_ORIGINS:
        return None
    return f"the request came from another origin ({origin[:100]})."


def same_origin_only(view):
    """Refuse cross-site POSTs by the browser's own headers instead of a CSRF token."""

    @csrf_exempt
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        reason = cross_site_reason(request)
        if reason is not None:
            return get_callable(settings.CSRF_FAILURE_VIEW)(request, reason=reason)
        return view(request, *args, **kwargs)

    return wrapped
