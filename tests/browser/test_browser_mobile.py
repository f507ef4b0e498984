"""The demo push-ups question on an iPhone-size screen (390×844) in headless Chromium: the answer
starts on the first screen, the advertisement is readable, emergency numbers can be tapped, and
nothing scrolls sideways.

Screenshots are written to /tmp/browser-mobile-*.png.
"""

import pytest
from django.core.management import call_command

from healthqa.models import Question
from tests.browser.test_browser import pytestmark  # noqa: F401 (browser marks)
from tests.factories import role_group

PUSHUPS = "why-does-my-back-hurt-when-i-do-push-ups"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def pushups_url(transactional_db, settings):
    """The demo site as `make run` loads it; the address of its reference question page."""
    settings.CSRF_COOKIE_NAME = "csrftoken"
    settings.SESSION_COOKIE_NAME = "sessionid"
    for group in ("Editors", "Moderators", "Experts"):
        role_group(group)  # the live server's flush removed what the data migrations made
    call_command("load_demo", verbosity=0)
    return Question.objects.get(slug=PUSHUPS).get_absolute_url()


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE)
    yield context.new_page()
    context.close()


def test_the_answer_text_starts_on_the_first_phone_screen(phone, live_server, pushups_url):
    phone.goto(live_server.url + pushups_url)

    first_line = phone.evaluate(
        """() => {
          const p = document.querySelector(".answer__body p");
          const box = p.getBoundingClientRect();
          return {top: box.top, lineHeight: parseFloat(getComputedStyle(p).lineHeight)};
        }"""
    )
    phone.screenshot(path="/tmp/browser-mobile-question-390.png")
    assert first_line["top"] >= 0
    assert first_line["top"] + first_line["lineHeight"] <= PHONE["height"], first_line


def test_the_advertisement_is_readable_and_comes_after_the_answer(phone, live_server, pushups_url):
    phone.goto(live_server.url + pushups_url)

    ad = phone.evaluate(
        """() => {
          const slot = document.querySelector(".ad-slot");
          const texts = [...slot.querySelectorAll("*")].filter((el) =>
            [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim())
            && el.getClientRects().length > 0);
          return {
            sizes: texts.map((el) => parseFloat(getComputedStyle(el).fontSize)),
            words: slot.querySelector(".ad-slot__text").innerText,
            imageShown: [...slot.querySelectorAll("img")].some((i) => i.getClientRects().length),
            top: slot.getBoundingClientRect().top,
            answerBottom: document.querySelector(".qa").getBoundingClientRect().bottom,
            firstInPage: document.querySelector(".layout-main > *").matches(".ad-slot"),
          };
        }"""
    )
    phone.locator(".ad-slot").screenshot(path="/tmp/browser-mobile-ad-390.png")
    assert ad["sizes"] and min(ad["sizes"]) >= 12, ad["sizes"]
    assert ad["words"].startswith("Continue learning")
    # The banner's own lettering would be about 7 px on this screen: its words are text instead.
    assert not ad["imageShown"]
    assert ad["top"] >= ad["answerBottom"]
    assert ad["firstInPage"], "the page's order is the reference page's: only the view moves"
    link = phone.locator(".ad-slot a")
    assert link.get_attribute("aria-label").startswith("Continue learning")
    assert link.get_attribute("rel") == "sponsored noopener"


def test_the_advertisement_keeps_its_banner_on_a_wide_screen(browser, live_server, pushups_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(live_server.url + pushups_url)

    assert page.locator(".ad-slot img").is_visible()
    assert not page.locator(".ad-slot__text").is_visible()
    ad_top = page.evaluate("document.querySelector('.ad-slot').getBoundingClientRect().top")
    assert ad_top < page.evaluate("document.querySelector('.qa').getBoundingClientRect().top")
    page.screenshot(path="/tmp/browser-mobile-question-1280.png")
    context.close()


def test_emergency_numbers_are_tel_links(phone, live_server, pushups_url):
    for url in (pushups_url, "/ask/"):
        phone.goto(live_server.url + url)
        numbers = phone.locator('a[href^="tel:"]')
        assert numbers.count() >= 3, url
        first = [numbers.nth(n) for n in range(3)]
        links = {link.inner_text(): link.get_attribute("href") for link in first}
        assert links == {"911": "tel:911", "112": "tel:112", "999": "tel:999"}
        assert numbers.first.is_visible()
    phone.screenshot(path="/tmp/browser-mobile-ask-390.png", full_page=True)


def test_the_urgent_care_notice_numbers_can_be_tapped(phone, live_server, pushups_url):
    phone.goto(live_server.url + "/ask/")
    phone.fill("#id_title", "Why do I get chest pain when I climb stairs?")
    phone.get_by_role("button", name="Send my question").click()

    phone.wait_for_url("**/ask/thanks/")
    notice = phone.locator(".urgent-notice")
    assert notice.is_visible()
    hrefs = notice.locator('a[href^="tel:"]').evaluate_all("(els) => els.map((a) => a.href)")
    assert {"tel:911", "tel:988", "tel:116123", "tel:+18002221222"} <= set(hrefs)


def test_nothing_scrolls_sideways_on_the_phone(phone, live_server, pushups_url):
    for url in (pushups_url, "/ask/"):
        phone.goto(live_server.url + url)
        scroll_width = phone.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= PHONE["width"], f"{url} is {scroll_width}px wide"
    phone.goto(live_server.url + pushups_url)
    phone.screenshot(path="/tmp/browser-mobile-question-390-full.png", full_page=True)
