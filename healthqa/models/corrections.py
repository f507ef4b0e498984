"""Corrections: what readers are told was wrong in a live answer or article, and when."""

from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from healthqa.models.answers import Answer, AnswerRevision


class CorrectionQuerySet(models.QuerySet):
    def by_answer(self, answer_pks):
        """{answer pk: its corrections, newest first}: one query for all of them (none for
        none)."""
        found = {}
        for correction in self.filter(answer__in=answer_pks) if answer_pks else ():
            found.setdefault(correction.answer_id, []).append(correction)
        return found

    def public(self):
        """Corrections of what readers may see now: public answers and public articles."""
        Article = apps.get_model("articles", "Article")
        return self.filter(
            Q(answer__in=Answer.objects.public()) | Q(article__in=Article.objects.public())
        )


class Correction(models.Model):
    """A public note that a live answer or article was corrected. Never deleted: the answer or
    article it corrects cannot be deleted while it exists (PROTECT)."""

    answer = models.ForeignKey(
        Answer, null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    revision = models.OneToOneField(
        AnswerRevision,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="correction",
        help_text="The approved revision that made the correction.",
    )
    article = models.ForeignKey(
        "articles.Article",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    note = models.TextField(
        "public note",
        max_length=1000,
        help_text="What was wrong and what was changed, for readers. Shown on the page.",
    )
    made_at = models.DateTimeField(default=timezone.now, db_index=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        ordering = ["-made_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(answer__isnull=False, article__isnull=True)
                    | Q(answer__isnull=True, article__isnull=False)
                ),
                name="correction_of_answer_or_article",
            ),
            models.CheckConstraint(
                condition=Q(revision__isnull=True) | Q(answer__isnull=False),
                name="correction_revision_of_answer",
            ),
        ]

    def __str__(self):
        return f"Correction of {self.target} ({self.made_at:%Y-%m-%d})"

    @property
    def target(self):
        return self.answer if self.answer_id else self.article

    def get_absolute_url(self):
        if self.answer_id:
            return f"{self.answer.question.get_absolute_url()}#correction-{self.pk}"
        return f"{self.article.get_absolute_url()}#correction-{self.pk}"

    def delete(self, *args, **kwargs):
        raise PermissionDenied("Corrections are never deleted.")

    @classmethod
    def clean_note(cls, note):
        note = (note or "").strip()
        if not note:
            raise ValidationError("Write the public note that tells readers what was corrected.")
        if len(note) > 1000:
            raise ValidationError("Keep the correction note under 1,000 characters.")
        return note
