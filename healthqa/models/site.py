"""Site-wide settings editors change in the admin, and house advertisements."""

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from healthqa.core.bases import Timestamped, Versioned
from healthqa.core.images import validate_image

DEFAULT_DISCLAIMER = (
    "This content reflects information from various individuals and organizations and may offer "
    "alternative or opposing points of view. It should not be used for medical advice, diagnosis "
    "or treatment. As always, you should consult with your healthcare provider about your "
    "specific health needs."
)


class SiteSettings(Versioned):
    """The one row of site-wide settings editors change in the admin."""

    CACHE_KEY = "healthqa:site-settings"

    site_name = models.CharField(max_length=80, default="HealthQA")
    tagline = models.CharField(
        max_length=160, default="Health questions, answered by vetted experts", blank=True
    )
    disclaimer = models.TextField(default=DEFAULT_DISCLAIMER)
    answers_need_source = models.BooleanField(
        "answers need at least one source to be approved",
        default=False,
        help_text="Moderators cannot approve an answer, or a revision of one, without a source.",
    )

    class Meta:
        verbose_name = "site settings"
        verbose_name_plural = "site settings"
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="site_settings_single_row")]

    def __str__(self):
        return "Site settings"

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)
        cache.delete(self.CACHE_KEY)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("Site settings cannot be deleted.")

    @classmethod
    def load(cls):
        current = cache.get(cls.CACHE_KEY)
        if current is None:
            current, _ = cls.objects.get_or_create(pk=1)
            cache.set(cls.CACHE_KEY, current, 300)
        return current


def validate_link(value):
    """A site-relative path or an http(s) URL; nothing else (no javascript:, data:)."""
    if value.startswith("/") and not value.startswith("//"):
        return
    URLValidator(schemes=["http", "https"])(value)


class AdPlacementQuerySet(models.QuerySet):
    def active(self, slot=None):
        now = timezone.now()
        qs = self.filter(is_active=True).filter(
            Q(starts_at__isnull=True) | Q(starts_at__lte=now),
            Q(ends_at__isnull=True) | Q(ends_at__gt=now),
        )
        if slot:
            qs = qs.filter(slot=slot)
        return qs


class AdPlacement(Versioned, Timestamped):
    """A house advertisement; the slot shows only while one is active."""

    class Slot(models.TextChoices):
        QUESTION_PAGE = "question_page", "Question page"
        ARTICLE_PAGE = "article_page", "Article page"

    name = models.CharField(max_length=120, help_text="For editors; not shown to readers.")
    slot = models.CharField(max_length=30, choices=Slot.choices, default=Slot.QUESTION_PAGE)
    image = models.ImageField(
        upload_to="ads/%Y/%m/",
        validators=[validate_image],
        width_field="image_width",
        height_field="image_height",
    )
    image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_alt = models.CharField("alt text", max_length=200)
    link = models.CharField(
        max_length=500,
        validators=[validate_link],
        help_text="A page of this site (/articles/) or a full https:// address.",
    )
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)

    objects = AdPlacementQuerySet.as_manager()

    class Meta:
        # The latest start first; one without a start date counts as the oldest (PostgreSQL
        # would sort NULL first, SQLite last).
        ordering = [models.F("starts_at").desc(nulls_last=True), "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True)
                | Q(starts_at__isnull=True)
                | Q(ends_at__gt=models.F("starts_at")),
                name="ad_ends_after_start",
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "The end must come after the start."})
