"""An editor's day in a real browser: create a question with a curated article, schedule it,
preview it, publish it. Debian's Chromium driven by Playwright, against a live server."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from healthqa.models import Question
from tests.browser.test_browser import pytestmark  # noqa: F401
from tests.factories import (
    PASSWORD,
    AnswerFactory,
    ArticleFactory,
    ExpertFactory,
    TopicFactory,
    UserFactory,
    role_group,
)

TITLE = "Can I keep running with a sore knee?"
ARTICLE = "Knee-Friendly Warm-Ups Before a Run"


@pytest.fixture
def newsroom(transactional_db):
    editor = UserFactory(username="editor", is_staff=True)
    editor.groups.add(role_group("Editors"))
    topic = TopicFactory(name="Knee Pain")
    ArticleFactory(topic=topic, title=ARTICLE)
    return {"editor": editor, "expert": ExpertFactory(name="Dr. Rae Runner"), "topic": topic}


def local(moment):
    moment = timezone.localtime(moment)
    return moment.strftime("%Y-%m-%d"), moment.strftime("%H:%M:%S")


def pick(page, container, text):
    """Choose `text` in an admin autocomplete (select2) widget inside `container`."""
    container.locator(".select2-selection").click()
    page.locator(".select2-search__field").fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def set_published_at(page, moment):
    day, time = local(moment)
    page.fill("#id_published_at_0", day)
    page.fill("#id_published_at_1", time)


def test_editor_creates_schedules_previews_and_publishes_a_question(browser, live_server, newsroom):
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(live_server.url + "/admin/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.get_by_role("heading", name="Editorial work")).to_be_visible()

    # A new question, its topic and one curated Continue Learning article.
    page.goto(live_server.url + "/admin/healthqa/question/add/")
    page.fill("#id_title", TITLE)
    page.locator("#id_slug").press("End")  # the slug fills itself in from the title
    assert page.input_value("#id_slug") == "can-i-keep-running-with-a-sore-knee"
    pick(page, page.locator(".field-topic"), "Knee Pain")
    page.fill("#id_details", "It aches after five kilometres.")
    page.get_by_text("Add another Continue Learning pick").click()
    page.fill("#id_article_picks-0-position", "1")
    pick(page, page.locator("#article_picks-0"), ARTICLE)
    set_published_at(page, timezone.now() + timedelta(days=2))
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist .success")).to_be_visible()
    question = Question.objects.get(title=TITLE)
    assert [a.title for a in question.articles.all()] == [ARTICLE]

    # An expert answers and a moderator approves, outside the editor's screen.
    AnswerFactory(question=question, expert=newsroom["expert"], body="Ease off for a week.")

    # Publish with a future date: the question is scheduled.
    page.goto(live_server.url + "/admin/healthqa/question/")
    page.locator(f"input[name=_selected_action][value='{question.pk}']").check()
    page.select_option("select[name=action]", "publish")
    page.click("button[name=index]")
    expect(page.get_by_text("Scheduled 1 question.")).to_be_visible()
    expect(page.locator("td.field-publication", has_text="Scheduled for")).to_be_visible()

    # Readers cannot see it yet; the editor previews it through "View on site".
    reader = browser.new_context().new_page()
    response = reader.goto(live_server.url + question.get_absolute_url())
    assert response.status == 404
    page.goto(live_server.url + f"/admin/healthqa/question/{question.pk}/change/")
    page.locator(".object-tools").get_by_role("link", name="View on site").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Preview — not published.")).to_be_visible()
    assert page.locator("h1").inner_text() == TITLE
    expect(page.get_by_role("heading", name="Continue Learning about Knee Pain")).to_be_visible()
    expect(page.get_by_role("link", name=ARTICLE, exact=True)).to_be_visible()

    # Publish now: readers see it, without the banner.
    page.goto(live_server.url + f"/admin/healthqa/question/{question.pk}/change/")
    set_published_at(page, timezone.now() - timedelta(minutes=1))
    page.click("input[name=_save]")
    expect(page.locator(".messagelist .success")).to_be_visible()
    response = reader.goto(live_server.url + question.get_absolute_url())
    assert response.status == 200
    assert reader.locator("h1").inner_text() == TITLE
    expect(reader.get_by_text("Ease off for a week.")).to_be_visible()
    assert reader.get_by_text("Preview — not published.").count() == 0
    page.close()
    reader.close()
