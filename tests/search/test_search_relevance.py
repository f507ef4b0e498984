"""Reader queries over the demo site and the result they should see first, on either database."""

import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings

from healthqa import search

Q = "/questions/{}/".format
A = "/articles/{}/".format

RELEVANCE = [
    ("push-ups", Q("why-does-my-back-hurt-when-i-do-push-ups")),
    ("pushups", Q("why-does-my-back-hurt-when-i-do-push-ups")),
    ("push ups", Q("why-does-my-back-hurt-when-i-do-push-ups")),
    ("back hurts when doing push ups", Q("why-does-my-back-hurt-when-i-do-push-ups")),
    ("Why does my back hurt when I do push-ups?", Q("why-does-my-back-hurt-when-i-do-push-ups")),
    ("heat or ice for back pain", Q("should-i-use-heat-or-ice-for-a-sore-lower-back")),
    ("ice pack sore lower back", Q("should-i-use-heat-or-ice-for-a-sore-lower-back")),
    ("lifting heavy boxes", Q("how-can-i-lift-heavy-boxes-without-hurting-my-back")),
    ("how many hours of sleep do I need", Q("how-many-hours-of-sleep-do-adults-need")),
    ("phone before bed", Q("is-it-bad-to-look-at-my-phone-before-bed")),
    ("sitting at a desk all day", Q("can-sitting-at-a-desk-all-day-cause-back-pain")),
    ("stretch before workout", Q("do-i-need-to-stretch-before-a-workout")),
    ("how much exercise per week", Q("how-much-exercise-do-adults-need-each-week")),
    ("quick healthy breakfast", Q("what-is-a-healthy-breakfast-if-im-always-in-a-hurry")),
    ("how much water to drink", Q("how-much-water-should-i-drink-in-a-day")),
    ("normal resting heart rate", Q("what-is-a-normal-resting-heart-rate")),
    ("walking blood pressure", Q("can-walking-really-lower-my-blood-pressure")),
    ("stress keeps me awake", Q("what-can-i-do-when-stress-keeps-me-awake-at-night")),
    ("am I depressed or just sad", Q("how-can-i-tell-if-im-sad-or-depressed")),
    ("yoga for lower back pain", A("ease-lower-back-pain-with-these-yoga-moves")),
    ("desk stretches", A("desk-stretches-to-ease-a-stiff-back")),
    ("strength training for beginners", A("a-beginners-guide-to-strength-training")),
    ("breathing exercises", A("three-breathing-exercises-to-calm-stress")),
    ("wind down routine", A("build-a-wind-down-routine-for-better-sleep")),
    ("staying hydrated while exercising", A("staying-hydrated-when-you-exercise")),
    ("heart healthy plate", A("simple-swaps-for-a-heart-healthy-plate")),
    ("does sleep affect mood", A("how-sleep-affects-your-mood")),
]

# Text only in what readers cannot see yet: a draft question, a reader's submission, a pending
# answer on a public question and a scheduled article.
HIDDEN = [
    ("standing desks", "/questions/are-standing-desks-better-for-your-back/"),
    ("knees clicking on the stairs", "/questions/why-do-my-knees-click-when-i-climb-stairs/"),
    ("blood sugar", "blood sugar"),
    ("illness injury busy spell", "/articles/getting-back-to-exercise-after-a-break/"),
]


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo site, loaded once for the module and rolled back after it."""
    media_root = tmp_path_factory.mktemp("demo-media")
    with override_settings(MEDIA_ROOT=media_root), django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("load_demo", stdout=io.StringIO())
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.mark.parametrize(("query", "expected"), RELEVANCE, ids=[q for q, _ in RELEVANCE])
def test_reader_query_puts_the_expected_page_first(demo_site, db, query, expected):
    hits = search.search(query)[:5]
    assert hits, f"nothing found for {query!r} on {connection.vendor}"
    assert hits[0].url == expected, [hit.url for hit in hits]


@pytest.mark.parametrize(("query", "hidden"), HIDDEN, ids=[q for q, _ in HIDDEN])
def test_text_readers_cannot_see_is_never_found(demo_site, db, query, hidden):
    for kind in (None, "question", "article"):
        hits = search.search(query, kind=kind)[:100]
        assert all(hit.url != hidden and hidden not in hit.snippet.lower() for hit in hits)
    assert all(hit.url != hidden for hit in search.suggest(query))
