"""Abstract bases and helpers every content model shares: timestamps, versions that refuse lost
updates, unique slugs. Imports no model of ours."""

from django.core.exceptions import ValidationError
from django.db import models, router, transaction
from django.utils import timezone
from django.utils.text import slugify

from healthqa.core.markdown import render_markdown


def unique_slug(model, value, *, instance=None, field="slug", max_length=200):
    """A slug for `value` that no other row of `model` uses yet."""
    base = (slugify(value) or "item")[: max_length - 8].strip("-") or "item"
    candidate, n = base, 2
    others = model._default_manager.all()
    if instance is not None and instance.pk:
        others = others.exclude(pk=instance.pk)
    while others.filter(**{field: candidate}).exists():
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def with_rendered(update_fields):
    """A partial save that writes `body` must also write the HTML rendered from it."""
    if update_fields is not None and "body" in update_fields:
        return {*update_fields, "body_html"}
    return update_fields


class RendersBody(models.Model):
    """Keeps `body_html`, the sanitized HTML of the Markdown `body`, with every save."""

    class Meta:
        abstract = True

    def render_body(self):
        """`body_html` from `body`, as a save stores it (a live preview renders unsaved text)."""
        self.body_html = render_markdown(self.body)

    def save(self, *args, **kwargs):
        self.render_body()
        kwargs["update_fields"] = with_rendered(kwargs.get("update_fields"))
        super().save(*args, **kwargs)


class Timestamped(models.Model):
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class EditConflict(ValidationError):
    """A change based on a version of a row that is no longer the latest: refused, not applied."""

    def __init__(self, obj, *, expected, current, message=None):
        self.obj, self.expected, self.current = obj, expected, current
        if message is None:
            message = (
                f"This {obj._meta.verbose_name} was changed by someone else after you opened it "
                f"(you had version {expected}; it is now at version {current}). Nothing was "
                "saved: open it again and repeat your change."
            )
        super().__init__(message, code="edit_conflict")


class Versioned(models.Model):
    """Optimistic concurrency: `version` goes up by one with every saved change.

    A save locks the row and bumps the version. When the caller says which version its change
    is based on (`obj.expected_version = n`, as the admin forms and the moderation methods do),
    a row that has moved on since is refused with EditConflict instead of being overwritten.
    """

    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Goes up by one with every saved change; forms use it to refuse lost updates.",
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        expected = self.__dict__.pop("expected_version", None)
        if self.pk is None or kwargs.get("force_insert"):
            return super().save(*args, **kwargs)
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            current = self.locked_version(using=using)
            if current is None:  # a new row with a chosen primary key
                return super().save(*args, **kwargs)
            if expected is not None and expected != current:
                raise EditConflict(self, expected=expected, current=current)
            before, self.version = self.version, current + 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
            try:
                super().save(*args, **kwargs)
            except BaseException:
                self.version = before
                raise

    def locked_version(self, using=None):
        """The version in the database, the row locked until the transaction ends."""
        rows = type(self)._base_manager.using(using or router.db_for_read(type(self)))
        if transaction.get_connection(rows.db).in_atomic_block:
            rows = rows.select_for_update()
        return rows.filter(pk=self.pk).values_list("version", flat=True).first()

    def check_version(self, current, expected=None):
        """Refuse a change based on `expected` (default: this instance's version) when the
        locked row `current` has moved on."""
        expected = self.version if expected is None else expected
        if current.version != expected:
            raise EditConflict(current, expected=expected, current=current.version)
