"""Topics: what questions and articles are about."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from healthqa.core.bases import Timestamped, Versioned, unique_slug
from healthqa.core.links import cached_reverse
from healthqa.models.questions import Question


class TopicQuerySet(models.QuerySet):
    def with_public_counts(self):
        public = Question.objects.public()
        return self.annotate(
            public_question_count=models.Count(
                "questions", filter=Q(questions__in=public), distinct=True
            )
        )


class Topic(Versioned, Timestamped):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=140, unique=True)
    description = models.TextField(blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    is_demo = models.BooleanField(
        "demo content", default=False, help_text="Made-up content loaded by load_demo."
    )

    objects = TopicQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return cached_reverse("healthqa:topic_detail", slug=self.slug)

    def clean(self):
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk:
                raise ValidationError({"parent": "A topic cannot be its own ancestor."})
            ancestor = ancestor.parent

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Topic, self.name, instance=self)
        super().save(*args, **kwargs)
