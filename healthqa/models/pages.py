"""The publisher's own pages (about, editorial policy, privacy, …), edited in the admin."""

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from healthqa.core.bases import RendersBody, Timestamped, Versioned
from healthqa.core.links import cached_reverse
from healthqa.core.markdown import plain_text, teaser


class PublisherPageKind(models.TextChoices):
    """Each page has a fixed address (`/<slug>/`) and a place in the footer, in this order."""

    ABOUT = "about", "About us"
    EDITORIAL_POLICY = "editorial-policy", "Editorial policy"
    PRIVACY = "privacy", "Privacy notice"
    ADVERTISING_POLICY = "advertising-policy", "Advertising policy"
    TERMS = "terms", "Terms of use"
    CONTACT = "contact", "Contact"


class PublisherPageQuerySet(models.QuerySet):
    def public(self):
        """Every saved page is public: the six addresses are fixed and the footer lists them."""
        return self.all()


class PublisherPage(RendersBody, Versioned, Timestamped):
    Kind = PublisherPageKind

    slug = models.SlugField(
        "page", max_length=40, unique=True, choices=Kind.choices, help_text="Its address."
    )
    title = models.CharField(max_length=160)
    body = models.TextField(help_text="Markdown.")
    body_html = models.TextField(editable=False, blank=True)
    is_demo = models.BooleanField("demo content", default=False)

    objects = PublisherPageQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["body_html", "version"])

    class Meta:
        verbose_name = "publisher page"
        constraints = [
            models.CheckConstraint(
                condition=Q(slug__in=PublisherPageKind.values), name="publisher_page_slug_valid"
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return cached_reverse("healthqa:page", slug=self.slug)

    @property
    def summary(self):
        return teaser(plain_text(self.body), 155)

    @property
    def order(self):
        return PublisherPageKind.values.index(self.slug)
