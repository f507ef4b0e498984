"""The page cache holds with several workers and changes made by other processes.

gunicorn with 3 workers serves the demo site: on SQLite with the disk cache (no REDIS_URL), on
SQLite with Redis, and on PostgreSQL (whose log ids may commit out of order); changes come from
separate `manage.py shell -c` processes, as a cron job, a script or an operator would make them.
Every request after the change, to any worker, shows it.
"""

import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.deploy.harness import ON_CI, manage, production_env

REDIS_URL = "redis://127.0.0.1:6379/13"
POSTGRES = "postgres://postgres@127.0.0.1:5432"


def _redis_available():
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).flushdb()
    except Exception:
        return False
    return True


def _unavailable(what):
    if ON_CI:
        pytest.fail(f"{what} is not reachable on 127.0.0.1", pytrace=False)
    pytest.skip(f"{what} is not reachable on 127.0.0.1")


def _postgres_database(name):
    """A new, empty PostgreSQL database `name` (dropped first if left over), or None."""
    try:
        import psycopg

        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True, connect_timeout=3) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}"')
            db.execute(f'CREATE DATABASE "{name}"')
    except Exception:
        return None
    return f"{POSTGRES}/{name}"


def _drop_postgres_database(name):
    import psycopg

    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module", params=["disk cache", "redis", "postgresql"])
def site_env(request, demo_build, tmp_path_factory):
    if request.param == "redis":
        if not _redis_available():
            _unavailable("Redis")
        return {"REDIS_URL": REDIS_URL}
    if request.param == "postgresql":
        name = f"healthqa_deploy_{uuid.uuid4().hex[:8]}"
        url = _postgres_database(name)
        if url is None:
            _unavailable("PostgreSQL")
        request.addfinalizer(lambda: _drop_postgres_database(name))
        env = production_env(
            tmp_path_factory.mktemp("postgres-build"),
            DATABASE_URL=url,
            DJANGO_MEDIA_ROOT=demo_build["DJANGO_MEDIA_ROOT"],
        )
        manage(env, "migrate", "--noinput")
        manage(env, "load_demo")
        return {"DATABASE_URL": url}
    return {}


def many(site, path, count=30):
    """`count` GETs of `path`, six at a time, so that every worker answers some."""
    with ThreadPoolExecutor(6) as pool:
        return list(pool.map(lambda _: site.get(path), range(count)))


def shell_json(site, code):
    return json.loads(site.shell(code).strip().splitlines()[-1])


@pytest.fixture(scope="module")
def question(site):
    """A public demo question whose approved answer has a reviewer: (pk, url, answer pk)."""
    return shell_json(
        site,
        "import json; from healthqa.models import Answer; "
        "a = Answer.objects.public().filter(reviewed_by__isnull=False)"
        ".select_related('question').order_by('pk').first(); "
        "print(json.dumps([a.question.pk, a.question.get_absolute_url(), a.pk]))",
    )


def test_pages_are_shared_by_the_workers(site, question):
    _, url, _ = question
    responses = many(site, url)
    assert all(r.status == 200 for r in responses)
    assert sum(r["X-Page-Cache"] == "hit" for r in responses) >= 27


def test_a_save_in_another_process_shows_in_every_worker_at_once(site, question):
    pk, url, _ = question
    many(site, url)
    site.shell(
        "from healthqa.models import Question; "
        f"q = Question.objects.get(pk={pk}); q.title = 'Saved by a script?'; q.save()"
    )
    pages = many(site, url)
    assert all("Saved by a script?" in r.text for r in pages), [r["X-Page-Cache"] for r in pages]


def test_an_update_in_another_process_shows_in_every_worker_at_once(site, question):
    pk, url, _ = question
    many(site, url)
    many(site, "/")
    site.shell(
        "from healthqa.models import Question; "
        f"Question.objects.filter(pk={pk}).update(title='Updated by QuerySet.update?')"
    )
    assert all("Updated by QuerySet.update?" in r.text for r in many(site, url))
    assert all("Updated by QuerySet.update?" in r.text for r in many(site, "/", 12))


def test_renaming_the_reviewer_in_another_process_shows_at_once(site, question):
    _, url, answer = question
    many(site, url)
    site.shell(
        "from healthqa.models import Answer; "
        f"u = Answer.objects.get(pk={answer}).reviewed_by; "
        "u.first_name, u.last_name = 'Renata', 'Renamed'; u.save()"
    )
    assert all("Renata Renamed" in r.text for r in many(site, url))


def test_an_unrelated_change_keeps_the_page_in_every_worker(site, question):
    _, url, _ = question
    other = shell_json(
        site,
        "import json; from healthqa.models import Question; "
        f"q = Question.objects.public().exclude(topic__questions__pk={question[0]}).first(); "
        "print(json.dumps(q.pk))",
    )
    many(site, url)
    site.shell(
        "from healthqa.models import Answer; "
        f"a = Answer.objects.filter(question={other}).first(); a.body += ' Edited.'; a.save()"
    )
    assert all(r["X-Page-Cache"] == "hit" for r in many(site, url))


def test_ads_start_and_end_on_time_in_every_worker(site, question):
    """No job runs: the workers notice the times themselves."""
    _, url, _ = question
    site.shell(
        "from datetime import timedelta; from django.utils import timezone; "
        "from articles.models import Article; from healthqa.models import AdPlacement; "
        "image = Article.objects.exclude(image='').first().image.name; now = timezone.now(); "
        "AdPlacement.objects.create(name='Ending', slot='question_page', image=image, "
        "image_alt='An ending ad', link='/', ends_at=now + timedelta(seconds=6)); "
        "AdPlacement.objects.create(name='Starting', slot='question_page', image=image, "
        "image_alt='A starting ad', link='/', starts_at=now + timedelta(seconds=6))"
    )
    before = many(site, url)
    assert all("An ending ad" in r.text and "A starting ad" not in r.text for r in before)
    time.sleep(7)
    after = many(site, url)
    assert all("An ending ad" not in r.text and "A starting ad" in r.text for r in after), [
        (r["X-Page-Cache"], "An ending ad" in r.text, "A starting ad" in r.text) for r in after
    ]


def test_votes_without_cookies_count_once_per_address(site, question):
    _, url, answer = question

    def count():
        return shell_json(
            site,
            "import json; from healthqa.models import Answer; "
            f"print(json.dumps(Answer.objects.get(pk={answer}).helpful_no))",
        )

    before = count()
    many(site, url)
    with ThreadPoolExecutor(6) as pool:
        votes = list(
            pool.map(
                lambda _: site.get(
                    f"/answers/{answer}/helpful/",
                    method="POST",
                    body="vote=no",
                    headers={
                        "Origin": site.url,
                        "Content-Type": "application/x-www-form-urlencoded",
                    },
                ),
                range(30),
            )
        )
    assert {r.status for r in votes} == {302}
    assert count() == before + 1
    # The vote dropped its own page, and every worker serves the new count.
    assert len({r.text.count(f'"{before + 1}"') > 0 for r in many(site, url)}) == 1
