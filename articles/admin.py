from django.contrib import admin

from articles.models import Article, Source
from healthqa.admin.base import (
    PublishingActions,
    day,
    publication_label,
    thumbnail,
)
from healthqa.admin.corrections import CorrectsLiveArticle
from healthqa.admin.editing import EditingPresence
from healthqa.admin.history import HistoryAdmin
from healthqa.admin.live_preview import ArticleLivePreview
from healthqa.admin.previews import SharesPreviews
from healthqa.admin.sources import CitationInline
from healthqa.admin.workflow import PublishingButtons


class SourceInline(CitationInline):
    model = Source


@admin.register(Article)
class ArticleAdmin(
    CorrectsLiveArticle,
    PublishingButtons,
    PublishingActions,
    SharesPreviews,
    ArticleLivePreview,
    EditingPresence,
    HistoryAdmin,
):
    # Few, short columns: the list fits a 1280 px window beside the filters.
    list_display = ("picture", "title", "topic", "author", "publication", "reviewed")
    list_display_links = ("picture", "title")
    list_filter = (
        "status",
        "topic",
        ("author", admin.RelatedOnlyFieldListFilter),
        "is_demo",
        "published_at",
        "reviewed_at",
    )
    search_fields = ("title", "slug", "excerpt", "body", "author__name")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("topic", "author", "reviewed_by")
    list_select_related = ("topic", "author")
    date_hierarchy = "published_at"
    readonly_fields = ("status", "publication", "picture", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("title", "slug", "topic", "tags", "author", "excerpt", "body")}),
        ("Image", {"fields": ("image", "picture", "image_alt")}),
        (
            "Publication",
            {
                "fields": ("status", "publication", "published_at"),
                "description": "Publish now, Schedule (for a publication date in the future) "
                "and Unpublish are the buttons at the bottom of the page; each saves your edits "
                "first. Archiving many articles at once is an action of the article list.",
            },
        ),
        (
            "Medical review",
            {
                "fields": ("reviewed_by", "reviewed_at"),
                "description": "A clinician expert who checked the medical content, and when; "
                "readers see both. Give both or neither.",
            },
        ),
        ("History", {"fields": ("created_at", "updated_at", "is_demo")}),
    )
    inlines = (SourceInline,)
    actions = ("publish", "archive")
    history_restore_exclude = ("published_at",)

    @admin.display(description="image")
    def picture(self, article):
        return thumbnail(
            article.image,
            article.image_alt or article.title,
            width=article.image_width,
            height=article.image_height,
        )

    @admin.display(description="last reviewed", ordering="reviewed_at")
    def reviewed(self, article):
        return day(article.reviewed_at)

    @admin.display(description="publication", ordering="published_at")
    def publication(self, article):
        return publication_label(article)
