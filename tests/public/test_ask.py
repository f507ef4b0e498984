"""Reader questions at /ask/ and reports at /answers/<id>/report/: CSRF, honeypot, limits,
the rate limit, masking of contact details and the urgent-care notice."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from healthqa.core.urgency import mask_contact_details, urgent_signs
from healthqa.models import Flag, Question
from healthqa.public.ratelimit import client_ip
from tests.factories import make_public_question

pytestmark = pytest.mark.django_db

ASK = "/ask/"


def split(fields):
    """Form fields, and request headers/environ (upper-case keys such as REMOTE_ADDR)."""
    extra = {key: value for key, value in fields.items() if key.isupper()}
    return {key: value for key, value in fields.items() if not key.isupper()}, extra


def csrf_token_of(page):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def ask(client, **fields):
    data = {"title": "Why does my knee click when I squat?", "details": "", "name": "", "email": ""}
    fields, extra = split(fields)
    return client.post(ASK, {**data, **fields}, **extra)


def test_ask_page_shows_the_form_with_a_hidden_honeypot(client):
    page = client.get(ASK).content.decode()

    assert 'name="title"' in page and 'name="details"' in page
    assert 'name="name"' in page and 'name="email"' in page
    assert 'class="hp-field" aria-hidden="true"' in page
    assert 'name="website"' in page
    assert 'tabindex="-1"' in page and 'autocomplete="off"' in page


def test_header_links_to_the_ask_page(client):
    assert f'href="{ASK}"' in client.get("/").content.decode()


def test_reader_question_lands_as_a_submission_nobody_sees(client):
    response = ask(client, details="It clicks but does not hurt.", name="Sam", email="s@x.org")

    assert response.status_code == 302
    assert response["Location"] == reverse("healthqa:ask_thanks")
    question = Question.objects.get()
    assert question.status == Question.Status.SUBMITTED
    assert question.submitted_by_name == "Sam"
    assert question.submitted_by_email == "s@x.org"
    assert not Question.objects.public().exists()
    assert client.get(question.get_absolute_url()).status_code == 404


def test_thank_you_page_without_emergency_words_has_no_urgent_notice(client):
    page = client.get(ask(client)["Location"]).content.decode()

    assert "Thank you for your question" in page
    assert "Get medical help now" not in page


@pytest.mark.parametrize(
    "text",
    [
        "I have crushing chest pain and sweating",
        "My dad's face is drooping and he has slurred speech",
        "Sudden arm weakness on one side, what is it?",
        "I can't breathe properly after a bee sting",
        "Severe bleeding from a cut that won't stop",
        "I think I took an overdose of paracetamol",
        "I keep having thoughts of suicide",
        "I want to hurt myself again",
        "Could this be anaphylaxis? My throat is swelling",
    ],
)
def test_thank_you_page_leads_with_urgent_care_when_the_text_suggests_an_emergency(client, text):
    response = ask(client, title="Is this serious, please help me?", details=text)
    page = client.get(response["Location"]).content.decode()

    assert "Get medical help now" in page
    assert page.index("Get medical help now") < page.index("Your question was sent")
    assert Question.objects.filter(status=Question.Status.SUBMITTED).count() == 1


def test_urgent_notice_is_shown_once_only(client):
    response = ask(client, title="I have chest pain when I run, why?")
    client.get(response["Location"])

    assert "Get medical help now" not in client.get(response["Location"]).content.decode()


def test_everyday_questions_are_not_taken_for_emergencies():
    assert urgent_signs("Why does my back hurt when I do push-ups?") == []
    assert urgent_signs("How often should I stretch my hamstrings?") == []


def test_contact_details_are_masked_and_the_raw_text_is_kept_for_moderators(client):
    ask(
        client,
        title="Can you email me at jo.smith+health@example.co.uk about my rash?",
        details="Call me on +44 20 7946 0958 or (555) 123-4567 please.",
    )

    question = Question.objects.get()
    assert "jo.smith" not in question.title and "[email hidden]" in question.title
    assert "7946" not in question.details and "123-4567" not in question.details
    assert question.details.count("[phone number hidden]") == 2
    assert "jo.smith+health@example.co.uk" in question.submitted_text
    assert "+44 20 7946 0958" in question.submitted_text


def test_masking_leaves_ordinary_numbers_alone():
    assert mask_contact_details("I am 42 and walk 10000 steps") == "I am 42 and walk 10000 steps"


def test_bot_filling_the_honeypot_is_thanked_and_nothing_is_stored(client):
    response = ask(client, website="http://spam.example")

    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200
    assert not Question.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "Help?"),
        ("title", "x" * 201),
        ("details", "x" * 3001),
        ("name", "x" * 121),
        ("email", "not-an-email"),
    ],
)
def test_ask_form_refuses_values_out_of_bounds(client, field, value):
    response = ask(client, **{field: value})

    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not Question.objects.exists()


def test_ask_form_needs_a_csrf_token():
    client = Client(enforce_csrf_checks=True)

    response = ask(client)

    assert response.status_code == 403
    assert not Question.objects.exists()


def test_ask_form_with_its_csrf_token_is_accepted():
    client = Client(enforce_csrf_checks=True)
    token = csrf_token_of(client.get(ASK).content.decode())

    response = ask(client, csrfmiddlewaretoken=token)

    assert response.status_code == 302
    assert Question.objects.count() == 1


def test_sixth_question_in_an_hour_gets_429(client):
    for n in range(5):
        assert ask(client, title=f"Question number {n} about my knee").status_code == 302

    response = ask(client, title="Question number six about my knee")

    assert response.status_code == 429
    assert "Too many requests" in response.content.decode()
    assert response["Retry-After"] == "3600"
    assert Question.objects.count() == 5


def test_rate_limit_lifts_after_an_hour(client, frozen):
    for _ in range(5):
        ask(client)
    assert ask(client).status_code == 429

    frozen.tick(3601)

    assert ask(client).status_code == 302


def test_rate_limit_is_per_client_address(client):
    for _ in range(5):
        ask(client, REMOTE_ADDR="203.0.113.5")

    assert ask(client, REMOTE_ADDR="203.0.113.5").status_code == 429
    assert ask(client, REMOTE_ADDR="203.0.113.6").status_code == 302


def test_reading_the_form_is_not_rate_limited(client):
    for _ in range(8):
        assert client.get(ASK).status_code == 200


def test_forwarded_for_is_ignored_without_trusted_proxies(rf):
    request = rf.get("/", HTTP_X_FORWARDED_FOR="198.51.100.1", REMOTE_ADDR="10.0.0.1")

    assert client_ip(request) == "10.0.0.1"


def test_forwarded_for_is_read_from_the_right_behind_trusted_proxies(rf, settings):
    settings.HEALTHQA_TRUSTED_PROXY_COUNT = 1
    forged = rf.get("/", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.1", REMOTE_ADDR="10.0.0.1")
    settings_two = rf.get("/", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.1, 10.0.0.2")

    assert client_ip(forged) == "198.51.100.1"
    settings.HEALTHQA_TRUSTED_PROXY_COUNT = 2
    assert client_ip(settings_two) == "198.51.100.1"


def test_garbage_in_forwarded_for_falls_back_to_the_peer_address(rf, settings):
    settings.HEALTHQA_TRUSTED_PROXY_COUNT = 1
    request = rf.get("/", HTTP_X_FORWARDED_FOR="<script>", REMOTE_ADDR="10.0.0.1")

    assert client_ip(request) == "10.0.0.1"


def test_clients_behind_one_proxy_are_limited_separately(client, settings):
    settings.HEALTHQA_TRUSTED_PROXY_COUNT = 1
    for _ in range(5):
        ask(client, HTTP_X_FORWARDED_FOR="198.51.100.1")

    assert ask(client, HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 429
    assert ask(client, HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 302


# --- reports -----------------------------------------------------------------------------------


@pytest.fixture
def answer(db):
    return make_public_question().answers.get()


def report(client, answer, **fields):
    url = reverse("healthqa:answer_report", args=[answer.pk])
    fields, extra = split(fields)
    return client.post(url, {"reason": "inaccurate", "details": "Out of date.", **fields}, **extra)


def test_report_form_has_the_honeypot(client, answer):
    page = client.get(reverse("healthqa:answer_report", args=[answer.pk])).content.decode()

    assert 'class="hp-field" aria-hidden="true"' in page


def test_report_form_offers_only_real_reasons_none_preselected(client, answer):
    page = client.get(reverse("healthqa:answer_report", args=[answer.pk])).content.decode()
    values = re.findall(r'<input type="radio" name="reason" value="([^"]*)"', page)
    assert values == [value for value, _ in Flag.Reason.choices]
    assert "---------" not in page
    assert not re.search(r'<input type="radio" name="reason"[^>]*checked', page)


def test_reader_report_becomes_an_open_flag(client, answer):
    response = report(client, answer)

    assert response.status_code == 303
    flag = Flag.objects.get()
    assert (flag.answer, flag.status, flag.reason) == (answer, Flag.Status.OPEN, "inaccurate")


def test_bot_report_is_thanked_and_dropped(client, answer):
    response = report(client, answer, website="buy pills")

    assert response.status_code == 303
    assert "Thank you for your report" in client.get(response["Location"]).content.decode()
    assert not Flag.objects.exists()


def test_report_needs_a_csrf_token(answer):
    assert report(Client(enforce_csrf_checks=True), answer).status_code == 403
    assert not Flag.objects.exists()


def test_report_refuses_an_unknown_reason_and_long_details(client, answer):
    assert report(client, answer, reason="boring").context["form"].errors["reason"]
    assert report(client, answer, details="x" * 2001).context["form"].errors["details"]
    assert not Flag.objects.exists()


def test_sixth_report_in_an_hour_gets_429(client, answer):
    for _ in range(5):
        assert report(client, answer).status_code == 303

    assert report(client, answer).status_code == 429
    assert Flag.objects.count() == 5


def test_reports_and_questions_are_limited_separately(client, answer):
    for _ in range(5):
        report(client, answer)

    assert ask(client).status_code == 302


def test_a_request_without_a_usable_address_has_no_client_ip(rf):
    request = rf.get("/")
    request.META.pop("REMOTE_ADDR", None)

    assert client_ip(request) is None
    assert client_ip(rf.get("/", REMOTE_ADDR="not-an-ip")) is None
