from django.contrib import admin, messages
from django.contrib.admin.utils import model_ngettext
from django.db.models import Count
from django.utils import timezone

from experts.models import Expert
from healthqa.admin.base import FIELD_OVERRIDES, thumbnail
from healthqa.admin.history import HistoryAdmin


@admin.register(Expert)
class ExpertAdmin(HistoryAdmin):
    list_display = (
        "portrait",
        "name",
        "kind",
        "credentials",
        "verified",
        "is_active",
        "answer_count",
        "user",
        "is_demo",
    )
    list_display_links = ("portrait", "name")
    list_filter = ("kind", "verified", "is_active", "specialties", "is_demo", "created_at")
    search_fields = ("name", "slug", "credentials", "headline", "user__username", "user__email")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("specialties", "user")
    list_select_related = ("user",)
    fieldsets = (
        (None, {"fields": ("name", "slug", "kind", "credentials", "headline", "specialties")}),
        ("Profile", {"fields": ("photo", "portrait", "bio", "website")}),
        ("Verification", {"fields": ("verified", "verified_at", "verified_by")}),
        ("Account", {"fields": ("user", "is_active", "is_demo", "created_at", "updated_at")}),
    )
    actions = ("mark_verified",)
    history_restore_exclude = ("verified", "is_active")
    formfield_overrides = FIELD_OVERRIDES

    def get_queryset(self, request):
        # Counting groups rows, which drops Meta.ordering; autocomplete pages need an order.
        queryset = super().get_queryset(request).annotate(answer_total=Count("answers"))
        return queryset.order_by("name", "pk")

    def get_readonly_fields(self, request, obj=None):
        readonly = ["portrait", "verified_at", "verified_by", "created_at", "updated_at"]
        # A linked account writes answers as this expert, so only user administrators link one.
        if not request.user.has_perm("auth.change_user"):
            readonly.append("user")
        return readonly

    def save_model(self, request, obj, form, change):
        if "verified" in form.changed_data:
            if obj.verified:
                obj.verified_at, obj.verified_by = timezone.now(), request.user
            else:
                obj.verified_at = obj.verified_by = None
        super().save_model(request, obj, form, change)

    @admin.display(description="photo or logo")
    def portrait(self, expert):
        what = "Logo of" if expert.is_organization else "Portrait of"
        return thumbnail(
            expert.photo,
            f"{what} {expert.name}",
            width=expert.photo_width,
            height=expert.photo_height,
            empty="No photo",
        )

    @admin.display(description="answers", ordering="answer_total")
    def answer_count(self, expert):
        return expert.answer_total

    @admin.action(description="Mark selected experts as verified", permissions=["change"])
    def mark_verified(self, request, queryset):
        changed = 0
        for expert in queryset.filter(verified=False):
            expert.mark_verified(by=request.user)
            changed += 1
        noun = model_ngettext(self.opts, changed)
        self.message_user(request, f"Verified {changed} {noun}.", messages.SUCCESS)
