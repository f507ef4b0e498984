"""The page cache's change log, read-only: what each write changed, for operators."""

from django.contrib import admin

from healthqa.admin.base import ReadOnly
from healthqa.models import ContentChange


@admin.register(ContentChange)
class ContentChangeAdmin(ReadOnly, admin.ModelAdmin):
    """Written by database triggers; pruned after a day (README, Operators: caching)."""

    list_display = ("id", "content_key", "changed_at")
    ordering = ("-id",)  # the newest first
    search_fields = ("content_key__startswith",)
    date_hierarchy = "changed_at"
    show_full_result_count = False
