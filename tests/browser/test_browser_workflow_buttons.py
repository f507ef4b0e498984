"""The state buttons of the change forms in a real browser (Debian's Chromium driven by
Playwright), and admin lists and the question page that fit a 1280 px window."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from healthqa.admin.workflow import sentence
from healthqa.core.text import when
from healthqa.models import Answer, Assignment, Question
from tests.browser.test_browser import pytestmark  # noqa: F401
from tests.factories import (
    PASSWORD,
    AnswerFactory,
    AssignmentFactory,
    ExpertFactory,
    QuestionFactory,
    UserFactory,
    role_group,
)


@pytest.fixture
def staff(transactional_db, plain_cookies):
    editor = UserFactory(username="editor", is_staff=True, groups=["Editors"])
    moderator = UserFactory(username="moderator", is_staff=True, groups=["Moderators"])
    expert_user = UserFactory(username="expert", is_staff=True, groups=["Experts"])
    expert = ExpertFactory(user=expert_user, name="Dr. Lee Shoulder")
    return {"editor": editor, "moderator": moderator, "expert": expert}


def signed_in(browser, live_server, username, width=1280):
    page = browser.new_context(viewport={"width": width, "height": 1000}).new_page()
    page.goto(live_server.url + "/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    return page


def test_editor_schedules_a_question_with_the_schedule_button(browser, live_server, staff):
    question = QuestionFactory(draft=True, title="Is it safe to run in the heat?")
    at = timezone.localtime(timezone.now() + timedelta(days=3)).replace(second=0, microsecond=0)
    page = signed_in(browser, live_server, "editor")
    page.goto(live_server.url + f"/admin/healthqa/question/{question.pk}/change/")
    expect(page.get_by_role("button", name="Publish now")).to_be_visible()
    # Schedule is offered once the typed publication date is in the future.
    expect(page.get_by_role("button", name="Schedule")).to_be_hidden()
    page.fill("#id_published_at_0", at.strftime("%Y-%m-%d"))
    page.fill("#id_published_at_1", at.strftime("%H:%M:%S"))
    expect(page.get_by_role("button", name="Schedule")).to_have_class("workflow-button default")
    page.get_by_role("button", name="Schedule").click()

    expect(page.locator(".messagelist li").first).to_contain_text(
        sentence(f"Scheduled for {when(at)}")
    )
    question.refresh_from_db()
    assert question.is_scheduled and question.published_at == at
    # Back on the change form, a scheduled question offers Save and Unschedule.
    expect(page.get_by_role("button", name="Unschedule")).to_be_visible()
    page.screenshot(path="/tmp/browser-workflow-scheduled.png", full_page=True)
    page.context.close()


def test_expert_submits_an_answer_for_review_from_its_form(browser, live_server, staff):
    assignment = AssignmentFactory(expert=staff["expert"])
    page = signed_in(browser, live_server, "expert")
    page.goto(live_server.url + f"/admin/healthqa/answer/add/?question={assignment.question_id}")
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)
    page.fill("#id_body", "Drink before you are thirsty and run in the cool of the morning.")
    page.get_by_role("button", name="Submit for review").click()

    expect(page.locator(".messagelist li").first).to_contain_text("Submitted for review.")
    answer = Answer.objects.get()
    assert answer.status == Answer.Status.PENDING
    assert Assignment.objects.get().status == Assignment.Status.ANSWERED
    expect(page.get_by_role("button", name="Withdraw")).to_be_visible()
    page.context.close()


def test_moderator_approves_from_the_change_form(browser, live_server, staff):
    answer = AnswerFactory(pending=True, body="Rest, then build up slowly.")
    page = signed_in(browser, live_server, "moderator")
    page.goto(live_server.url + f"/admin/healthqa/answer/{answer.pk}/change/")
    page.fill("textarea[name=decision_note]", "Clear and safe.")
    page.screenshot(path="/tmp/browser-workflow-review.png", full_page=True)
    page.get_by_role("button", name="Approve").click()

    expect(page.locator(".messagelist li").first).to_contain_text("Approved.")
    answer.refresh_from_db()
    assert (answer.status, answer.review_note) == (Answer.Status.APPROVED, "Clear and safe.")
    page.context.close()


def test_buttons_wrap_tidily_on_a_phone(browser, live_server, staff):
    question = QuestionFactory(draft=True)
    page = signed_in(browser, live_server, "editor", width=390)
    page.goto(live_server.url + f"/admin/healthqa/question/{question.pk}/change/")
    row = page.locator(".workflow-row")
    expect(row).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # All three buttons: a future publication date offers Schedule too.
    page.fill("#id_published_at_0", f"{timezone.localdate().year + 1}-06-01")
    page.fill("#id_published_at_1", "10:00:00")
    for name in ("Save draft", "Publish now", "Schedule"):
        box = row.get_by_role("button", name=name).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, name
    page.screenshot(path="/tmp/browser-workflow-phone.png", full_page=True)
    page.context.close()


# --- lists that fit ----------------------------------------------------------------------------


@pytest.fixture
def demo(transactional_db, plain_cookies, monkeypatch):
    """The demo site as `make run` loads it, its users signing in with the test password."""
    for group in ("Editors", "Moderators", "Experts"):
        role_group(group)  # the live server's flush removed what the data migrations made
    monkeypatch.setenv("DEMO_PASSWORD", PASSWORD)
    call_command("load_demo", verbosity=0)


def overflowing(page):
    """Tables and inlines wider than the box that holds them (they would scroll inside it)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('#changelist .results, .inline-group')]
            .filter(box => box.scrollWidth > box.clientWidth + 1)
            .map(box => `${box.id || box.className}: ${box.scrollWidth} > ${box.clientWidth}`)"""
    )


def test_lists_and_the_question_page_fit_a_1280_px_window(browser, live_server, demo):
    assigned = Question.objects.filter(assignments__isnull=False).first()
    pages = {
        "editor": [
            "/admin/healthqa/answer/",
            "/admin/healthqa/question/",
            "/admin/articles/article/",
            f"/admin/healthqa/question/{assigned.pk}/change/",
        ],
        "moderator": ["/admin/healthqa/answer/"],
    }
    too_wide = {}
    for username, urls in pages.items():
        page = signed_in(browser, live_server, username)
        for url in urls:
            page.goto(live_server.url + url)
            width = page.evaluate("document.documentElement.scrollWidth")
            inside = overflowing(page)
            if width > 1280 or inside:
                too_wide[f"{username} {url}"] = (width, inside)
            name = url.strip("/").replace("/", "-")
            page.screenshot(path=f"/tmp/browser-fit-{username}-{name}.png", full_page=True)
        page.context.close()
    assert too_wide == {}
