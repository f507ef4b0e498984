from django.contrib import admin
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.formats import date_format

from experts.models import Expert
from healthqa.admin.base import FIELD_OVERRIDES, apply_transition, thumbnail
from healthqa.admin.editing import EditingPresence
from healthqa.admin.history import HistoryAdmin
from healthqa.admin.review_due import back_to_report
from healthqa.admin.versions import LOADED_FIELDS
from healthqa.core.text import person_name


@admin.register(Expert)
class ExpertAdmin(EditingPresence, HistoryAdmin):
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
    list_filter = (
        "kind",
        "verified",
        "is_clinician",
        "is_active",
        "specialties",
        "is_demo",
        "created_at",
    )
    search_fields = ("name", "slug", "credentials", "headline", "user__username", "user__email")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("specialties", "user")
    list_select_related = ("user",)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "name",
                    "slug",
                    "kind",
                    "credentials",
                    "is_clinician",
                    "headline",
                    "specialties",
                )
            },
        ),
        ("Profile", {"fields": ("photo", "portrait", "bio", "website")}),
        ("Verification", {"fields": ("verified", "last_verified")}),
        ("Account", {"fields": ("user", "is_active", "is_demo", "created_at", "updated_at")}),
    )
    actions = ("mark_verified", "reverify")
    history_restore_exclude = ("verified", "is_active")
    formfield_overrides = FIELD_OVERRIDES

    def get_queryset(self, request):
        # Counting groups rows, which drops Meta.ordering; autocomplete pages need an order.
        queryset = super().get_queryset(request).annotate(answer_total=Count("answers"))
        return queryset.order_by("name", "pk")

    def get_readonly_fields(self, request, obj=None):
        readonly = ["portrait", "last_verified", "created_at", "updated_at"]
        # A linked account writes answers as this expert, so only user administrators link one.
        if not request.user.has_perm("auth.change_user"):
            readonly.append("user")
        return readonly

    def save_model(self, request, obj, form, change):
        """Ticking or unticking "verified" goes through `mark_verified` / `unverify` (who,
        when and a ModerationEvent), in one transaction with the rest of the form."""
        if "verified" not in form.changed_data:
            return super().save_model(request, obj, form, change)
        verify, obj.verified = obj.verified, not obj.verified  # the model method changes it
        with transaction.atomic():
            # The rest of the form first, unless only the box changed (no empty history row).
            # The first save checks the version the form was loaded with.
            if not change or set(form.changed_data) - {"verified", *LOADED_FIELDS}:
                super().save_model(request, obj, form, change)
            if verify:
                obj.mark_verified(by=request.user)
            else:
                obj.unverify(by=request.user)
        return None

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

    @admin.display(description="credentials checked")
    def last_verified(self, expert):
        """When and by whom the credentials were last verified, in words."""
        if not expert.verified or expert.verified_at is None:
            return "Credentials not verified."
        day = date_format(timezone.localtime(expert.verified_at), "j F Y")
        if expert.verified_by is None:
            return f"Credentials last verified {day}"
        return f"Credentials last verified {day} by {person_name(expert.verified_by)}"

    @admin.display(description="answers", ordering="answer_total")
    def answer_count(self, expert):
        return expert.answer_total

    @admin.action(description="Mark selected experts as verified", permissions=["change"])
    def mark_verified(self, request, queryset):
        # Experts verified already are left as they are; one verified meanwhile is refused.
        apply_transition(
            self, request, queryset.filter(verified=False), "mark_verified", "Verified"
        )
        return back_to_report(request)

    @admin.action(description="Re-verify credentials of selected experts", permissions=["change"])
    def reverify(self, request, queryset):
        # An expert not verified is refused with a message: verifying is the other action.
        apply_transition(self, request, queryset, "reverify", "Re-verified")
        return back_to_report(request)
