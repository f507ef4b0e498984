"""Preview links: sharing a draft with someone without an account, and old addresses."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme

from healthqa.admin.base import ReadOnly, apply_transition, missing_object, person
from healthqa.admin.versions import VersionedAdmin
from healthqa.core.text import refusal, when
from healthqa.models import PreviewLink, SlugRedirect


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
            return missing_object(self, request, object_id)
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


@admin.register(SlugRedirect)
class SlugRedirectAdmin(ReadOnly, admin.ModelAdmin):
    """Old addresses kept when a slug changes; created by the models, removable by editors."""

    list_display = ("old_slug", "target", "content_type", "created_at")
    list_filter = ("content_type",)
    search_fields = ("old_slug",)
    list_select_related = ("content_type",)
    readonly_fields = ("content_type", "object_id", "old_slug", "created_at")

    def may_delete(self, request, obj=None):
        return self.model_may_delete(request, obj)


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
        "created_by_name",
        "created_at",
        "expires_at",
        "revoked_at",
    )
    readonly_fields = (
        "target_link",
        "address",
        "state",
        "created_by_name",
        "created_at",
        "expires_at",
        "revoked_at",
    )
    actions = ("revoke",)
    change_form_template = "admin/healthqa/previewlink/change_form.html"
    created_by_name = person("created_by", "made by")

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
            return missing_object(self, request, object_id)
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
