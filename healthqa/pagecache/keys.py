"""The content keys a page shows, gathered while it renders.

Every row of a watched model loaded during the render adds its row key (`question:5`) through
`post_init`; list pages add the collection keys of what could enter them (`depends_on`). The
names match what the triggers write (`healthqa.pagecache.triggers`).
"""

import contextlib
from contextvars import ContextVar

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models.signals import post_init

_found = ContextVar("healthqa_page_keys", default=None)

ROW_KEYS = {
    "healthqa.Topic": "topic", "healthqa.Question": "question", "healthqa.Answer": "answer",
    "healthqa.SiteSettings": "sitesettings", "healthqa.AdPlacement": "adplacement",
    "experts.Expert": "expert", "articles.Article": "article", "articles.Source": "source",
    "taggit.Tag": "tag", "healthqa.Correction": "correction",
    "healthqa.PublisherPage": "publisherpage",
}  # fmt: skip
_prefixes = {}


@contextlib.contextmanager
def collecting():
    """Gather the keys of what is loaded inside the block into the set it yields. Nested blocks
    also pass what they gather to the enclosing one."""
    outer = _found.get()
    found = set()
    token = _found.set(found)
    try:
        yield found
    finally:
        _found.reset(token)
        if outer is not None:
            outer |= found


def depends_on(*keys):
    """Name keys the page being rendered depends on beyond the rows it loads."""
    found = _found.get()
    if found is not None:
        found.update(keys)


def key_of(instance):
    """The row key of a watched model's saved instance, else None."""
    prefix = _prefixes.get(type(instance))
    if prefix is not None and instance.pk is not None:
        return f"{prefix}:{instance.pk}"
    return None


def _loaded(sender, instance, **kwargs):
    found = _found.get()
    if found is not None:
        prefix = _prefixes.get(sender)
        if prefix is not None and instance.pk is not None:
            found.add(f"{prefix}:{instance.pk}")


def connect():
    _prefixes.update({apps.get_model(label): name for label, name in ROW_KEYS.items()})
    _prefixes[get_user_model()] = "user"
    post_init.connect(_loaded, dispatch_uid="page-cache:keys")
