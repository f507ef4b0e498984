"""A rate-limited post to /ask/ or the report form answers 429 with the form itself: what was
typed kept in the fields, how long to wait at the top, the urgent-care notice when the text calls
for it; never stored by a cache, with Retry-After."""

import html
import re
from datetime import timedelta

import pytest
from django.urls import reverse

from healthqa.models import Flag, Question
from healthqa.public.ratelimit import too_many_requests
from tests.factories import make_public_question

pytestmark = pytest.mark.django_db

TITLE = "Why do I get chest pain when I climb the stairs?"
DETAILS = "It started last week & goes away when I rest. I'm 54."


def directives(response):
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def ask(client, **fields):
    return client.post("/ask/", {"title": "Why does my knee click when I squat?", **fields})


@pytest.fixture
def limited(client, settings):
    """A client that has used up its questions (and reports) for the hour."""
    settings.HEALTHQA_FORM_RATE_LIMIT = 1
    assert ask(client).status_code == 302
    return client


def test_a_rate_limited_question_is_answered_with_the_form_and_what_was_typed(limited):
    response = ask(limited, title=TITLE, details=DETAILS, name="Sam", email="sam@example.org")

    assert response.status_code == 429
    assert "healthqa/ask_form.html" in [t.name for t in response.templates]
    page = html.unescape(response.content.decode())
    assert f'value="{TITLE}"' in page
    assert re.search(rf"<textarea[^>]*>\s*{re.escape(DETAILS)}</textarea>", page)
    assert 'value="Sam"' in page and 'value="sam@example.org"' in page
    assert Question.objects.count() == 1


def test_the_error_at_the_top_says_it_was_not_sent_and_how_long_to_wait(limited):
    page = ask(limited, title=TITLE).content.decode()

    error = page.index("Too many requests: your question was not sent")
    assert error < page.index('<form method="post"')
    assert "please wait about 60 minutes" in page
    assert 'role="alert"' in page


def test_the_wait_is_what_is_left_of_the_hour(frozen, limited):
    frozen.tick(timedelta(minutes=20))

    response = ask(limited, title=TITLE)

    assert response.status_code == 429
    assert response["Retry-After"] == "2400"
    assert "please wait about 40 minutes" in response.content.decode()


def test_the_refusal_keeps_retry_after_and_is_never_stored(limited):
    response = ask(limited, title=TITLE)

    assert response["Retry-After"] == "3600"
    assert directives(response) == {"no-store"}


def test_chest_pain_in_a_rate_limited_question_shows_the_urgent_care_notice(limited):
    page = ask(limited, title=TITLE).content.decode()

    assert "Get medical help now" in page
    assert "chest pain" in page
    error = page.index("Too many requests: your question was not sent")
    assert error < page.index("Get medical help now") < page.index('<form method="post"')
    assert '<a class="tel" href="tel:911">911</a>' in page


def test_urgent_words_in_the_details_alone_count_too(limited):
    page = ask(limited, title="A question about my father", details="He passed out").content
    assert "Get medical help now" in page.decode()


def test_an_everyday_rate_limited_question_has_no_urgent_notice(limited):
    page = ask(limited, title="Why does my knee click when I squat?").content.decode()

    assert "Get medical help now" not in page
    assert "In an emergency, do not wait for an answer here." in page


def test_the_refused_form_can_be_sent_again_once_the_hour_is_over(frozen, limited):
    assert ask(limited, title=TITLE).status_code == 429

    frozen.tick(timedelta(seconds=3601))

    assert ask(limited, title=TITLE).status_code == 302
    assert Question.objects.filter(title=TITLE).exists()


def test_an_invalid_rate_limited_question_still_gets_429_with_its_field_errors(limited):
    response = ask(limited, title="Help?")

    assert response.status_code == 429
    assert response.context["form"].errors["title"]
    assert 'value="Help?"' in response.content.decode()


def test_reading_the_form_is_not_refused_while_posts_are(limited):
    assert ask(limited).status_code == 429
    response = limited.get("/ask/")

    assert response.status_code == 200
    assert "Too many requests" not in response.content.decode()


def test_a_rate_limited_report_keeps_its_reason_and_details(client, settings):
    settings.HEALTHQA_FORM_RATE_LIMIT = 1
    answer = make_public_question().answers.get()
    url = reverse("healthqa:answer_report", args=[answer.pk])
    assert client.post(url, {"reason": "inaccurate", "details": "Old."}).status_code == 303

    response = client.post(url, {"reason": "harmful", "details": "Gave me chest pain."})

    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    assert directives(response) == {"no-store"}
    page = response.content.decode()
    assert "Too many requests: your report was not sent" in page
    assert re.search(r'<input type="radio" name="reason" value="harmful"[^>]*checked', page)
    assert "Gave me chest pain.</textarea>" in page
    assert "Get medical help now" in page
    assert Flag.objects.count() == 1


def test_pages_without_a_form_still_get_the_plain_429_page(client):
    request = client.get("/").wsgi_request
    response = too_many_requests(request, 600)

    assert response.status_code == 429
    assert response["Retry-After"] == "600"
    page = response.content.decode()
    assert "please wait about 10 minutes" in page
    assert 'href="tel:112"' in page
