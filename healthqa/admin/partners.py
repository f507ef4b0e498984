"""Partner keys for the public API: editors issue, edit and revoke them; nobody deletes one.

Issuing answers with a page that shows the secret once. It is never stored (only its hash),
and never put in a message, the session, a redirect address or the history: the page is the
response to the form's POST itself, and is not cached.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.cache import add_never_cache_headers

from healthqa.admin.base import apply_transition, day, missing_object, moderation_history
from healthqa.admin.history import HistoryAdmin
from healthqa.core.permissions import allowed
from healthqa.core.text import person_name, refusal
from healthqa.models import PartnerKey
from healthqa.models.partners import MAX_RATE_LIMIT


class RevokeForm(forms.Form):
    note = forms.CharField(
        label="Reason (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Kept with the key's record, e.g. “Partner asked us to; key leaked”.",
    )


class KeyStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("active", "Active"), ("revoked", "Revoked")]

    def queryset(self, request, queryset):
        if self.value() == "active":
            return queryset.active()
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


@admin.register(PartnerKey)
class PartnerKeyAdmin(HistoryAdmin):
    list_display = ("name", "key", "rate_limit", "issued", "state")
    list_display_links = ("name",)
    list_filter = (KeyStateFilter,)
    search_fields = ("name", "prefix", "contact_email")
    list_select_related = ("created_by", "revoked_by")
    fields = ("name", "contact_email", "note", "rate_limit", "key", "issued", "state", "events")
    readonly_fields = ("key", "issued", "state", "events")
    actions = ("revoke",)

    def get_urls(self):
        view = self.admin_site.admin_view(self.revoke_view)
        return [
            path("<path:object_id>/revoke/", view, name="healthqa_partnerkey_revoke"),
            *super().get_urls(),
        ]

    def get_fields(self, request, obj=None):
        # A new key has no record yet: its form asks only for what the editor types.
        if obj is None:
            return ("name", "contact_email", "note", "rate_limit")
        return super().get_fields(request, obj)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "rate_limit":
            kwargs.update(
                # Not Django's hidden copy of a callable default: it repeats the field's
                # aria-describedby, which HTML forbids on a hidden input.
                show_hidden_initial=False,
                max_value=MAX_RATE_LIMIT,
                help_text="Requests per minute this key allows (anonymous clients get "
                f"{settings.HEALTHQA_API_RATE_LIMIT}; the usual partner limit is "
                f"{settings.HEALTHQA_API_PARTNER_RATE_LIMIT}).",
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        return False

    def has_revoke_permission(self, request, obj=None):
        return allowed(request.user, "healthqa.revoke_partnerkey")

    # -- columns and read-only fields -------------------------------------------------------

    @admin.display(description="key", ordering="prefix")
    def key(self, partner_key):
        return f"{partner_key.prefix}…" if partner_key.prefix else "—"

    @admin.display(description="issued", ordering="created_at")
    def issued(self, partner_key):
        return f"{day(partner_key.created_at)} by {person_name(partner_key.created_by)}"

    @admin.display(description="state", ordering="revoked_at")
    def state(self, partner_key):
        if partner_key.is_active:
            return "Active"
        return f"Revoked on {day(partner_key.revoked_at)} by {person_name(partner_key.revoked_by)}"

    @admin.display(description="record")
    def events(self, partner_key):
        return moderation_history(partner_key)

    # -- issuing: the secret is shown once, in the response to the POST ---------------------

    def add_view(self, request, form_url="", extra_context=None):
        extra_context = {"title": "Issue a partner key", **(extra_context or {})}
        return super().add_view(request, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        key, secret = PartnerKey.issue(
            name=obj.name,
            contact_email=obj.contact_email,
            note=obj.note,
            rate_limit=obj.rate_limit,
            by=request.user,
        )
        for field in PartnerKey._meta.concrete_fields:
            setattr(obj, field.attname, getattr(key, field.attname))
        obj._state.adding, obj._state.db = False, key._state.db
        obj.issued_secret = secret

    def response_add(self, request, obj, post_url_continue=None):
        context = {
            **self.admin_site.each_context(request),
            "title": f"Key issued for {obj.name}",
            "opts": self.opts,
            "original": obj,
            "secret": obj.issued_secret,
        }
        response = TemplateResponse(request, "admin/healthqa/partnerkey/issued.html", context)
        add_never_cache_headers(response)
        return response

    # -- revoking ---------------------------------------------------------------------------

    @admin.action(description="Revoke selected partner keys", permissions=["revoke"])
    def revoke(self, request, queryset):
        apply_transition(self, request, queryset, "revoke", "Revoked")

    def revoke_view(self, request, object_id):
        """GET asks for confirmation (and a reason); POST revokes the key."""
        request.current_app = self.admin_site.name
        if request.method not in {"GET", "POST"}:
            return HttpResponseNotAllowed(["GET", "POST"])
        if not self.has_revoke_permission(request):
            raise PermissionDenied
        partner_key = self.get_object(request, unquote(object_id))
        if partner_key is None:
            return missing_object(self, request, object_id)
        form = RevokeForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                partner_key.revoke(by=request.user, note=form.cleaned_data["note"])
            except ValidationError as exc:
                self.message_user(request, refusal(exc), messages.ERROR)
            else:
                done = f"Revoked the key {partner_key}: it no longer works."
                self.message_user(request, done, messages.SUCCESS)
            return redirect("admin:healthqa_partnerkey_change", partner_key.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Revoke the key of {partner_key.name}?",
            "opts": self.opts,
            "original": partner_key,
            "state": self.state(partner_key),
            "form": form,
        }
        return TemplateResponse(request, "admin/healthqa/partnerkey/revoke.html", context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["can_revoke"] = (
            obj is not None and obj.is_active and self.has_revoke_permission(request, obj)
        )
        context["show_save_and_add_another"] = False
        if add:
            context["show_save_and_continue"] = False
        return super().render_change_form(request, context, add, change, form_url, obj)
