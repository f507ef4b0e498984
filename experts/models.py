from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from healthqa import search
from healthqa.images import validate_image
from healthqa.links import cached_reverse
from healthqa.models import Timestamped, Versioned, unique_slug


class ExpertQuerySet(models.QuerySet):
    def public(self):
        """Experts readers may see: active ones."""
        return self.filter(is_active=True)

    def with_answer_counts(self):
        from healthqa.models import Answer

        return self.annotate(
            public_answer_count=models.Count(
                "answers", filter=Q(answers__in=Answer.objects.public()), distinct=True
            )
        )


class Expert(Versioned, Timestamped):
    class Kind(models.TextChoices):
        PERSON = "person", "Person"
        ORGANIZATION = "organization", "Organization"

    name = models.CharField(max_length=160)
    slug = models.SlugField(max_length=180, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PERSON)
    credentials = models.CharField(max_length=160, blank=True, help_text='For example "MD, FACSM".')
    headline = models.CharField(max_length=200, blank=True, help_text="One line under the name.")
    specialties = models.ManyToManyField("healthqa.Topic", blank=True, related_name="experts")
    bio = models.TextField(blank=True, help_text="Markdown.")
    photo = models.ImageField(
        "photo or logo",
        upload_to="experts/%Y/%m/",
        blank=True,
        validators=[validate_image],
        width_field="photo_width",
        height_field="photo_height",
        help_text="A portrait for a person, a logo for an organization.",
    )
    photo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    website = models.URLField(blank=True)
    verified = models.BooleanField(default=False)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="experts_verified",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="expert_profile",
        help_text="The account this expert signs in with.",
    )
    is_active = models.BooleanField(
        default=True, help_text="Inactive experts and their answers are hidden from readers."
    )
    is_demo = models.BooleanField("demo content", default=False)

    objects = ExpertQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["person", "organization"]), name="expert_kind_valid"
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return cached_reverse("experts:detail", slug=self.slug)

    @property
    def is_organization(self):
        return self.kind == self.Kind.ORGANIZATION

    @property
    def display_name(self):
        return f"{self.name}, {self.credentials}" if self.credentials else self.name

    @property
    def initials(self):
        words = [w for w in self.name.replace(".", " ").split() if w[:1].isalpha()]
        if self.is_organization:
            words = [w for w in words if w[:1].isupper()]
        return "".join(w[0] for w in words[:3]).upper() or "?"

    def mark_verified(self, *, by):
        from healthqa.models import ModerationEvent

        if not (by and by.is_active and by.has_perm("experts.change_expert")):
            raise PermissionDenied("You do not have permission to verify experts.")
        with transaction.atomic():
            self.verified, self.verified_at, self.verified_by = True, timezone.now(), by
            self.save(update_fields=["verified", "verified_at", "verified_by", "updated_at"])
            ModerationEvent.record(
                self, actor=by, action="verify", from_state="unverified", to_state="verified"
            )

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Expert, self.name, instance=self)
        if self.verified and self.verified_at is None:
            self.verified_at = timezone.now()
        with transaction.atomic():  # the row and the index entries it hides, or neither
            was_active = (
                None
                if self._state.adding
                else Expert.objects.filter(pk=self.pk).values_list("is_active", flat=True).first()
            )
            super().save(*args, **kwargs)
            if was_active is not None and was_active != self.is_active:
                # An inactive expert's answers are hidden: so is their text in the search index.
                search.index_expert_answers(self)
