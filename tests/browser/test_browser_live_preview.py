"""The live preview panel and the Markdown toolbar in a real browser: Debian's Chromium driven by
Playwright, against a live server."""

import pytest
from playwright.sync_api import expect

from healthqa.models import Question
from tests.browser.test_browser import pytestmark  # noqa: F401
from tests.factories import (
    PASSWORD,
    AnswerFactory,
    QuestionFactory,
    TopicFactory,
    UserFactory,
    role_group,
)

TITLE = "Is it safe to run with shin splints?"


@pytest.fixture
def draft(transactional_db):
    editor = UserFactory(username="editor", is_staff=True)
    editor.groups.add(role_group("Editors"))
    question = QuestionFactory(
        draft=True, title=TITLE, details="It hurts after a run.", topic=TopicFactory()
    )
    AnswerFactory(question=question, pending=True, body="Rest first, then build up slowly.")
    return question


def logged_in_page(browser, live_server, width=1280):
    page = browser.new_page(viewport={"width": width, "height": 900})
    problems = []
    page.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if "Content Security Policy" in message.text
            or "Content-Security-Policy" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.goto(live_server.url + "/admin/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.get_by_role("heading", name="Editorial work")).to_be_visible()
    return page, problems


def test_typing_updates_the_preview_beside_the_form(browser, live_server, draft):
    page, problems = logged_in_page(browser, live_server)
    page.goto(live_server.url + f"/admin/healthqa/question/{draft.pk}/change/")
    preview = page.frame_locator(".live-preview__frame")
    expect(preview.locator("h1")).to_have_text(TITLE, timeout=5000)
    # The answer under review is shown, and marked as such.
    expect(preview.get_by_text("Waiting for review — readers do not see")).to_be_visible()

    # Beside the form at 1280 px: the panel is to the right of the title field.
    field = page.locator("#id_title").bounding_box()
    panel = page.locator("#live-preview").bounding_box()
    assert panel["x"] > field["x"] + field["width"]
    layout = page.locator(".live-preview-layout").bounding_box()
    assert 0.4 < panel["width"] / layout["width"] < 0.5

    page.fill("#id_title", "Can I run with shin splints at all?")
    expect(preview.locator("h1")).to_have_text("Can I run with shin splints at all?", timeout=2500)
    page.fill("#id_details", "Only on *hills*.")
    expect(preview.locator(".qa__details em")).to_have_text("hills", timeout=2500)

    # Links in the preview lead nowhere: the panel keeps showing the page.
    preview.get_by_role("link", name="Home").first.click()
    page.wait_for_timeout(300)
    expect(preview.locator("h1")).to_have_text("Can I run with shin splints at all?")

    # Invalid input: the form's errors in the panel, not a page.
    page.fill("#id_title", "")
    expect(preview.get_by_text("This field is required.")).to_be_visible(timeout=2500)

    assert Question.objects.get(pk=draft.pk).title == TITLE  # nothing saved
    assert problems == []
    page.close()


def test_bold_wraps_the_selection_and_the_preview_follows(browser, live_server, draft):
    page, problems = logged_in_page(browser, live_server)
    page.goto(live_server.url + f"/admin/healthqa/question/{draft.pk}/change/")
    details = page.locator("#id_details")
    details.fill("It hurts after a run.")
    details.evaluate("(area) => { area.focus(); area.setSelectionRange(3, 8); }")  # "hurts"
    page.get_by_role("button", name="Bold").click()
    assert details.input_value() == "It **hurts** after a run."
    preview = page.frame_locator(".live-preview__frame")
    expect(preview.locator(".qa__details strong")).to_have_text("hurts", timeout=2500)

    # Keyboard: the toolbar's buttons are reached with Tab and pressed with Enter.
    details.fill("Knee")
    details.evaluate("(area) => area.setSelectionRange(0, 4)")
    page.get_by_role("button", name="Italic").focus()
    page.keyboard.press("Enter")
    assert details.input_value() == "_Knee_"
    page.get_by_text("Formatting help").click()
    expect(page.get_by_text("Bulleted list (one item per line)")).to_be_visible()
    assert problems == []
    page.close()


def test_panel_can_be_hidden_and_stays_hidden(browser, live_server, draft):
    page, problems = logged_in_page(browser, live_server)
    url = live_server.url + f"/admin/healthqa/question/{draft.pk}/change/"
    page.goto(url)
    frame = page.locator(".live-preview__frame")
    expect(frame).to_be_visible()
    page.get_by_role("button", name="Hide preview").click()
    expect(frame).to_be_hidden()
    page.reload()
    expect(page.get_by_role("button", name="Show preview")).to_be_visible()
    expect(frame).to_be_hidden()
    page.get_by_role("button", name="Show preview").click()
    expect(frame).to_be_visible()
    page.get_by_role("button", name="Preview at phone width").click()
    expect(page.get_by_role("button", name="Preview at phone width")).to_have_attribute(
        "aria-pressed", "true"
    )
    # Laid out 390 px wide, as on a phone (scaled down if the panel is narrower).
    assert frame.evaluate("(frame) => frame.contentWindow.innerWidth") == 390
    assert problems == []
    page.close()


def test_panel_sits_below_the_form_on_a_narrow_screen(browser, live_server, draft):
    page, problems = logged_in_page(browser, live_server, width=700)
    page.goto(live_server.url + f"/admin/healthqa/question/{draft.pk}/change/")
    expect(page.frame_locator(".live-preview__frame").locator("h1")).to_have_text(TITLE)
    form_bottom = page.locator(".live-preview-layout__form").bounding_box()
    panel = page.locator("#live-preview").bounding_box()
    assert panel["y"] >= form_bottom["y"] + form_bottom["height"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 700
    assert problems == []
    page.close()
