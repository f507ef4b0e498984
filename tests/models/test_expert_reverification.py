"""Re-verifying an expert: an editor confirms a verified expert's credentials again, and the
date and the editor are renewed with an audit row; the change form says who checked them last."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from experts.models import Expert
from tests.admin.test_admin import admin_url, messages_of, run_action, url_for
from tests.factories import ExpertFactory
from tests.models.test_expert_verification import events_of, page_data, saved, summary
from tests.models.test_transactions import assert_all_or_nothing

pytestmark = pytest.mark.django_db


def verified_long_ago(by, days=400, **fields):
    expert = ExpertFactory(verified=False, verified_at=None, **fields)
    expert.mark_verified(by=by)
    Expert.objects.filter(pk=expert.pk).update(verified_at=timezone.now() - timedelta(days=days))
    return Expert.objects.get(pk=expert.pk)


def test_an_editor_reverifies_a_verified_expert(editor, superuser, frozen):
    expert = verified_long_ago(superuser)
    version = expert.version

    expert.reverify(by=editor)

    expert.refresh_from_db()
    assert (expert.verified, expert.verified_at, expert.verified_by) == (
        True,
        timezone.now(),
        editor,
    )
    assert expert.version == version + 1
    assert [summary(e) for e in events_of(expert)] == [
        (superuser, "verify", "unverified", "verified"),
        (editor, "reverify", "verified", "verified"),
    ]


def test_an_expert_not_verified_cannot_be_reverified(editor):
    expert = ExpertFactory(verified=False, verified_at=None)

    with pytest.raises(ValidationError, match="not verified"):
        expert.reverify(by=editor)

    expert.refresh_from_db()
    assert expert.verified_at is None and expert.verified_by is None
    assert events_of(expert) == []


def test_an_expert_unverified_meanwhile_is_refused(editor):
    expert = verified_long_ago(editor)
    stale = Expert.objects.get(pk=expert.pk)
    expert.unverify(by=editor)

    with pytest.raises(ValidationError):
        stale.reverify(by=editor)

    assert [e.action for e in events_of(expert)] == ["verify", "unverify"]


@pytest.mark.parametrize("role", ["moderator", "expert_user", "reader"])
def test_only_holders_of_change_expert_reverify(request, role, editor):
    expert = verified_long_ago(editor)
    verified_at = expert.verified_at

    with pytest.raises(PermissionDenied):
        expert.reverify(by=request.getfixturevalue(role))

    expert.refresh_from_db()
    assert (expert.verified_at, expert.verified_by) == (verified_at, editor)
    assert [e.action for e in events_of(expert)] == ["verify"]


def test_an_inactive_editor_cannot_reverify(editor):
    expert = verified_long_ago(editor)
    editor.is_active = False
    editor.save(update_fields=["is_active"])

    with pytest.raises(PermissionDenied):
        expert.reverify(by=editor)

    assert [e.action for e in events_of(expert)] == ["verify"]


def test_reverifying_is_all_or_nothing(editor):
    expert = verified_long_ago(editor)

    assert_all_or_nothing(lambda: Expert.objects.get(pk=expert.pk).reverify(by=editor))


def test_the_bulk_action_reverifies_and_names_the_experts_it_cannot(client, editor, frozen):
    old = verified_long_ago(editor, name="Dr. Old Check")
    never = ExpertFactory(verified=False, verified_at=None, name="Dr. Never Checked")
    client.force_login(editor)

    response = run_action(client, "experts.expert", "reverify", [old, never])

    old.refresh_from_db()
    assert old.verified_at == timezone.now()
    assert [e.action for e in events_of(old)] == ["verify", "reverify"]
    assert events_of(never) == []
    assert "Re-verified 1 expert." in messages_of(response)
    assert any("Dr. Never Checked" in m and "not verified" in m for m in messages_of(response))


def test_the_bulk_action_is_refused_to_moderators(client, moderator, editor):
    expert = verified_long_ago(editor)
    client.force_login(moderator)

    run_action(client, "experts.expert", "reverify", [expert])

    assert [e.action for e in events_of(expert)] == ["verify"]


def test_the_change_form_says_when_and_by_whom(client, editor, frozen):
    editor.first_name, editor.last_name = "Dana", "Editor"
    editor.save()
    expert = ExpertFactory(verified=False, verified_at=None)
    expert.mark_verified(by=editor)
    client.force_login(editor)

    page = client.get(url_for(expert)).content.decode()

    assert "Credentials last verified 14 March 2025 by Dana Editor" in page


def test_the_change_form_of_an_unverified_expert_says_so(client, editor):
    expert = ExpertFactory(verified=False, verified_at=None)
    client.force_login(editor)

    assert "Credentials not verified." in client.get(url_for(expert)).content.decode()


def test_the_change_form_names_the_verifier_escaped(client, editor):
    editor.first_name = "<b>Dana</b>"
    editor.save()
    expert = ExpertFactory(verified=False, verified_at=None)
    expert.mark_verified(by=editor)
    client.force_login(editor)

    page = client.get(url_for(expert)).content.decode()

    assert "&lt;b&gt;Dana&lt;/b&gt;" in page and "<b>Dana</b>" not in page


def test_editors_mark_an_expert_as_a_clinician(client, editor):
    expert = ExpertFactory(is_clinician=False)
    client.force_login(editor)
    data = page_data(client.get(url_for(expert)))

    saved(client.post(url_for(expert), {**data, "is_clinician": "on"}))

    expert.refresh_from_db()
    assert expert.is_clinician


def test_the_expert_list_filters_clinicians(client, editor):
    clinician = ExpertFactory(is_clinician=True, name="Dr. Clinician")
    ExpertFactory(is_clinician=False, name="Ms. Coach")
    client.force_login(editor)

    response = client.get(admin_url("experts.expert", "changelist"), {"is_clinician__exact": "1"})

    assert list(response.context["cl"].result_list) == [clinician]
