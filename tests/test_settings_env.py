"""Settings refuse environment values they cannot read, naming the variable, instead of guessing."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from healthqa.settings import env_bool, env_database, env_int, env_url

PROJECT = Path(__file__).resolve().parents[1]
REDIS_SCHEMES = ("redis", "rediss", "unix")


def production_env(**variables: str) -> dict[str, str]:
    """This process's environment without any HealthQA configuration, as production (debug off,
    secret key and hosts set), plus `variables`."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key not in {"DATABASE_URL", "REDIS_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="healthqa.settings",
        DJANGO_SECRET_KEY="tests-only-secret-key-not-for-production-0123456789",
        DJANGO_ALLOWED_HOSTS="health.example.org",
    )
    env.update(variables)
    return env


def start(code: str, **variables: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT,
        env=production_env(**variables),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_production_environment_used_below_is_itself_readable():
    result = start("from django.conf import settings; print(settings.SECURE_SSL_REDIRECT)")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DJANGO_SECURE_SSL_REDIRECT", "ture"),
        ("DJANGO_DEBUG", "maybe"),
        ("DATABASE_CONN_MAX_AGE", "abc"),
        ("HEALTHQA_FORM_RATE_LIMIT", "five"),
        ("HEALTHQA_FORM_RATE_LIMIT", "-1"),
        ("DATABASE_URL", "nonsense://x"),
        ("REDIS_URL", "http://localhost"),
        ("SITE_URL", "ftp://x"),
    ],
)
def test_an_unreadable_value_stops_the_start_naming_the_variable(name, value):
    result = start("import django; django.setup()", **{name: value})

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"{name}={value!r} cannot be read" in result.stderr


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Yes", True),
        ("TRUE", True),
        ("on", True),
        ("1", True),
        (" 0 ", False),
        ("off", False),
        ("No", False),
        ("false", False),
    ],
)
def test_a_boolean_reads_every_accepted_spelling(monkeypatch, value, expected):
    monkeypatch.setenv("HEALTHQA_TEST_FLAG", value)

    assert env_bool("HEALTHQA_TEST_FLAG", not expected) is expected


@pytest.mark.parametrize("default", [True, False])
@pytest.mark.parametrize("value", [None, "", "   "])
def test_an_unset_or_empty_boolean_is_the_default(monkeypatch, value, default):
    if value is None:
        monkeypatch.delenv("HEALTHQA_TEST_FLAG", raising=False)
    else:
        monkeypatch.setenv("HEALTHQA_TEST_FLAG", value)

    assert env_bool("HEALTHQA_TEST_FLAG", default) is default


@pytest.mark.parametrize("value", ["ture", "2", "y", "enabled"])
def test_a_misspelt_boolean_is_refused_with_what_is_accepted(monkeypatch, value):
    monkeypatch.setenv("HEALTHQA_TEST_FLAG", value)

    with pytest.raises(ImproperlyConfigured) as refusal:
        env_bool("HEALTHQA_TEST_FLAG", True)

    message = str(refusal.value)
    assert f"HEALTHQA_TEST_FLAG={value!r}" in message
    assert "1/0, true/false, yes/no or on/off" in message


@pytest.mark.parametrize(
    ("value", "expected"), [("42", 42), (" 7 ", 7), ("0", 0), (None, 60), ("", 60), ("  ", 60)]
)
def test_an_integer_is_read_and_unset_or_empty_is_the_default(monkeypatch, value, expected):
    if value is None:
        monkeypatch.delenv("HEALTHQA_TEST_NUMBER", raising=False)
    else:
        monkeypatch.setenv("HEALTHQA_TEST_NUMBER", value)

    assert env_int("HEALTHQA_TEST_NUMBER", 60, minimum=0) == expected


@pytest.mark.parametrize(
    ("value", "minimum", "accepted"),
    [
        ("five", None, "a whole number"),
        ("1.5", None, "a whole number"),
        ("0", 1, "a whole number of at least 1"),
        ("-1", 0, "a whole number of at least 0"),
    ],
)
def test_an_integer_that_is_not_a_number_or_below_its_minimum_is_refused(
    monkeypatch, value, minimum, accepted
):
    monkeypatch.setenv("HEALTHQA_TEST_NUMBER", value)

    with pytest.raises(ImproperlyConfigured) as refusal:
        env_int("HEALTHQA_TEST_NUMBER", 5, minimum=minimum)

    assert f"HEALTHQA_TEST_NUMBER={value!r}" in str(refusal.value)
    assert accepted in str(refusal.value)


@pytest.mark.parametrize(
    ("value", "schemes"),
    [
        ("https://health.example.org", ("http", "https")),
        ("http://127.0.0.1:8000/", ("http", "https")),
        ("redis://127.0.0.1:6379/0", REDIS_SCHEMES),
        ("rediss://:secret@cache.internal:6380/1", REDIS_SCHEMES),
        ("unix:///run/redis/redis.sock?db=0", REDIS_SCHEMES),
    ],
)
def test_a_url_with_an_accepted_scheme_and_a_host_is_read(monkeypatch, value, schemes):
    monkeypatch.setenv("HEALTHQA_TEST_URL", value)

    assert env_url("HEALTHQA_TEST_URL", "", schemes=schemes) == value


@pytest.mark.parametrize("value", [None, "", "  "])
def test_an_unset_or_empty_url_is_the_default(monkeypatch, value):
    if value is None:
        monkeypatch.delenv("HEALTHQA_TEST_URL", raising=False)
    else:
        monkeypatch.setenv("HEALTHQA_TEST_URL", value)

    assert env_url("HEALTHQA_TEST_URL", "http://127.0.0.1:8000") == "http://127.0.0.1:8000"
    assert env_url("HEALTHQA_TEST_URL", "", schemes=REDIS_SCHEMES) == ""


@pytest.mark.parametrize(
    ("value", "schemes"),
    [
        ("ftp://x", ("http", "https")),
        ("health.example.org", ("http", "https")),
        ("https://", ("http", "https")),
        ("https://health.example.org:https", ("http", "https")),
        ("http://localhost", REDIS_SCHEMES),
        ("redis://", REDIS_SCHEMES),
        ("unix://", REDIS_SCHEMES),
    ],
)
def test_a_url_with_another_scheme_or_no_host_is_refused(monkeypatch, value, schemes):
    monkeypatch.setenv("HEALTHQA_TEST_URL", value)

    with pytest.raises(ImproperlyConfigured) as refusal:
        env_url("HEALTHQA_TEST_URL", "", schemes=schemes)

    assert f"HEALTHQA_TEST_URL={value!r}" in str(refusal.value)
    assert f"a {'/'.join(schemes)} URL with a host" in str(refusal.value)


def test_a_refused_url_does_not_show_its_password(monkeypatch):
    monkeypatch.setenv("HEALTHQA_TEST_URL", "rediss://:s3cret@cache.internal:port/0")

    with pytest.raises(ImproperlyConfigured) as refusal:
        env_url("HEALTHQA_TEST_URL", "", schemes=REDIS_SCHEMES)

    assert "s3cret" not in str(refusal.value)
    assert "rediss://:***@cache.internal:port/0" in str(refusal.value)


def test_a_database_url_is_parsed_and_unset_or_empty_is_the_default(monkeypatch):
    monkeypatch.setenv("HEALTHQA_TEST_DB", "postgres://healthqa:pw@db.internal:5432/healthqa")
    postgres = env_database("HEALTHQA_TEST_DB", "sqlite:///default.db", conn_max_age=30)
    monkeypatch.setenv("HEALTHQA_TEST_DB", " ")
    sqlite = env_database("HEALTHQA_TEST_DB", "sqlite:///default.db")

    assert postgres["ENGINE"] == "django.db.backends.postgresql"
    assert (postgres["HOST"], postgres["NAME"], postgres["CONN_MAX_AGE"]) == (
        "db.internal",
        "healthqa",
        30,
    )
    assert (sqlite["ENGINE"], sqlite["NAME"]) == ("django.db.backends.sqlite3", "default.db")


@pytest.mark.parametrize(
    ("value", "shown", "reason"),
    [
        ("nonsense://x", "nonsense://x", "Scheme 'nonsense://' is unknown"),
        ("postgres://healthqa:pw@db:port/healthqa", "postgres://healthqa:***@db:port/", "valid"),
    ],
)
def test_a_database_url_dj_database_url_cannot_read_is_refused(monkeypatch, value, shown, reason):
    monkeypatch.setenv("HEALTHQA_TEST_DB", value)

    with pytest.raises(ImproperlyConfigured) as refusal:
        env_database("HEALTHQA_TEST_DB", "sqlite:///default.db")

    assert f"HEALTHQA_TEST_DB='{shown}" in str(refusal.value)
    assert reason in str(refusal.value)
    assert ":pw@" not in str(refusal.value)
