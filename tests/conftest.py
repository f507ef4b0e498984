import os
import shutil
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread
from freezegun import freeze_time

from tests.factories import ExpertFactory, UserFactory, role_group

# The repository: tests sit one or two folders below it.
ROOT = Path(__file__).resolve().parent.parent

FROZEN_NOW = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _isolated_cache(settings):
    """Each test starts with an empty cache (site settings and pages are cached), shared and
    per worker."""
    from django.core.cache import cache, caches

    from healthqa.pagecache import shared, store
    from healthqa.pagecache.feed import feed
    from healthqa.templatetags import picture_tags

    def forget():
        cache.clear()
        caches[store.pages_alias()].clear()
        # A test's rolled-back changes leave log ids to be used again: read the log afresh.
        feed.reset()
        shared.clear()
        store.clear_local()
        picture_tags._renditions_memo.clear()

    forget()
    yield
    forget()


@pytest.fixture(autouse=True)
def _derived_data_without_commit(request, monkeypatch):
    """The search index is written when a transaction commits. Tests on the `db` fixture run in
    a transaction that is rolled back, never committed: there it is written at once instead.
    Transactional tests (live server, `transaction=True`) keep the real on-commit path."""
    marker = request.node.get_closest_marker("django_db")
    if {"transactional_db", "live_server"} & set(request.fixturenames) or (
        marker is not None and marker.kwargs.get("transaction")
    ):
        return
    from healthqa.search import sync

    monkeypatch.setattr(sync, "after_commit", lambda callback, using: callback())


@pytest.fixture
def plain_cookies(settings):
    """The live server speaks plain HTTP: __Host- cookies (which need Secure) would be refused."""
    settings.CSRF_COOKIE_NAME = "csrftoken"
    settings.SESSION_COOKIE_NAME = "sessionid"


@pytest.fixture
def frozen():
    """A clock stopped at FROZEN_NOW; `frozen.tick(timedelta(...))` or `.move_to(...)` moves it."""
    with freeze_time(FROZEN_NOW) as clock:
        yield clock


def _member_of(group_name, **fields):
    user = UserFactory(**fields)
    user.groups.add(role_group(group_name))
    return user


@pytest.fixture
def editor(db):
    return _member_of("Editors", username="editor", is_staff=True)


@pytest.fixture
def moderator(db):
    return _member_of("Moderators", username="moderator", is_staff=True)


@pytest.fixture
def expert_user(db):
    """A staff user in the Experts group, linked to an Expert profile (`user.expert_profile`)."""
    user = _member_of("Experts", username="expert", is_staff=True)
    ExpertFactory(user=user, name="Dr. Dana Expert")
    return user


@pytest.fixture
def expert(expert_user):
    """The Expert profile of `expert_user`."""
    return expert_user.expert_profile


@pytest.fixture
def other_expert_user(db):
    """A second expert, for rules about other people's answers."""
    user = _member_of("Experts", username="other-expert", is_staff=True)
    ExpertFactory(user=user, name="Dr. Sam Other")
    return user


@pytest.fixture
def superuser(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def reader(db):
    """A signed-in member of the public: no group, no staff access."""
    return UserFactory(username="reader")


POSTGRES_REQUIRED = os.environ.get("HEALTHQA_REQUIRE_POSTGRES") == "1"


def pytest_collection_modifyitems(config, items):
    """Tests that talk to this machine's Redis server run on one pytest-xdist worker (some
    kill client connections on purpose). CI's PostgreSQL run must really use PostgreSQL and
    run every PostgreSQL-only test."""
    talks_to_redis = {}
    for item in items:
        path = Path(str(item.fspath))
        if path not in talks_to_redis:
            source = path.read_text(encoding="utf-8")
            talks_to_redis[path] = "127.0.0.1:6379" in source or "needs_redis" in source
        if talks_to_redis[path]:
            item.add_marker(pytest.mark.xdist_group("redis"))
    if not POSTGRES_REQUIRED:
        return
    from django.db import connection

    if connection.vendor != "postgresql":
        raise pytest.UsageError(
            f"HEALTHQA_REQUIRE_POSTGRES=1 but the database is {connection.vendor}; "
            "set DATABASE_URL to a PostgreSQL database."
        )


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_logreport(report):
    if POSTGRES_REQUIRED and report.skipped and "PostgreSQL" in str(report.longrepr):
        report.outcome = "failed"
        report.longrepr = f"skipped on the PostgreSQL run: {report.longrepr}"


CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
needs_chromium = pytest.mark.skipif(
    not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM),
    reason="Debian's chromium is not installed (apt-get install chromium)",
)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class OneRequestAtATime(ThreadedWSGIServer):
    """The live server runs Django for one request at a time.

    Django's threaded live server shares one in-memory SQLite connection among all its request
    threads; the admin's change forms send requests side by side (live preview, editing
    heartbeat, the page itself), and two threads inside that one connection deadlocked the run.
    Connections are still read in threads of their own: Chromium opens connections it sends
    nothing on for a while, which would hold up a server that reads one at a time.
    """

    def set_app(self, application):
        lock = threading.Lock()

        def one_at_a_time(environ, start_response):
            with lock:
                response = application(environ, start_response)
                try:  # the body and close() (request_finished) inside the lock too
                    return [b"".join(response)]
                finally:
                    if hasattr(response, "close"):
                        response.close()

        super().set_app(one_at_a_time)


LiveServerThread.server_class = OneRequestAtATime


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright, shared by the browser tests."""
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by fixtures
    # here are still plain synchronous calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _browser_pages_closed_before_the_database_is_emptied(request):
    """Close the pages a browser test opened before its live server's database is flushed.

    The change forms keep talking to the server (the live preview, the editing heartbeat); a
    request still arriving while the flush runs found the tables locked (SQLite).
    """
    if "browser" not in request.fixturenames or "live_server" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("live_server")  # set up first, so torn down after this fixture
    browser = request.getfixturevalue("browser")
    yield
    for context in list(browser.contexts):
        context.close()
    # ... and let the live server finish the requests it is still answering.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(
        "process_request_thread" in thread.name for thread in threading.enumerate()
    ):
        time.sleep(0.05)
