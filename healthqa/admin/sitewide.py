"""Site settings and house ads; tags, login records and the search index."""

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.shortcuts import redirect
from django.utils import timezone
from taggit.admin import TagAdmin as TaggitTagAdmin
from taggit.models import Tag

from healthqa.admin.base import FIELD_OVERRIDES, ReadOnly, thumbnail
from healthqa.admin.versions import VersionedAdmin
from healthqa.models import AdPlacement, SearchDocument, SiteSettings


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
class SearchDocumentAdmin(ReadOnly, admin.ModelAdmin):
    """The search index, for looking only: it is written by saves and `rebuild_search_index`."""

    list_display = ["title", "kind", "topic", "updated_at"]
    list_filter = ["kind", "topic"]
    list_select_related = ["topic"]
    search_fields = ["title"]
    fields = ["kind", "question", "article", "topic", "title", "body", "keywords", "updated_at"]
    readonly_fields = fields

    def may_delete(self, request, obj=None):
        # Rows are derived, but deleting a question or article takes its row with it, and the
        # admin's cascade check asks this admin: allowed to whoever may delete anything.
        return request.user.is_active and request.user.is_superuser
