"""The API docs page (/api/docs/) in headless Chromium: Swagger UI, served from our static
files, renders every operation of the schema under the site's strict Content-Security-Policy.

Screenshots at 1280 and 390 px are written to /tmp/browser-api-docs-<width>.png, and of an
operation tried out to /tmp/browser-api-docs-tried-<width>.png.
"""

import json

import pytest
from django.test import Client
from playwright.sync_api import expect

from tests.browser.test_browser_a11y import axe_violations, new_page
from tests.conftest import needs_chromium

pytestmark = [
    pytest.mark.browser,
    needs_chromium,
]


def watched_page(browser, live_server, width):
    """A page that records console errors (CSP violations among them), script errors and
    requests to any other origin."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    problems = []
    page.on(
        "console",
        lambda message: problems.append(message.text) if message.type == "error" else None,
    )
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on(
        "request",
        lambda request: (
            None
            if request.url.startswith((live_server.url + "/", "data:"))
            else problems.append(f"outside request: {request.url}")
        ),
    )
    return page, problems


def get_operations():
    schema = Client().get("/api/v1/schema/").json()
    return [(method, path) for path, item in schema["paths"].items() for method in item]


@pytest.mark.parametrize("width", [1280, 390])
def test_docs_render_every_operation_without_csp_violations(
    browser, live_server, transactional_db, width
):
    operations = get_operations()
    assert len(operations) >= 10, operations  # the endpoints of issue 16
    page, problems = watched_page(browser, live_server, width)
    page.goto(live_server.url + "/api/docs/")

    assert page.locator("h1").inner_text() == "API documentation"
    expect(page.locator(".opblock")).to_have_count(len(operations), timeout=10_000)
    for method, path in operations:
        summary = page.locator(f".opblock-{method} .opblock-summary-path[data-path='{path}']")
        expect(summary).to_have_count(1)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    page.screenshot(path=f"/tmp/browser-api-docs-{width}.png", full_page=True)

    assert problems == []
    assert scroll_width <= width, f"page is {scroll_width}px wide in a {width}px window"
    page.close()


def try_questions(page):
    """Open the question listing's operation, try it and wait for the answer: its block."""
    path = page.locator(".opblock-summary-path[data-path='/api/v1/questions/']")
    path.click()
    block = page.locator(".opblock-get.is-open", has=path)
    block.get_by_role("button", name="Try it out").click()
    block.get_by_role("button", name="Execute").click()
    status = block.locator(".live-responses-table tr.response .response-col_status").first
    expect(status).to_have_text("200", timeout=10_000)
    return block


def test_trying_an_operation_asks_this_site_without_csp_violations(
    browser, live_server, transactional_db
):
    page, problems = watched_page(browser, live_server, 1280)
    page.goto(live_server.url + "/api/docs/")
    block = try_questions(page)

    assert "/api/v1/questions/" in block.locator(".request-url").inner_text()
    assert problems == []
    page.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_docs_have_no_axe_violations_closed_or_tried(browser, live_server, transactional_db, width):
    page = new_page(browser, width)
    page.goto(live_server.url + "/api/docs/")
    expect(page.locator(".opblock").first).to_be_visible(timeout=10_000)
    closed = axe_violations(page)
    assert closed == [], json.dumps(closed, indent=1)

    block = try_questions(page)
    block.screenshot(path=f"/tmp/browser-api-docs-tried-{width}.png")
    tried = axe_violations(page)
    assert tried == [], json.dumps(tried, indent=1)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"page is {scroll_width}px wide in a {width}px window"
    page.context.close()
