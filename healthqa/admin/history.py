"""Revision history and restore."""

from datetime import date, datetime

from django.contrib import messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.text import capfirst
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from healthqa.admin.base import missing_object
from healthqa.admin.versions import VersionedAdmin
from healthqa.core.text import when, word_diff


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
                    "diff": word_diff(change.old, change.new, context=16) if is_text else None,
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
            return missing_object(self, request, object_id)
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
            return missing_object(self, request, object_id)
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
