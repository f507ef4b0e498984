"""Partner keys for the public API: issued and revoked by editors, stored only as a hash.

Anonymous reading of `/api/v1/` stays open; a key only lifts the rate limit and names the
partner. A key is 32 random bytes, so one SHA-256 of it cannot be guessed back and needs no
slow hash; the first characters are kept apart (`prefix`) so that staff can tell keys apart.
"""

import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.utils import timezone
from simple_history.models import HistoricalRecords

from healthqa.core.permissions import require
from healthqa.models.moderation import ModerationEvent

KEY_PREFIX = "hqa_"
# Far above any partner's need, and within every database's integer column.
MAX_RATE_LIMIT = 100_000


def default_rate_limit():
    return settings.HEALTHQA_API_PARTNER_RATE_LIMIT


def key_hash(raw):
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


class PartnerKeyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)

    def for_bearer(self, raw):
        """The active key whose secret is `raw`, or None."""
        if not raw or not raw.startswith(KEY_PREFIX) or len(raw) > 100:
            return None
        return self.active().filter(key_hash=key_hash(raw)).first()


class PartnerKey(models.Model):
    name = models.CharField("partner", max_length=160, help_text="Who the key is for.")
    contact_email = models.EmailField(
        blank=True, help_text="Whom to tell about changes to the API or to this key."
    )
    note = models.TextField(blank=True, help_text="What the partner uses the API for.")
    rate_limit = models.PositiveIntegerField(
        "requests per minute",
        default=default_rate_limit,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_RATE_LIMIT)],
    )
    prefix = models.CharField(max_length=16, editable=False, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = PartnerKeyQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["key_hash"])

    class Meta:
        ordering = ["name", "pk"]
        permissions = [("revoke_partnerkey", "Can revoke partner keys")]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self):
        return self.revoked_at is None

    @classmethod
    def issue(cls, *, name, by, contact_email="", note="", rate_limit=None):
        """A new key for `name`: returns (key, secret). The secret is shown to the editor once
        and stored nowhere; only its hash is kept."""
        require(by, "healthqa.add_partnerkey", "You do not have permission to issue partner keys.")
        raw = KEY_PREFIX + secrets.token_urlsafe(32)
        key = cls(
            name=name,
            contact_email=contact_email,
            note=note,
            prefix=raw[: len(KEY_PREFIX) + 6],
            key_hash=key_hash(raw),
            created_by=by,
        )
        if rate_limit is not None:
            key.rate_limit = rate_limit
        key.full_clean()
        with transaction.atomic():
            key.save()
            ModerationEvent.record(key, actor=by, action="issue_key", to_state="active")
        return key, raw

    def revoke(self, *, by, note=""):
        """Stop the key working at once, in every process; the row stays for the record."""
        require(
            by, "healthqa.revoke_partnerkey", "You do not have permission to revoke partner keys."
        )
        with transaction.atomic():
            locked = type(self)._base_manager.select_for_update().get(pk=self.pk)
            if locked.revoked_at is not None:
                raise ValidationError(f"{self} is already revoked.")
            self.revoked_at, self.revoked_by = timezone.now(), by
            self.save(update_fields=["revoked_at", "revoked_by"])
            ModerationEvent.record(
                self, actor=by, action="revoke_key", from_state="active", to_state="revoked",
                note=note,
            )  # fmt: skip

    def delete(self, *args, **kwargs):
        raise ValidationError("Partner keys are never deleted: revoke the key instead.")
