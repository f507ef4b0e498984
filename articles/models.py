from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager

from healthqa import search
from healthqa.images import validate_image
from healthqa.links import cached_reverse
from healthqa.models import (
    KeepsOldSlugs,
    PublishingMixin,
    Timestamped,
    Versioned,
    unique_slug,
    with_rendered,
)
from healthqa.rendering import plain_text, render_markdown, teaser


class ArticleQuerySet(models.QuerySet):
    def public(self):
        """Published and not scheduled for later."""
        return self.filter(
            status=Article.Status.PUBLISHED,
            published_at__isnull=False,
            published_at__lte=timezone.now(),
        )

    def for_cards(self):
        return self.select_related("topic").order_by("-published_at", "-pk")


class Article(PublishingMixin, KeepsOldSlugs, Versioned, Timestamped):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        ARCHIVED = "archived", "Archived"

    title = models.CharField(max_length=255)
    slug = models.SlugField(max_length=200, unique=True)
    excerpt = models.TextField(
        "teaser", blank=True, help_text="Shown on cards, cut near 150 characters."
    )
    body = models.TextField(help_text="Markdown.")
    body_html = models.TextField(editable=False, blank=True)
    image = models.ImageField(
        upload_to="articles/%Y/%m/",
        blank=True,
        validators=[validate_image],
        width_field="image_width",
        height_field="image_height",
    )
    image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_alt = models.CharField(
        "image alt text",
        max_length=200,
        blank=True,
        help_text="Describe the image for readers who cannot see it.",
    )
    topic = models.ForeignKey(
        "healthqa.Topic", null=True, blank=True, on_delete=models.PROTECT, related_name="articles"
    )
    tags = TaggableManager(blank=True)
    author = models.ForeignKey(
        "experts.Expert", null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(
        null=True, blank=True, db_index=True, help_text="A future date schedules the article."
    )
    reviewed_at = models.DateTimeField(
        "last reviewed", null=True, blank=True, help_text="When the content was last checked."
    )
    reviewed_by = models.ForeignKey(
        "experts.Expert",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_demo = models.BooleanField("demo content", default=False)

    objects = ArticleQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["body_html", "version"])
    publish_permission = "articles.change_article"

    class Meta:
        ordering = ["-published_at", "-created_at"]
        indexes = [models.Index(fields=["status", "published_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published", "archived"]),
                name="article_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="article_published_has_date",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return cached_reverse("articles:detail", slug=self.slug)

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Article, self.title, instance=self)
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        self.body_html = render_markdown(self.body)
        kwargs["update_fields"] = with_rendered(kwargs.get("update_fields"))
        with transaction.atomic():  # the row and its index entry, or neither
            super().save(*args, **kwargs)
            search.index_article(self)

    @property
    def teaser(self):
        return teaser(plain_text(self.excerpt) or plain_text(self.body))


class Source(models.Model):
    """A citation for an article."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="sources")
    title = models.CharField(max_length=300)
    publisher = models.CharField(max_length=200, blank=True)
    url = models.URLField(max_length=500, blank=True)
    published_on = models.DateField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.title
