"""Someone else is editing this: the change pages' heartbeat and who it names.

Presence is kept in the shared cache, so the last test runs two gunicorn processes over one
cache folder and one database, as the workers of one machine.
"""

import json
import re
import subprocess
import sys
import threading
import uuid
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from healthqa.admin import editing
from healthqa.admin.editing import Presence
from healthqa.core.text import user_label
from tests.admin.test_admin import form_data, url_for
from tests.conftest import ROOT
from tests.factories import (
    AnswerFactory,
    ArticleFactory,
    ExpertFactory,
    QuestionFactory,
    TopicFactory,
    UserFactory,
)
from tests.pagecache.test_redis_cache import URL as REDIS_URL
from tests.pagecache.test_redis_cache import needs_redis
from tests.public.test_shared_limits import GUNICORN, Browser, gunicorns, manage, server_env

pytestmark = pytest.mark.django_db


@pytest.fixture
def question(db):
    return QuestionFactory(title="Is it safe to run on a sore knee?")


@pytest.fixture
def dana(db):
    return UserFactory(
        username="dana", first_name="Dana", last_name="Editor", is_staff=True, groups=["Editors"]
    )


@pytest.fixture
def sam(db):
    return UserFactory(
        username="sam", first_name="Sam", last_name="Writer", is_staff=True, groups=["Editors"]
    )


def client_of(user, **kwargs):
    client = Client(**kwargs)
    client.force_login(user)
    return client


def editing_url(obj):
    return url_for(obj, "editing")


def beat(client, obj, version=None, **data):
    version = obj.version if version is None else version
    return client.post(editing_url(obj), {"version": version, **data})


def names(response):
    assert response.status_code == 200, response.content
    return [other["name"] for other in response.json()["others"]]


def test_the_second_editor_sees_the_first_and_the_first_sees_the_second(question, dana, sam):
    as_dana, as_sam = client_of(dana), client_of(sam)
    assert names(beat(as_dana, question)) == []
    answer = beat(as_sam, question).json()
    assert answer["others"] == [
        {"name": "Dana Editor (dana)", "since": timezone.localtime().strftime("%H:%M")}
    ]
    assert answer["newer"] is None
    assert names(beat(as_dana, question)) == ["Sam Writer (sam)"]


def test_an_editor_is_not_told_about_themselves_in_a_second_tab(question, dana):
    as_dana = client_of(dana)
    beat(as_dana, question)
    assert names(beat(as_dana, question)) == []


def test_the_opening_time_is_kept_while_the_page_beats(question, dana, sam, frozen):
    as_dana, as_sam = client_of(dana), client_of(sam)
    beat(as_dana, question)
    opened = timezone.localtime().strftime("%H:%M")
    for _ in range(3):
        frozen.tick(timedelta(seconds=editing.heartbeat_seconds()))
        beat(as_dana, question)
    assert beat(as_sam, question).json()["others"][0]["since"] == opened


def test_an_entry_expires_after_three_missed_heartbeats(question, dana, sam, frozen):
    as_dana, as_sam = client_of(dana), client_of(sam)
    beat(as_dana, question)
    frozen.tick(timedelta(seconds=editing.expiry_seconds() - 1))
    assert names(beat(as_sam, question)) == ["Dana Editor (dana)"]
    frozen.tick(timedelta(seconds=2))
    assert names(beat(as_sam, question)) == []


def test_the_heartbeat_interval_comes_from_the_setting(question, dana, settings, frozen):
    settings.HEALTHQA_EDITING_HEARTBEAT = 1
    as_dana, as_sam = client_of(dana), client_of(UserFactory(is_staff=True, groups=["Editors"]))
    beat(as_dana, question)
    frozen.tick(timedelta(seconds=4))
    assert names(beat(as_sam, question)) == []
    page = as_dana.get(url_for(question))
    assert 'data-editing-interval="1"' in page.content.decode()


def test_a_release_removes_the_entry_at_once(question, dana, sam):
    as_dana, as_sam = client_of(dana), client_of(sam)
    beat(as_dana, question)
    beat(as_sam, question)
    response = as_dana.post(editing_url(question), {"release": "1"})
    assert response.status_code == 204
    assert names(beat(as_sam, question)) == []


def test_presence_is_per_object(question, dana, sam):
    beat(client_of(dana), question)
    assert names(beat(client_of(sam), QuestionFactory())) == []


def test_a_newer_version_saved_by_someone_else_is_named(question, dana, sam):
    loaded = question.version
    question.title = "Is it safe to run on a sore knee? (updated)"
    question._history_user = sam
    question.save()
    answer = beat(client_of(dana), question, version=loaded).json()
    assert answer["newer"] == {
        "by": user_label(sam),
        "at": timezone.localtime().strftime("%H:%M"),
    }
    question.refresh_from_db()
    assert beat(client_of(dana), question).json()["newer"] is None


def test_a_moderator_who_may_only_view_a_topic_is_told_but_not_listed(dana, moderator):
    topic = TopicFactory()
    as_moderator = client_of(moderator)
    beat(client_of(dana), topic)
    assert names(beat(as_moderator, topic)) == ["Dana Editor (dana)"]
    assert names(beat(client_of(dana), topic)) == []
    page = as_moderator.get(url_for(topic)).content.decode()
    assert 'data-editing-can-change=""' in page


def test_a_staff_user_without_permission_gets_403(question, dana):
    beat(client_of(dana), question)
    nobody = UserFactory(is_staff=True)
    assert beat(client_of(nobody), question).status_code == 403
    # An expert may not read articles at all.
    expert = UserFactory(is_staff=True, groups=["Experts"])
    assert beat(client_of(expert), ArticleFactory()).status_code == 403


def test_an_expert_gets_404_for_a_question_outside_their_work(question, dana, expert_user):
    beat(client_of(dana), question)
    assert beat(client_of(expert_user), question).status_code == 404


def test_people_who_are_not_signed_in_are_sent_to_the_login_page(question):
    response = Client().post(editing_url(question), {"version": 1})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_answer_is_never_stored(question, dana):
    response = beat(client_of(dana), question)
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Type"] == "application/json"


def test_a_post_without_the_csrf_token_is_refused(question, dana):
    as_dana = client_of(dana, enforce_csrf_checks=True)
    assert beat(as_dana, question).status_code == 403
    assert cache.get(Presence(question).key) is None


def test_a_get_is_not_a_heartbeat(question, dana):
    assert client_of(dana).get(editing_url(question)).status_code == 405


@pytest.mark.parametrize("object_id", ["abc", "1;DROP", "-1", "99999999", "9" * 20, "%00"])
def test_junk_object_ids_get_404(dana, object_id):
    url = reverse("admin:healthqa_question_change", args=[1]).replace("1/change/", "")
    response = client_of(dana).post(f"{url}{object_id}/editing/", {"version": 1})
    assert response.status_code == 404


@pytest.mark.parametrize("version", ["abc", "-1", "1.5", "²", "9" * 40, "1 OR 1=1"])
def test_a_junk_version_gets_400(question, dana, version):
    assert beat(client_of(dana), question, version=version).status_code == 400


def test_a_post_without_a_version_is_told_about_others_but_not_about_versions(question, dana, sam):
    beat(client_of(dana), question)
    response = client_of(sam).post(editing_url(question), {})
    assert names(response) == ["Dana Editor (dana)"]
    assert response.json()["newer"] is None


def test_concurrent_heartbeats_keep_every_entry(question):
    users = [UserFactory(username=f"ed{n}", is_staff=True, groups=["Editors"]) for n in range(6)]
    presence = Presence(question)
    errors = []

    def beats(user):
        try:
            for _ in range(5):
                presence.beat(user)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=beats, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(presence.live(timezone.now().timestamp())) == sorted(u.pk for u in users)


def test_a_heartbeat_that_cannot_get_the_lock_answers_from_what_is_stored(
    question, dana, sam, monkeypatch
):
    beat(client_of(dana), question)
    monkeypatch.setattr(editing, "LOCK_TRIES", 2)
    cache.add(f"{Presence(question).key}:lock", "someone", timeout=60)
    assert names(beat(client_of(sam), question)) == ["Dana Editor (dana)"]
    cache.delete(f"{Presence(question).key}:lock")
    assert names(beat(client_of(dana), question)) == []


@pytest.mark.parametrize(
    "make",
    [
        lambda: QuestionFactory(),
        lambda: AnswerFactory(),
        lambda: ArticleFactory(),
        lambda: TopicFactory(),
        lambda: ExpertFactory(),
    ],
    ids=["question", "answer", "article", "topic", "expert"],
)
def test_every_versioned_change_page_sends_the_heartbeat(make, superuser, dana):
    obj = make()
    page = client_of(superuser).get(url_for(obj)).content.decode()
    script = re.search(r"<script [^>]*data-editing-url=[^>]*>", page).group(0)
    assert "js/admin-editing.js" in script and "defer" in script
    assert f'data-editing-url="{editing_url(obj)}"' in script
    assert f'data-editing-version="{obj.version}"' in script
    assert "css/admin-editing.css" in page
    beat(client_of(superuser), obj)
    assert names(beat(client_of(UserFactory(is_staff=True, is_superuser=True)), obj)) == [
        user_label(superuser)
    ]


def test_add_pages_send_no_heartbeat(superuser):
    page = client_of(superuser).get(reverse("admin:healthqa_question_add")).content.decode()
    assert "data-editing-url" not in page


def test_a_refused_save_moves_the_pages_version_on(question, dana, sam):
    """After the conflict message the form holds the current version: no second warning."""
    as_dana = client_of(dana)
    page = as_dana.get(url_for(question))
    loaded = question.version
    question.title = "Changed by Sam"
    question._history_user = sam
    question.save()
    data = {**form_data(page), "title": "Changed by Dana", "_continue": "1"}
    refused = as_dana.post(url_for(question), data)
    assert refused.status_code == 200
    assert f'data-editing-version="{loaded + 1}"' in refused.content.decode()


@needs_redis
def test_presence_is_shared_through_redis_too(question, dana, sam, settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "healthqa.pagecache.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"editing-test-{uuid.uuid4().hex[:8]}",
        },
    }
    as_dana, as_sam = client_of(dana), client_of(sam)
    beat(as_dana, question)
    assert names(beat(as_sam, question)) == ["Dana Editor (dana)"]
    assert as_sam.post(editing_url(question), {"release": "1"}).status_code == 204
    assert names(beat(as_dana, question)) == []


# --- Two processes over one cache folder ---------------------------------------------------------

PASSWORD = "right-Password-123"


@pytest.fixture(scope="module")
def two_sites(tmp_path_factory):
    """Two gunicorn servers over one SQLite database and one cache folder, with one question."""
    if not GUNICORN.exists():
        pytest.skip("gunicorn is not installed")
    tmp = tmp_path_factory.mktemp("editing-presence")
    env = server_env(tmp)
    manage("migrate", "--verbosity", "0", env=env)
    for name in ("ana", "ben"):
        admin = {**env, "DJANGO_SUPERUSER_PASSWORD": PASSWORD}
        manage("createsuperuser", "--noinput", "--username", name, "--email", "a@b.org", env=admin)
    script = (
        "from healthqa.models import Question, Topic;"
        "t = Topic.objects.create(name='Knees', slug='knees');"
        "print(Question.objects.create(title='Sore knee?', slug='sore-knee', topic=t).pk)"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    question_pk = int(result.stdout.split()[-1])
    with gunicorns(2, env, tmp) as urls:
        yield urls, question_pk


def signed_in_browser(site, address, username):
    browser = Browser(address)
    fields = {"username": username, "password": PASSWORD, "next": "/admin/"}
    status, _ = browser.post_form(site, "/admin/login/", fields)
    assert status == 302
    return browser


def heartbeat_on(browser, site, question_pk):
    change = f"/admin/healthqa/question/{question_pk}/change/"
    status, page = browser.open(site, change)
    assert status == 200, page
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    url = re.search(r'data-editing-url="([^"]+)"', page).group(1)
    version = re.search(r'data-editing-version="([^"]*)"', page).group(1)
    status, body = browser.open(site, url, {"csrfmiddlewaretoken": token, "version": version})
    assert status == 200, body
    return json.loads(body)


def test_a_heartbeat_on_one_process_is_seen_on_another(two_sites):
    (first, second), question_pk = two_sites
    ana = signed_in_browser(first, "203.0.113.50", "ana")
    ben = signed_in_browser(second, "203.0.113.51", "ben")
    assert heartbeat_on(ana, first, question_pk)["others"] == []
    assert [o["name"] for o in heartbeat_on(ben, second, question_pk)["others"]] == ["ana"]
    assert [o["name"] for o in heartbeat_on(ana, first, question_pk)["others"]] == ["ben"]
