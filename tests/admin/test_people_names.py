"""Read-only fields that name a person show the name as text: a link to the user admin would
answer 403 to the editors and moderators who read these pages. Moderation records read in words."""

import pytest
from django.urls import reverse

from healthqa.models import Assignment, Flag, ModerationEvent
from tests.factories import AnswerFactory, ExpertFactory, QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db

USER_ADMIN = "/admin/auth/user/"


@pytest.fixture
def chief(db):
    return UserFactory(username="chief", first_name="Chief", last_name="Editor", is_staff=True)


def test_an_assignment_names_who_assigned_it_without_a_link(client, editor, chief):
    assignment = Assignment.objects.create(
        question=QuestionFactory(), expert=ExpertFactory(), assigned_by=chief, note="Please."
    )
    client.force_login(editor)
    page = client.get(reverse("admin:healthqa_assignment_change", args=[assignment.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Chief Editor" in html
    assert f"{USER_ADMIN}{chief.pk}/" not in html


def test_a_handled_report_names_its_moderator_without_a_link(client, moderator, chief):
    flag = Flag.objects.create(answer=AnswerFactory(), reason="inaccurate", details="Old.")
    Flag.objects.filter(pk=flag.pk).update(handled_by=chief, status=Flag.Status.DISMISSED)
    client.force_login(moderator)
    page = client.get(reverse("admin:healthqa_flag_change", args=[flag.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Chief Editor" in html
    assert f"{USER_ADMIN}{chief.pk}/" not in html


def test_moderation_records_read_in_words(client, superuser, chief):
    answer = AnswerFactory(status="approved")
    event = ModerationEvent.record(
        answer, actor=chief, action="request_changes", from_state="pending",
        to_state="changes_requested", note="Cite a source.",
    )  # fmt: skip
    ModerationEvent.record(
        answer, actor=chief, action="approve_revision", from_state="approved", to_state="approved"
    )
    client.force_login(superuser)
    listing = client.get(reverse("admin:healthqa_moderationevent_changelist")).content.decode()
    assert ">request_changes<" not in listing and ">approve_revision<" not in listing
    assert ">Changes requested<" in listing and ">Revision approved<" in listing
    assert "Pending review → Changes requested" in listing
    assert "approved → approved" not in listing.lower()
    detail = client.get(reverse("admin:healthqa_moderationevent_change", args=[event.pk]))
    html = detail.content.decode()
    assert "Chief Editor" in html and "Pending review → Changes requested" in html
    assert f"{USER_ADMIN}{chief.pk}/" not in html


def test_an_answer_names_its_reviewer_and_writers_without_links(client, moderator, chief):
    answer = AnswerFactory(status="approved", reviewed_by=chief)
    answer.revisions.create(body="Older text.", created_by=chief, status="superseded")
    client.force_login(moderator)
    page = client.get(reverse("admin:healthqa_answer_change", args=[answer.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count("Chief Editor") >= 2
    assert f"{USER_ADMIN}{chief.pk}/" not in html
