"""The review-due report: live answers and published articles not reviewed for a year."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from healthqa.admin.review_due import answers_due_for_review, articles_due_for_review
from tests.factories import AnswerFactory, ArticleFactory

pytestmark = pytest.mark.django_db

REPORT = "/admin/moderation/review-due/"


def days_ago(days):
    return timezone.now() - timedelta(days=days)


def test_answers_reviewed_over_a_year_ago_are_due_oldest_first(frozen):
    older = AnswerFactory(reviewed_at=days_ago(800))
    old = AnswerFactory(reviewed_at=days_ago(400))
    AnswerFactory(reviewed_at=days_ago(300))
    AnswerFactory(pending=True, reviewed_at=days_ago(900))

    assert list(answers_due_for_review()) == [older, old]


def test_articles_never_reviewed_count_from_publication(frozen):
    reviewed_long_ago = ArticleFactory(reviewed_at=days_ago(500), published_at=days_ago(600))
    never_reviewed = ArticleFactory(reviewed_at=None, published_at=days_ago(700))
    ArticleFactory(reviewed_at=days_ago(10), published_at=days_ago(900))
    ArticleFactory(reviewed_at=None, published_at=days_ago(30))
    ArticleFactory(draft=True)

    assert list(articles_due_for_review()) == [never_reviewed, reviewed_long_ago]


def test_review_interval_is_a_setting(settings, frozen):
    settings.HEALTHQA_REVIEW_INTERVAL_DAYS = 30
    answer = AnswerFactory(reviewed_at=days_ago(40))

    assert list(answers_due_for_review()) == [answer]


@pytest.mark.parametrize("role", ["editor", "moderator", "superuser"])
def test_editors_and_moderators_open_the_report(client, request, role, frozen):
    answer = AnswerFactory(reviewed_at=days_ago(400))
    article = ArticleFactory(reviewed_at=days_ago(500))
    client.force_login(request.getfixturevalue(role))

    page = client.get(REPORT).content.decode()

    assert answer.question.title in page
    assert article.title in page


def test_experts_cannot_open_the_report(client, expert_user):
    client.force_login(expert_user)

    assert client.get(REPORT).status_code == 403


def test_moderator_confirms_an_answer_and_it_leaves_the_report(client, moderator, frozen):
    answer = AnswerFactory(reviewed_at=days_ago(400))
    client.force_login(moderator)

    client.post(reverse("admin:moderation_review_confirm", args=[answer.pk]))

    answer.refresh_from_db()
    assert (answer.reviewed_at, answer.reviewed_by) == (timezone.now(), moderator)
    assert list(client.get(REPORT).context["answers"]) == []


def test_editors_cannot_confirm_answers(client, editor, frozen):
    answer = AnswerFactory(reviewed_at=days_ago(400))
    client.force_login(editor)

    response = client.post(reverse("admin:moderation_review_confirm", args=[answer.pk]))

    assert response.status_code == 403
    answer.refresh_from_db()
    assert answer.reviewed_at == days_ago(400)


def test_admin_home_links_the_report_with_its_count(client, editor, frozen):
    AnswerFactory(reviewed_at=days_ago(400))
    ArticleFactory(reviewed_at=days_ago(400))
    client.force_login(editor)

    page = client.get(reverse("admin:index")).content.decode()

    assert f'href="{REPORT}">Review due</a></th><td class="open-count">2 open' in page
