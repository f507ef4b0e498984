"""Deployment settings, security headers, uploads served safely and the admin login lockout."""

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time

from tests.conftest import ROOT
from tests.factories import PASSWORD, UserFactory, make_public_question


def production_env(**extra):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="healthqa.settings",
        DJANGO_SECRET_KEY="a-long-random-production-secret-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS="health.example.org",
        **extra,
    )
    return env


def run_manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_passes_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues (0 silenced)" in result.stdout


def test_production_refuses_to_start_without_its_secrets():
    env = production_env(DJANGO_DEBUG="0")
    del env["DJANGO_SECRET_KEY"]
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr and "must be set" in result.stderr


def test_the_web_server_refuses_to_start_unconfigured():
    env = production_env()
    del env["DJANGO_SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "-c", "import healthqa.wsgi"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode != 0
    assert "must be set when DJANGO_DEBUG is off" in result.stderr


def test_manage_py_in_an_unconfigured_checkout_runs_in_debug_mode():
    env = production_env()
    del env["DJANGO_SECRET_KEY"], env["DJANGO_ALLOWED_HOSTS"]
    result = run_manage("shell", "-c", "from django.conf import settings; print(settings.DEBUG)",
                        env=env)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("True")


def test_production_settings_are_https_only_with_host_cookies():
    code = (
        "from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS >= 31536000, s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME,"
        " s.SECURE_PROXY_SSL_HEADER)"
    )
    result = run_manage("shell", "-c", code, env=production_env())
    assert result.stdout.split("\n")[-2] == (
        "True True True True __Host-sessionid __Host-csrftoken ('HTTP_X_FORWARDED_PROTO', 'https')"
    ), result.stdout + result.stderr
    off = run_manage("shell", "-c", code, env=production_env(DJANGO_SECURE_SSL_REDIRECT="0"))
    assert off.stdout.split("\n")[-2].startswith("False True")


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/questions/", "/healthz", "/no-such-page/", "/admin/login/"])
def test_every_response_carries_the_security_headers(client, url):
    response = client.get(url)
    csp = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";") if part.strip())
    assert "'unsafe-inline'" not in directives["script-src"]
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_public_pages_have_no_inline_script(client):
    question = make_public_question()
    html = client.get(question.get_absolute_url()).content.decode()
    for tag in html.split("<script")[1:]:
        opening = tag.split(">", 1)[0]
        assert "src=" in opening or 'type="application/ld+json"' in opening, opening


@pytest.mark.django_db
def test_a_foreign_host_header_gets_400():
    client = Client(raise_request_exception=False)
    assert client.get("/", HTTP_HOST="evil.example.com").status_code == 400


@pytest.mark.django_db
def test_uploaded_files_are_served_as_inert_files(client):
    name = default_storage.save("tests/page.html", ContentFile(b"<script>alert(1)</script>"))
    response = client.get(f"/media/{name}")
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("default-src 'none'")
    assert "sandbox" in response["Content-Security-Policy"]
    assert client.get("/media/../settings.py").status_code in {400, 404}


# --- admin login lockout -----------------------------------------------------------------------


def login(client, username, password, ip="203.0.113.9"):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=ip,
    )


@pytest.mark.django_db
def test_five_failed_logins_lock_the_account_from_that_address_even_for_the_right_password():
    user = UserFactory(username="editor-lock", is_staff=True)
    client = Client()
    for _ in range(4):
        assert login(client, user.username, "wrong").status_code == 200
    assert login(client, user.username, "wrong").status_code == 429  # the fifth failure locks
    assert login(client, user.username, PASSWORD).status_code == 429
    assert login(Client(), user.username, PASSWORD, ip="198.51.100.7").status_code == 302


@pytest.mark.django_db
def test_the_lockout_ends_after_the_cool_off_period(settings):
    user = UserFactory(username="editor-cool", is_staff=True)
    with freeze_time() as clock:
        for _ in range(5):
            login(Client(), user.username, "wrong")
        assert login(Client(), user.username, PASSWORD).status_code == 429
        clock.tick(timedelta(hours=settings.AXES_COOLOFF_TIME, minutes=1))
        assert login(Client(), user.username, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_csrf_tokens_are_enforced_on_reports():
    answer = make_public_question().answers.get()
    client = Client(enforce_csrf_checks=True)
    report = client.post(reverse("healthqa:answer_report", args=[answer.pk]), {"reason": "spam"})
    assert report.status_code == 403
    assert answer.flags.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_SEC_FETCH_SITE": "same-site", "HTTP_ORIGIN": "http://blog.testserver"},
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "null"},
        {"HTTP_ORIGIN": "https://testserver"},  # another scheme is another origin
    ],
)
def test_a_helpful_vote_forged_by_another_site_is_refused(headers):
    answer = make_public_question().answers.get()
    client = Client(enforce_csrf_checks=True)
    url = reverse("healthqa:answer_helpful", args=[answer.pk])
    response = client.post(url, {"vote": "yes"}, **headers)
    assert response.status_code == 403
    answer.refresh_from_db()
    assert answer.helpful_yes == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "same-origin", "HTTP_ORIGIN": "http://testserver"},
        {"HTTP_ORIGIN": "http://testserver"},  # a browser without Fetch Metadata
        {},  # not a browser: nobody's browser can be made to send it
    ],
)
def test_a_helpful_vote_from_the_site_itself_counts(headers):
    answer = make_public_question().answers.get()
    client = Client(enforce_csrf_checks=True)
    url = reverse("healthqa:answer_helpful", args=[answer.pk])
    assert client.post(url, {"vote": "yes"}, **headers).status_code == 302
    answer.refresh_from_db()
    assert answer.helpful_yes == 1


@pytest.mark.django_db
def test_trusted_origins_may_vote(settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://www.example.org"]
    answer = make_public_question().answers.get()
    url = reverse("healthqa:answer_helpful", args=[answer.pk])
    response = Client().post(url, {"vote": "yes"}, HTTP_ORIGIN="https://www.example.org")
    assert response.status_code == 302
