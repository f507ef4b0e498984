from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager

from healthqa.core.bases import RendersBody, Timestamped, Versioned, unique_slug
from healthqa.core.images import validate_image
from healthqa.core.links import cached_reverse
from healthqa.core.markdown import plain_text, teaser
from healthqa.core.permissions import require
from healthqa.core.signals import UpdatesSendSignal
from healthqa.models.citations import Citation
from healthqa.models.corrections import Correction
from healthqa.models.moderation import ModerationEvent
from healthqa.models.publishing import KeepsOldSlugs, PublishingMixin


class ArticleQuerySet(UpdatesSendSignal):
    def public(self):
        """Published and not scheduled for later."""
        return self.filter(
            status=Article.Status.PUBLISHED,
            published_at__isnull=False,
            published_at__lte=timezone.now(),
        )

    def for_cards(self):
        return self.select_related("topic").order_by("-published_at", "-pk")

    def continue_learning(
        self, question, limit=4, *, tags=None, topic_articles=None, articles_by_id=None
    ):
        """The "Continue Learning" block of `question`: up to `limit` public articles, the
        curated picks in order, then the newest of the same topic, then the newest sharing a tag.

        `tags` saves reading the question's tags again; `topic_articles`, a function returning
        the topic's newest public articles (at least 2 × `limit` of them, or all there are),
        lets every question of a topic share that list; `articles_by_id`, a function from ids
        to {id: article}, lets pages share the picked articles too.
        """
        public = self.public().select_related("topic")
        picked = public.filter(question_picks__question=question).order_by(
            "question_picks__position"
        )
        if articles_by_id is None:
            picks = list(picked[:limit])
        else:
            ids = list(picked.values_list("pk", flat=True)[:limit])
            found = articles_by_id(ids)
            picks = [found[pk] for pk in ids if pk in found]
        chosen = {article.pk for article in picks}
        if len(picks) < limit and question.topic_id:
            if topic_articles is None:
                more = public.filter(topic_id=question.topic_id).exclude(pk__in=chosen)
                picks += list(more.order_by("-published_at", "-pk")[: limit - len(picks)])
            else:
                more = [article for article in topic_articles() if article.pk not in chosen]
                picks += more[: limit - len(picks)]
            chosen = {article.pk for article in picks}
        if len(picks) < limit:
            tag_ids = [tag.pk for tag in (question.tags.all() if tags is None else tags)]
            if tag_ids:
                more = public.filter(tags__in=tag_ids).exclude(pk__in=chosen).distinct()
                picks += list(more.order_by("-published_at", "-pk")[: limit - len(picks)])
        return picks


class ArticleStatus(models.TextChoices):
    """`Article.Status`, at module level so `Article.Meta` can name it."""

    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


class Article(PublishingMixin, KeepsOldSlugs, RendersBody, Versioned, Timestamped):
    Status = ArticleStatus

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
        "medically reviewed",
        null=True,
        blank=True,
        help_text="When the medical reviewer last checked the content.",
    )
    reviewed_by = models.ForeignKey(
        "experts.Expert",
        verbose_name="medical reviewer",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"is_clinician": True},
        help_text="A clinician expert who checked the medical content.",
    )
    is_demo = models.BooleanField("demo content", default=False)

    objects = ArticleQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["body_html", "version"])
    publish_permission = "articles.change_article"
    whole_second_fields = ("published_at", "reviewed_at")

    class Meta:
        ordering = ["-published_at", "-created_at"]
        indexes = [
            models.Index(fields=["status", "published_at"]),
            # The API's `?updated_since=` listings, in order of change (keyset paging).
            models.Index(fields=["updated_at", "id"], name="article_updated_at_id"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ArticleStatus.values),
                name="article_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status=ArticleStatus.PUBLISHED) | Q(published_at__isnull=False),
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
        super().save(*args, **kwargs)

    def clean(self):
        """A medical review names both who and when, and did not happen in the future."""
        super().clean()
        if self.reviewed_by_id and self.reviewed_at is None:
            raise ValidationError({"reviewed_at": "Give the date of the medical review."})
        if self.reviewed_at and not self.reviewed_by_id:
            raise ValidationError({"reviewed_by": "Name the medical reviewer, or clear the date."})
        if self.reviewed_at and self.reviewed_at > timezone.now():
            raise ValidationError({"reviewed_at": "The medical review cannot be in the future."})

    @property
    def teaser(self):
        return teaser(plain_text(self.excerpt) or plain_text(self.body))

    def record_correction(self, *, note, by):
        """Tell readers that the live article was corrected, and what was wrong."""
        require(by, "articles.change_article", "Only editors correct articles.")
        note = Correction.clean_note(note)
        with transaction.atomic():
            locked = Article.objects.select_for_update().get(pk=self.pk)
            if locked.status != self.Status.PUBLISHED or locked.is_scheduled:
                state = "scheduled" if locked.is_scheduled else locked.get_status_display()
                raise ValidationError(
                    f"Only a live article can be marked as corrected; this one is {state.lower()}."
                )
            correction = Correction.objects.create(article=locked, note=note, made_by=by)
            ModerationEvent.record(
                locked,
                actor=by,
                action="correct",
                from_state=locked.status,
                to_state=locked.status,
                note=note,
            )
        return correction


class Source(Citation):
    """One source of an article, in the order the article cites them."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="sources")

    class Meta(Citation.Meta):
        pass
