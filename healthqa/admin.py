"""Admin for editorial staff: topics, questions, answers and their moderation, site settings.

Status fields are read-only everywhere: states change only through the model methods
(`question.publish`, `answer.approve`, ...), which check permissions and write the
ModerationEvent. Bulk actions loop over the selection and call them one object at a time.
"""

import hashlib
import re
from datetime import date, datetime
from difflib import SequenceMatcher

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import model_ngettext, unquote
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.core import signing
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count, Exists, OuterRef
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper
from taggit.admin import TagAdmin as TaggitTagAdmin
from taggit.models import Tag

from experts.models import Expert
from healthqa import moderation, notifications
from healthqa.images import ImageUploadField
from healthqa.models import (
    AdPlacement,
    Answer,
    AnswerRevision,
    Assignment,
    ContinueLearningPick,
    Flag,
    ModerationEvent,
    PreviewLink,
    Question,
    SearchDocument,
    SiteSettings,
    SlugRedirect,
    Topic,
    Versioned,
    user_label,
)
from healthqa.moderation import refusal, when

admin.site.site_header = "HealthQA administration"
admin.site.site_title = "HealthQA administration"
admin.site.index_title = "Editorial work"

# Links typed without a scheme are taken as https (Django 6's default; no deprecation warning).
# Images are checked by our limits before Django's own Pillow check, so a decompression bomb
# gets the message that names the limit.
FIELD_OVERRIDES = {
    models.URLField: {"assume_scheme": "https"},
    models.ImageField: {"form_class": ImageUploadField},
}


# --- Helpers shared by the admins of all three apps ------------------------------------------


def sees_only_own_work(user):
    """True for experts: anyone who is not a superuser, an editor or a moderator.

    Editors and moderators both hold `change_question`; moderators also `moderate_answer`.
    Everyone else in the admin sees only the answers of their own expert profile.
    """
    return not (
        user.is_superuser
        or user.has_perm("healthqa.change_question")
        or user.has_perm("healthqa.moderate_answer")
    )


def own_expert(user):
    """The expert profile linked to `user`, or None."""
    return getattr(user, "expert_profile", None)


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


def apply_transition(modeladmin, request, queryset, method, done, **kwargs):
    """Call `obj.<method>(by=request.user, **kwargs)` on each selected object.

    The selected rows are locked (in primary-key order, so two bulk actions cannot deadlock)
    until the whole action is done: a second moderator's identical action waits, then finds
    the new state and is refused instead of applied twice. Each call is its own savepoint, so
    one refusal leaves the others done; every refusal is reported as an error message naming
    the object.
    """
    changed = 0
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
                changed += 1
    if changed:
        noun = model_ngettext(modeladmin.opts, changed)
        modeladmin.message_user(request, f"{done} {changed} {noun}.", messages.SUCCESS)


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
    rows = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{} → {}</td><td>{}</td></tr>",
        (
            (
                when(event.created_at),
                event.actor or "—",
                event.action,
                event.from_state or "—",
                event.to_state or "—",
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


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records nobody adds, edits or deletes in the admin; the view permission shows them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PublishingActions:
    """Bulk publish and archive through the models' own publish() / archive()."""

    @admin.action(description="Publish selected %(verbose_name_plural)s", permissions=["change"])
    def publish(self, request, queryset):
        apply_transition(self, request, queryset, "publish", "Published")

    @admin.action(description="Archive selected %(verbose_name_plural)s", permissions=["change"])
    def archive(self, request, queryset):
        apply_transition(self, request, queryset, "archive", "Archived")


class ReadOnlyInline:
    """An inline that lists related rows without letting anyone add, edit or delete them."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- No lost update: change forms remember the version they were loaded with --------------------

LOADED_FIELDS = ("loaded_version", "loaded_state")
LOADED_STATE_SALT = "healthqa.admin.loaded-state"


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


def conflict_message(obj, *, loaded, current, loaded_state, related=()):
    """Why a save was refused: who saved last and when, and which parts changed."""
    user, changed_at = obj.last_change()
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

    loaded_version = forms.CharField(widget=forms.HiddenInput, required=False)
    loaded_state = forms.CharField(widget=forms.HiddenInput, required=False)
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


class VersionedAdmin:
    """Change forms carry the version they were loaded with; a stale save is refused."""

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
            fk = forms.models._get_foreign_key(self.model, inline.model, fk_name=inline.fk_name)
            related.append((inline.model._meta.verbose_name_plural, inline.model, fk.attname))
        return tuple(related)


# --- Revision history and restore -------------------------------------------------------------

WORDS = re.compile(r"\s+|\S+")


def word_diff(old, new, context=16):
    """`old` → `new` as HTML: removed words in <del>, added words in <ins>, long unchanged
    stretches shortened to `context` tokens either side of a change."""
    before, after = WORDS.findall(old or ""), WORDS.findall(new or "")
    opcodes = SequenceMatcher(None, before, after, autojunk=False).get_opcodes()
    parts = []
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            same = before[i1:i2]
            head = same[:context] if index else []
            tail = same[-context:] if index < len(opcodes) - 1 else []
            if len(same) > len(head) + len(tail) + 1:
                same = [*head, " … ", *tail]
            parts.append(conditional_escape("".join(same)))
            continue
        if i2 > i1:
            parts.append(format_html("<del>{}</del>", "".join(before[i1:i2])))
        if j2 > j1:
            parts.append(format_html("<ins>{}</ins>", "".join(after[j1:j2])))
    return mark_safe("".join(str(part) for part in parts))  # every part is escaped above


def history_value(field, value):
    """A field's value as an editor reads it: choice labels, local times, yes/no, "—"."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, datetime):
        return when(value)
    if isinstance(value, date):
        return date_format(value)
    return str(value)


class ReadableChanges(HistoricalRecordContextHelper):
    """Each changed field under its label; long texts as a word-by-word diff."""

    def context_for_delta_changes(self, delta):
        changes = []
        for change in delta.changes:
            field = self.model._meta.get_field(change.field)
            is_text = isinstance(field, models.TextField)
            changes.append(
                {
                    "field": capfirst(field.verbose_name),
                    "old": history_value(field, change.old),
                    "new": history_value(field, change.new),
                    "diff": word_diff(change.old, change.new) if is_text else None,
                }
            )
        return changes


class HistoryAdmin(VersionedAdmin, SimpleHistoryAdmin):
    """Who changed what and when, field by field, and restoring an earlier version.

    The history pages fetch the object through `get_queryset()` like the change page, so row
    rules (an expert's own answers) hold there too. Restoring opens the ordinary change form
    filled with the earlier version's values and saves it through `save_model()`, as an edit:
    states change only through the model methods, and an approved answer's restored text
    waits for review like any other edit.
    """

    object_history_template = "admin/history/object_history.html"
    object_history_list_template = "admin/history/object_history_list.html"
    object_history_form_template = "admin/history/object_history_form.html"
    history_list_per_page = 50
    # Decisions rather than content: a restore leaves them as they are now.
    history_restore_exclude = ()

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableChanges(self.model, historical_record)

    def history_view(self, request, object_id, extra_context=None):
        # simple-history falls back to the history rows of objects outside the queryset.
        if self.get_object(request, unquote(object_id)) is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        return super().history_view(request, object_id, extra_context)

    def restorable_values(self, form_class, version):
        """The earlier version's values of the form's own model fields (files excepted)."""
        values = {}
        for name in form_class.base_fields:
            if name in self.history_restore_exclude:
                continue
            try:
                field = self.opts.get_field(name)
            except FieldDoesNotExist:
                continue
            if isinstance(field, models.FileField) or field.many_to_many or not field.concrete:
                continue
            values[name] = getattr(version, field.attname)
        return values

    @transaction.atomic
    def history_form_view(self, request, object_id, version_id, extra_context=None):
        request.current_app = self.admin_site.name
        current = self.get_object(request, unquote(object_id))
        if current is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_history_or_change_history_permission(request, current):
            raise PermissionDenied
        if not str(version_id).isdigit():
            raise Http404("No such version.")
        history = self.model.history.select_related("history_user")
        pk_lookup = {self.opts.pk.attname: current.pk}
        version = get_object_or_404(history, history_id=version_id, **pk_lookup)
        may_restore = not self.revert_disabled(request, current)
        form_class = self.get_form(request, current, change=True)
        readonly = self.get_readonly_fields(request, current)
        fieldsets = self.get_fieldsets(request, current)
        if request.method == "POST":
            if not may_restore:
                raise PermissionDenied
            form = form_class(request.POST, request.FILES, instance=current)
            if form.is_valid():
                return self.restore(request, form, version)
        elif may_restore:
            form = form_class(instance=current, initial=self.restorable_values(form_class, version))
        else:
            form = form_class(instance=version.instance)
            readonly = helpers.flatten_fieldsets(fieldsets)
        prepopulated = self.get_prepopulated_fields(request, current) if may_restore else {}
        admin_form = helpers.AdminForm(form, fieldsets, prepopulated, readonly, model_admin=self)
        latest = self.model.history.filter(**pk_lookup).latest("history_date", "history_id")
        helper = ReadableChanges(self.model, version)
        prefix = f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}"
        context = {
            **self.admin_site.each_context(request),
            "title": f"{'Restore' if may_restore else 'Version of'} {current}",
            "adminform": admin_form,
            "object_id": object_id,
            "original": current,
            "version": version,
            "differences": helper.context_for_delta_changes(
                version.diff_against(latest, foreign_keys_are_objs=True)
            ),
            "is_popup": False,
            "media": self.media + admin_form.media,
            "errors": helpers.AdminErrorList(form, []),
            "app_label": self.opts.app_label,
            "opts": self.opts,
            "original_opts": self.opts,
            "changelist_url": reverse(f"{prefix}_changelist"),
            "change_url": reverse(f"{prefix}_change", args=(current.pk,)),
            "history_url": reverse(f"{prefix}_history", args=(current.pk,)),
            "revert_disabled": not may_restore,
            "add": False,
            "change": True,
            "has_add_permission": False,
            "has_view_permission": True,
            "has_change_permission": may_restore,
            "has_delete_permission": False,
            "has_editable_inline_admin_formsets": False,
            "has_file_field": False,
            "has_absolute_url": False,
            "form_url": "",
            "content_type_id": ContentType.objects.get_for_model(self.model).pk,
            "save_as": False,
            "save_on_top": False,
            "inline_admin_formsets": [],
            **(extra_context or {}),
        }
        return self.render_history_view(request, self.object_history_form_template, context)

    def restore(self, request, form, version):
        restored = when(version.history_date)
        obj = self.save_form(request, form, change=True)
        obj._change_reason = f"Restored the version of {restored}"[:100]
        self.save_model(request, obj, form, change=True)
        self.save_related(request, form, [], change=True)
        self.log_change(request, obj, self.construct_change_message(request, form, []))
        self.message_user(request, f"Restored the version of {restored}.", messages.SUCCESS)
        return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", obj.pk)


# --- Preview links -------------------------------------------------------------------------------


class SharePreviewForm(forms.Form):
    days = forms.IntegerField(
        label="Valid for (days)",
        min_value=1,
        max_value=PreviewLink.MAX_DAYS,
        initial=PreviewLink.DEFAULT_DAYS,
    )
    note = forms.CharField(
        max_length=200,
        required=False,
        help_text="Who the link is for, e.g. “Dr. Lee, external medical review”.",
    )


class SharesPreviews:
    """A "Share a preview" page for a question or article: signed links, each revocable."""

    change_form_template = "admin/share_preview_change_form.html"

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_preview_links"
        view = self.admin_site.admin_view(self.preview_links_view)
        return [path("<path:object_id>/preview-links/", view, name=name), *super().get_urls()]

    def has_share_preview_permission(self, request, obj=None):
        return request.user.has_perm("healthqa.add_previewlink") and self.has_change_permission(
            request, obj
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["can_share_preview"] = obj is not None and self.has_share_preview_permission(
            request, obj
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def preview_links_view(self, request, object_id):
        request.current_app = self.admin_site.name
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_share_preview_permission(request, obj):
            raise PermissionDenied
        if request.method not in {"GET", "POST"}:
            return HttpResponseNotAllowed(["GET", "POST"])
        form = SharePreviewForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                link = PreviewLink.share(obj, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                address = request.build_absolute_uri(link.get_absolute_url())
                self.message_user(
                    request,
                    f"Preview link created, valid until {when(link.expires_at)}: {address}",
                    messages.SUCCESS,
                )
                return redirect(request.path)
        links = [
            (link, request.build_absolute_uri(link.get_absolute_url()))
            for link in PreviewLink.objects.for_object(obj)
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": f"Preview links: {obj}",
            "opts": self.opts,
            "original": obj,
            "form": form,
            "links": links,
            "is_public": type(obj).objects.public().filter(pk=obj.pk).exists(),
        }
        return TemplateResponse(request, "admin/preview_links.html", context)


# --- Topics ------------------------------------------------------------------------------------


@admin.register(Topic)
class TopicAdmin(HistoryAdmin):
    list_display = ("name", "slug", "parent", "question_count", "is_demo", "updated_at")
    list_filter = ("is_demo", ("parent", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name", "slug", "description")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("parent",)
    list_select_related = ("parent",)
    readonly_fields = ("created_at", "updated_at")
    fields = ("name", "slug", "parent", "description", "is_demo", "created_at", "updated_at")

    def get_queryset(self, request):
        # Counting groups rows, which drops Meta.ordering; autocomplete pages need an order.
        queryset = super().get_queryset(request).annotate(question_total=Count("questions"))
        return queryset.order_by("name", "pk")

    @admin.display(description="questions", ordering="question_total")
    def question_count(self, topic):
        return topic.question_total


# --- Questions ---------------------------------------------------------------------------------


class PublicationFilter(admin.SimpleListFilter):
    """What readers see of a question, beyond its status."""

    title = "publication"
    parameter_name = "publication"

    def lookups(self, request, model_admin):
        return [
            ("public", "Public now"),
            ("scheduled", "Scheduled"),
            ("unanswered", "Published, waiting for an approved answer"),
        ]

    def queryset(self, request, queryset):
        published = queryset.filter(status=Question.Status.PUBLISHED)
        if self.value() == "public":
            return queryset.filter(pk__in=Question.objects.public().values("pk"))
        if self.value() == "scheduled":
            return published.filter(published_at__gt=timezone.now())
        if self.value() == "unanswered":
            return published.exclude(
                Exists(Answer.objects.approved().filter(question=OuterRef("pk")))
            )
        return queryset


class AnswerInline(ReadOnlyInline, admin.TabularInline):
    """The question's answers at a glance; each is reviewed on its own change page."""

    model = Answer
    fields = ("expert", "status", "short_body", "submitted_at", "reviewed_at")
    readonly_fields = fields
    show_change_link = True

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("expert")
        if sees_only_own_work(request.user):
            queryset = queryset.filter(expert__user=request.user)
        return queryset

    @admin.display(description="answer")
    def short_body(self, answer):
        return answer.summary


class ContinueLearningPickInline(admin.TabularInline):
    model = ContinueLearningPick
    fields = ("position", "article")
    autocomplete_fields = ("article",)
    ordering = ("position", "pk")
    extra = 0
    verbose_name_plural = (
        "Continue Learning picks (lowest position first; the block is filled up to four with "
        "the newest articles of the topic)"
    )


class AssignmentInline(admin.TabularInline):
    model = Assignment
    fields = ("expert", "due_at", "status", "note", "assigned_by")
    # The status moves only through submitting an answer or `Assignment.decline`.
    readonly_fields = ("status", "assigned_by")
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "expert":
            question_id = request.resolver_match.kwargs.get("object_id")
            kwargs.update(moderation.expert_field_kwargs(moderation.topic_of_question(question_id)))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("expert", "assigned_by")
        if sees_only_own_work(request.user):
            queryset = queryset.filter(expert__user=request.user)
        return queryset


@admin.register(Question)
class QuestionAdmin(PublishingActions, SharesPreviews, HistoryAdmin):
    list_display = (
        "title",
        "topic",
        "publication",
        "answer_count",
        "featured",
        "is_demo",
        "updated_at",
    )
    list_filter = (
        "status",
        PublicationFilter,
        "topic",
        "featured",
        "is_demo",
        "published_at",
        "created_at",
    )
    search_fields = ("title", "slug", "details", "submitted_by_name", "submitted_by_email")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("topic",)
    list_select_related = ("topic",)
    date_hierarchy = "published_at"
    readonly_fields = (
        "status",
        "publication",
        "submitted_by_name",
        "submitted_by_email",
        "events",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (None, {"fields": ("title", "slug", "topic", "tags", "details")}),
        (
            "Publication",
            {
                "fields": ("status", "publication", "published_at", "featured"),
                "description": "Publish or archive with the actions of the question list. "
                "A publication date in the future schedules the question.",
            },
        ),
        ("Reader submission", {"fields": ("submitted_by_name", "submitted_by_email")}),
        ("History", {"fields": ("events", "created_at", "updated_at", "is_demo")}),
    )
    inlines = (AnswerInline, ContinueLearningPickInline, AssignmentInline)
    actions = ("publish", "archive", "accept_submission", "reject_submission")
    history_restore_exclude = ("published_at",)

    def get_queryset(self, request):
        queryset = (
            super()
            .get_queryset(request)
            .annotate(
                answer_total=Count("answers"),
                has_approved_answer=Exists(
                    Answer.objects.approved().filter(question=OuterRef("pk"))
                ),
            )
            .order_by("-published_at", "-created_at", "-pk")
        )
        if sees_only_own_work(request.user):
            queryset = queryset.filter(pk__in=questions_for_expert(request.user).values("pk"))
        return queryset

    def save_formset(self, request, form, formset, change):
        if formset.model is not Assignment:
            return super().save_formset(request, form, formset, change)
        assignments = formset.save(commit=False)
        for assignment in formset.deleted_objects:
            assignment.delete()
        for assignment in assignments:
            if assignment.assigned_by_id is None:
                assignment.assigned_by = request.user
            is_new = assignment.pk is None
            assignment.save()
            if is_new:
                notifications.assignment_made(assignment=assignment)
        formset.save_m2m()

    def has_triage_permission(self, request):
        return request.user.has_perm("healthqa.triage_question")

    @admin.display(description="publication", ordering="published_at")
    def publication(self, question):
        label = publication_label(question)
        waiting = getattr(question, "has_approved_answer", True) is False
        if question.status == Question.Status.PUBLISHED and waiting:
            return f"{label} — waiting for an approved answer"
        return label

    @admin.display(description="answers", ordering="answer_total")
    def answer_count(self, question):
        return question.answer_total

    @admin.display(description="moderation history")
    def events(self, question):
        return moderation_history(question)

    @admin.action(
        description="Accept selected reader submissions as drafts", permissions=["triage"]
    )
    def accept_submission(self, request, queryset):
        apply_transition(self, request, queryset, "accept_submission", "Accepted")

    @admin.action(description="Reject selected reader submissions", permissions=["triage"])
    def reject_submission(self, request, queryset):
        apply_transition(self, request, queryset, "reject", "Rejected")


# --- Answers -----------------------------------------------------------------------------------


class AnswerForm(VersionCheckForm):
    """Starts from the pending revision, if any, so that a second edit builds on the first."""

    class Meta:
        model = Answer
        fields = ("question", "expert", "body", "position", "is_demo")

    def __init__(self, *args, **kwargs):
        restoring = "body" in (kwargs.get("initial") or {})
        super().__init__(*args, **kwargs)
        if self.instance.pk and "body" in self.fields and not restoring:
            pending = self.instance.pending_revision()
            if pending is not None:
                self.initial["body"] = pending.body
        if not self.instance.pk:
            # Started from an assignment: the question (and expert) are fixed.
            for name in ("question", "expert"):
                if name in self.fields and self.initial.get(name):
                    self.fields[name].disabled = True


class ReviewNoteForm(forms.Form):
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
        help_text="The expert receives this note with the decision.",
    )


class FlagInline(ReadOnlyInline, admin.TabularInline):
    """The reader reports on an answer, on its change page."""

    model = Flag
    fk_name = "answer"
    fields = ("created_at", "reason", "details", "status", "handled_by", "resolution_note")
    readonly_fields = fields
    verbose_name_plural = "reader reports"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("handled_by")


class AnswerRevisionInline(ReadOnlyInline, admin.TabularInline):
    model = AnswerRevision
    fields = ("created_at", "created_by", "status", "short_body", "reviewed_by", "reviewed_at")
    readonly_fields = fields
    ordering = ("-created_at", "-pk")
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("created_by", "reviewed_by")

    @admin.display(description="text")
    def short_body(self, revision):
        return Answer(body=revision.body).summary


@admin.register(Answer)
class AnswerAdmin(HistoryAdmin):
    form = AnswerForm
    list_display = (
        "question",
        "expert",
        "status",
        "pending_revision",
        "submitted_at",
        "reviewed_at",
        "reviewed_by",
        "helpful",
        "is_demo",
    )
    list_filter = (
        "status",
        ("expert", admin.RelatedOnlyFieldListFilter),
        "question__topic",
        "is_demo",
        "submitted_at",
        "reviewed_at",
    )
    search_fields = ("question__title", "expert__name", "body")
    autocomplete_fields = ("question", "expert")
    list_select_related = ("question", "expert", "reviewed_by")
    date_hierarchy = "submitted_at"
    inlines = (AnswerRevisionInline, FlagInline)
    actions = ("submit_for_review", "approve", "request_changes", "reject")

    def get_queryset(self, request):
        queryset = (
            super()
            .get_queryset(request)
            .annotate(
                has_pending_revision=Exists(
                    AnswerRevision.objects.filter(
                        answer=OuterRef("pk"), status=AnswerRevision.Status.PENDING
                    )
                )
            )
        )
        if sees_only_own_work(request.user):
            queryset = queryset.filter(expert__user=request.user)
        return queryset

    def get_fieldsets(self, request, obj=None):
        main = ["question", "expert", "body", "position"]
        history = ["events", "created_at", "updated_at", "is_demo"]
        if sees_only_own_work(request.user):
            history.remove("is_demo")
            if obj is None:
                main.remove("expert")
        fieldsets = [
            (None, {"fields": main}),
            (
                "Review",
                {
                    "fields": [
                        "status",
                        "submitted_at",
                        "reviewed_by",
                        "reviewed_at",
                        "review_note",
                    ],
                    "description": "Submit, approve, send back or reject with the actions of "
                    "the answer list. Editing an approved answer stores a revision for review; "
                    "readers keep seeing the approved text until it is approved.",
                },
            ),
            ("Readers", {"fields": ["helpful_yes", "helpful_no"]}),
            ("History", {"fields": history}),
        ]
        return with_loaded_fields(fieldsets, obj)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is not None or request.method != "POST":
            return form
        # An answer started from an assignment (?question=) keeps that question when posted:
        # the admin passes GET values as initial data only when it shows the form.
        initial = self.get_changeform_initial_data(request)
        return type(form.__name__, (form,), {"__init__": moderation.with_initial(form, initial)})

    def get_readonly_fields(self, request, obj=None):
        readonly = [
            "status",
            "submitted_at",
            "reviewed_by",
            "reviewed_at",
            "review_note",
            "helpful_yes",
            "helpful_no",
            "events",
            "created_at",
            "updated_at",
        ]
        if obj is not None:
            # Moving an answer to another question or expert would skip review.
            readonly += ["question", "expert"]
            if not obj.can_write(request.user):
                readonly.append("body")
        return readonly

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if sees_only_own_work(request.user):
            if db_field.name == "question":
                kwargs["queryset"] = questions_for_expert(request.user)
            elif db_field.name == "expert":
                kwargs["queryset"] = Expert.objects.filter(user=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_add_permission(self, request):
        if not super().has_add_permission(request):
            return False
        return not sees_only_own_work(request.user) or own_expert(request.user) is not None

    def has_moderate_permission(self, request):
        return request.user.has_perm("healthqa.moderate_answer")

    def save_model(self, request, obj, form, change):
        if not change:
            if sees_only_own_work(request.user):
                obj.expert = own_expert(request.user)
            return super().save_model(request, obj, form, change)
        if "body" not in form.changed_data:
            return super().save_model(request, obj, form, change)
        # The text changes only through revise(): an approved answer keeps its live text.
        new_body = obj.body
        obj.body = Answer.objects.values_list("body", flat=True).get(pk=obj.pk)
        super().save_model(request, obj, form, change)
        obj.revise(body=new_body, by=request.user)
        if obj.status == Answer.Status.APPROVED:
            self.message_user(
                request,
                "Your edit waits for review; readers see the approved text until then.",
                messages.INFO,
            )

    @admin.display(description="pending revision", boolean=True)
    def pending_revision(self, answer):
        return answer.has_pending_revision

    @admin.display(description="helpful (yes / no)", ordering="-helpful_yes")
    def helpful(self, answer):
        return f"{answer.helpful_yes} / {answer.helpful_no}"

    @admin.display(description="moderation history")
    def events(self, answer):
        return moderation_history(answer)

    @admin.action(description="Submit selected answers for review", permissions=["change"])
    def submit_for_review(self, request, queryset):
        apply_transition(self, request, queryset, "submit", "Submitted for review")

    @admin.action(
        description="Approve selected answers (or their revisions)", permissions=["moderate"]
    )
    def approve(self, request, queryset):
        apply_transition(self, request, queryset, "approve", "Approved")

    @admin.action(description="Request changes to selected answers…", permissions=["moderate"])
    def request_changes(self, request, queryset):
        return self._review_with_note(
            request, queryset, method="request_changes", title="Request changes",
            done="Sent back for changes",
        )  # fmt: skip

    @admin.action(description="Reject selected answers…", permissions=["moderate"])
    def reject(self, request, queryset):
        return self._review_with_note(
            request, queryset, method="reject", title="Reject answers", done="Rejected"
        )

    def _review_with_note(self, request, queryset, *, method, title, done):
        """Ask for the note the expert will read, then call the model method on each answer."""
        if request.POST.get("post") == "yes":
            form = ReviewNoteForm(request.POST)
            if form.is_valid():
                apply_transition(
                    self, request, queryset, method, done, note=form.cleaned_data["note"]
                )
                return None
        else:
            form = ReviewNoteForm()
        request.current_app = self.admin_site.name
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.opts,
            "queryset": queryset,
            "form": form,
            "action": request.POST.get("action", method),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/healthqa/answer/review_note.html", context)


@admin.register(AnswerRevision)
class AnswerRevisionAdmin(ReadOnlyAdmin):
    list_display = ("answer", "status", "created_by", "created_at", "reviewed_by", "reviewed_at")
    list_filter = ("status", "created_at", "reviewed_at")
    search_fields = ("answer__question__title", "answer__expert__name", "body", "review_note")
    list_select_related = ("answer__question", "answer__expert", "created_by", "reviewed_by")
    date_hierarchy = "created_at"
    fields = (
        "answer",
        "status",
        "body",
        "created_by",
        "created_at",
        "reviewed_by",
        "reviewed_at",
        "review_note",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if sees_only_own_work(request.user):
            queryset = queryset.filter(answer__expert__user=request.user)
        return queryset

    def view_on_site(self, revision):
        return revision.answer.get_absolute_url()


# --- Moderation records ------------------------------------------------------------------------


@admin.register(ModerationEvent)
class ModerationEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "target_link", "action", "transition", "actor", "note")
    list_filter = (
        "action",
        ("content_type", admin.RelatedOnlyFieldListFilter),
        ("actor", admin.RelatedOnlyFieldListFilter),
        "created_at",
    )
    search_fields = ("object_id__exact", "action", "note", "actor__username", "to_state")
    list_select_related = ("content_type", "actor")
    date_hierarchy = "created_at"
    fields = (
        "created_at",
        "target_link",
        "actor",
        "action",
        "from_state",
        "to_state",
        "note",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                GenericPrefetch(
                    "target",
                    [
                        Answer.objects.select_related("question", "expert"),
                        Flag.objects.select_related(
                            "answer__question", "answer__expert", "question"
                        ),
                    ],
                )
            )
        )

    @admin.display(description="target", ordering="object_id")
    def target_link(self, event):
        content_type = event.content_type
        if event.target is None:
            return f"{content_type.name} #{event.object_id} (deleted)"
        try:
            url = reverse(
                f"admin:{content_type.app_label}_{content_type.model}_change",
                args=[event.object_id],
            )
        except NoReverseMatch:
            return f"{content_type.name}: {event.target}"
        return format_html('{}: <a href="{}">{}</a>', content_type.name, url, event.target)

    @admin.display(description="change")
    def transition(self, event):
        return f"{event.from_state or '—'} → {event.to_state or '—'}"


# --- Assignments and flags ---------------------------------------------------------------------


@admin.register(Assignment)
class AssignmentAdmin(VersionedAdmin, admin.ModelAdmin):
    list_display = (
        "question",
        "expert",
        "status",
        "due_at",
        "overdue",
        "assigned_by",
        "created_at",
    )
    list_filter = (
        "status",
        ("expert", admin.RelatedOnlyFieldListFilter),
        "due_at",
        "created_at",
    )
    search_fields = ("question__title", "expert__name", "note")
    autocomplete_fields = ("question",)
    list_select_related = ("question", "expert", "assigned_by")
    date_hierarchy = "due_at"
    fields = ("question", "expert", "due_at", "status", "note", "assigned_by", "created_at")
    readonly_fields = ("status", "assigned_by", "created_at")
    actions = ("decline",)

    @admin.action(description="Decline selected open assignments", permissions=["change"])
    def decline(self, request, queryset):
        apply_transition(self, request, queryset, "decline", "Declined")

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if sees_only_own_work(request.user):
            queryset = queryset.filter(expert__user=request.user)
        return queryset

    def save_model(self, request, obj, form, change):
        if obj.assigned_by_id is None:
            obj.assigned_by = request.user
        super().save_model(request, obj, form, change)
        if not change:
            notifications.assignment_made(assignment=obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "expert":
            object_id = str(request.resolver_match.kwargs.get("object_id") or "")
            question_id = request.GET.get("question", "")
            if object_id.isdigit():
                question_id = str(
                    Assignment.objects.filter(pk=object_id)
                    .values_list("question_id", flat=True)
                    .first()
                )
            topic = moderation.topic_of_question(question_id if question_id.isdigit() else None)
            kwargs.update(moderation.expert_field_kwargs(topic))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="overdue", boolean=True)
    def overdue(self, assignment):
        return bool(assignment.is_overdue)


@admin.register(Flag)
class FlagAdmin(VersionedAdmin, admin.ModelAdmin):
    list_display = ("reason", "target_display", "status", "created_at", "handled_by", "handled_at")
    list_filter = ("status", "reason", "created_at", "handled_at")
    search_fields = (
        "details",
        "question__title",
        "answer__question__title",
        "answer__expert__name",
    )
    autocomplete_fields = ("answer", "question")
    list_select_related = ("answer__question", "answer__expert", "question", "handled_by")
    date_hierarchy = "created_at"
    fields = (
        "answer",
        "question",
        "reason",
        "details",
        "status",
        "handled_by",
        "handled_at",
        "resolution_note",
        "created_at",
    )
    readonly_fields = ("status", "handled_by", "handled_at", "created_at")
    actions = ("dismiss", "mark_actioned")

    def view_on_site(self, flag):
        return flag.target.get_absolute_url()

    @admin.display(description="reported")
    def target_display(self, flag):
        return flag.target

    @admin.action(description="Dismiss selected flags", permissions=["change"])
    def dismiss(self, request, queryset):
        self._resolve(request, queryset, Flag.Status.DISMISSED, "dismiss", "Dismissed")

    @admin.action(description="Mark selected flags as actioned", permissions=["change"])
    def mark_actioned(self, request, queryset):
        self._resolve(request, queryset, Flag.Status.ACTIONED, "action", "Marked as actioned")

    def _resolve(self, request, queryset, to_state, action, done):
        apply_transition(self, request, queryset, "resolve", done, status=to_state)


# --- Site settings and ads ---------------------------------------------------------------------


@admin.register(SiteSettings)
class SiteSettingsAdmin(VersionedAdmin, admin.ModelAdmin):
    """One row: the list opens it directly; it can be neither added twice nor deleted."""

    fields = ("site_name", "tagline", "disclaimer")

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not SiteSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        # The public site makes the row with its defaults on first use; so does the admin.
        current, _ = SiteSettings.objects.get_or_create(pk=1)
        return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", current.pk)


@admin.register(AdPlacement)
class AdPlacementAdmin(VersionedAdmin, admin.ModelAdmin):
    list_display = (
        "preview",
        "name",
        "slot",
        "is_active",
        "running",
        "starts_at",
        "ends_at",
        "link",
    )
    list_display_links = ("preview", "name")
    list_filter = ("slot", "is_active", "starts_at", "ends_at")
    search_fields = ("name", "image_alt", "link")
    date_hierarchy = "starts_at"
    fields = (
        "name",
        "slot",
        "image",
        "preview",
        "image_alt",
        "link",
        "starts_at",
        "ends_at",
        "is_active",
    )
    readonly_fields = ("preview",)
    formfield_overrides = FIELD_OVERRIDES

    def get_queryset(self, request):
        running = AdPlacement.objects.active().filter(pk=OuterRef("pk"))
        return super().get_queryset(request).annotate(is_running=Exists(running))

    @admin.display(description="image")
    def preview(self, ad):
        return thumbnail(ad.image, ad.image_alt, width=ad.image_width, height=ad.image_height)

    @admin.display(description="showing now", boolean=True)
    def running(self, ad):
        return getattr(ad, "is_running", None)


# --- Links that outlive a change -----------------------------------------------------------------


@admin.register(SlugRedirect)
class SlugRedirectAdmin(admin.ModelAdmin):
    """Old addresses kept when a slug changes; created by the models, removable by editors."""

    list_display = ("old_slug", "target", "content_type", "created_at")
    list_filter = ("content_type",)
    search_fields = ("old_slug",)
    list_select_related = ("content_type",)
    readonly_fields = ("content_type", "object_id", "old_slug", "created_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PreviewLinkStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("usable", "Usable"), ("expired", "Expired"), ("revoked", "Revoked")]

    def queryset(self, request, queryset):
        if self.value() == "usable":
            return queryset.usable()
        if self.value() == "expired":
            return queryset.filter(revoked_at__isnull=True, expires_at__lte=timezone.now())
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


@admin.register(PreviewLink)
class PreviewLinkAdmin(VersionedAdmin, admin.ModelAdmin):
    """Links are made from a question's or article's "Share a preview" page; here they are
    listed and revoked. Nobody deletes them: a revoked link stays on record."""

    list_display = (
        "target_link",
        "state",
        "note",
        "created_by",
        "created_at",
        "expires_at",
        "revoked_at",
    )
    list_filter = (PreviewLinkStateFilter, "content_type", "created_at", "expires_at")
    search_fields = ("note", "created_by__username")
    list_select_related = ("content_type", "created_by")
    date_hierarchy = "created_at"
    fields = (
        "target_link",
        "address",
        "state",
        "note",
        "created_by",
        "created_at",
        "expires_at",
        "revoked_at",
    )
    readonly_fields = (
        "target_link",
        "address",
        "state",
        "created_by",
        "created_at",
        "expires_at",
        "revoked_at",
    )
    actions = ("revoke",)
    change_form_template = "admin/healthqa/previewlink/change_form.html"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("target")

    def get_urls(self):
        view = self.admin_site.admin_view(self.revoke_view)
        return [
            path("<path:object_id>/revoke/", view, name="healthqa_previewlink_revoke"),
            *super().get_urls(),
        ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="for")
    def target_link(self, link):
        target = link.target
        if target is None:
            return f"{link.content_type.name} #{link.object_id} (deleted)"
        opts = target._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[target.pk])
        return format_html('{}: <a href="{}">{}</a>', opts.verbose_name, url, target)

    @admin.display(description="address")
    def address(self, link):
        if not link.is_usable:
            return format_html('<span class="quiet">{}</span>', "No longer opens.")
        url = link.get_absolute_url()
        return format_html('<a href="{}" target="_blank" rel="noreferrer">{}</a>', url, url)

    @admin.display(description="state")
    def state(self, link):
        if link.revoked_at is not None:
            return "Revoked"
        return "Usable" if link.is_usable else "Expired"

    @admin.action(description="Revoke selected preview links", permissions=["change"])
    def revoke(self, request, queryset):
        apply_transition(self, request, queryset, "revoke", "Revoked")

    def revoke_view(self, request, object_id):
        """POST only: revoke one link, then go back where the button was (or to the link)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        link = self.get_object(request, unquote(object_id))
        if link is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_change_permission(request, link):
            raise PermissionDenied
        try:
            link.revoke(by=request.user)
        except ValidationError as exc:
            self.message_user(request, refusal(exc), messages.ERROR)
        else:
            done = f"Revoked the preview link to “{link.target}”."
            self.message_user(request, done, messages.SUCCESS)
        back = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return redirect(back)
        return redirect("admin:healthqa_previewlink_change", link.pk)


moderation.install(admin.site)


# --- Third-party admins: tags and login records -----------------------------------------------

admin.site.unregister(Tag)


@admin.register(Tag)
class TagAdmin(TaggitTagAdmin):
    """taggit's admin, with its merge page kept to those who may change tags.

    taggit checks only `is_staff` there, and trusts the tag ids it kept in the session.
    """

    @admin.action(description="Merge selected tags", permissions=["change"])
    def render_tag_form(self, request, queryset):
        return super().render_tag_form(request, queryset)

    def merge_tags_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        chosen = request.session.get("selected_tag_ids", "").split(",")
        ids = Tag.objects.filter(pk__in=[i for i in chosen if i.isdigit()]).values_list(
            "pk", flat=True
        )
        if not ids:
            self.message_user(request, "Choose the tags to merge first.", messages.WARNING)
            return redirect("admin:taggit_tag_changelist")
        request.session["selected_tag_ids"] = ",".join(str(pk) for pk in ids)
        return super().merge_tags_view(request)


if admin.site.is_registered(AccessAttempt):
    admin.site.unregister(AccessAttempt)

    @admin.register(AccessAttempt)
    class LoginAttemptAdmin(AccessAttemptAdmin):
        @admin.action(description="Clean up expired attempts", permissions=["delete"])
        def cleanup_expired_attempts(self, request, queryset):
            # django-axes sets this on login requests only, and its action needs it.
            request.axes_attempt_time = timezone.now()
            return super().cleanup_expired_attempts(request, queryset)


@admin.register(SearchDocument)
class SearchDocumentAdmin(admin.ModelAdmin):
    """The search index, for looking only: it is written by saves and `rebuild_search_index`."""

    list_display = ["title", "kind", "topic", "updated_at"]
    list_filter = ["kind", "topic"]
    list_select_related = ["topic"]
    search_fields = ["title"]
    fields = ["kind", "question", "article", "topic", "title", "body", "keywords", "updated_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Rows are derived, but deleting a question or article takes its row with it, and the
        # admin's cascade check asks this admin: allowed to whoever may delete anything.
        return request.user.is_active and request.user.is_superuser
