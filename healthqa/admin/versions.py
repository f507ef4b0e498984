"""No lost update: change forms remember the version they were loaded with."""

import hashlib

from django import forms
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.text import capfirst

from healthqa.admin.base import ChecksPostedIds
from healthqa.core.bases import Versioned
from healthqa.core.text import user_label, when
from healthqa.models import ModerationEvent

LOADED_FIELDS = ("loaded_version", "loaded_state")
LOADED_STATE_SALT = "healthqa.admin.loaded-state"


class UnlabelledHiddenInput(forms.HiddenInput):
    """A hidden input the admin's fieldset names with text, not a <label for> (a label must
    point at a visible control)."""

    def id_for_label(self, id_):
        return ""


def _mark(value):
    return hashlib.blake2b(repr(value).encode(), digest_size=6).hexdigest()


def state_marks(obj, related=()):
    """A short hash of each editable field, many-to-many field and inline of `obj`, by label.

    Kept in the change form, it tells an editor whose save was refused which parts of the
    row changed since the form was loaded.
    """
    marks = {}
    for field in obj._meta.concrete_fields:
        if field.primary_key or not field.editable or field.name == "updated_at":
            continue
        marks[str(capfirst(field.verbose_name))] = _mark(field.value_from_object(obj))
    for field in obj._meta.many_to_many:
        values = getattr(obj, field.name).order_by("pk").values_list("pk", flat=True)
        marks[str(capfirst(field.verbose_name))] = _mark(list(values))
    for label, model, fk_name in related:
        rows = model._default_manager.filter(**{fk_name: obj.pk}).order_by("pk").values_list()
        marks[str(capfirst(label))] = _mark(list(rows))
    return marks


def last_change(obj):
    """(user or None, when) of the newest recorded change: revision history, admin log
    or moderation record, whichever is newest."""
    content_type = ContentType.objects.get_for_model(obj)
    # (records of this row, their time field, their user field)
    sources = [
        (
            LogEntry.objects.filter(content_type=content_type, object_id=str(obj.pk)),
            "action_time",
            "user",
        ),
        (
            ModerationEvent.objects.filter(content_type=content_type, object_id=obj.pk),
            "created_at",
            "actor",
        ),
    ]
    if hasattr(type(obj), "history"):
        history = type(obj).history.filter(**{obj._meta.pk.attname: obj.pk})
        sources.append((history, "history_date", "history_user"))
    found = []
    for records, at, by in sources:
        record = records.select_related(by).order_by(f"-{at}", "-pk").first()
        if record is not None:
            found.append((getattr(record, at), getattr(record, by)))
    if not found:
        return None, None
    newest = max(when for when, _ in found)
    # Several records of one change share (almost) its time; prefer one that names the user.
    close = [user for when, user in found if (newest - when).total_seconds() < 2 and user]
    return (close[0] if close else None), newest


def conflict_message(obj, *, loaded, current, loaded_state, related=()):
    """Why a save was refused: who saved last and when, and which parts changed."""
    user, changed_at = last_change(obj)
    who = user_label(user)
    try:
        before = signing.loads(loaded_state or "", salt=LOADED_STATE_SALT)
    except signing.BadSignature:
        before = None
    if isinstance(before, dict):
        now = state_marks(obj, related)
        fields = [label for label, mark in now.items() if before.get(label) != mark]
        what = (
            f"Changed since: {', '.join(fields)}."
            if fields
            else "Changed since: its state or review (no field you can edit here)."
        )
    else:
        what = "Its history lists what changed."
    saves = current - loaded
    return (
        f"This {obj._meta.verbose_name} was changed after you opened it: {who} saved it "
        f"{'at ' + when(changed_at) if changed_at else 'meanwhile'} "
        f"({saves} {'save' if saves == 1 else 'saves'} since your copy, version {loaded}; it is "
        f"now at version {current}). {what} Nothing was saved: your changes are still in the "
        "form below. Compare them with the current version (History, in a new tab), then "
        "save again to replace it with yours."
    )


class VersionCheckForm(forms.ModelForm):
    """A change form that refuses to overwrite a row changed since the form was loaded.

    The check runs under a row lock in the admin's transaction, so of two editors who post
    from the same version exactly one is saved; the other gets the form back, input intact,
    with a message saying who changed what. The hidden version is then moved on, so saving
    again (after reading the message) deliberately replaces the newer version.
    """

    loaded_version = forms.CharField(widget=UnlabelledHiddenInput, required=False)
    loaded_state = forms.CharField(widget=UnlabelledHiddenInput, required=False)
    version_related = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A posted form shows what was posted; only a fresh one needs the marks computed.
        if self.is_versioned and "loaded_version" in self.fields and not self.is_bound:
            self.initial.setdefault("loaded_version", self.instance.version)
            self.initial.setdefault("loaded_state", self.loaded_state_token())

    @property
    def is_versioned(self):
        return isinstance(self.instance, Versioned) and self.instance.pk is not None

    def loaded_state_token(self):
        marks = state_marks(self.instance, self.version_related)
        return signing.dumps(marks, salt=LOADED_STATE_SALT, compress=True)

    def clean(self):
        cleaned = super().clean()
        if not self.is_versioned or "loaded_version" not in self.fields:
            return cleaned
        raw = str(self.data.get(self.add_prefix("loaded_version"), "")).strip()
        current = self.instance.locked_version()
        if current is None:
            return cleaned
        if not raw.isdigit():
            raise ValidationError(
                "This form does not say which version it was loaded from, so saving it could "
                "overwrite someone else's change. Reload the page and make your change again.",
                code="no_version",
            )
        loaded = int(raw)
        if loaded != current:
            message = conflict_message(
                self.instance,
                loaded=loaded,
                current=current,
                loaded_state=self.data.get(self.add_prefix("loaded_state")),
                related=self.version_related,
            )
            self.data = self.data.copy()
            self.data[self.add_prefix("loaded_version")] = str(current)
            self.data[self.add_prefix("loaded_state")] = self.loaded_state_token()
            raise ValidationError(message, code="edit_conflict")
        self.instance.expected_version = loaded
        return cleaned


def with_loaded_fields(fieldsets, obj):
    """`fieldsets` with the hidden version fields last (on change pages of versioned rows).

    An admin that builds its own fieldsets without calling super() returns them through this.
    """
    fieldsets = [
        (name, {**options, "fields": [f for f in options["fields"] if f not in LOADED_FIELDS]})
        for name, options in fieldsets
    ]
    if obj is None or not isinstance(obj, Versioned):
        return fieldsets
    return [*fieldsets, (None, {"fields": list(LOADED_FIELDS), "classes": ("hidden",)})]


def inline_foreign_key(parent, inline):
    """The foreign key of `inline`'s model that points at `parent` (its `fk_name` if set)."""
    return next(
        field
        for field in inline.model._meta.get_fields()
        if field.many_to_one
        and field.concrete
        and (field.name == inline.fk_name if inline.fk_name else field.related_model is parent)
    )


class VersionedAdmin(ChecksPostedIds):
    """Change forms carry the version they were loaded with; a stale save is refused.

    The base of each of our admins whose rows are edited, so it carries `ChecksPostedIds` too.
    """

    form = VersionCheckForm

    def get_fieldsets(self, request, obj=None):
        return with_loaded_fields(super().get_fieldsets(request, obj), obj)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is None or not issubclass(form, VersionCheckForm):
            return form
        return type(form.__name__, (form,), {"version_related": self.version_related()})

    def version_related(self):
        """(label, model, lookup) of the inline rows saved with the form (the version covers
        them: they are saved in the same transaction, after the checked parent)."""
        related = []
        for inline in self.inlines:
            fk = inline_foreign_key(self.model, inline)
            related.append((inline.model._meta.verbose_name_plural, inline.model, fk.attname))
        return tuple(related)
