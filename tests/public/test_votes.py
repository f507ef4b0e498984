"""Helpful votes: one per answer per browser session, and per client address per period."""

import re
import time

import pytest
from django.test import Client
from django.urls import reverse

from healthqa.public.ratelimit import once_per_period
from tests.factories import make_public_question

pytestmark = pytest.mark.django_db

THANKS = "Thank you — you found this answer helpful"


@pytest.fixture
def answer():
    return make_public_question().answers.get()


def vote(answer, client=None, value="yes", ip="203.0.113.20"):
    """A POST as a script sends it: by default a new client, so no cookies and a new session."""
    client = client or Client()
    url = reverse("healthqa:answer_helpful", args=[answer.pk])
    return client.post(url, {"vote": value}, REMOTE_ADDR=ip)


def counts(answer):
    answer.refresh_from_db()
    return answer.helpful_yes, answer.helpful_no


def test_thirty_posts_without_cookies_from_one_address_count_one_vote(answer):
    responses = [vote(answer) for _ in range(30)]
    assert counts(answer) == (1, 0)
    # Every one is thanked alike: nothing tells the script which post counted.
    assert {r.status_code for r in responses} == {302}
    assert {r["Location"] for r in responses} == {
        f"{answer.question.get_absolute_url()}#answer-{answer.pk}"
    }


def test_a_no_vote_from_the_same_address_does_not_count_either(answer):
    vote(answer, value="yes")
    vote(answer, value="no")
    assert counts(answer) == (1, 0)


def test_another_address_counts(answer):
    vote(answer, ip="203.0.113.20")
    vote(answer, ip="203.0.113.21", value="no")
    assert counts(answer) == (1, 1)


def test_the_address_may_vote_on_another_answer(answer):
    other = make_public_question().answers.get()
    vote(answer)
    vote(other)
    assert counts(answer) == (1, 0) and counts(other) == (1, 0)


def test_a_vote_from_the_address_counts_again_after_the_period(answer, settings):
    settings.HEALTHQA_VOTE_PERIOD = 1
    vote(answer)
    vote(answer)
    assert counts(answer) == (1, 0)
    time.sleep(1.1)  # the cache's own expiry: a frozen clock would not move Redis
    vote(answer)
    assert counts(answer) == (2, 0)


def test_the_session_rule_still_holds_across_addresses(answer):
    reader = Client()
    vote(answer, reader, ip="203.0.113.20")
    vote(answer, reader, ip="198.51.100.7")
    vote(answer, reader, value="no", ip="198.51.100.8")
    assert counts(answer) == (1, 0)


def test_a_vote_not_counted_for_its_address_still_shows_as_the_readers_choice(answer):
    vote(answer)  # someone else behind the same address
    reader = Client()
    response = vote(answer, reader)
    assert counts(answer) == (1, 0)
    page = reader.get(response["Location"]).content.decode()
    assert THANKS in re.sub(r"\s+", " ", page)


def test_once_per_period_is_true_once_per_key_until_the_period_ends():
    assert once_per_period("test", "a", 1) is True
    assert once_per_period("test", "a", 1) is False
    assert once_per_period("test", "b", 1) is True
    assert once_per_period("other", "a", 1) is True
    time.sleep(1.1)
    assert once_per_period("test", "a", 1) is True
