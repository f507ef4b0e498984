"""The review-due report's "Experts to re-verify": active experts never verified, or verified
longer ago than HEALTHQA_EXPERT_REVERIFY_DAYS, with the (re-)verify buttons beside them."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from experts.models import Expert
from healthqa.admin.review_due import experts_due_for_reverification
from tests.admin.test_admin import url_for
from tests.factories import ExpertFactory
from tests.models.test_expert_verification import events_of

pytestmark = pytest.mark.django_db

REPORT = "/admin/moderation/review-due/"


def verified(days_ago, by=None, **fields):
    expert = ExpertFactory(**fields)
    Expert.objects.filter(pk=expert.pk).update(
        verified=True, verified_at=timezone.now() - timedelta(days=days_ago), verified_by=by
    )
    return Expert.objects.get(pk=expert.pk)


def test_experts_never_verified_or_verified_over_a_year_ago_are_due_oldest_first(frozen):
    old = verified(400)
    older = verified(800)
    never = ExpertFactory(verified=False, verified_at=None)
    verified(300)
    verified(900, is_active=False)

    assert list(experts_due_for_reverification()) == [never, older, old]


def test_the_reverification_interval_is_a_setting(settings, frozen):
    assert settings.HEALTHQA_EXPERT_REVERIFY_DAYS == 365
    settings.HEALTHQA_EXPERT_REVERIFY_DAYS = 30
    expert = verified(40)
    verified(20)

    assert list(experts_due_for_reverification()) == [expert]


@pytest.mark.parametrize("role", ["editor", "moderator", "superuser"])
def test_the_report_lists_experts_to_reverify_with_links(client, request, role, editor, frozen):
    editor.first_name, editor.last_name = "Dana", "Editor"
    editor.save()
    expert = verified(400, by=editor, name="Dr. <i>Lapsed</i>")
    client.force_login(request.getfixturevalue(role))

    page = client.get(REPORT).content.decode()

    assert "Experts to re-verify (1)" in page
    assert f'<a href="{url_for(expert)}">Dr. &lt;i&gt;Lapsed&lt;/i&gt;</a>' in page
    assert "<td>Dana Editor</td>" in page


def test_editors_get_the_buttons_and_moderators_do_not(client, editor, moderator, frozen):
    verified(400)
    ExpertFactory(verified=False, verified_at=None)
    client.force_login(editor)

    page = client.get(REPORT).content.decode()
    assert 'name="action" value="reverify"' in page
    assert 'name="action" value="mark_verified"' in page

    client.force_login(moderator)
    assert 'name="action"' not in client.get(REPORT).content.decode()


def test_an_editor_reverifies_from_the_report_and_returns_to_it(client, editor, frozen):
    expert = verified(400)
    client.force_login(editor)
    page = client.get(REPORT)
    assert list(page.context["experts"]) == [(expert, "—")]

    response = client.post(
        "/admin/experts/expert/",
        {"action": "reverify", "index": "0", "_selected_action": expert.pk, "from": "review-due"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == REPORT
    expert.refresh_from_db()
    assert (expert.verified_at, expert.verified_by) == (timezone.now(), editor)
    assert response.context["experts"] == []
    assert "Re-verified 1 expert." in response.content.decode()


def test_an_editor_verifies_a_never_verified_expert_from_the_report(client, editor, frozen):
    expert = ExpertFactory(verified=False, verified_at=None)
    client.force_login(editor)

    response = client.post(
        "/admin/experts/expert/",
        {"action": "mark_verified", "index": "0", "_selected_action": expert.pk,
         "from": "review-due"},
        follow=True,
    )  # fmt: skip

    assert response.redirect_chain[-1][0] == REPORT
    assert [e.action for e in events_of(expert)] == ["verify"]


def test_a_moderator_posting_the_button_changes_nothing(client, moderator, frozen):
    expert = verified(400)
    client.force_login(moderator)

    client.post(
        "/admin/experts/expert/",
        {"action": "reverify", "index": "0", "_selected_action": expert.pk, "from": "review-due"},
    )

    assert events_of(expert) == []
    expert.refresh_from_db()
    assert expert.verified_at == timezone.now() - timedelta(days=400)


def report_queries(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(REPORT).status_code == 200
    return len(queries)


def test_the_report_reads_a_constant_number_of_queries_whatever_the_experts(client, editor, frozen):
    client.force_login(editor)
    verified(400, by=editor)
    report_queries(client)  # the first request of a session reads more (its permissions)
    one = report_queries(client)
    for days in range(401, 411):
        verified(days, by=editor, credentials="MD")
    ExpertFactory.create_batch(5, verified=False, verified_at=None)

    assert report_queries(client) == one
