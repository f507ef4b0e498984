"""Post/Redirect/Get for the reader's forms: a sent report or question is thanked at an address
of its own, so that reloading the thank-you page sends nothing again; and no cache keeps those
pages or what was typed."""

import pytest
from django.urls import reverse

from healthqa.models import Flag, Question
from tests.factories import make_public_question

pytestmark = pytest.mark.django_db

NO_STORE = {"no-store"}
TYPED = "The dose in paragraph two is wrong, see the 2024 guideline."


def directives(response):
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


@pytest.fixture
def answer():
    return make_public_question().answers.get()


def report_url(answer):
    return reverse("healthqa:answer_report", args=[answer.pk])


def report(client, answer, **fields):
    return client.post(report_url(answer), {"reason": "inaccurate", "details": TYPED, **fields})


def test_a_valid_report_redirects_with_303_to_the_thank_you_address(client, answer):
    response = report(client, answer)

    assert response.status_code == 303
    assert response["Location"] == reverse("healthqa:answer_report_thanks", args=[answer.pk])
    assert response["Location"] != report_url(answer)
    assert Flag.objects.count() == 1


def test_reloading_the_report_thank_you_page_sends_nothing_again(client, answer):
    thanks = report(client, answer)["Location"]

    for _ in range(3):
        page = client.get(thanks)
        assert page.status_code == 200
        assert "Thank you for your report" in page.content.decode()

    assert Flag.objects.count() == 1


def test_report_thank_you_page_is_never_stored_and_does_not_show_what_was_typed(client, answer):
    page = client.get(report(client, answer)["Location"])

    assert directives(page) == NO_STORE
    assert TYPED not in page.content.decode()
    assert answer.get_absolute_url() in page.content.decode()


def test_report_thank_you_page_is_never_stored_for_a_reader_without_a_session(client, answer):
    page = client.get(reverse("healthqa:answer_report_thanks", args=[answer.pk]))

    assert page.status_code == 200
    assert directives(page) == NO_STORE


def test_bot_report_is_redirected_to_the_thanks_too_and_dropped(client, answer):
    response = report(client, answer, website="buy pills")

    assert response.status_code == 303
    assert client.get(response["Location"]).status_code == 200
    assert not Flag.objects.exists()


def test_an_invalid_report_stays_on_the_form_with_its_errors(client, answer):
    response = report(client, answer, reason="boring")

    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert TYPED in response.content.decode()
    assert not Flag.objects.exists()


def test_report_thank_you_page_of_an_answer_readers_cannot_see_is_404(client, answer):
    hidden = make_public_question(draft=True).answers.get()

    assert client.get(reverse("healthqa:answer_report_thanks", args=[hidden.pk])).status_code == 404
    assert client.get("/answers/999999/report/thanks/").status_code == 404


def test_report_thank_you_page_takes_no_post(client, answer):
    response = client.post(reverse("healthqa:answer_report_thanks", args=[answer.pk]))

    assert response.status_code == 405
    assert not Flag.objects.exists()


def test_report_mentioning_an_emergency_is_thanked_with_the_urgent_care_notice_once(client, answer):
    thanks = report(client, answer, details="I did what it says and now I have chest pain")[
        "Location"
    ]
    page = client.get(thanks).content.decode()

    assert "Get medical help now" in page
    assert page.index("Get medical help now") < page.index("Your report was sent")
    assert 'href="tel:911"' in page
    assert "Get medical help now" not in client.get(thanks).content.decode()


def test_ask_thank_you_page_has_its_own_address_and_reloading_it_sends_nothing(client):
    response = client.post("/ask/", {"title": "Why does my knee click when I squat?"})

    assert response.status_code in (302, 303)
    assert response["Location"] == reverse("healthqa:ask_thanks") != "/ask/"
    for _ in range(3):
        assert client.get(response["Location"]).status_code == 200
    assert Question.objects.count() == 1


def test_ask_thank_you_page_is_never_stored_and_does_not_show_what_was_typed(client):
    title = "Why does my knee click when I squat deeply?"
    page = client.get(
        client.post("/ask/", {"title": title, "email": "sam@example.org"})["Location"]
    )

    assert directives(page) == NO_STORE
    body = page.content.decode()
    assert title not in body and "sam@example.org" not in body


def test_the_helpful_vote_also_redirects_to_a_page_it_does_not_repeat_on(client, answer):
    url = reverse("healthqa:answer_helpful", args=[answer.pk])

    response = client.post(url, {"vote": "yes"}, HTTP_ORIGIN="http://testserver")

    assert response.status_code == 302
    assert response["Location"].startswith(answer.question.get_absolute_url())
