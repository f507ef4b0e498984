"""Partner keys in the admin: editors issue (the secret shown once), edit and revoke them;
nobody deletes one; moderators and experts are refused everywhere."""

import logging

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client

from healthqa.models import PartnerKey
from tests.admin.test_admin import admin_url, form_data, messages_of, run_action, url_for

pytestmark = pytest.mark.django_db

ISSUE = {
    "name": "City Health App",
    "contact_email": "dev@city.example",
    "note": "Shows our answers in their symptom checker.",
    "rate_limit": "600",
}


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def revoke_url(key):
    return admin_url("healthqa.partnerkey", "revoke", key.pk)


@pytest.fixture
def key(editor):
    key, _ = PartnerKey.issue(name="Clinic Finder", contact_email="it@clinic.example", by=editor)
    return key


@pytest.fixture
def revoked(superuser):
    key, _ = PartnerKey.issue(name="Old Partner", by=superuser)
    key.revoke(by=superuser)
    return key


def issue(client, **changes):
    return client.post(admin_url("healthqa.partnerkey", "add"), {**ISSUE, **changes})


def every_stored_value():
    """Every value of every row of every table, as text."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {quote(table)}")
            for row in cursor.fetchall():
                yield from (str(value) for value in row)


# --- The list ----------------------------------------------------------------------------------


def test_list_shows_partner_prefix_limit_issuer_and_state(editor, key, revoked):
    editor.first_name, editor.last_name = "Eda", "Editor"
    editor.save()

    page = logged_in(editor).get(admin_url("healthqa.partnerkey", "changelist"))

    assert page.status_code == 200
    text = page.content.decode()
    assert "Clinic Finder" in text and f"{key.prefix}…" in text
    assert "1200" in text or "1,200" in text
    assert "by Eda Editor" in text
    assert "Active" in text and "Revoked on" in text


@pytest.mark.parametrize("term", ["clinic fin", "it@clinic", "prefix"])
def test_list_searches_name_email_and_prefix(editor, key, revoked, term):
    term = key.prefix if term == "prefix" else term

    page = logged_in(editor).get(admin_url("healthqa.partnerkey", "changelist"), {"q": term})

    assert list(page.context["cl"].result_list) == [key]


@pytest.mark.parametrize("state", ["active", "revoked"])
def test_list_filters_by_state(editor, key, revoked, state):
    page = logged_in(editor).get(admin_url("healthqa.partnerkey", "changelist"), {"state": state})

    assert list(page.context["cl"].result_list) == [key if state == "active" else revoked]


# --- Issuing -----------------------------------------------------------------------------------


def test_add_form_asks_for_the_partner_and_offers_the_default_limit(editor, settings):
    settings.HEALTHQA_API_PARTNER_RATE_LIMIT = 900

    page = logged_in(editor).get(admin_url("healthqa.partnerkey", "add"))

    assert page.status_code == 200
    form = page.context["adminform"].form
    assert set(form.fields) >= {"name", "contact_email", "note", "rate_limit"}
    assert "key_hash" not in form.fields and "prefix" not in form.fields
    assert form["rate_limit"].value() == 900
    assert "Issue the key" in page.content.decode()
    # No hidden copy of the default (with the field's aria-describedby: invalid HTML).
    assert 'name="initial-rate_limit"' not in page.content.decode()


def test_issuing_shows_the_secret_once_on_an_uncached_page(editor):
    client = logged_in(editor)

    response = issue(client)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    secret = response.context["secret"]
    text = response.content.decode()
    assert f'value="{secret}"' in text and "readonly" in text
    assert "Copy it now: it is not stored and cannot be shown again" in text
    key = PartnerKey.objects.get()
    assert PartnerKey.objects.for_bearer(secret) == key
    assert (key.name, key.rate_limit, key.created_by) == ("City Health App", 600, editor)
    change = client.get(url_for(key)).content.decode()
    assert secret not in change and key.prefix in change


def test_the_secret_is_kept_nowhere(editor, caplog):
    client = logged_in(editor)
    caplog.set_level(logging.DEBUG)

    response = issue(client)

    secret = response.context["secret"]
    # The prefix (its first characters) is kept on purpose; the rest of it never.
    hidden = secret[len(PartnerKey.objects.get().prefix) :]
    assert not any(hidden in value for value in every_stored_value())
    assert not any(hidden in str(value) for value in client.session.values())
    assert not any(hidden in str(s.get_decoded()) for s in Session.objects.all())
    assert not any(hidden in str(message) for message in get_messages(response.wsgi_request))
    assert not any(hidden in cookie.value for cookie in response.cookies.values())
    assert hidden not in caplog.text
    assert "Location" not in response
    later = client.get(admin_url("healthqa.partnerkey", "changelist"))
    assert hidden not in later.content.decode()
    assert not any(hidden in message for message in messages_of(later))


def test_issuing_records_an_audit_event_and_history_without_the_hash(editor):
    client = logged_in(editor)
    issue(client)
    key = PartnerKey.objects.get()

    history = client.get(url_for(key, "history"))

    assert history.status_code == 200
    assert key.key_hash not in history.content.decode()
    assert key.history.get().history_user == editor
    assert "Partner key issued" in client.get(url_for(key)).content.decode()


@pytest.mark.parametrize(
    "changes",
    [
        {"rate_limit": "-5"},
        {"rate_limit": "0"},
        {"rate_limit": "100001"},
        {"rate_limit": "99999999999999999999999"},
        {"rate_limit": "ten"},
        {"rate_limit": ""},
        {"name": ""},
        {"name": "x" * 161},
        {"name": "Nul\x00byte"},
        {"contact_email": "not an address"},
    ],
)
def test_junk_when_issuing_gives_form_errors(editor, changes):
    response = issue(logged_in(editor), **changes)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert not PartnerKey.objects.exists()


# --- Editing -----------------------------------------------------------------------------------


def test_editing_changes_the_details_but_never_the_key(editor, key):
    client = logged_in(editor)
    before = (key.key_hash, key.prefix, key.created_at)
    data = form_data(client.get(url_for(key)))
    data.update(name="Clinic Finder Ltd", rate_limit="300", key_hash="0" * 64, prefix="hqa_evil")

    response = client.post(url_for(key), data)

    assert response.status_code == 302
    key.refresh_from_db()
    assert (key.name, key.rate_limit) == ("Clinic Finder Ltd", 300)
    assert (key.key_hash, key.prefix, key.created_at) == before
    assert key.history.count() == 2
    history = client.get(url_for(key, "history")).content.decode()
    assert "Clinic Finder Ltd" in history


@pytest.mark.parametrize("rate_limit", ["0", "-1", "100001", "1e9"])
def test_junk_rate_limit_when_editing_gives_a_form_error(editor, key, rate_limit):
    client = logged_in(editor)
    data = {**form_data(client.get(url_for(key))), "rate_limit": rate_limit}

    response = client.post(url_for(key), data)

    assert response.status_code == 200
    assert "rate_limit" in response.context["adminform"].form.errors
    key.refresh_from_db()
    assert key.rate_limit == 1200


# --- Revoking ----------------------------------------------------------------------------------


def test_change_page_links_to_revoking_which_asks_first(editor, key):
    client = logged_in(editor)

    assert revoke_url(key) in client.get(url_for(key)).content.decode()
    confirm = client.get(revoke_url(key))

    assert confirm.status_code == 200
    assert "Yes, revoke the key" in confirm.content.decode()
    assert PartnerKey.objects.get(pk=key.pk).is_active


def test_revoking_from_the_change_page_stops_the_key(editor, key):
    client = logged_in(editor)

    response = client.post(revoke_url(key), {"note": "Partner closed"}, follow=True)

    assert response.status_code == 200
    key.refresh_from_db()
    assert not key.is_active and key.revoked_by == editor
    assert any("Revoked the key" in message for message in messages_of(response))
    text = response.content.decode()
    assert "Revoked on" in text and revoke_url(key) not in text


def test_revoking_twice_says_so(editor, revoked):
    client = logged_in(editor)
    first = revoked.revoked_at

    response = client.post(revoke_url(revoked), {}, follow=True)

    assert response.status_code == 200
    assert any("already revoked" in message for message in messages_of(response))
    revoked.refresh_from_db()
    assert revoked.revoked_at == first
    assert "nothing left to revoke" in client.get(revoke_url(revoked)).content.decode()


def test_revoke_page_answers_a_junk_id_and_a_put_without_an_error(editor, key):
    client = logged_in(editor)

    assert client.post(admin_url("healthqa.partnerkey", "revoke", "abc")).status_code == 302
    assert client.put(revoke_url(key)).status_code == 405
    assert client.post(revoke_url(key), {"note": "x" * 1001}).status_code == 200
    assert PartnerKey.objects.get(pk=key.pk).is_active


def test_the_revoke_action_revokes_each_selected_key(editor, key, revoked):
    other, _ = PartnerKey.issue(name="Second", by=editor)

    response = run_action(logged_in(editor), "healthqa.partnerkey", "revoke", [key, other, revoked])

    assert response.status_code == 200
    assert not PartnerKey.objects.active().exists()
    texts = messages_of(response)
    assert "Revoked 2 partner keys." in texts
    assert any("Old Partner" in text and "already revoked" in text for text in texts)


# --- Nobody deletes ----------------------------------------------------------------------------


def test_nobody_deletes_a_key_not_even_a_superuser(superuser, key):
    client = logged_in(superuser)

    assert client.get(url_for(key, "delete")).status_code == 403
    assert client.post(url_for(key, "delete"), {"post": "yes"}).status_code == 403
    actions = client.get(admin_url("healthqa.partnerkey", "changelist")).context["action_form"]
    assert "delete_selected" not in dict(actions.fields["action"].choices)
    run_action(client, "healthqa.partnerkey", "delete_selected", [key], post="yes")
    assert PartnerKey.objects.filter(pk=key.pk).exists()


def test_a_superuser_uses_every_screen(superuser, key):
    client = logged_in(superuser)

    for url in (
        admin_url("healthqa.partnerkey", "changelist"),
        admin_url("healthqa.partnerkey", "add"),
        url_for(key),
        url_for(key, "history"),
        revoke_url(key),
    ):
        assert client.get(url).status_code == 200, url
    assert issue(client).status_code == 200
    assert client.post(revoke_url(key)).status_code == 302
    assert not PartnerKey.objects.get(pk=key.pk).is_active


# --- Who is refused ----------------------------------------------------------------------------


def pages_of(key):
    return [
        admin_url("healthqa.partnerkey", "changelist"),
        admin_url("healthqa.partnerkey", "add"),
        url_for(key),
        url_for(key, "history"),
        url_for(key, "delete"),
        revoke_url(key),
    ]


@pytest.mark.parametrize("role", ["moderator", "expert_user"])
def test_moderators_and_experts_are_refused_everywhere(request, key, role):
    client = logged_in(request.getfixturevalue(role))

    for url in pages_of(key):
        assert client.get(url).status_code == 403, url
    assert issue(client).status_code == 403
    assert client.post(url_for(key), {**ISSUE, "name": "Taken"}).status_code == 403
    assert client.post(revoke_url(key)).status_code == 403
    action = {"action": "revoke", ACTION_CHECKBOX_NAME: [key.pk]}
    assert client.post(admin_url("healthqa.partnerkey", "changelist"), action).status_code == 403
    key.refresh_from_db()
    assert key.is_active and key.name == "Clinic Finder"
    assert PartnerKey.objects.count() == 1


def test_an_inactive_editor_is_sent_to_the_login_page(editor, key):
    client = logged_in(editor)
    editor.is_active = False
    editor.save()

    for url in pages_of(key):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url
    assert issue(client).status_code == 302
    client.post(revoke_url(key))
    assert PartnerKey.objects.count() == 1 and PartnerKey.objects.get().is_active
