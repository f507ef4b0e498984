"""Receivers (connected in `healthqa.apps`) that start a new content generation when a row that
public pages show is written or deleted.

Receivers rather than save() overrides, so that bulk deletes, tag changes and many-to-many
edits made by the admin are covered too, and `rows_updated` for model code that writes with
`QuerySet.update()`.
"""

from django.apps import apps
from django.db import transaction
from django.db.models import signals

from healthqa.core.signals import rows_updated
from healthqa.pagecache.store import content_changed

WATCHED = [
    "healthqa.Topic", "healthqa.Question", "healthqa.Answer", "healthqa.ContinueLearningPick",
    "healthqa.SiteSettings", "healthqa.AdPlacement", "experts.Expert", "articles.Article",
    "articles.Source", "taggit.Tag", "taggit.TaggedItem",
]  # fmt: skip


def changed(sender, **kwargs):
    """Bump now and again after commit: a page rendered between the write and the commit
    (still showing the old rows) is dropped by the second bump."""
    content_changed()
    transaction.on_commit(content_changed, using=kwargs.get("using"))


def connect():
    """Connect the receivers (from `HealthQAConfig.ready()`)."""
    for label in WATCHED:
        model = apps.get_model(label)
        signals.post_save.connect(changed, sender=model, dispatch_uid=f"page-cache:{label}")
        signals.post_delete.connect(changed, sender=model, dispatch_uid=f"page-cache-d:{label}")
    signals.m2m_changed.connect(
        changed, sender=apps.get_model("experts.Expert").specialties.through,
        dispatch_uid="page-cache:specialties",
    )  # fmt: skip
    rows_updated.connect(changed, dispatch_uid="page-cache:rows_updated")
