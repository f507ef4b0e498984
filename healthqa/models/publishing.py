"""Publishing: draft → published → archived, old addresses that keep working, preview links."""

from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from healthqa.core.bases import Versioned
from healthqa.core.permissions import require
from healthqa.models.moderation import ModerationEvent, StatusChanges


def whole_seconds(value):
    """`value` without its microseconds: the admin's date and time fields stop at seconds, so a
    time stored finer would read as changed by every save of the form."""
    return value.replace(microsecond=0) if value is not None else None


class PublishingMixin(StatusChanges):
    """publish() / archive() / unpublish() for models with draft → published → archived states.

    Subclasses name the permission that allows it (`publish_permission`), and the times their
    forms edit (`whole_second_fields`), stored in whole seconds.
    """

    publish_permission = None
    whole_second_fields = ("published_at",)

    def save(self, *args, **kwargs):
        for name in self.whole_second_fields:
            setattr(self, name, whole_seconds(getattr(self, name)))
        super().save(*args, **kwargs)

    @property
    def is_scheduled(self):
        """Published, with a publication time still to come."""
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    def _status_changed(self, locked, to_state):
        if to_state == self.Status.PUBLISHED and locked.published_at is None:
            locked.published_at = whole_seconds(timezone.now())

    def publish(self, *, by, note="", version=None):
        require(by, self.publish_permission)
        if self.status not in {self.Status.DRAFT, self.Status.ARCHIVED}:
            raise ValidationError(
                f"A {self.get_status_display().lower()} item cannot be published; it must be a "
                "draft or archived."
            )
        self._change_status(
            self.Status.PUBLISHED, by=by, action="publish", note=note, version=version
        )

    def archive(self, *, by, note="", version=None):
        require(by, self.publish_permission)
        if self.status != self.Status.PUBLISHED:
            raise ValidationError("Only a published item can be archived.")
        self._change_status(
            self.Status.ARCHIVED, by=by, action="archive", note=note, version=version
        )

    def unpublish(self, *, by, note="", version=None):
        """Out of public view: a scheduled item goes back to draft (its date kept for the next
        try); a live one is archived, since readers may have seen it."""
        require(by, self.publish_permission)
        if self.status != self.Status.PUBLISHED:
            raise ValidationError("Only a published or scheduled item can be unpublished.")
        if self.is_scheduled:
            to_state, action = self.Status.DRAFT, "unschedule"
        else:
            to_state, action = self.Status.ARCHIVED, "archive"
        self._change_status(to_state, by=by, action=action, note=note, version=version)


class KeepsOldSlugs:
    """Renaming the slug of a row that has been published keeps its old address alive as a
    SlugRedirect.

    Only an address readers may have seen is kept: the row as stored is published (scheduled
    included) or archived, or has a publication date. A reader's submission, a draft never
    published, a rejected or merged submission keeps no old slugs: their addresses were never
    public, and a redirect from a reader's own wording would outlive the rename.
    """

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        old_slug = None
        if not self._state.adding and (update_fields is None or "slug" in update_fields):
            rows = type(self)._default_manager.filter(pk=self.pk)
            stored = rows.values("slug", "status", "published_at").first()
            if stored and (
                stored["status"] in {self.Status.PUBLISHED, self.Status.ARCHIVED}
                or stored["published_at"] is not None
            ):
                old_slug = stored["slug"]
        with transaction.atomic():
            super().save(*args, **kwargs)
            SlugRedirect.remember(self, old_slug=old_slug)


class SlugRedirect(models.Model):
    """An old slug of a question or article, so its old address answers with a 301."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    old_slug = models.SlugField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "old_slug"], name="unique_old_slug_per_model"
            )
        ]

    def __str__(self):
        return f"{self.old_slug} → {self.target}"

    @classmethod
    def remember(cls, obj, *, old_slug):
        """Point `old_slug` at `obj`; its current slug is an address again, not a redirect."""
        content_type = ContentType.objects.get_for_model(obj)
        cls.objects.filter(content_type=content_type, old_slug=obj.slug).delete()
        if old_slug and old_slug != obj.slug:
            cls.objects.update_or_create(
                content_type=content_type, old_slug=old_slug, defaults={"object_id": obj.pk}
            )

    @classmethod
    def find(cls, model, old_slug):
        """The id of the `model` row that used to live at `old_slug`, or None."""
        return (
            cls.objects.filter(
                content_type=ContentType.objects.get_for_model(model), old_slug=old_slug
            )
            .values_list("object_id", flat=True)
            .first()
        )


class PreviewLinkQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())

    def for_object(self, obj):
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        ).select_related("created_by")


class PreviewLink(Versioned):
    """A revocable, expiring link that lets someone without an account read one draft."""

    SALT = "healthqa.public.previews-link"
    DEFAULT_DAYS = 7
    MAX_DAYS = 90

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True, help_text="Who the link is for.")

    objects = PreviewLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"Preview of {self.target}"

    def get_absolute_url(self):
        return reverse("healthqa:shared_preview", kwargs={"token": self.token})

    @property
    def token(self):
        """Signed id: the row is found only through a token this site issued. No timestamp (the
        row keeps its expiry), so a link has one address, whenever it is shown."""
        return signing.Signer(salt=self.SALT).sign_object(self.pk)

    @property
    def is_usable(self):
        return self.revoked_at is None and self.expires_at > timezone.now()

    @classmethod
    def from_token(cls, token):
        """The usable link behind `token`, or None when forged, expired or revoked."""
        try:
            pk = signing.Signer(salt=cls.SALT).unsign_object(token)
        except (signing.BadSignature, ValueError):
            try:  # a link shared before tokens lost their timestamp
                pk = signing.loads(token, salt=cls.SALT)
            except (signing.BadSignature, ValueError):
                return None
        if not isinstance(pk, int):
            return None
        return cls.objects.usable().filter(pk=pk).first()

    @classmethod
    def share(cls, obj, *, by, days=DEFAULT_DAYS, note=""):
        """A new link to unpublished `obj` for someone without an account."""
        opts = obj._meta
        change = f"{opts.app_label}.change_{opts.model_name}"
        require(by, "healthqa.add_previewlink", "You do not have permission to share previews.")
        require(by, change, f"You may not change this {opts.verbose_name}.")
        if not 1 <= days <= cls.MAX_DAYS:
            raise ValidationError(f"A preview link lasts from 1 to {cls.MAX_DAYS} days.")
        if type(obj).objects.public().filter(pk=obj.pk).exists():
            raise ValidationError(
                f"This {opts.verbose_name} is already public: share its address instead."
            )
        with transaction.atomic():
            link = cls.objects.create(
                content_type=ContentType.objects.get_for_model(obj),
                object_id=obj.pk,
                created_by=by,
                expires_at=timezone.now() + timedelta(days=days),
                note=note,
            )
            ModerationEvent.record(link, actor=by, action="share_preview", note=note)
        return link

    def revoke(self, *, by):
        require(
            by,
            "healthqa.change_previewlink",
            "You do not have permission to revoke preview links.",
        )
        with transaction.atomic():
            locked = PreviewLink.objects.select_for_update().get(pk=self.pk)
            if locked.revoked_at is not None:
                raise ValidationError("This preview link was already revoked.")
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at"])
            ModerationEvent.record(locked, actor=by, action="revoke_preview")
        self.refresh_from_db()
