"""`<time datetime>` values are valid HTML: at most three fractional digits of a second (the Nu
HTML checker rejects the six that `isoformat()` gives for times with microseconds)."""

import re
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from tests.factories import ArticleFactory, UserFactory, make_public_question

pytestmark = pytest.mark.django_db

DATETIME = re.compile(r'<time datetime="([^"]*)"')
# A valid global date and time string, as HTML defines it (seconds and 1-3 fractional digits
# optional, then Z or an offset).
VALID = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$")


def with_microseconds():
    return timezone.now().replace(microsecond=123456) - timedelta(days=2)


def test_every_time_element_on_reader_pages_is_valid_html(client):
    when = with_microseconds()
    question = make_public_question(title="Why do my knees click?")
    question.answers.update(reviewed_at=when, reviewed_by=UserFactory())
    question.__class__.objects.filter(pk=question.pk).update(published_at=when)
    article = ArticleFactory(topic=question.topic, published_at=when, reviewed_at=when)
    seen = []
    for url in (question.get_absolute_url(), article.get_absolute_url(), "/", "/questions/"):
        response = client.get(url)
        assert response.status_code == 200, url
        seen += DATETIME.findall(response.content.decode())
    assert seen, "no <time> element found"
    invalid = [value for value in seen if not VALID.match(value)]
    assert not invalid


def test_the_filter_keeps_the_second_and_the_offset():
    from healthqa.templatetags.healthqa_tags import iso_datetime

    value = datetime(2026, 12, 5, 9, 30, 15, 987654, tzinfo=timezone.get_current_timezone())
    assert iso_datetime(value) == "2026-12-05T09:30:15+00:00"
    assert iso_datetime(None) == ""
