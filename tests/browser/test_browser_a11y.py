"""Accessibility of the reader's pages in headless Chromium: axe-core finds no violation, a
keyboard reaches and sees everything, and the question page reads well on a 360 px screen.

Screenshots of each page at 1280 and 360 px are written to /tmp/browser-<page>-<width>.png.
"""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from articles.models import Article
from healthqa.models import Question
from tests.conftest import needs_chromium
from tests.factories import role_group

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
PUSHUPS = "why-does-my-back-hurt-when-i-do-push-ups"

pytestmark = [
    pytest.mark.browser,
    needs_chromium,
]


@pytest.fixture
def demo_pages(transactional_db, settings):
    """The demo site as `make run` loads it, and the address of each kind of reader page."""
    settings.CSRF_COOKIE_NAME = "csrftoken"
    settings.SESSION_COOKIE_NAME = "sessionid"
    for group in ("Editors", "Moderators", "Experts"):
        role_group(group)  # the live server's flush removed what the data migrations made
    call_command("load_demo", verbosity=0)
    question = Question.objects.get(slug=PUSHUPS)
    return {
        "home": "/",
        "topic": question.topic.get_absolute_url(),
        "question": question.get_absolute_url(),
        "article": Article.objects.continue_learning(question)[0].get_absolute_url(),
        "expert": question.answers.first().expert.get_absolute_url(),
        "search": "/search/?q=back+pain",
        "ask": "/ask/",
    }


def new_page(browser, width, height=900):
    # CSP forbids injected scripts; axe-core is injected, so the test context bypasses it.
    context = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=True)
    return context.new_page()


def screenshot(page, path):
    """A full-page screenshot with the lazy images below the fold loaded."""
    page.evaluate(
        """async () => {
          for (let y = 0; y < document.body.scrollHeight; y += innerHeight) {
            scrollTo(0, y);
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
          scrollTo(0, 0);
          await Promise.all([...document.images].map((img) => img.decode().catch(() => null)));
        }"""
    )
    page.screenshot(path=path, full_page=True)


def axe_violations(page):
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        """async () => {
          const result = await axe.run(document, {
            runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                            "best-practice"]},
            resultTypes: ["violations"],
          });
          return result.violations.map((v) => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ") + " :: " + n.failureSummary),
          }));
        }"""
    )
    return violations


def test_reader_pages_have_no_axe_violations_at_desktop_and_phone_width(
    browser, live_server, demo_pages
):
    found = {}
    for width in (1280, 360):
        page = new_page(browser, width)
        for name, url in demo_pages.items():
            response = page.goto(live_server.url + url)
            assert response.status == 200, url
            if name == "search":
                assert page.locator(".search-result").count() > 0
            screenshot(page, f"/tmp/browser-{name}-{width}.png")
            violations = axe_violations(page)
            if violations:
                found[f"{name} at {width}px"] = violations
        page.context.close()
    assert found == {}, json.dumps(found, indent=1)


FOCUS_STYLE_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow && style.boxShadow !== "none";
  const name = (el.getAttribute("aria-label") || el.textContent || el.name || el.id || "")
    .trim().slice(0, 40);
  return {tag: el.localName, name, visible: outline || shadow};
}"""


def test_keyboard_reaches_every_control_of_the_question_page_with_a_visible_focus(
    browser, live_server, demo_pages
):
    page = new_page(browser, 1280)
    page.goto(live_server.url + demo_pages["question"])
    focusable = page.evaluate(
        """() => [...document.querySelectorAll(
             'a[href], button, input:not([type=hidden]), select, textarea, [tabindex]')]
           .filter((el) => el.tabIndex >= 0 && el.offsetParent !== null).length"""
    )
    seen, invisible = [], []
    for _ in range(focusable + 5):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_STYLE_JS)
        if state is None:
            break
        seen.append(state)
        if not state["visible"]:
            invisible.append(state)
    assert len(seen) >= focusable
    assert invisible == []
    page.context.close()


def test_skip_link_comes_first_and_moves_focus_to_main(browser, live_server, demo_pages):
    page = new_page(browser, 1280)
    page.goto(live_server.url + demo_pages["question"])
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    assert page.evaluate("document.activeElement.getBoundingClientRect().top") >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    in_main = page.evaluate("document.getElementById('main').contains(document.activeElement)")
    assert in_main
    page.context.close()


def test_ask_form_can_be_filled_and_sent_by_keyboard(browser, live_server, demo_pages):
    page = new_page(browser, 1280)
    page.goto(live_server.url + demo_pages["ask"])
    typed = {
        "title": "Why do my knees ache when I climb stairs?",
        "details": "Only in the evening.",
        "name": "Sam",
        "email": "sam@example.org",
    }
    for _ in range(60):
        page.keyboard.press("Tab")
        field = page.evaluate("document.activeElement.name || ''")
        if field in typed:
            page.keyboard.type(typed.pop(field))
        elif not typed and page.evaluate("document.activeElement.type") == "submit":
            break
    assert typed == {}, f"fields never reached by Tab: {list(typed)}"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/ask/thanks/" in page.url
    submission = Question.objects.get(title="Why do my knees ache when I climb stairs?")
    assert submission.status == Question.Status.SUBMITTED
    page.context.close()


def test_question_page_reads_well_at_360_px(browser, live_server, demo_pages):
    page = new_page(browser, 360, 800)
    page.goto(live_server.url + demo_pages["question"])
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    overflowing = page.evaluate(
        """() => [...document.querySelectorAll("body *")].filter((el) => {
             const box = el.getBoundingClientRect();
             if (box.width === 0 || box.height === 0) return false;
             const style = getComputedStyle(el);
             if (style.position === "absolute" && style.clip !== "auto") return false;
             return box.right > window.innerWidth + 0.5 || box.left < -0.5;
           }).map((el) => el.localName + "." + el.className)"""
    )
    assert overflowing == []
    sizes = page.evaluate(
        """() => [...document.querySelectorAll(".answer__body p, .qa__details p, .disclaimer p")]
             .map((el) => parseFloat(getComputedStyle(el).fontSize))"""
    )
    assert sizes and min(sizes) >= 16
    page.screenshot(path="/tmp/browser-question-360-top.png")
    page.context.close()
