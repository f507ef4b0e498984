"""The publisher's pages (about, editorial policy, privacy, …): edited by editors, never deleted."""

from django import forms
from django.contrib import admin
from django.db.models import Case, IntegerField, Value, When

from healthqa.admin.base import day
from healthqa.admin.editing import EditingPresence
from healthqa.admin.history import HistoryAdmin
from healthqa.models import PublisherPage

Kind = PublisherPage.Kind


class MarkdownHelp:
    """For a ModelAdmin: the Markdown toolbar and help above its body fields, without a live
    preview (the panel shows only when `live_preview_url` is set)."""

    change_form_template = "admin/edit_change_form.html"
    markdown_fields = ()

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if not context.get("is_popup"):
            toolbar = forms.Script("js/admin-markdown-toolbar.js", defer=True)
            context["media"] = context["media"] + forms.Media(
                js=[toolbar], css={"all": ["css/admin-live-preview.css"]}
            )
            context["markdown_fields"] = " ".join(f"id_{name}" for name in self.markdown_fields)
        return super().render_change_form(request, context, add, change, form_url, obj)


@admin.register(PublisherPage)
class PublisherPageAdmin(MarkdownHelp, EditingPresence, HistoryAdmin):
    """One row per fixed address. Every page links to them from its footer, so a page is
    never deleted, and its address (the slug) is fixed once saved."""

    list_display = ("title", "address", "is_demo", "updated")
    list_filter = ("is_demo",)
    search_fields = ("title", "body")
    fields = ("slug", "title", "body", "is_demo", "created_at", "updated_at")
    readonly_fields = ("created_at", "updated_at")
    markdown_fields = ("body",)
    view_on_site = True

    def get_queryset(self, request):
        in_footer_order = Case(
            *(When(slug=slug, then=Value(n)) for n, slug in enumerate(Kind.values)),
            output_field=IntegerField(),
        )
        return (
            super()
            .get_queryset(request)
            .annotate(footer_order=in_footer_order)
            .order_by("footer_order")
        )

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return ("slug", *fields) if obj is not None else fields

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "slug":
            # A new page takes one of the addresses still free.
            taken = set(PublisherPage.objects.values_list("slug", flat=True))
            kwargs["choices"] = [("", "---------")] + [
                (slug, f"{label} (/{slug}/)") for slug, label in Kind.choices if slug not in taken
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="address", ordering="footer_order")
    def address(self, page):
        return f"/{page.slug}/"

    @admin.display(description="updated", ordering="updated_at")
    def updated(self, page):
        return day(page.updated_at)
