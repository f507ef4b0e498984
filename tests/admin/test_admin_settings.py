"""Site settings: edited in the admin, cached for the templates, fresh after every save."""

from healthqa.models import SiteSettings
from tests.admin.test_admin import admin_url
from tests.factories import make_public_question


def settings_url():
    return admin_url("healthqa.sitesettings", "change", 1)


def test_editing_the_disclaimer_in_the_admin_changes_the_next_page(client, editor):
    question = make_public_question()
    before = client.get(question.get_absolute_url()).content.decode()
    assert "should not be used for medical advice" in before  # the cache is now warm

    client.force_login(editor)
    data = {
        "site_name": "Ask the Clinic",
        "tagline": "Straight answers",
        "disclaimer": "Talk to your own doctor before acting on anything you read here.",
        "loaded_version": SiteSettings.objects.get(pk=1).version,
    }
    assert client.post(settings_url(), data).status_code == 302
    client.logout()

    after = client.get(question.get_absolute_url()).content.decode()
    assert "Talk to your own doctor before acting on anything you read here." in after
    assert "should not be used for medical advice" not in after
    assert "Ask the Clinic" in after


def test_site_settings_are_read_from_the_cache(db, django_assert_num_queries):
    SiteSettings.load()
    with django_assert_num_queries(0):
        assert SiteSettings.load().site_name == "HealthQA"


def test_a_blank_disclaimer_is_refused(client, editor):
    SiteSettings.load()
    client.force_login(editor)
    response = client.post(settings_url(), {"site_name": "HealthQA", "disclaimer": ""})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["disclaimer"]
    assert SiteSettings.load().disclaimer
