"""Helpers shared by the admins of all three apps."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import model_ngettext, unquote
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Exists, OuterRef
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join

from healthqa.core.images import ImageUploadField
from healthqa.core.text import action_label, person_name, refusal, when
from healthqa.models import Answer, Assignment, ModerationEvent, Question

# Links typed without a scheme are taken as https (Django 6's default; no deprecation warning).
# Images are checked by our limits before Django's own Pillow check, so a decompression bomb
# gets the message that names the limit.
FIELD_OVERRIDES = {
    models.URLField: {"assume_scheme": "https"},
    models.ImageField: {"form_class": ImageUploadField},
}


def valid_ids(db_field, values):
    """The `values` that the column `db_field` points at can hold ("abc" cannot be an id)."""
    remote = db_field.remote_field
    opts = remote.model._meta
    target = opts.get_field(getattr(remote, "field_name", None) or opts.pk.name)
    kept = []
    for value in values:
        try:
            target.run_validators(target.to_python(value))
        except ValidationError:
            continue
        kept.append(value)
    return kept


class ValidIdsOnly:
    """For an autocomplete widget: shows only the posted values that can be ids.

    A bound form shows what was posted, and the widget looks it up to label it; a junk value
    made that lookup raise (HTTP 500) instead of letting the form report its error.
    """

    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, valid_ids(self.field, value), attr)


class CheckedAutocompleteSelect(ValidIdsOnly, AutocompleteSelect):
    pass


class CheckedAutocompleteSelectMultiple(ValidIdsOnly, AutocompleteSelectMultiple):
    pass


class CheckedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Refuses, as an invalid choice, a value the id column cannot hold before looking it up:
    on SQLite, 99999999999999999999 made the lookup raise OverflowError (HTTP 500)."""

    def _check_values(self, value):
        opts = self.queryset.model._meta
        field = opts.get_field(self.to_field_name) if self.to_field_name else opts.pk
        for pk in value if isinstance(value, list | tuple) else []:
            try:
                field.run_validators(field.to_python(pk))
            except ValidationError:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                ) from None
        return super()._check_values(value)


class ChecksPostedIds:
    """For a ModelAdmin or an inline: its relation fields answer junk ids with a form error.

    The admin site mixes it into every ModelAdmin it registers (`HealthQAAdminSite.register`),
    Django's own user and group admins included; an inline with autocomplete fields lists it
    first. (Django's raw-id widgets are safe already.)
    """

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = CheckedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", CheckedModelMultipleChoiceField)
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = CheckedAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


def missing_object(model_admin, request, object_id):
    """What the admin's own pages do for an id that names nothing the user may see: a warning
    and the admin home."""
    model_admin.message_user(
        request,
        f"{model_admin.opts.verbose_name} with ID “{unquote(object_id)}” doesn’t exist. "
        "Perhaps it was deleted?",
        messages.WARNING,
    )
    return redirect("admin:index")


def questions_for_expert(user):
    """The questions an expert works on: assigned to them, or answered by them."""
    return Question.objects.filter(
        Exists(Assignment.objects.filter(question=OuterRef("pk"), expert__user=user))
        | Exists(Answer.objects.filter(question=OuterRef("pk"), expert__user=user))
    )


def thumbnail(image, alt, *, width=None, height=None, box=64, empty="No image"):
    """A small <img> fitted into a `box`-pixel square, or a quiet placeholder text."""
    if not image:
        return format_html('<span class="quiet">{}</span>', empty)
    width, height = width or box, height or box
    scale = min(1, box / width, box / height)
    return format_html(
        '<img src="{}" width="{}" height="{}" alt="{}" loading="lazy">',
        image.url,
        max(1, round(width * scale)),
        max(1, round(height * scale)),
        alt,
    )


def publication_label(obj):
    """Published / Scheduled for <date> / Draft / Archived …, for questions and articles."""
    if obj.is_scheduled:
        return f"Scheduled for {when(obj.published_at)}"
    return obj.get_status_display()


def publish_outcome(obj):
    """What publish() did to `obj`: a publication date still to come schedules it."""
    return "Scheduled" if obj.is_scheduled else "Published"


def cut(text, limit=60):
    """`text` shortened to `limit` characters, the whole of it as its tooltip."""
    text = str(text)
    if len(text) <= limit:
        return text
    return format_html('<span title="{}">{}…</span>', text, text[: limit - 1].rstrip())


def day(value):
    """The date of `value` without its time ("5 Dec 2026"), for narrow list columns."""
    return date_format(timezone.localtime(value), "j M Y") if value else None


def apply_transition(modeladmin, request, queryset, method, done, **kwargs):
    """Call `obj.<method>(by=request.user, **kwargs)` on each selected object.

    The selected rows are locked (in primary-key order, so two bulk actions cannot deadlock)
    until the whole action is done: a second moderator's identical action waits, then finds
    the new state and is refused instead of applied twice. Each call is its own savepoint, so
    one refusal leaves the others done; every refusal is reported as an error message naming
    the object. `done` names what was done ("Archived"), or is a function of the changed
    object that does (`publish_outcome`).
    """
    changed = {}
    # The admin's queryset may count or group rows, which FOR UPDATE refuses: lock by id.
    selected = queryset.order_by().values_list("pk", flat=True)
    model = queryset.model
    with transaction.atomic(using=queryset.db):
        rows = model._default_manager.using(queryset.db).select_for_update()
        for obj in rows.filter(pk__in=list(selected)).order_by("pk"):
            try:
                getattr(obj, method)(by=request.user, **kwargs)
            except (ValidationError, PermissionDenied) as exc:
                modeladmin.message_user(request, f"“{obj}”: {refusal(exc)}", messages.ERROR)
            else:
                label = done(obj) if callable(done) else done
                changed[label] = changed.get(label, 0) + 1
    for label, count in changed.items():
        noun = model_ngettext(modeladmin.opts, count)
        modeladmin.message_user(request, f"{label} {count} {noun}.", messages.SUCCESS)


def moderation_history(obj, limit=50):
    """The ModerationEvents of `obj` as a small read-only table, newest first."""
    if obj is None or obj.pk is None:
        return format_html('<span class="quiet">{}</span>', "Not saved yet.")
    events = (
        ModerationEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        )
        .select_related("actor")
        .order_by("-created_at", "-pk")[:limit]
    )
    try:
        labels = dict(obj._meta.get_field("status").flatchoices)
    except FieldDoesNotExist:
        labels = {}

    def change(event):
        before, after = (labels.get(s, s) for s in (event.from_state, event.to_state))
        if not before or not after or before == after:
            return after or before or "—"
        return f"{before} → {after}"

    rows = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (
                when(event.created_at),
                person_name(event.actor),
                action_label(event.action),
                change(event),
                event.note,
            )
            for event in events
        ),
    )
    if not rows:
        return format_html('<span class="quiet">{}</span>', "No state changes yet.")
    return format_html(
        "<table><thead><tr><th>When</th><th>Who</th><th>Action</th><th>Change</th>"
        "<th>Note</th></tr></thead><tbody>{}</tbody></table>",
        rows,
    )


def person(field, description=None):
    """A read-only field for a ModelAdmin or an inline: the user in `field` by name, as text.

    Django shows a read-only user field as a link to the user admin, which answers 403 to
    everyone but superusers. Name it `<field>_name` and list it instead of `field`.
    """

    @admin.display(description=description or field.replace("_", " "), ordering=field)
    def name(self, obj):
        return person_name(getattr(obj, field))

    return name


class ReadOnly:
    """For a ModelAdmin or an inline (listed first): rows nobody adds or edits in the admin.

    They are written by the models (records, revisions, derived rows); the view permission
    shows them. Nobody deletes them either, unless the admin overrides `may_delete`: with
    `model_may_delete` (Django's rule, the model's delete permission) for rows editors may
    remove, or with a rule of its own, e.g. for rows that go with a deleted parent (the
    admin's cascade check asks this admin). On an inline, Django then offers no empty extra
    rows and no delete boxes.
    """

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return self.may_delete(request, obj)

    def may_delete(self, request, obj=None):
        return False

    def model_may_delete(self, request, obj=None):
        """Django's own rule: the user holds the model's delete permission."""
        return super().has_delete_permission(request, obj)


class PublishingActions:
    """Bulk publish and archive through the models' own publish() / archive()."""

    @admin.action(description="Publish selected %(verbose_name_plural)s", permissions=["change"])
    def publish(self, request, queryset):
        apply_transition(self, request, queryset, "publish", publish_outcome)

    @admin.action(description="Archive selected %(verbose_name_plural)s", permissions=["change"])
    def archive(self, request, queryset):
        apply_transition(self, request, queryset, "archive", "Archived")
