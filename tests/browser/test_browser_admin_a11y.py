"""Accessibility of the admin screens each role works in: axe-core finds no violation on the
home page, the lists and the change forms (with their buttons, live preview, Markdown toolbar
and editing notice), and no page scrolls sideways, at 1280 px or on a 390 px phone.

Screenshots of each screen at 1280 and 390 px are written to /tmp/admin-<role>-<page>-<width>.png.
"""

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from articles.models import Article
from healthqa.models import Answer, PartnerKey, PublisherPage, Question
from tests.browser.test_browser_a11y import axe_violations, new_page, screenshot
from tests.conftest import needs_chromium
from tests.factories import PASSWORD, role_group

pytestmark = [pytest.mark.browser, needs_chromium]

PUSHUPS = "why-does-my-back-hurt-when-i-do-push-ups"


@pytest.fixture
def demo_admin(transactional_db, settings, monkeypatch):
    """The demo site as `make run` loads it, its users with a known password, and the admin
    screens each of them works in."""
    settings.CSRF_COOKIE_NAME = "csrftoken"
    settings.SESSION_COOKIE_NAME = "sessionid"
    monkeypatch.setenv("DEMO_PASSWORD", PASSWORD)
    for group in ("Editors", "Moderators", "Experts"):
        role_group(group)
    call_command("load_demo", verbosity=0)
    question = Question.objects.get(slug=PUSHUPS)
    article = Article.objects.order_by("pk").first()
    pending = Answer.objects.filter(status=Answer.Status.PENDING).first()
    own = Answer.objects.filter(expert__user__username="expert").order_by("pk").first()
    corrected = Answer.objects.filter(corrections__isnull=False).first()
    page = PublisherPage.objects.get(slug="privacy")
    editor = get_user_model().objects.get(username="editor")
    key, _secret = PartnerKey.issue(name="City Health App", by=editor)
    return {
        "editor": {
            "home": "/admin/",
            "questions": "/admin/healthqa/question/",
            "question": f"/admin/healthqa/question/{question.pk}/change/",
            "new-question": "/admin/healthqa/question/add/",
            "articles": "/admin/articles/article/",
            "article": f"/admin/articles/article/{article.pk}/change/",
            "answers": "/admin/healthqa/answer/",
            "submissions": "/admin/moderation/submissions/",
            "medical-review": f"/admin/healthqa/answer/{corrected.pk}/medical-review/",
            "review-due": "/admin/moderation/review-due/",
            "sources-to-fix": "/admin/moderation/sources-to-fix/",
            "publisher-page": f"/admin/healthqa/publisherpage/{page.pk}/change/",
            "corrections": "/admin/healthqa/correction/",
            "partner-keys": "/admin/healthqa/partnerkey/",
            "new-partner-key": "/admin/healthqa/partnerkey/add/",
            "partner-key": f"/admin/healthqa/partnerkey/{key.pk}/change/",
            "revoke-partner-key": f"/admin/healthqa/partnerkey/{key.pk}/revoke/",
        },
        "moderator": {
            "home": "/admin/",
            "queue": "/admin/moderation/",
            "answer": f"/admin/healthqa/answer/{pending.pk}/change/",
        },
        "expert": {
            "home": "/admin/",
            "answers": "/admin/healthqa/answer/",
            "answer": f"/admin/healthqa/answer/{own.pk}/change/",
        },
    }


def log_in(page, base, username):
    page.goto(base + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(base + "/admin/")


def test_admin_screens_of_every_role_have_no_axe_violations_and_no_sideways_scroll(
    browser, live_server, demo_admin
):
    found, too_wide = {}, {}
    for role, screens in demo_admin.items():
        for width in (1280, 390):
            page = new_page(browser, width)
            log_in(page, live_server.url, role)
            for name, url in screens.items():
                response = page.goto(live_server.url + url)
                assert response.status == 200, (role, url)
                page.wait_for_load_state("networkidle")
                screenshot(page, f"/tmp/admin-{role}-{name}-{width}.png")
                scroll = page.evaluate("document.documentElement.scrollWidth")
                if scroll > width:
                    too_wide[f"{role} {name} at {width}px"] = scroll
                violations = axe_violations(page)
                if violations:
                    found[f"{role} {name} at {width}px"] = violations
            page.context.close()
    assert found == {}, json.dumps(found, indent=1)
    assert too_wide == {}
