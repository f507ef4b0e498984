"""The publisher's pages in the admin: editors write them with history; nobody deletes one."""

import pytest
from django.test import Client

from healthqa.models import PublisherPage
from tests.admin.test_admin import admin_url, form_data, url_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def page():
    return PublisherPage.objects.create(
        slug=PublisherPage.Kind.PRIVACY, title="Privacy notice", body="We keep little."
    )


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def change_data(client, page, **changes):
    data = form_data(client.get(url_for(page)))
    data.update(changes)
    return data


def test_editor_edits_a_page_and_the_history_records_it(editor, page):
    client = logged_in(editor)

    response = client.post(url_for(page), change_data(client, page, title="How we use your data"))

    assert response.status_code == 302
    page.refresh_from_db()
    assert page.title == "How we use your data"
    assert page.history.count() == 2
    assert page.history.latest("history_date", "history_id").history_user == editor
    history = client.get(url_for(page, "history")).content.decode()
    assert "How we use your data" in history


def test_editor_adds_a_page_choosing_among_the_free_addresses(editor, page):
    client = logged_in(editor)
    add = client.get(admin_url("healthqa.publisherpage", "add"))
    choices = dict(add.context["adminform"].form.fields["slug"].choices)
    assert "privacy" not in choices and "about" in choices

    response = client.post(
        admin_url("healthqa.publisherpage", "add"),
        {"slug": "about", "title": "About us", "body": "Who we are."},
    )

    assert response.status_code == 302
    about = PublisherPage.objects.get(slug="about")
    assert "<p>Who we are.</p>" in about.body_html


def test_the_address_is_fixed_once_saved(editor, page):
    client = logged_in(editor)
    form = client.get(url_for(page)).context["adminform"].form
    assert "slug" not in form.fields

    client.post(url_for(page), change_data(client, page, slug="about"))

    page.refresh_from_db()
    assert page.slug == "privacy"


def test_a_stale_edit_is_refused(editor, superuser, page):
    client = logged_in(editor)
    stale = change_data(client, page, title="Editor's title")
    other = logged_in(superuser)
    other.post(url_for(page), change_data(other, page, title="Superuser's title"))

    response = client.post(url_for(page), stale)

    assert response.status_code == 200
    assert "was changed after you opened it" in response.content.decode()
    page.refresh_from_db()
    assert page.title == "Superuser's title"


@pytest.mark.parametrize("role", ["editor", "superuser"])
def test_nobody_deletes_a_page(request, role, page):
    client = logged_in(request.getfixturevalue(role))

    assert client.get(url_for(page, "delete")).status_code in (302, 403)
    client.post(url_for(page, "delete"), {"post": "yes"})

    assert PublisherPage.objects.filter(pk=page.pk).exists()
    changelist = client.get(admin_url("healthqa.publisherpage", "changelist")).content.decode()
    assert "delete_selected" not in changelist


@pytest.mark.parametrize("role", ["expert_user", "moderator"])
def test_experts_and_moderators_cannot_change_a_page(request, role, page):
    client = logged_in(request.getfixturevalue(role))

    assert client.get(url_for(page)).status_code in (302, 403)
    client.post(url_for(page), {"title": "Hijacked", "body": "x", "loaded_version": "1"})

    page.refresh_from_db()
    assert page.title == "Privacy notice"


def test_change_page_offers_the_markdown_help_and_the_public_page(editor, page):
    html = logged_in(editor).get(url_for(page)).content.decode()

    assert "js/admin-markdown-toolbar.js" in html and 'id="markdown-help"' in html
    assert "/r/" in html  # "View on site"
