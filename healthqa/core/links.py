"""`reverse()` remembered: a URL name with the same arguments always gives the same path.

Pages link to the same topics, experts, articles and questions over and over; Django's
`reverse()` redoes its pattern work (about 25 µs) on every call. The memo is keyed by the URL
configuration and script prefix in force, and emptied when the URL settings change.
"""

import functools

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse


@functools.lru_cache(maxsize=8192)
def _reverse(viewname, kwargs, urlconf, prefix):
    return reverse(viewname, kwargs=dict(kwargs), urlconf=urlconf)


def cached_reverse(viewname, **kwargs):
    return _reverse(viewname, tuple(sorted(kwargs.items())), get_urlconf(), get_script_prefix())


@receiver(setting_changed)
def _forget(setting, **kwargs):
    if setting in {"ROOT_URLCONF", "FORCE_SCRIPT_NAME", "INSTALLED_APPS"}:
        _reverse.cache_clear()
