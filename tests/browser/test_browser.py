"""The reader's question page in a real browser: Debian's Chromium driven by Playwright."""

import pytest

from tests.conftest import needs_chromium
from tests.factories import ArticleFactory, ExpertFactory, TopicFactory, make_public_question

pytestmark = [
    pytest.mark.browser,
    needs_chromium,
]


@pytest.fixture
def demo_question(transactional_db):
    topic = TopicFactory(name="Back Pain")
    expert = ExpertFactory(organization=True, name="National Academy of Sports Medicine")
    question = make_public_question(
        topic=topic, expert=expert, title="Why does my back hurt when I do push-ups?"
    )
    for n in range(4):
        ArticleFactory(topic=topic, with_image=True, title=f"Back care article {n}")
    return question


@pytest.mark.parametrize("width", [360, 768, 1280])
def test_question_page_fits_the_screen_at_every_width(browser, live_server, demo_question, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(live_server.url + demo_question.get_absolute_url())
    assert page.locator("h1").inner_text() == demo_question.title
    assert page.get_by_role("heading", name="Continue Learning about Back Pain").is_visible()
    assert page.locator(".article-card").count() == 4
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"page is {scroll_width}px wide in a {width}px window"
    page.close()


def test_keyboard_user_can_skip_to_content_and_vote(browser, live_server, demo_question):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(live_server.url + demo_question.get_absolute_url())
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"

    page.get_by_role("button", name="Yes").click()
    page.wait_for_load_state()
    assert page.get_by_text("Thank you — you found this answer helpful").is_visible()
    demo_question.answers.get().refresh_from_db()
    assert demo_question.answers.get().helpful_yes == 1
    page.close()


def test_read_more_links_are_named_after_their_article(browser, live_server, demo_question):
    page = browser.new_page()
    page.goto(live_server.url + demo_question.get_absolute_url())
    link = page.get_by_role("link", name="Read More about Back care article 0")
    assert link.count() == 1
    link.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Back care article 0"
    page.close()
