from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from healthqa.core.bases import Timestamped, Versioned, unique_slug
from healthqa.core.images import validate_image
from healthqa.core.links import cached_reverse
from healthqa.core.permissions import require
from healthqa.core.signals import UpdatesSendSignal


class ExpertQuerySet(UpdatesSendSignal):
    def public(self):
        """Experts readers may see: active ones."""
        return self.filter(is_active=True)

    def with_answer_counts(self):
        # Answers are a healthqa model, which imports this module: reached through the relation.
        answers = self.model._meta.get_field("answers").related_model.objects
        return self.annotate(
            public_answer_count=models.Count(
                "answers", filter=Q(answers__in=answers.public()), distinct=True
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
    is_clinician = models.BooleanField(
        "clinician",
        default=False,
        help_text="A licensed clinician, who may be named the medical reviewer of answers and "
        "articles.",
    )
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
        """`by` has checked this expert's credentials: who and when are kept, with a
        ModerationEvent. An expert already verified (as stored) is refused."""
        require(by, "experts.change_expert", "You do not have permission to verify experts.")
        self._set_verified(True, by=by)

    def unverify(self, *, by):
        """`by` withdraws the verification: who and when are cleared (the ModerationEvent keeps
        them). An expert not verified (as stored) is refused."""
        require(by, "experts.change_expert", "You do not have permission to unverify experts.")
        self._set_verified(False, by=by)

    def reverify(self, *, by):
        """`by` has checked a verified expert's credentials again: who and when are renewed,
        with a ModerationEvent. An expert not verified (as stored) is refused."""
        require(by, "experts.change_expert", "You do not have permission to verify experts.")
        ModerationEvent = apps.get_model("healthqa", "ModerationEvent")
        with transaction.atomic():
            rows = type(self)._base_manager.select_for_update().filter(pk=self.pk)
            if not rows.values_list("verified", flat=True).get():
                raise ValidationError(f"{self} is not verified: mark the expert as verified.")
            self.verified, self.verified_at, self.verified_by = True, timezone.now(), by
            self.save(update_fields=["verified_at", "verified_by", "updated_at"])
            ModerationEvent.record(
                self, actor=by, action="reverify", from_state="verified", to_state="verified"
            )

    def _set_verified(self, verified, *, by):
        # The audit log is a healthqa model, which imports this module: found by label.
        ModerationEvent = apps.get_model("healthqa", "ModerationEvent")
        states = ("unverified", "verified")
        with transaction.atomic():
            # The row locked first, so of two tries at once the second sees the first's.
            rows = type(self)._base_manager.select_for_update().filter(pk=self.pk)
            if rows.values_list("verified", flat=True).get() == verified:
                raise ValidationError(f"{self} is {'already' if verified else 'not'} verified.")
            self.verified = verified
            self.verified_at, self.verified_by = (timezone.now(), by) if verified else (None, None)
            self.save(update_fields=["verified", "verified_at", "verified_by", "updated_at"])
            ModerationEvent.record(
                self,
                actor=by,
                action="verify" if verified else "unverify",
                from_state=states[not verified],
                to_state=states[verified],
            )

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Expert, self.name, instance=self)
        if self.verified and self.verified_at is None:
            self.verified_at = timezone.now()
        super().save(*args, **kwargs)
