"""Readers' names, email addresses and report details are erased after the retention period;
the questions, reports and their history rows stay."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from freezegun import freeze_time

from healthqa.models import Flag, Question, erase_personal_data
from healthqa.models.questions import READER_NAME as ERASED_NAME
from tests.factories import FlagFactory, make_public_question

pytestmark = pytest.mark.django_db


def submit(days_ago, name="Sam Reader", email="sam@example.org"):
    """A question sent through /ask/ `days_ago` days ago, edited today by an editor."""
    with freeze_time(timezone.now() - timedelta(days=days_ago)):
        question = Question.submit_from_reader(
            title="Why does my knee click? Mail me at sam@example.org",
            details="Call 0123 456 789.",
            name=name,
            email=email,
        )
    question.title = "Why does my knee click?"
    question.save()
    return question


def report(days_ago, details="I am Sam, my physio said otherwise."):
    with freeze_time(timezone.now() - timedelta(days=days_ago)):
        return FlagFactory(answer=make_public_question().answers.get(), details=details)


def history_values(question):
    return set(question.history.values_list("submitted_by_name", "submitted_by_email").distinct())


@pytest.fixture
def retention(settings):
    settings.HEALTHQA_PERSONAL_DATA_DAYS = 180


def test_old_submissions_are_erased_with_their_history(retention):
    old = submit(days_ago=200)
    version = old.version

    counts = erase_personal_data()

    old.refresh_from_db()
    assert (old.submitted_by_name, old.submitted_by_email) == (ERASED_NAME, "")
    assert old.submitted_text == ""
    assert old.title == "Why does my knee click?"
    assert old.version == version + 1
    assert old.history.count() == 2
    assert history_values(old) == {(ERASED_NAME, "")}
    assert counts == {
        "reader questions (name, email, text as typed)": 1,
        "question history rows (name, email)": 2,
        "reports (details)": 0,
    }


def test_old_report_details_are_erased_and_the_report_kept(retention):
    old = report(days_ago=181)

    erase_personal_data()

    old.refresh_from_db()
    assert old.details == "" and old.reason == Flag.Reason.INACCURATE
    assert old.status == Flag.Status.OPEN


def test_recent_submissions_and_reports_are_kept(retention):
    recent = submit(days_ago=179)
    recent_report = report(days_ago=10)

    erase_personal_data()

    recent.refresh_from_db()
    recent_report.refresh_from_db()
    assert recent.submitted_by_email == "sam@example.org" and recent.submitted_text
    assert history_values(recent) == {("Sam Reader", "sam@example.org")}
    assert recent_report.details.startswith("I am Sam")


def test_the_period_comes_from_the_setting(settings):
    settings.HEALTHQA_PERSONAL_DATA_DAYS = 30
    question = submit(days_ago=31)

    erase_personal_data()

    question.refresh_from_db()
    assert question.submitted_by_email == ""


def test_a_question_without_contact_details_keeps_an_empty_name(retention):
    question = submit(days_ago=200, name="", email="")

    erase_personal_data()

    question.refresh_from_db()
    assert (question.submitted_by_name, question.submitted_text) == ("", "")


def test_questions_written_by_editors_are_left_alone(retention):
    with freeze_time(timezone.now() - timedelta(days=400)):
        question = make_public_question()
    version = question.version

    erase_personal_data()

    question.refresh_from_db()
    assert question.version == version and question.submitted_by_name == ""


def test_a_dry_run_changes_nothing(retention):
    old, old_report = submit(days_ago=200), report(days_ago=200)

    counts = erase_personal_data(dry_run=True)

    assert list(counts.values()) == [1, 2, 1]
    old.refresh_from_db()
    old_report.refresh_from_db()
    assert old.submitted_by_email == "sam@example.org" and old_report.details
    assert ("Sam Reader", "sam@example.org") in history_values(old)


def test_erasing_twice_erases_nothing_more(retention):
    submit(days_ago=200)
    report(days_ago=200)
    erase_personal_data()

    assert set(erase_personal_data().values()) == {0}


def test_erasing_works_in_batches(retention):
    questions = [submit(days_ago=200, email=f"r{n}@example.org") for n in range(5)]

    counts = erase_personal_data(batch_size=2)

    assert counts["reader questions (name, email, text as typed)"] == 5
    assert not Question.objects.filter(pk__in=[q.pk for q in questions]).exclude(
        submitted_by_email=""
    )


def test_command_prints_what_it_erased(retention):
    submit(days_ago=200)
    report(days_ago=200)
    out = StringIO()

    call_command("erase_personal_data", stdout=out)

    assert out.getvalue().splitlines() == [
        "Erased 1 reader questions (name, email, text as typed).",
        "Erased 2 question history rows (name, email).",
        "Erased 1 reports (details).",
    ]


def test_command_dry_run_says_what_it_would_erase(retention):
    question = submit(days_ago=200)
    out = StringIO()

    call_command("erase_personal_data", "--dry-run", stdout=out)

    assert "Would erase 1 reader questions" in out.getvalue()
    assert "Dry run: nothing was changed." in out.getvalue()
    question.refresh_from_db()
    assert question.submitted_by_email == "sam@example.org"
