"""A shared page cache for readers that never serves stale content.

Every cached page is stored under the current *content generation*. Any change to something a
public page can show (questions, answers, experts, articles, topics, picks, tags, site settings,
ads) calls `content_changed()`, which starts a new generation: every page cached before it is
simply never looked up again. Items scheduled for later need no job either: the generation
remembers the earliest future `published_at`, and the first request after that moment starts a
new generation.

Only anonymous GET/HEAD requests without a session are cached, so staff previews, messages and
per-reader state ("you found this helpful") are never stored or served from here. CSRF tokens
are not stored: the cached HTML keeps a placeholder that each response fills with the reader's
own token.
"""

import functools
import hashlib
import time
import uuid
import zlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import http_date

GENERATION_KEY = "healthqa:content-generation"
PAGE_TIMEOUT = 60 * 60 * 24
CSRF_PLACEHOLDER = "__healthqa_csrf_placeholder__"


def _next_publication():
    """The earliest moment a scheduled question or article becomes public, or None."""
    from articles.models import Article
    from healthqa.models import Question

    now = timezone.now()
    moments = [
        model.objects.filter(status="published", published_at__gt=now)
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
        for model in (Question, Article)
    ]
    moments = [m for m in moments if m is not None]
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
    generation = cache.get(GENERATION_KEY)
    if generation is None or _expired(generation):
        generation = _new_generation()
        cache.set(GENERATION_KEY, generation, None)
    return generation


def _cacheable(request):
    """Anonymous readers without a session: nothing on their page is theirs alone."""
    return request.method in {"GET", "HEAD"} and settings.SESSION_COOKIE_NAME not in request.COOKIES


def _key(generation, request):
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"healthqa:page:{generation['id']}:{path}"


def _respond(request, stored, generation, key, state):
    response = HttpResponse(
        stored["content"].replace(CSRF_PLACEHOLDER, get_token(request)),
        content_type=stored["content_type"],
    )
    response["Last-Modified"] = http_date(stored["last_modified"])
    # Per generation, not per body: the body differs by its CSRF token on every response.
    response["ETag"] = f'W/"{generation["id"]}-{zlib.crc32(key.encode()):08x}"'
    response["X-Page-Cache"] = state
    patch_cache_control(response, no_cache=True)
    return response


# Stored pages never change under their key (a new generation gets new keys), so each worker
# may keep recently served ones in memory and skip fetching the page from a shared cache.
_local_pages = {}
_LOCAL_PAGES_MAX = 256


def _lookup(key):
    stored = _local_pages.get(key)
    if stored is None:
        stored = cache.get(key)
        if stored is not None:
            if len(_local_pages) >= _LOCAL_PAGES_MAX:
                _local_pages.clear()
            _local_pages[key] = stored
    return stored


class PageCacheMiddleware:
    """Answer cache hits before sessions, authentication and the view are touched.

    Sits after CsrfViewMiddleware (which reads the reader's CSRF cookie and sets it on the way
    out) and before SessionMiddleware. Misses fall through to views wrapped in `cached_page`.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _cacheable(request):
            # No database here: without a live generation nothing can be cached yet, and the
            # view (through `cached_page`) starts one.
            generation = cache.get(GENERATION_KEY)
            if generation is not None and not _expired(generation):
                key = _key(generation, request)
                stored = _lookup(key)
                if stored is not None:
                    return _respond(request, stored, generation, key, "hit")
        return self.get_response(request)


def cached_page(view):
    """Render an anonymous reader's page once per content generation and store it."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not _cacheable(request) or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        generation = current_generation()
        key = _key(generation, request)
        request.renders_for_page_cache = True  # read by the site context processor
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        if response.status_code != 200 or response.cookies or getattr(request, "is_preview", False):
            if CSRF_PLACEHOLDER.encode() in response.content:
                response.content = response.content.replace(
                    CSRF_PLACEHOLDER.encode(), get_token(request).encode()
                )
            return response
        stored = {
            "content": response.content.decode(response.charset),
            "content_type": response["Content-Type"],
            "last_modified": generation["at"],
        }
        cache.set(key, stored, PAGE_TIMEOUT)
        return _respond(request, stored, generation, key, "miss")

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
