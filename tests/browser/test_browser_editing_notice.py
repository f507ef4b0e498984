"""Two editors on the same question in real browsers: each is told the other is editing it,
the notice goes when one leaves, and the one who stayed is told a newer version was saved."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_browser import pytestmark  # noqa: F401
from tests.factories import PASSWORD, QuestionFactory, UserFactory

TITLE = "Can I keep running with a sore knee?"


@pytest.fixture
def newsroom(transactional_db, settings):
    settings.HEALTHQA_EDITING_HEARTBEAT = 1
    editors = [
        UserFactory(username=username, first_name=first, last_name=last, is_staff=True,
                    groups=["Editors"])
        for username, first, last in [("dana", "Dana", "Editor"), ("sam", "Sam", "Writer")]
    ]  # fmt: skip
    # A draft: its form saves and stays on the page ("Save draft", `_continue`).
    return editors, QuestionFactory(title=TITLE, draft=True)


def signed_in_page(browser, live_server, username):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(live_server.url + "/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.get_by_role("heading", name="Editorial work")).to_be_visible()
    return context, page


def notice(page):
    """The live region of the editing notice (the live preview has a status line too)."""
    return page.locator("div.editing-notice[role=status]")


def test_two_editors_are_told_about_each_other(browser, live_server, newsroom):
    _, question = newsroom
    change = live_server.url + f"/admin/healthqa/question/{question.pk}/change/"
    dana_context, dana = signed_in_page(browser, live_server, "dana")
    sam_context, sam = signed_in_page(browser, live_server, "sam")
    dana.goto(change)
    sam.goto(change)

    dana_notice, sam_notice = notice(dana), notice(sam)
    expect(dana_notice).to_contain_text("Sam Writer (sam) is also editing this question (opened")
    expect(dana_notice).to_contain_text("If they save first, your save will be refused")
    expect(sam_notice).to_contain_text("Dana Editor (dana) is also editing this question")
    # The notice sits at the top of the form, styled as an admin warning.
    assert dana.locator("form#question_form > .editing-notice li.warning").count() == 1

    # Sam saves and stays on the page: Dana is told her copy is out of date; Sam is not.
    sam.fill("#id_title", TITLE + " (updated)")
    sam.click("[name=_continue]")
    expect(sam.locator(".messagelist .success")).to_be_visible()
    expect(dana_notice).to_contain_text("Sam Writer (sam) saved a newer version at", timeout=10_000)
    expect(dana_notice).to_contain_text("reload to see it before you save")
    expect(sam_notice).to_contain_text("Dana Editor (dana) is also editing")
    expect(sam_notice).not_to_contain_text("newer version")

    # Sam closes the page: the notice about him goes from Dana's page.
    sam_context.close()
    expect(dana_notice).not_to_contain_text("also editing", timeout=10_000)
    expect(dana_notice).to_contain_text("saved a newer version")
    dana_context.close()


def test_leaving_the_page_releases_it_before_expiry(browser, live_server, newsroom, settings):
    _, question = newsroom
    # A heartbeat each second, but an entry that would stay for a minute without its release.
    settings.HEALTHQA_EDITING_HEARTBEAT = 1
    change = live_server.url + f"/admin/healthqa/question/{question.pk}/change/"
    dana_context, dana = signed_in_page(browser, live_server, "dana")
    sam_context, sam = signed_in_page(browser, live_server, "sam")
    dana.goto(change)
    sam.goto(change)
    expect(notice(dana)).to_contain_text("Sam Writer (sam) is also editing")
    settings.HEALTHQA_EDITING_HEARTBEAT = 20
    sam.goto(live_server.url + "/admin/")
    expect(notice(dana)).not_to_contain_text("also editing", timeout=5_000)
    dana_context.close()
    sam_context.close()


def test_the_page_works_without_javascript(browser, live_server, newsroom):
    _, question = newsroom
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/admin/")
    page.fill("#id_username", "dana")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.goto(live_server.url + f"/admin/healthqa/question/{question.pk}/change/")
    assert page.locator(".editing-notice").count() == 0
    page.fill("#id_title", TITLE + " (offline)")
    page.click("[name=_continue]")
    expect(page.locator(".messagelist .success")).to_be_visible()
    context.close()
