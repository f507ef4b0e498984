"""The real site in separate processes (gunicorn, manage.py) and a small HTTP client, for the
tests of the proxy configurations in deploy/."""

import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import ROOT

HOST = "127.0.0.1"
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = str(VENV_BIN / "python") if (VENV_BIN / "python").is_file() else sys.executable
GUNICORN = str(VENV_BIN / "gunicorn")
DEMO_PASSWORD = "deploy-tests-" + secrets.token_urlsafe(12)
ON_CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def system_tool(name, package):
    """The path of a program from a Debian package: the test is skipped when it is missing,
    except on CI (CI=true), which installs it (.ci/run) and where a missing one fails."""
    found = shutil.which(name) or next(
        (path for path in (f"/usr/sbin/{name}", f"/usr/bin/{name}") if os.access(path, os.X_OK)),
        None,
    )
    if found:
        return found
    reason = f"{name} is not installed (apt-get install {package})"
    if ON_CI:
        pytest.fail(f"{reason}; CI installs it in .ci/run", pytrace=False)
    pytest.skip(reason)


def free_port():
    """A TCP port free on 127.0.0.1 right now (a process started next binds it)."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def __getitem__(self, name):
        """A header's value, or None."""
        return self.headers.get(name)

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def describe(self):
        """Status and headers, for assertion messages."""
        lines = [f"HTTP {self.status}", *(f"{k}: {v}" for k, v in self.headers.items())]
        return "\n".join(lines)


def fetch(url, *, method="GET", headers=None, body=None, source=None, timeout=15):
    """One request on a new connection (no redirects followed). `source`: the local address to
    connect from, e.g. 127.0.0.2 to come from outside Varnish's `purgers` ACL."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(
        parts.hostname,
        parts.port,
        timeout=timeout,
        source_address=(source, 0) if source else None,
    )
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return Response(response.status, response.headers, response.read())
    finally:
        connection.close()


def wait_for(url, process, logfile, what, timeout=30, accept=lambda r: r.status == 200):
    """Poll `url` until `accept(response)`; fail with the log when the process exits or the
    time runs out."""
    deadline = time.monotonic() + timeout
    last = "no answer"
    while True:
        if process.poll() is not None:
            pytest.fail(f"{what} exited with {process.returncode}:\n{tail(logfile)}", pytrace=False)
        try:
            response = fetch(url, timeout=2)
            if accept(response):
                return
            last = response.describe()
        except OSError as error:
            last = str(error)
        if time.monotonic() > deadline:
            pytest.fail(
                f"{what} not ready after {timeout}s ({last}):\n{tail(logfile)}", pytrace=False
            )
        time.sleep(0.1)


def tail(path, size=4000):
    try:
        return Path(path).read_text(errors="replace")[-size:]
    except OSError:
        return ""


def start(args, logfile, env=None, cwd=ROOT):
    """A process in a session of its own (stop() ends it with its children), output to
    `logfile`."""
    with open(logfile, "w") as log:
        return subprocess.Popen(
            [str(arg) for arg in args],
            cwd=cwd,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def production_env(workdir, **extra):
    """Production settings (no debug, whitenoise with collected static files) on plain HTTP,
    with everything the site writes under `workdir`."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(
            ("DJANGO_", "DATABASE_", "REDIS_URL", "SITE_URL", "DEMO_", "HEALTHQA_")
        )
    }
    env.update(
        DJANGO_SETTINGS_MODULE="healthqa.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="deploy-tests-" + secrets.token_urlsafe(40),
        DJANGO_ALLOWED_HOSTS=f"{HOST},localhost",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        DATABASE_URL=f"sqlite:///{workdir / 'db.sqlite3'}",
        DJANGO_STATIC_ROOT=str(workdir / "static"),
        DJANGO_MEDIA_ROOT=str(workdir / "media"),
        HEALTHQA_CACHE_DIR=str(workdir / "cache"),
        DEMO_PASSWORD=DEMO_PASSWORD,
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def manage(env, *args, timeout=180):
    """`manage.py *args` in a new process; its output, or a test failure showing it."""
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        pytest.fail(
            f"manage.py {' '.join(args)} exited {result.returncode}:\n"
            f"{result.stdout[-3000:]}{result.stderr[-3000:]}",
            pytrace=False,
        )
    return result.stdout


def build_demo(workdir):
    """Migrate, load the demo content and collect static files; the environment used."""
    env = production_env(workdir)
    collect = subprocess.Popen(
        [PYTHON, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        manage(env, "migrate", "--noinput")
        manage(env, "load_demo")
        output, _ = collect.communicate(timeout=300)
    finally:
        if collect.poll() is None:
            collect.kill()
            collect.wait()
    if collect.returncode != 0:
        pytest.fail(f"collectstatic exited {collect.returncode}:\n{output[-3000:]}", pytrace=False)
    return env


def copy_database(source, target):
    """A consistent copy of a SQLite database (WAL included)."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


@dataclass
class Site:
    """The site served by gunicorn; `manage()`/`shell()` run against its database and cache."""

    url: str
    env: dict
    workdir: Path
    process: subprocess.Popen = field(repr=False)

    @property
    def port(self):
        return urlsplit(self.url).port

    @property
    def log(self):
        return tail(self.workdir / "gunicorn.log")

    def manage(self, *args, timeout=180):
        return manage(self.env, *args, timeout=timeout)

    def shell(self, code, timeout=180):
        return self.manage("shell", "--no-imports", "-c", code, timeout=timeout)

    def get(self, path, **kwargs):
        return fetch(self.url + path, **kwargs)


def serve(build_env, workdir, extra_env):
    """gunicorn (3 workers) on a copy of the demo database, with a cache of its own."""
    (workdir / "cache").mkdir()
    copy_database(
        Path(build_env["DATABASE_URL"].removeprefix("sqlite:///")), workdir / "db.sqlite3"
    )
    env = production_env(
        workdir,
        DJANGO_STATIC_ROOT=build_env["DJANGO_STATIC_ROOT"],
        DJANGO_MEDIA_ROOT=build_env["DJANGO_MEDIA_ROOT"],
        DJANGO_SECRET_KEY=build_env["DJANGO_SECRET_KEY"],
        **extra_env,
    )
    port = free_port()
    logfile = workdir / "gunicorn.log"
    process = start(
        [GUNICORN, "healthqa.wsgi:application", "--workers", "3", "--bind", f"{HOST}:{port}",
         "--graceful-timeout", "5", "--access-logfile", "-", "--error-logfile", "-",
         # Not ~/.gunicorn/gunicorn.ctl, which every gunicorn of the run would share.
         "--no-control-socket"],
        logfile, env=env,
    )  # fmt: skip
    site = Site(f"http://{HOST}:{port}", env, workdir, process)
    try:
        wait_for(site.url + "/healthz", process, logfile, "gunicorn")
    except BaseException:
        stop(process)
        raise
    return site


@dataclass
class Proxy:
    """A caching proxy in front of the site."""

    url: str
    workdir: Path
    process: subprocess.Popen = field(repr=False)
    logfile: Path

    @property
    def log(self):
        return tail(self.logfile)

    def get(self, path, **kwargs):
        return fetch(self.url + path, **kwargs)


def run_proxy(args, url, workdir, logfile, what):
    """Start a proxy in the foreground and wait until it passes /healthz to the site."""
    process = start(args, logfile)
    try:
        wait_for(url + "/healthz", process, logfile, what)
    except BaseException:
        stop(process)
        raise
    return Proxy(url, workdir, process, logfile)


def rewrite(text, pattern, replacement):
    """`text` with the one match of `pattern` replaced; fails when it does not match once."""
    result, count = re.subn(pattern, replacement, text, flags=re.M)
    if count != 1:
        pytest.fail(f"{pattern!r} matched {count} times in the configuration", pytrace=False)
    return result
