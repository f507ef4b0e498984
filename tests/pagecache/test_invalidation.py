"""Precise invalidation: a change drops exactly the pages that showed what changed, however it
was written (save, QuerySet.update, cascades, SET_NULL, bulk_create), and time-based changes
(ads starting and ending) show on time."""

import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from experts.models import Expert
from healthqa.models import AdPlacement, Answer, ContentChange, Question
from healthqa.pagecache import triggers
from tests.factories import (
    AdPlacementFactory,
    QuestionFactory,
    TopicFactory,
    UserFactory,
    make_public_question,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("site_settings")]


@pytest.fixture
def two_topics():
    """Two questions in each of two topics, each question public with one answer."""
    first, second = TopicFactory(name="Back Pain"), TopicFactory(name="Sleep")
    return {
        "back": [make_public_question(topic=first, title=f"Back question {n}") for n in (1, 2)],
        "sleep": [make_public_question(topic=second, title=f"Sleep question {n}") for n in (1, 2)],
    }


def status(url, client=None):
    """Fetch a page anonymously: 'hit' or 'miss'."""
    response = (client or Client()).get(url)
    assert response.status_code == 200, url
    return response["X-Page-Cache"]


def warm(*urls):
    for url in urls:
        status(url)
        assert status(url) == "hit", url


def test_every_watched_table_has_its_triggers():
    names = triggers.installed(connection)
    for table, rules in triggers.RULES.items():
        for number, _ in enumerate(rules):
            assert any(name.startswith(f"healthqa_cc_{table}_{number}_") for name in names), table


def test_the_trigger_rules_name_only_columns_that_exist():
    from django.apps import apps

    columns = {
        model._meta.db_table: {field.column for field in model._meta.concrete_fields}
        for model in apps.get_models(include_auto_created=True)
    }
    for table, rules in triggers.RULES.items():
        for rule in rules:
            named = set(rule.changed) | set(rule.unchanged)
            named |= {part.split("R.")[1].split()[0] for part in rule.keys if "R." in part}
            assert named <= columns[table], (table, named - columns[table])


def test_an_update_from_code_drops_the_page_that_shows_it(two_topics):
    question = two_topics["back"][0]
    warm(question.get_absolute_url())
    Question.objects.filter(pk=question.pk).update(title="Changed by QuerySet.update")
    response = Client().get(question.get_absolute_url())
    assert "Changed by QuerySet.update" in response.content.decode()


def test_an_edit_keeps_every_page_that_did_not_show_it(two_topics):
    edited, *others = two_topics["sleep"] + two_topics["back"]
    other_urls = [q.get_absolute_url() for q in others if q.topic_id != edited.topic_id]
    unrelated = [*other_urls, two_topics["back"][0].topic.get_absolute_url()]
    warm(edited.get_absolute_url(), *unrelated)
    answer = edited.answers.get()
    answer.body = "A clearer answer."
    answer.save()
    assert status(edited.get_absolute_url()) == "miss"
    for url in unrelated:
        assert status(url) == "hit", url


def test_a_vote_drops_only_its_own_question_page(two_topics):
    voted, neighbour = two_topics["back"]
    pages = [
        voted.get_absolute_url(), neighbour.get_absolute_url(), "/", "/questions/",
        voted.topic.get_absolute_url(), voted.answers.get().expert.get_absolute_url(),
    ]  # fmt: skip
    warm(*pages)
    answer = voted.answers.get()
    response = Client().post(reverse("healthqa:answer_helpful", args=[answer.pk]), {"vote": "yes"})
    assert response.status_code == 302
    assert status(voted.get_absolute_url()) == "miss"
    for url in pages[1:]:
        assert status(url) == "hit", url


def test_renaming_the_reviewer_shows_on_the_page(two_topics):
    question = two_topics["back"][0]
    answer = question.answers.get()
    reviewer = UserFactory(first_name="Rita", last_name="Reviewer")
    Answer.objects.filter(pk=answer.pk).update(reviewed_by=reviewer)
    url = question.get_absolute_url()
    assert "Rita Reviewer" in Client().get(url).content.decode()
    warm(url)
    get_user_model().objects.filter(pk=reviewer.pk).update(last_name="Renamed")
    assert "Rita Renamed" in Client().get(url).content.decode()


def test_deleting_the_reviewer_removes_the_name(two_topics):
    """The delete is a SET_NULL update on the answer, which sends no signal."""
    question = two_topics["back"][0]
    reviewer = UserFactory(first_name="Rita", last_name="Reviewer")
    Answer.objects.filter(question=question).update(reviewed_by=reviewer)
    url = question.get_absolute_url()
    warm(url)
    reviewer.delete()
    assert "Rita Reviewer" not in Client().get(url).content.decode()


def test_a_login_changes_nothing_readers_see(two_topics):
    question = two_topics["back"][0]
    url = question.get_absolute_url()
    warm(url)
    get_user_model().objects.update(last_login=timezone.now())
    assert status(url) == "hit"


def test_deactivating_an_expert_removes_their_only_answers_question_from_lists(two_topics):
    question = two_topics["back"][0]
    topic_url = question.topic.get_absolute_url()
    warm(topic_url, "/")
    Expert.objects.filter(answers__question=question).update(is_active=False)
    assert question.title not in Client().get(topic_url).content.decode()
    assert question.title not in Client().get("/").content.decode()


def test_bulk_created_questions_are_seen(two_topics):
    topic = two_topics["back"][0].topic
    warm("/questions/")
    made = QuestionFactory.build(topic=topic, title="Bulk made")
    Question.objects.bulk_create([made])
    assert ContentChange.objects.filter(content_key="question@all").exists()
    assert status("/questions/") == "miss"


def test_an_ad_that_ended_leaves_and_one_that_starts_appears_without_any_job(two_topics):
    question = two_topics["back"][0]
    url = question.get_absolute_url()
    now = timezone.now()
    with freeze_time(now) as clock:
        AdPlacementFactory(image_alt="Ending ad", ends_at=now + timedelta(minutes=30))
        AdPlacementFactory(image_alt="Starting ad", starts_at=now + timedelta(hours=1))
        html = Client().get(url).content.decode()
        assert "Ending ad" in html and "Starting ad" not in html
        assert status(url) == "hit"
        clock.tick(timedelta(minutes=31))
        html = Client().get(url).content.decode()
        assert "Ending ad" not in html
        clock.tick(timedelta(minutes=30))
        assert "Starting ad" in Client().get(url).content.decode()


def test_ads_are_shown_by_their_times_after_a_restart(two_topics):
    """A worker that starts after an ad ended must not trust pages stored before."""
    from healthqa.pagecache.feed import feed

    question = two_topics["back"][0]
    url = question.get_absolute_url()
    now = timezone.now()
    with freeze_time(now) as clock:
        AdPlacementFactory(image_alt="Ending ad", ends_at=now + timedelta(minutes=30))
        assert "Ending ad" in Client().get(url).content.decode()
        clock.tick(timedelta(minutes=31))
        feed.reset()  # as a new worker
        assert "Ending ad" not in Client().get(url).content.decode()
        assert AdPlacement.objects.exists()


# --- HTTP caching for proxies and CDNs ---------------------------------------------------------


def test_public_pages_tell_shared_caches_how_to_keep_them(two_topics, settings):
    settings.HEALTHQA_PROXY_MAX_AGE = 600
    question = two_topics["back"][0]
    response = Client().get(question.get_absolute_url())
    assert response["Cache-Control"] == "public, max-age=0, s-maxage=600"
    keys = response["Surrogate-Key"].split()
    assert {"healthqa", f"question:{question.pk}", f"votes@question:{question.pk}"} <= set(keys)
    assert response["ETag"].startswith('W/"')
    assert "Cookie" in response["Vary"]
    hit = Client().get(question.get_absolute_url())
    assert hit["Surrogate-Key"] == response["Surrogate-Key"]
    assert hit["Cache-Control"] == response["Cache-Control"]


def test_the_shared_age_stops_at_the_next_scheduled_change(two_topics, settings):
    settings.HEALTHQA_PROXY_MAX_AGE = 600
    AdPlacementFactory(image_alt="Short ad", ends_at=timezone.now() + timedelta(seconds=120))
    response = Client().get(two_topics["back"][0].get_absolute_url())
    age = int(response["Cache-Control"].rsplit("=", 1)[1])
    assert 100 <= age <= 120


def test_the_same_content_keeps_its_validator_after_a_re_render(two_topics):
    question = two_topics["back"][0]
    first = Client().get(question.get_absolute_url())["ETag"]
    Question.objects.filter(pk=question.pk).update(details=question.details)
    second = Client().get(question.get_absolute_url())
    assert second["X-Page-Cache"] == "miss"
    assert second["ETag"] == first
    again = Client().get(question.get_absolute_url(), HTTP_IF_NONE_MATCH=first)
    assert again.status_code == 304


@pytest.mark.parametrize("who", ["staff", "reader with a session"])
def test_personal_pages_are_private(two_topics, who, plain_cookies):
    question = two_topics["back"][0]
    client = Client()
    if who == "staff":
        client.force_login(UserFactory(is_staff=True, groups=["Editors"]))
        expected = "private, no-store"
    else:
        answer = question.answers.get()
        client.post(reverse("healthqa:answer_helpful", args=[answer.pk]), {"vote": "yes"})
        expected = "private, no-cache"
    for url in (question.get_absolute_url(), "/", question.topic.get_absolute_url()):
        response = client.get(url)
        assert response["Cache-Control"] == expected, url
        assert "Surrogate-Key" not in response


def test_preview_links_are_private(two_topics, editor):
    from healthqa.models import PreviewLink

    draft = QuestionFactory(status="draft", title="A draft")
    link = PreviewLink.share(draft, by=editor)
    response = Client().get(link.get_absolute_url())
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


# --- purging -----------------------------------------------------------------------------------


class _Purger(BaseHTTPRequestHandler):
    received = []
    status = 200

    def do_PURGE(self):  # noqa: N802 (the HTTP method)
        self.received.append(self.headers.get("Surrogate-Key", ""))
        self.send_response(self.status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def purger(settings):
    server = HTTPServer(("127.0.0.1", 0), _Purger)
    _Purger.received = []
    _Purger.status = 200
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.HEALTHQA_PURGE_URL = f"http://127.0.0.1:{server.server_port}/"
    yield _Purger
    server.shutdown()


def _wait_for(condition, seconds=5):
    deadline = timezone.now() + timedelta(seconds=seconds)
    while not condition() and timezone.now() < deadline:
        threading.Event().wait(0.02)
    return condition()


def test_a_change_sends_its_keys_to_the_purger(two_topics, purger):
    question = two_topics["back"][0]
    Question.objects.filter(pk=question.pk).update(title="Purged title")
    assert _wait_for(lambda: any(f"question:{question.pk}" in k.split() for k in purger.received))


def test_a_failing_purger_never_blocks_or_breaks_the_save(two_topics, purger, caplog, monkeypatch):
    from healthqa.pagecache import purge

    monkeypatch.setattr(purge, "RETRY_DELAYS", (0.01, 0.01))
    purger.status = 500
    question = two_topics["back"][0]
    question.title = "Saved anyway"
    question.save()
    assert Question.objects.get(pk=question.pk).title == "Saved anyway"
    assert _wait_for(lambda: "Gave up purging" in caplog.text)
    assert len(purger.received) >= 3


def test_a_deploy_that_runs_migrate_starts_the_page_cache_afresh(two_topics):
    """New templates or code must show at once: every deploy runs migrate (README)."""
    from django.core.management import call_command

    url = two_topics["back"][0].get_absolute_url()
    warm(url, "/")
    call_command("migrate", verbosity=0)
    assert status(url) == "miss"
    assert status("/") == "miss"


def test_a_question_scheduled_days_ahead_appears_at_its_time_with_no_change_between(two_topics):
    question = two_topics["back"][0]
    topic_url = question.topic.get_absolute_url()
    now = timezone.now()
    with freeze_time(now) as clock:
        later = make_public_question(topic=question.topic, title="Scheduled three days ahead")
        Question.objects.filter(pk=later.pk).update(published_at=now + timedelta(days=3))
        assert "Scheduled three days ahead" not in Client().get(topic_url).content.decode()
        assert status(topic_url) == "hit"
        clock.tick(timedelta(days=3, seconds=1))
        assert "Scheduled three days ahead" in Client().get(topic_url).content.decode()
