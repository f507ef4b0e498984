"""The whole review workflow in a real browser (Debian's Chromium driven by Playwright): a reader
asks, an editor triages, publishes and assigns, the expert answers, a moderator sends it back,
the expert revises, the moderator approves, and a reader finally sees the answer."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from healthqa.models import Answer, Assignment, Question
from tests.browser.test_browser import pytestmark  # noqa: F401
from tests.factories import PASSWORD, ExpertFactory, TopicFactory, UserFactory

TITLE = "Why does my shoulder click when I lift my arm?"
FIRST_DRAFT = "A click without pain is usually harmless."
REVISED = "A click without pain is usually harmless. See a physiotherapist if it starts to hurt."


@pytest.fixture
def staff(transactional_db, plain_cookies):
    """An editor, a moderator and an expert (linked to a profile), as load_demo makes them."""
    topic = TopicFactory(name="Shoulder Pain")
    editor = UserFactory(username="editor", is_staff=True, groups=["Editors"])
    moderator = UserFactory(username="moderator", is_staff=True, groups=["Moderators"])
    expert_user = UserFactory(username="expert", is_staff=True, groups=["Experts"])
    expert = ExpertFactory(user=expert_user, name="Dr. Lee Shoulder", specialties=[topic])
    ExpertFactory(name="Dr. Other Person")
    return {"editor": editor, "moderator": moderator, "expert": expert, "topic": topic}


# The admin home is titled by the role's work.
HOME_TITLES = {"editor": "Editorial work", "moderator": "Moderation", "expert": "Your answers"}


def signed_in(browser, live_server, username):
    page = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
    page.goto(live_server.url + "/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.get_by_role("heading", name=HOME_TITLES[username])).to_be_visible()
    return page


def run_answer_action(page, live_server, action):
    """Tick the expert's only answer in the answer list and run `action` on it."""
    page.goto(live_server.url + "/admin/healthqa/answer/")
    page.locator("input[name=_selected_action]").first.check()
    page.select_option("select[name=action]", action)
    page.get_by_role("button", name="Go").click()
    page.wait_for_load_state()


def test_question_goes_from_a_reader_through_review_to_the_public_page(browser, live_server, staff):
    # A reader asks.
    reader = browser.new_context().new_page()
    reader.goto(live_server.url + "/")
    reader.get_by_role("link", name="Ask a question").click()
    reader.fill("#id_title", TITLE)
    reader.fill("#id_details", "It clicks but does not hurt. Email me: sam@example.com")
    reader.get_by_role("button", name="Send my question").click()
    expect(reader.get_by_role("heading", name="Thank you for your question")).to_be_visible()
    submission = Question.objects.get()
    assert submission.status == Question.Status.SUBMITTED
    assert "sam@example.com" not in submission.details

    # The editor accepts it as a draft, publishes it and assigns it to the expert.
    editor = signed_in(browser, live_server, "editor")
    editor.get_by_role("link", name="Reader questions to triage").click()
    editor.get_by_role("link", name=TITLE).click()
    editor.fill("#id_accept-details", "It clicks but does not hurt.")
    editor.select_option("#id_accept-topic", label="Shoulder Pain")
    editor.get_by_role("button", name="Accept as draft").click()
    expect(editor.locator(".messagelist")).to_contain_text("is now a draft question")

    editor.goto(live_server.url + "/admin/healthqa/question/")
    editor.locator("input[name=_selected_action]").first.check()
    editor.select_option("select[name=action]", "publish")
    editor.get_by_role("button", name="Go").click()
    expect(editor.locator(".messagelist")).to_contain_text("Published 1")

    editor.get_by_role("link", name=TITLE).click()
    editor.get_by_role("button", name="Add another Assignment").click()
    expert_select = editor.locator("select[name='assignments-0-expert']")
    options = expert_select.locator("option").all_inner_texts()
    assert options[1] == "Dr. Lee Shoulder — specialist in this topic"
    expert_select.select_option(label="Dr. Lee Shoulder — specialist in this topic")
    editor.fill("textarea[name='assignments-0-note']", "Could you answer this one?")
    editor.get_by_role("button", name="Save", exact=True).click()
    expect(editor.locator(".messagelist")).to_contain_text("was changed successfully")
    assignment = Assignment.objects.get()
    assert assignment.expert == staff["expert"]
    assert any("A question for you" in m.subject for m in mail.outbox)

    # The expert writes and submits an answer, started from the assignment.
    expert = signed_in(browser, live_server, "expert")
    expect(expert.get_by_text("Questions waiting for your answer (1)")).to_be_visible()
    expert.get_by_role("link", name="Write an answer").click()
    expert.fill("#id_body", FIRST_DRAFT)
    expert.get_by_role("button", name="Save draft").click()
    run_answer_action(expert, live_server, "submit_for_review")
    answer = Answer.objects.get()
    assert answer.status == Answer.Status.PENDING
    assert Assignment.objects.get().status == Assignment.Status.ANSWERED

    # A moderator sends it back.
    moderator = signed_in(browser, live_server, "moderator")
    moderator.get_by_role("link", name="Moderation queue").click()
    item = moderator.locator(f"#item-{answer.pk}")
    expect(item).to_contain_text(FIRST_DRAFT)
    item.locator("textarea[name=note]").fill("Please say when to see a professional.")
    item.get_by_role("button", name="Request changes").click()
    expect(moderator.locator(".messagelist")).to_contain_text("Sent back for changes: 1 answer")
    assert Answer.objects.get().status == Answer.Status.CHANGES_REQUESTED

    # The expert revises and resubmits.
    expert.goto(live_server.url + "/admin/")
    expect(expert.get_by_text("Please say when to see a professional.")).to_be_visible()
    expert.locator(".workspace").get_by_role("link", name=TITLE).click()
    expert.fill("#id_body", REVISED)
    expert.get_by_role("button", name="Save draft").click()
    run_answer_action(expert, live_server, "submit_for_review")
    assert Answer.objects.get().status == Answer.Status.PENDING

    # The moderator approves; the reader sees the answer.
    moderator.goto(live_server.url + "/admin/moderation/")
    item = moderator.locator(f"#item-{answer.pk}")
    expect(item).to_contain_text("See a physiotherapist")
    item.get_by_role("button", name="Approve").click()
    expect(moderator.locator(".messagelist")).to_contain_text("Approved: 1 answer")

    reader.goto(live_server.url + Question.objects.get().get_absolute_url())
    expect(reader.locator("h1")).to_have_text(TITLE)
    expect(reader.locator(".answer__body")).to_contain_text("See a physiotherapist")
    expect(reader.locator(".answer__reviewed")).to_contain_text("Reviewed")
    for page in (reader, editor, expert, moderator):
        page.context.close()
