"""Partner keys: issued and revoked by editors, stored as a hash, never deleted."""

import hashlib

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError

from healthqa.models import ModerationEvent, PartnerKey

pytestmark = pytest.mark.django_db


def events_of(key):
    return ModerationEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(key), object_id=key.pk
    ).order_by("pk")


@pytest.fixture
def issued(editor):
    return PartnerKey.issue(name="City Health App", contact_email="dev@city.example", by=editor)


def test_issue_returns_a_secret_of_which_only_the_hash_is_stored(issued):
    key, secret = issued

    assert secret.startswith("hqa_") and len(secret) > 40
    stored = PartnerKey.objects.filter(pk=key.pk).values().get()
    assert secret not in {str(value) for value in stored.values()}
    assert stored["key_hash"] == hashlib.sha256(secret.encode()).hexdigest()
    assert stored["prefix"] == secret[:10]


def test_each_issue_makes_a_different_secret(editor):
    _, first = PartnerKey.issue(name="A", by=editor)
    _, second = PartnerKey.issue(name="A", by=editor)

    assert first != second


def test_issue_records_who_and_an_audit_event(issued, editor):
    key, _ = issued

    assert key.created_by == editor and key.is_active
    event = events_of(key).get()
    assert (event.action, event.actor, event.to_state) == ("issue_key", editor, "active")


def test_a_new_key_allows_the_partner_rate_limit_of_the_settings(editor, settings):
    settings.HEALTHQA_API_PARTNER_RATE_LIMIT = 777

    key, _ = PartnerKey.issue(name="Clinic", by=editor)
    own, _ = PartnerKey.issue(name="Clinic", by=editor, rate_limit=50)

    assert (key.rate_limit, own.rate_limit) == (777, 50)


def test_issue_refuses_a_zero_rate_limit_and_stores_nothing(editor):
    with pytest.raises(ValidationError):
        PartnerKey.issue(name="Clinic", by=editor, rate_limit=0)

    assert not PartnerKey.objects.exists()


def test_the_history_never_holds_the_hash(issued):
    key, secret = issued

    version = key.history.get()
    assert not hasattr(version, "key_hash")
    assert secret not in {str(value) for value in key.history.values().get().values()}


def test_for_bearer_finds_the_active_key_of_a_secret(issued):
    key, secret = issued

    assert PartnerKey.objects.for_bearer(secret) == key


@pytest.mark.parametrize(
    "raw", ["", None, "hqa_not-a-key", "no-prefix-at-all", "hqa_" + "x" * 200, "hqa_\udcff"]
)
def test_for_bearer_finds_nothing_for_junk(issued, raw):
    assert PartnerKey.objects.for_bearer(raw) is None


def test_for_bearer_does_not_accept_a_secret_with_its_case_changed(issued):
    _, secret = issued

    assert PartnerKey.objects.for_bearer(secret[:4] + secret[4:].swapcase()) is None


def test_revoke_stops_the_key_and_records_who_and_why(issued, editor):
    key, secret = issued

    key.revoke(by=editor, note="Leaked in a public repository")

    key.refresh_from_db()
    assert key.revoked_by == editor and key.revoked_at is not None and not key.is_active
    assert PartnerKey.objects.for_bearer(secret) is None
    assert not PartnerKey.objects.active().filter(pk=key.pk).exists()
    event = events_of(key).last()
    assert (event.action, event.from_state, event.to_state) == ("revoke_key", "active", "revoked")
    assert event.note == "Leaked in a public repository"


def test_revoking_twice_is_refused_and_keeps_the_first_record(issued, editor, superuser):
    key, _ = issued
    key.revoke(by=editor)

    with pytest.raises(ValidationError, match="already revoked"):
        PartnerKey.objects.get(pk=key.pk).revoke(by=superuser)

    key.refresh_from_db()
    assert key.revoked_by == editor
    assert events_of(key).filter(action="revoke_key").count() == 1


@pytest.mark.parametrize("role", ["moderator", "expert_user", "reader"])
def test_only_editors_issue_keys(request, role):
    user = request.getfixturevalue(role)

    with pytest.raises(PermissionDenied):
        PartnerKey.issue(name="Clinic", by=user)

    assert not PartnerKey.objects.exists()


@pytest.mark.parametrize("role", ["moderator", "expert_user", "reader"])
def test_only_editors_revoke_keys(request, issued, role):
    key, _ = issued

    with pytest.raises(PermissionDenied):
        key.revoke(by=request.getfixturevalue(role))

    assert PartnerKey.objects.get(pk=key.pk).is_active


def test_an_inactive_editor_neither_issues_nor_revokes(issued, editor):
    key, _ = issued
    editor.is_active = False
    editor.save()

    with pytest.raises(PermissionDenied):
        PartnerKey.issue(name="Clinic", by=editor)
    with pytest.raises(PermissionDenied):
        key.revoke(by=editor)


def test_a_superuser_issues_and_revokes(superuser):
    key, secret = PartnerKey.issue(name="Clinic", by=superuser)

    key.revoke(by=superuser)

    assert PartnerKey.objects.for_bearer(secret) is None


def test_nobody_deletes_a_key(issued):
    key, _ = issued

    with pytest.raises(ValidationError, match="never deleted"):
        key.delete()

    assert PartnerKey.objects.filter(pk=key.pk).exists()
