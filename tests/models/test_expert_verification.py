"""Verifying an expert is one thing, however it is done: the change form's "verified" box, the
bulk action and `Expert.mark_verified()` all record who, when, and one ModerationEvent."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from experts.models import Expert
from healthqa.models import ModerationEvent
from tests.admin.test_admin import admin_url, run_action, url_for
from tests.factories import ExpertFactory

pytestmark = pytest.mark.django_db


def events_of(expert):
    return list(
        ModerationEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(Expert), object_id=expert.pk
        ).order_by("pk")
    )


def summary(event):
    return event.actor, event.action, event.from_state, event.to_state


def page_data(response):
    """What the browser posts back from an admin change or add page as rendered, the hidden
    `loaded_version` / `loaded_state` fields included (files are left as they are)."""
    data = {}
    form = response.context["adminform"].form
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False or isinstance(value, FieldFile):
            continue
        if isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        else:
            data[name] = "on" if value is True else value
    return data


def post_change(client, expert, **changes):
    """Save `expert` through its change form, as rendered for the signed-in user, with
    `changes` (a value of None unticks a box)."""
    page = client.get(url_for(expert))
    assert page.status_code == 200
    data = page_data(page)
    assert {"loaded_version", "loaded_state"} <= data.keys()
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return client.post(url_for(expert), data)


def saved(response):
    form = response.context["adminform"].form if response.context else None
    assert response.status_code == 302, form.errors if form else response.status_code
    return response


def test_ticking_the_box_records_one_verify_event(client, editor, frozen):
    expert = ExpertFactory(verified=False, verified_at=None)
    client.force_login(editor)

    saved(post_change(client, expert, verified="on"))

    expert.refresh_from_db()
    assert expert.verified
    assert expert.verified_by == editor
    assert expert.verified_at == timezone.now()
    assert [summary(e) for e in events_of(expert)] == [(editor, "verify", "unverified", "verified")]


def test_ticking_the_box_with_other_changes_saves_both_and_records_one_event(client, editor):
    expert = ExpertFactory(verified=False, verified_at=None, headline="Old headline")
    client.force_login(editor)

    saved(post_change(client, expert, verified="on", headline="Physiotherapist"))

    expert.refresh_from_db()
    assert (expert.headline, expert.verified, expert.verified_by) == (
        "Physiotherapist",
        True,
        editor,
    )
    assert [e.action for e in events_of(expert)] == ["verify"]


def test_unticking_the_box_records_an_unverify_event(client, editor, superuser):
    expert = ExpertFactory(verified=False, verified_at=None)
    expert.mark_verified(by=superuser)
    client.force_login(editor)

    saved(post_change(client, expert, verified=None))

    expert.refresh_from_db()
    assert not expert.verified
    assert expert.verified_at is None and expert.verified_by is None
    assert [summary(e) for e in events_of(expert)] == [
        (superuser, "verify", "unverified", "verified"),
        (editor, "unverify", "verified", "unverified"),
    ]


def test_saving_a_verified_expert_without_touching_the_box_records_nothing(client, editor):
    expert = ExpertFactory(verified=False, verified_at=None)
    expert.mark_verified(by=editor)
    expert.refresh_from_db()
    verified_at, events = expert.verified_at, events_of(expert)
    client.force_login(editor)

    saved(post_change(client, expert, headline="A new headline"))

    expert.refresh_from_db()
    assert expert.headline == "A new headline"
    assert (expert.verified, expert.verified_by, expert.verified_at) == (True, editor, verified_at)
    assert events_of(expert) == events


def test_adding_an_expert_with_the_box_ticked_records_the_event(client, editor):
    client.force_login(editor)
    data = page_data(client.get(admin_url("experts.expert", "add")))
    data.update(name="Dr. New Person", slug="dr-new-person", kind="person", verified="on")
    data["is_active"] = "on"

    saved(client.post(admin_url("experts.expert", "add"), data))

    expert = Expert.objects.get(slug="dr-new-person")
    assert expert.verified and expert.verified_by == editor and expert.verified_at
    assert [summary(e) for e in events_of(expert)] == [(editor, "verify", "unverified", "verified")]


def test_a_stale_form_verifies_nothing(client, editor, superuser):
    expert = ExpertFactory(verified=False, verified_at=None)
    client.force_login(editor)
    data = page_data(client.get(url_for(expert)))
    expert.mark_verified(by=superuser)
    expert.unverify(by=superuser)

    data["verified"] = "on"
    response = client.post(url_for(expert), data)

    assert response.status_code == 200  # the form again, with the conflict explained
    expert.refresh_from_db()
    assert not expert.verified
    assert [e.action for e in events_of(expert)] == ["verify", "unverify"]


def test_the_bulk_action_records_the_same_event_once(client, editor):
    unverified = ExpertFactory(verified=False, verified_at=None)
    already = ExpertFactory(verified=False, verified_at=None)
    already.mark_verified(by=editor)
    client.force_login(editor)

    run_action(client, "experts.expert", "mark_verified", [unverified, already])

    unverified.refresh_from_db()
    assert unverified.verified and unverified.verified_by == editor
    assert [summary(e) for e in events_of(unverified)] == [
        (editor, "verify", "unverified", "verified")
    ]
    assert [e.action for e in events_of(already)] == ["verify"]


def test_verifying_twice_is_refused(editor):
    expert = ExpertFactory(verified=False, verified_at=None)
    expert.mark_verified(by=editor)

    with pytest.raises(ValidationError):
        Expert.objects.get(pk=expert.pk).mark_verified(by=editor)
    expert.unverify(by=editor)
    with pytest.raises(ValidationError):
        Expert.objects.get(pk=expert.pk).unverify(by=editor)

    assert [e.action for e in events_of(expert)] == ["verify", "unverify"]


def test_a_user_without_change_expert_cannot_verify(client, moderator, superuser):
    assert not moderator.has_perm("experts.change_expert")
    expert = ExpertFactory(verified=False, verified_at=None)
    client.force_login(superuser)
    data = page_data(client.get(url_for(expert)))
    client.force_login(moderator)

    data["verified"] = "on"
    assert client.post(url_for(expert), data).status_code == 403
    run_action(client, "experts.expert", "mark_verified", [expert])
    with pytest.raises(PermissionDenied):
        expert.mark_verified(by=moderator)

    expert.refresh_from_db()
    assert not expert.verified and expert.verified_by is None
    assert events_of(expert) == []


def test_a_user_without_change_expert_cannot_unverify(moderator, editor):
    expert = ExpertFactory(verified=False, verified_at=None)
    expert.mark_verified(by=editor)

    with pytest.raises(PermissionDenied):
        Expert.objects.get(pk=expert.pk).unverify(by=moderator)

    expert.refresh_from_db()
    assert expert.verified and expert.verified_by == editor
    assert [e.action for e in events_of(expert)] == ["verify"]
