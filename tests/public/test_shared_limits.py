"""The form rate limit and the login lockout hold across processes without REDIS_URL.

Two gunicorn servers, separate processes on separate ports, share one SQLite database and one
disk cache folder, as the workers of one machine do. A client's posts alternate between them.
"""

import contextlib
import http.cookiejar
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.conftest import ROOT

GUNICORN = Path(sys.executable).parent / "gunicorn"
PASSWORD = "right-Password-123"
TITLE = "Why does my knee click when I squat?"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(tmp):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "HEALTHQA_", "AXES_", "DATABASE_", "REDIS_URL"))
    }
    env.update(
        # The production settings with the tests' static files storage, which needs no
        # collectstatic, and their fast password hasher.
        DJANGO_SETTINGS_MODULE="tests.settings",
        DJANGO_SECRET_KEY="shared-limits-" + "k" * 50,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        DJANGO_MEDIA_ROOT=str(tmp / "media"),
        DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}",
        HEALTHQA_CACHE_DIR=str(tmp / "cache"),
        # One trusted proxy: each test is a client of its own (X-Forwarded-For), all on loopback.
        HEALTHQA_TRUSTED_PROXY_COUNT="1",
    )
    return env


def manage(*args, env):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def wait_until_up(process, url, log):
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"gunicorn did not answer on {url} within 20 s:\n{log.read_text()}")


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """The base URLs of two servers over one database and one cache folder."""
    if not GUNICORN.exists():
        pytest.skip("gunicorn is not installed")
    tmp = tmp_path_factory.mktemp("shared-limits")
    env = server_env(tmp)
    manage("migrate", "--verbosity", "0", env=env)
    admin = {**env, "DJANGO_SUPERUSER_PASSWORD": PASSWORD}
    manage("createsuperuser", "--noinput", "--username", "admin", "--email", "a@b.org", env=admin)
    with gunicorns(2, env, tmp) as urls:
        yield urls, tmp / "db.sqlite3"


@contextlib.contextmanager
def gunicorns(count, env, tmp):
    """The base URLs of `count` gunicorn servers (one worker each) started with `env`; they are
    stopped on leaving."""
    servers = []
    try:
        for n in range(count):
            port, log = free_port(), tmp / f"gunicorn-{n}.log"
            command = [GUNICORN, "healthqa.wsgi:application", "-w", "1", "-b", f"127.0.0.1:{port}"]
            with log.open("w") as out:
                process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)
            servers.append((process, f"http://127.0.0.1:{port}", log))
        for process, url, log in servers:
            wait_until_up(process, url, log)
        yield [url for _, url, _ in servers]
    finally:
        for process, _, _ in servers:
            process.terminate()
        for process, _, _ in servers:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One client (its address, as the proxy in front says) with one cookie jar for both
    servers: cookies are not bound to a port."""

    def __init__(self, address):
        self.address = address
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirects
        )

    def open(self, site, path, data=None):
        headers = {"X-Forwarded-For": self.address}
        if data is not None:
            # What a browser sends with a form post: the site's own origin.
            headers["Origin"] = site
        body = None if data is None else urlencode(data).encode()
        request = urllib.request.Request(site + path, data=body, headers=headers)
        try:
            with self.opener.open(request, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def post_form(self, site, path, fields):
        """Fetch the form for its CSRF token, then post it."""
        status, page = self.open(site, path)
        assert status == 200, page
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        return self.open(site, path, {"csrfmiddlewaretoken": token, **fields})


def test_the_form_rate_limit_counts_posts_to_every_process_together(sites, settings):
    urls, _ = sites
    reader = Browser("203.0.113.30")
    statuses = [
        reader.post_form(urls[n % 2], "/ask/", {"title": f"{TITLE} ({n})"})[0] for n in range(7)
    ]
    assert settings.HEALTHQA_FORM_RATE_LIMIT == 5
    assert statuses == [302] * 5 + [429, 429]
    # The limit is the client's, not the site's.
    assert Browser("203.0.113.31").post_form(urls[0], "/ask/", {"title": TITLE})[0] == 302


def test_the_login_lockout_counts_failures_on_every_process_together(sites, settings):
    urls, database = sites
    guesser = Browser("203.0.113.40")

    def login(n, password):
        fields = {"username": "admin", "password": password, "next": "/admin/"}
        return guesser.post_form(urls[n % 2], "/admin/login/", fields)

    assert settings.AXES_FAILURE_LIMIT == 5
    # django-axes locks on the failure that reaches the limit; after it, even the right password
    # is refused, on either process.
    assert [login(n, "wrong")[0] for n in range(5)] == [200, 200, 200, 200, 429]
    status, page = login(5, PASSWORD)
    assert status == 429 and "Too many requests" in page
    assert login(6, PASSWORD)[0] == 429
    with sqlite3.connect(database) as db:
        failures = db.execute(
            "SELECT failures_since_start FROM axes_accessattempt WHERE ip_address = ?",
            (guesser.address,),
        ).fetchall()
    # One row for the client, counting every attempt on both processes (the refused ones too).
    assert failures == [(7,)]
    # Another address is not locked out.
    fields = {"username": "admin", "password": PASSWORD, "next": "/admin/"}
    assert Browser("203.0.113.41").post_form(urls[1], "/admin/login/", fields)[0] == 302
