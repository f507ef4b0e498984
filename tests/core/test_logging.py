"""Requests with a foreign Host header: a 400, and one WARNING line in the log.

Run against the logging Django set up from `settings.LOGGING` (the real one: the test settings
import it unchanged), read from its own console handler.
"""

import io
import logging

import pytest

pytestmark = pytest.mark.django_db

SECURITY_LOGGER = "django.security.DisallowedHost"


@pytest.fixture
def console():
    """What the root logger's "console" handler (settings.LOGGING) writes during the test."""
    handler = next((h for h in logging.getLogger().handlers if h.name == "console"), None)
    assert handler is not None, "the root logger has no handler named console: LOGGING not set up"
    output = io.StringIO()
    previous = handler.setStream(output)
    try:
        yield output
    finally:
        handler.setStream(previous)


def disallowed_host_records(caplog):
    return [record for record in caplog.records if record.name == SECURITY_LOGGER]


def test_a_foreign_host_gets_a_400_and_one_warning_line(client, console, caplog):
    response = client.get("/questions/?page=2", HTTP_HOST="evil.example")
    assert response.status_code == 400
    [record] = disallowed_host_records(caplog)
    assert record.levelno == logging.WARNING
    assert record.exc_info is None
    assert (
        record.getMessage() == "Invalid Host header 'evil.example' from 127.0.0.1 for /questions/"
    )
    assert console.getvalue() == f"{record.getMessage()}\n"
    assert "Traceback" not in caplog.text


def test_the_line_names_the_client_behind_our_proxy(client, console, caplog, settings):
    settings.HEALTHQA_TRUSTED_PROXY_COUNT = 1
    response = client.get("/", HTTP_HOST="evil.example", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert response.status_code == 400
    [record] = disallowed_host_records(caplog)
    assert record.getMessage() == "Invalid Host header 'evil.example' from 203.0.113.7 for /"


def test_a_host_header_with_a_line_break_stays_on_one_line(client, console, caplog):
    response = client.get("/a%0Ab", HTTP_HOST="evil.example\r\nX-Forged: 1" + "x" * 5000)
    assert response.status_code == 400
    output = console.getvalue()
    assert output.count("\n") == 1 and output.endswith("\n")
    assert output.startswith("Invalid Host header 'evil.example\\r\\nX-Forged: 1xxx")
    assert output.endswith(" from 127.0.0.1 for /a%0Ab\n")
    assert len(output) < 400


def test_a_logger_level_of_error_silences_the_warning(client, console, caplog):
    logger = logging.getLogger(SECURITY_LOGGER)
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        assert client.get("/", HTTP_HOST="evil.example").status_code == 400
    finally:
        logger.setLevel(level)
    assert console.getvalue() == ""
    assert not disallowed_host_records(caplog)
