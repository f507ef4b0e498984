"""Draft previews: for staff who may change an item, and by signed link for outside reviewers."""

import time
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from healthqa.models import ModerationEvent, PreviewLink
from tests.admin.test_admin import admin_url, messages_of, run_action, url_for
from tests.factories import AnswerFactory, ArticleFactory, QuestionFactory, make_public_question

BANNER = "Preview — not published."
pytestmark = pytest.mark.django_db

NOINDEX = '<meta name="robots" content="noindex, nofollow">'


def links_url(obj):
    return url_for(obj, "preview_links")


def share(client, obj, **data):
    return client.post(links_url(obj), {"days": 7, "note": "", **data}, follow=True)


@pytest.fixture
def draft_question():
    question = QuestionFactory(draft=True, title="Is it safe to run with shin splints?")
    AnswerFactory(question=question, body="Rest first, then build up slowly.")
    return question


@pytest.fixture
def draft_article():
    return ArticleFactory(draft=True, title="Five Gentle Stretches for Runners")


# --- Staff preview through "View on site" ------------------------------------------------------


@pytest.mark.parametrize("kind", ["draft", "scheduled"])
def test_editor_previews_unpublished_questions_with_a_banner(client, editor, kind):
    question = QuestionFactory(**{kind: True})
    AnswerFactory(question=question)
    client.force_login(editor)
    response = client.get(question.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert BANNER in html and NOINDEX in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "private" in response["Cache-Control"]


@pytest.mark.parametrize("kind", ["draft", "scheduled"])
def test_editor_previews_unpublished_articles_with_a_banner(client, editor, kind):
    article = ArticleFactory(**{kind: True})
    client.force_login(editor)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert BANNER in response.content.decode()


@pytest.mark.parametrize("who", [None, "reader", "expert_user"])
def test_unpublished_pages_are_not_found_for_others(client, request, who, draft_question):
    article = ArticleFactory(draft=True)
    if who:
        client.force_login(request.getfixturevalue(who))
    assert client.get(draft_question.get_absolute_url()).status_code == 404
    assert client.get(article.get_absolute_url()).status_code == 404


def test_view_on_site_leads_to_the_preview(client, editor, draft_question):
    client.force_login(editor)
    content_type = ContentType.objects.get_for_model(draft_question)
    shortcut = reverse("admin:view_on_site", args=[content_type.pk, draft_question.pk])
    response = client.get(shortcut, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].endswith(draft_question.get_absolute_url())
    assert BANNER in response.content.decode()


def test_public_pages_carry_no_preview_marks(client, editor):
    question = make_public_question()
    client.force_login(editor)
    response = client.get(question.get_absolute_url())
    assert BANNER not in response.content.decode()
    assert "X-Robots-Tag" not in response


# --- Shareable links ---------------------------------------------------------------------------


def test_question_change_page_offers_to_share_a_preview(client, editor, draft_question):
    client.force_login(editor)
    html = client.get(url_for(draft_question)).content.decode()
    assert links_url(draft_question) in html
    assert "Share a preview" in html


def test_editor_shares_a_question_preview_that_opens_without_login(client, editor, draft_question):
    client.force_login(editor)
    response = share(client, draft_question, days=3, note="Dr. Lee, external review")
    link = PreviewLink.objects.get()
    assert (link.target, link.created_by, link.note) == (
        draft_question,
        editor,
        "Dr. Lee, external review",
    )
    assert abs(link.expires_at - (timezone.now() + timedelta(days=3))) < timedelta(minutes=1)
    address = f"http://testserver{link.get_absolute_url()}"
    assert any(address in message for message in messages_of(response))
    assert address in response.content.decode()
    assert ModerationEvent.objects.filter(action="share_preview", actor=editor).exists()

    outsider = Client()
    page = outsider.get(link.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "Is it safe to run with shin splints?" in html
    assert BANNER in html and NOINDEX in html
    assert page["X-Robots-Tag"] == "noindex, nofollow"
    assert page["Referrer-Policy"] == "no-referrer"
    assert "no-store" in page["Cache-Control"]
    assert page.templates[0].name == "healthqa/question_detail.html"
    # The link opens this page only: the draft's own address stays closed.
    assert outsider.get(draft_question.get_absolute_url()).status_code == 404


def test_editor_shares_an_article_preview(client, editor, draft_article):
    client.force_login(editor)
    share(client, draft_article)
    link = PreviewLink.objects.get()
    page = Client().get(link.get_absolute_url())
    assert page.status_code == 200
    assert "Five Gentle Stretches for Runners" in page.content.decode()
    assert page.templates[0].name == "articles/article_detail.html"


def test_links_last_seven_days_unless_told_otherwise(client, editor, draft_article):
    client.force_login(editor)
    form = client.get(links_url(draft_article)).context["form"]
    assert form["days"].value() == 7
    link = PreviewLink.share(draft_article, by=editor)
    assert abs(link.expires_at - (timezone.now() + timedelta(days=7))) < timedelta(minutes=1)


def test_expired_links_stop_working(frozen, editor, draft_question):
    link = PreviewLink.share(draft_question, by=editor, days=1)
    assert Client().get(link.get_absolute_url()).status_code == 200
    frozen.tick(timedelta(days=1, seconds=1))
    assert Client().get(link.get_absolute_url()).status_code == 404


def test_revoke_button_stops_the_link(client, editor, draft_question):
    link = PreviewLink.share(draft_question, by=editor)
    client.force_login(editor)
    page = client.get(url_for(link))
    revoke_url = reverse("admin:healthqa_previewlink_revoke", args=[link.pk])
    assert revoke_url in page.content.decode()
    assert client.get(revoke_url).status_code == 405, "nothing changes on GET"
    response = client.post(revoke_url, {"next": links_url(draft_question)})
    assert response.url == links_url(draft_question)
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert Client().get(link.get_absolute_url()).status_code == 404
    assert ModerationEvent.objects.filter(action="revoke_preview", actor=editor).exists()


def test_revoke_ignores_a_next_address_on_another_site(client, editor, draft_question):
    link = PreviewLink.share(draft_question, by=editor)
    client.force_login(editor)
    revoke_url = reverse("admin:healthqa_previewlink_revoke", args=[link.pk])
    response = client.post(revoke_url, {"next": "https://evil.example/"})
    assert response.url == url_for(link)


def test_bulk_revoke_action(client, editor, draft_question, draft_article):
    links = [
        PreviewLink.share(draft_question, by=editor),
        PreviewLink.share(draft_article, by=editor),
    ]
    client.force_login(editor)
    response = run_action(client, "healthqa.previewlink", "revoke", links)
    assert "Revoked 2 preview links." in messages_of(response)
    assert not PreviewLink.objects.usable().exists()
    response = run_action(client, "healthqa.previewlink", "revoke", links[:1])
    assert any("already revoked" in message for message in messages_of(response))


@pytest.mark.parametrize(
    "token",
    [
        "junk",
        "MQ",
        "x" * 500,
        signing.dumps(1, salt="another-purpose"),
        signing.dumps("1", salt=PreviewLink.SALT),
    ],
    # Named, not shown: signed tokens carry the time, and pytest-xdist's workers must collect
    # the same test ids.
    ids=["junk", "short", "long", "other-purpose", "not-a-link-id"],
)
def test_forged_tokens_are_not_found(client, editor, draft_question, token):
    PreviewLink.share(draft_question, by=editor)
    assert client.get(reverse("healthqa:shared_preview", args=[token])).status_code == 404


def test_a_tampered_token_is_not_found(client, editor, draft_question, draft_article):
    first = PreviewLink.share(draft_question, by=editor)
    second = PreviewLink.share(draft_article, by=editor)
    payload, rest = first.token.split(":", 1)
    forged = f"{second.token.split(':', 1)[0]}:{rest}"
    assert forged != first.token
    assert client.get(reverse("healthqa:shared_preview", args=[forged])).status_code == 404


def test_shared_links_do_not_accept_posts(client, editor, draft_question):
    link = PreviewLink.share(draft_question, by=editor)
    assert client.post(link.get_absolute_url()).status_code == 405


def test_a_link_to_a_deleted_item_is_not_found(client, editor, draft_article):
    link = PreviewLink.share(draft_article, by=editor)
    draft_article.delete()
    assert client.get(link.get_absolute_url()).status_code == 404


def test_a_link_to_an_item_published_since_leads_to_its_page(client, editor, draft_article):
    link = PreviewLink.share(draft_article, by=editor)
    draft_article.publish(by=editor)
    response = client.get(link.get_absolute_url())
    assert response.status_code == 302
    assert response.url == draft_article.get_absolute_url()


def test_public_items_are_not_shared_by_link(client, editor):
    article = ArticleFactory()
    client.force_login(editor)
    response = share(client, article)
    assert response.status_code == 200
    assert "already public" in response.content.decode()
    assert not PreviewLink.objects.exists()


@pytest.mark.parametrize("days", ["0", "91", "abc", ""])
def test_link_lifetime_is_checked(client, editor, draft_article, days):
    client.force_login(editor)
    response = share(client, draft_article, days=days)
    assert response.status_code == 200
    assert response.context["form"].errors["days"]
    assert not PreviewLink.objects.exists()


@pytest.mark.parametrize("role", ["moderator", "expert_user"])
def test_only_editors_share_previews(client, request, role, draft_question):
    client.force_login(request.getfixturevalue(role))
    assert client.get(links_url(draft_question)).status_code in {302, 403}
    share(client, draft_question)
    assert not PreviewLink.objects.exists()


def test_moderator_cannot_revoke_links(client, editor, moderator, draft_question):
    link = PreviewLink.share(draft_question, by=editor)
    client.force_login(moderator)
    revoke_url = reverse("admin:healthqa_previewlink_revoke", args=[link.pk])
    assert client.post(revoke_url).status_code in {302, 403}
    link.refresh_from_db()
    assert link.revoked_at is None


def test_sharing_needs_the_csrf_token(editor, draft_question):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.post(links_url(draft_question), {"days": 7})
    assert response.status_code == 403
    assert not PreviewLink.objects.exists()


def test_preview_links_cannot_be_added_or_deleted_in_the_admin(client, editor, draft_question):
    link = PreviewLink.share(draft_question, by=editor)
    client.force_login(editor)
    assert client.get(admin_url("healthqa.previewlink", "add")).status_code == 403
    delete_url = admin_url("healthqa.previewlink", "delete", link.pk)
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert client.get(admin_url("healthqa.previewlink", "changelist")).status_code == 200


def test_a_link_has_one_address_and_older_addresses_still_open(editor, draft_question):
    link = PreviewLink.share(draft_question, by=editor)
    first = link.get_absolute_url()
    time.sleep(1.1)
    assert link.get_absolute_url() == first
    # Addresses shared before tokens lost their timestamp.
    assert PreviewLink.from_token(signing.dumps(link.pk, salt=PreviewLink.SALT)) == link
