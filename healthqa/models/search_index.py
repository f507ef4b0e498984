"""The search index's rows (written by healthqa.search)."""

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q


class SearchDocument(models.Model):
    """The searchable text of one published question or article, written by `healthqa.search`.

    What readers may find is still decided at query time by the public() querysets; the text
    holds only what readers could see once the item is public (approved answers, never drafts).
    """

    class Kind(models.TextChoices):
        QUESTION = "question", "Question"
        ARTICLE = "article", "Article"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    question = models.OneToOneField(
        "healthqa.Question",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="search_document",
    )
    article = models.OneToOneField(
        "articles.Article",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="search_document",
    )
    topic = models.ForeignKey(
        "healthqa.Topic", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.TextField(help_text="The title, with hyphenated words also written joined.")
    body = models.TextField(blank=True, help_text="Plain text the result snippet is cut from.")
    keywords = models.TextField(blank=True, help_text="Other spellings of the body's words.")
    # PostgreSQL only (GIN-indexed by migration 0007); SQLite searches an FTS5 table instead.
    vector = SearchVectorField(null=True, editable=False)
    public_from = models.DateTimeField(
        null=True,
        blank=True,
        db_index=True,
        help_text="When readers may find it: the publication time once the item is public "
        "(a question needs an approved answer); empty while it is not.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="question", question__isnull=False, article__isnull=True)
                    | Q(kind="article", question__isnull=True, article__isnull=False)
                ),
                name="search_document_has_one_target",
            )
        ]
        indexes = [models.Index(fields=["kind", "topic"])]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title[:60]}"
