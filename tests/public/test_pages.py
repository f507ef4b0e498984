"""The public reader site: every page's status and content, and junk input."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from healthqa.models import Answer, SiteSettings
from tests.factories import (
    AdPlacementFactory,
    AnswerFactory,
    ArticleFactory,
    ContinueLearningPickFactory,
    ExpertFactory,
    QuestionFactory,
    TopicFactory,
    UserFactory,
    make_public_question,
)

pytestmark = pytest.mark.django_db


def text_of(response):
    return re.sub(r"\s+", " ", response.content.decode())


def h1_count(response):
    return len(re.findall(r"<h1[\s>]", response.content.decode()))


# --- the question page -------------------------------------------------------------------------


def test_question_page_shows_question_answer_byline_and_review(client):
    topic = TopicFactory(name="Back Pain")
    expert = ExpertFactory(organization=True, name="National Academy of Sports Medicine")
    moderator = UserFactory(first_name="Dana", last_name="Whitfield")
    question = QuestionFactory(title="Why does my back hurt when I do push-ups?", topic=topic)
    AnswerFactory(
        question=question,
        expert=expert,
        body="Determine whether **it** hurts.",
        reviewed_by=moderator,
    )

    response = client.get(question.get_absolute_url())

    assert response.status_code == 200
    html = text_of(response)
    assert h1_count(response) == 1
    assert re.search(r"<h1[^>]*>Why does my back hurt when I do push-ups\?</h1>", html)
    assert ">question<" in html and ">answer<" in html
    assert "Determine whether <strong>it</strong> hurts." in html
    assert f'href="{expert.get_absolute_url()}"' in html
    assert "National Academy of Sports Medicine logo" in html or "avatar--logo" in html
    assert "Verified expert" in html
    assert "Reviewed" in html and "by Dana Whitfield" in html
    assert "Was this helpful?" in html
    assert reverse("healthqa:answer_report", args=[question.answers.get().pk]) in html
    assert f"<title>{question.title} | " in html


def test_question_page_breadcrumb_is_home_topic_question(client):
    question = make_public_question(topic=TopicFactory(name="Back Pain"))
    html = text_of(client.get(question.get_absolute_url()))
    crumb = re.search(r'<nav class="breadcrumb".*?</nav>', html).group(0)
    assert re.findall(r">([^<>]+)</(?:a|li)>", crumb) == ["Home", "Back Pain", question.title]


def test_question_page_shows_disclaimer_from_site_settings(client):
    question = make_public_question()
    settings_row = SiteSettings.load()
    settings_row.disclaimer = "Talk to your own doctor first."
    settings_row.save()
    html = text_of(client.get(question.get_absolute_url()))
    assert "<strong>Important:</strong> Talk to your own doctor first." in html


def test_answers_by_inactive_experts_and_unapproved_answers_are_hidden(client):
    question = make_public_question()
    AnswerFactory(question=question, pending=True, body="Pending text stays hidden")
    AnswerFactory(question=question, expert=ExpertFactory(inactive=True), body="Inactive expert")
    html = text_of(client.get(question.get_absolute_url()))
    assert "Pending text stays hidden" not in html
    assert "Inactive expert" not in html


def test_continue_learning_lists_picks_then_topic_then_tag_articles(client):
    topic = TopicFactory(name="Back Pain")
    question = make_public_question(topic=topic, tags=["posture"])
    second_pick = ArticleFactory(title="Second pick", topic=TopicFactory())
    first_pick = ArticleFactory(title="First pick", topic=TopicFactory())
    ContinueLearningPickFactory(question=question, article=first_pick, position=1)
    ContinueLearningPickFactory(question=question, article=second_pick, position=2)
    ArticleFactory(title="Same topic", topic=topic)
    ArticleFactory(title="Shared tag", topic=TopicFactory(), tags=["posture"])
    ArticleFactory(title="Unrelated", topic=TopicFactory())
    ArticleFactory(title="Draft pick", topic=topic, draft=True)

    html = text_of(client.get(question.get_absolute_url()))

    block = html[html.index("Continue Learning about Back Pain") :]
    titles = re.findall(r'class="article-card__title"><a [^>]*>([^<]+)</a>', block)
    assert titles == ["First pick", "Second pick", "Same topic", "Shared tag"]


def test_continue_learning_cards_cut_teaser_and_name_read_more(client):
    topic = TopicFactory(name="Back Pain")
    question = make_public_question(topic=topic)
    long_teaser = (
        "Chances are you’ve experienced back pain at some point in your life. In fact, in one "
        "2019 Centers for Disease Control and Prevention report, 39 percent of adults said so."
    )
    article = ArticleFactory(title="6 Simple Things", topic=topic, excerpt=long_teaser)

    html = text_of(client.get(question.get_absolute_url()))

    shown = re.search(r'class="article-card__teaser">([^<]+)</p>', html).group(1)
    assert shown.endswith("…") and len(shown) <= 165
    assert long_teaser.startswith(shown[:-1].replace("&#x27;", "'"))
    # The link's own text names the article (Lighthouse's link-text audit reads the text, not
    # an aria-label); the visible words stay those of the reference page.
    assert 'Read More<span class="visually-hidden"> about 6 Simple Things</span></a>' in html
    assert "aria-label" not in re.search(r'<a class="read-more"[^>]*>', html).group(0)
    assert f'href="{article.get_absolute_url()}"' in html


def test_continue_learning_is_capped_at_four_cards(client):
    topic = TopicFactory()
    question = make_public_question(topic=topic)
    ArticleFactory.create_batch(6, topic=topic)
    html = client.get(question.get_absolute_url()).content.decode()
    assert html.count('class="article-card"') == 4


def test_advertisement_slot_shows_only_while_a_placement_is_active(client):
    question = make_public_question()
    assert "Advertisement" not in text_of(client.get(question.get_absolute_url()))

    AdPlacementFactory(
        ends_at=timezone.now() - timedelta(days=1), starts_at=timezone.now() - timedelta(days=9)
    )
    AdPlacementFactory(is_active=False)
    assert "Advertisement" not in text_of(client.get(question.get_absolute_url()))

    ad = AdPlacementFactory(image_alt="Read our back care guide")
    html = text_of(client.get(question.get_absolute_url()))
    assert ">Advertisement<" in html
    assert 'alt="Read our back care guide"' in html and ad.link in html


@pytest.mark.parametrize(
    "make",
    [
        lambda: QuestionFactory(draft=True),
        lambda: QuestionFactory(submitted=True),
        lambda: QuestionFactory(archived=True),
        lambda: QuestionFactory(scheduled=True),
        lambda: QuestionFactory(),  # published but no approved answer
    ],
    ids=["draft", "submitted", "archived", "scheduled", "unanswered"],
)
def test_non_public_questions_are_404_for_readers(client, make):
    question = make()
    AnswerFactory(question=question) if question.status != "published" else None
    assert client.get(question.get_absolute_url()).status_code == 404


def test_staff_with_change_permission_preview_a_draft_with_banner(client):
    question = QuestionFactory(draft=True)
    AnswerFactory(question=question)
    editor = UserFactory(is_staff=True, groups=["Editors"])
    client.force_login(editor)
    response = client.get(question.get_absolute_url())
    assert response.status_code == 200
    html = text_of(response)
    assert "Preview — not published" in html
    assert '<meta name="robots" content="noindex, nofollow">' in html


def test_staff_without_change_permission_do_not_preview(client):
    question = QuestionFactory(draft=True)
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_answer"))
    client.force_login(staff)
    assert client.get(question.get_absolute_url()).status_code == 404


# --- helpful votes and reports -------------------------------------------------------------------


def test_helpful_vote_counts_once_per_session(client):
    question = make_public_question()
    answer = question.answers.get()
    url = reverse("healthqa:answer_helpful", args=[answer.pk])
    assert client.post(url, {"vote": "yes"}).status_code == 302
    client.post(url, {"vote": "yes"})
    client.post(url, {"vote": "no"})
    answer.refresh_from_db()
    assert (answer.helpful_yes, answer.helpful_no) == (1, 0)
    assert "Thank you — you found this answer helpful" in text_of(
        client.get(question.get_absolute_url())
    )


def test_helpful_rejects_get_junk_votes_and_hidden_answers(client):
    question = make_public_question()
    answer = question.answers.get()
    url = reverse("healthqa:answer_helpful", args=[answer.pk])
    assert client.get(url).status_code == 405
    assert client.post(url, {"vote": "maybe"}).status_code == 400
    pending = AnswerFactory(question=question, pending=True)
    assert (
        client.post(
            reverse("healthqa:answer_helpful", args=[pending.pk]), {"vote": "yes"}
        ).status_code
        == 404
    )


def test_report_form_stores_an_open_flag(client):
    answer = make_public_question().answers.get()
    url = reverse("healthqa:answer_report", args=[answer.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "inaccurate", "details": "Out of date."})
    assert response.status_code == 303
    assert "Thank you for your report" in text_of(client.get(response["Location"]))
    flag = answer.flags.get()
    assert (flag.reason, flag.status, flag.details) == ("inaccurate", "open", "Out of date.")


def test_report_form_with_bad_reason_shows_error_and_stores_nothing(client):
    answer = make_public_question().answers.get()
    response = client.post(
        reverse("healthqa:answer_report", args=[answer.pk]), {"reason": "nonsense"}
    )
    assert response.status_code == 200
    assert "field-error" in text_of(response)
    assert answer.flags.count() == 0


# --- other pages ----------------------------------------------------------------------------


def test_home_lists_featured_latest_topics_and_articles(client):
    featured = make_public_question(featured=True, title="Is stretching before running useful?")
    latest = make_public_question(title="How much sleep do teenagers need?")
    hidden = QuestionFactory(draft=True, title="Secret draft question")
    article = ArticleFactory(title="Ease Lower Back Pain with These Yoga Moves")
    html = text_of(client.get("/"))
    assert featured.title in html and latest.title in html and article.title in html
    assert featured.topic.name in html
    assert hidden.title not in html
    assert 'role="search"' in html


def test_topic_pages_list_public_questions_articles_and_experts(client):
    topic = TopicFactory(name="Sleep", description="Rest and recovery.")
    expert = ExpertFactory(name="Dr. Rae Sleepwell", specialties=[topic])
    question = make_public_question(topic=topic, title="Why do I wake at 3am?", expert=expert)
    QuestionFactory(topic=topic, draft=True, title="Draft about sleep")
    article = ArticleFactory(topic=topic, title="Sleep hygiene basics")

    assert "Sleep" in text_of(client.get("/topics/"))
    html = text_of(client.get(topic.get_absolute_url()))
    assert question.title in html and article.title in html and expert.name in html
    assert "Draft about sleep" not in html


def test_question_list_paginates_and_refuses_bad_pages(client):
    for n in range(21):
        make_public_question(title=f"Question number {n:02d}?")
    first = text_of(client.get("/questions/"))
    assert "Page 1 of 2" in first
    assert "Question number 20?" in first and "Question number 00?" not in first
    assert "Question number 00?" in text_of(client.get("/questions/?page=2"))
    assert client.get("/questions/?page=last").status_code == 200
    for junk in ["3", "0", "-1", "abc", "1.5", "9" * 40, "%00"]:
        assert client.get(f"/questions/?page={junk}").status_code == 404, junk


def test_article_page_shows_body_author_sources_and_hides_drafts(client):
    author = ExpertFactory(name="Dr. Kim Ortho")
    article = ArticleFactory(
        title="Back care", author=author, body="Keep *moving*.", reviewed_at=timezone.now()
    )
    article.sources.create(title="Low back pain fact sheet", url="https://example.org/lbp")
    html = text_of(client.get(article.get_absolute_url()))
    assert "<h1>Back care</h1>" in html and "<em>moving</em>" in html
    assert "Dr. Kim Ortho" in html and "Low back pain fact sheet" in html and "Reviewed" in html
    assert client.get("/articles/").status_code == 200
    assert client.get(ArticleFactory(draft=True).get_absolute_url()).status_code == 404
    assert client.get(ArticleFactory(scheduled=True).get_absolute_url()).status_code == 404


def test_expert_pages_show_profile_and_only_public_answers(client):
    expert = ExpertFactory(name="Dr. Pat Heart", credentials="MD, FACC")
    public = make_public_question(title="Is coffee bad for my heart?", expert=expert)
    hidden_question = QuestionFactory(draft=True, title="Draft heart question")
    AnswerFactory(question=hidden_question, expert=expert)
    AnswerFactory(question=make_public_question(), expert=expert, pending=True, body="pending body")

    assert "Dr. Pat Heart" in text_of(client.get("/experts/"))
    html = text_of(client.get(expert.get_absolute_url()))
    assert "MD, FACC" in html and public.title in html
    assert "Draft heart question" not in html and "pending body" not in html
    inactive = ExpertFactory(inactive=True)
    assert client.get(inactive.get_absolute_url()).status_code == 404
    assert inactive.name not in text_of(client.get("/experts/"))


def test_tag_page_lists_tagged_public_questions_and_articles(client):
    question = make_public_question(tags=["Posture"])
    article = ArticleFactory(tags=["Posture"])
    QuestionFactory(draft=True, tags=["Posture"], title="Hidden tagged draft")
    response = client.get("/tags/posture/")
    assert response.status_code == 200
    html = text_of(response)
    assert question.title in html and article.title in html
    assert "Hidden tagged draft" not in html
    assert client.get("/tags/no-such-tag/").status_code == 404


def test_a_tag_with_a_unicode_slug_has_a_page_linked_from_its_question(client):
    question = make_public_question(tags=["Ménière’s disease"])
    tag_url = reverse("healthqa:tag_detail", args=["ménières-disease"])
    page = client.get(question.get_absolute_url())
    assert page.status_code == 200
    assert f'href="{tag_url}"' in page.content.decode()
    response = client.get(tag_url)
    assert response.status_code == 200
    assert question.title in text_of(response)


def test_search_finds_public_items_and_never_drafts(client):
    make_public_question(title="Why does my back hurt when I do push-ups?")
    hidden = QuestionFactory(draft=True, title="Push-ups draft question")
    AnswerFactory(question=hidden)
    html = text_of(client.get("/search/", {"q": "push-ups"}))
    assert "Why does my back hurt when I do push-ups?" in html
    assert hidden.title not in html


@pytest.mark.parametrize(
    "query", ["", " ", "\"'<script>", "a" * 5000, "😀 back", "%", "OR AND NOT", "\x00"]
)
def test_search_survives_junk_queries(client, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code in {200, 400}
    assert "<script>" not in response.content.decode().split("<main", 1)[1]


def test_healthz_reports_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_reports_503_when_the_database_fails(client, monkeypatch):
    from django.db import connection

    def broken_cursor(*args, **kwargs):
        raise RuntimeError("database is down")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    assert client.get("/healthz").status_code == 503


@pytest.mark.parametrize(
    "url",
    [
        "/questions/no-such-question/",
        "/topics/no-such-topic/",
        "/articles/no-such-article/",
        "/experts/no-such-expert/",
        "/tags/nothing/",
        "/no/such/page/",
        "/questions/%E2%9C%93/",
        "/answers/999999/report/",
    ],
)
def test_unknown_addresses_get_the_404_page(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.parametrize(
    "url", ["/", "/topics/", "/questions/", "/articles/", "/experts/", "/search/?q=back"]
)
def test_every_listing_page_has_one_h1_and_a_skip_link(client, url):
    make_public_question()
    response = client.get(url)
    assert response.status_code == 200
    assert h1_count(response) == 1
    html = response.content.decode()
    assert 'class="skip-link" href="#main"' in html and 'id="main"' in html
    assert '<link rel="canonical"' in html and 'property="og:title"' in html


def test_every_image_on_the_question_page_has_alt_text(client):
    topic = TopicFactory()
    question = make_public_question(topic=topic)
    ArticleFactory(topic=topic, with_image=True)
    AdPlacementFactory()
    html = client.get(question.get_absolute_url()).content.decode()
    images = re.findall(r"<img\b[^>]*>", html)
    assert images and all(re.search(r'\balt="[^"]+"', img) for img in images)


def test_server_error_page_renders_without_context(client, settings):
    from healthqa.public.views import server_error

    response = server_error(None)
    assert response.status_code == 500
    assert "Sorry, something went wrong" in response.content.decode()


def test_approved_answer_reaches_readers_only_after_moderation(client):
    question = QuestionFactory()
    answer = AnswerFactory(question=question, draft=True)
    assert client.get(question.get_absolute_url()).status_code == 404
    Answer.objects.filter(pk=answer.pk).update(status=Answer.Status.APPROVED)
    assert client.get(question.get_absolute_url()).status_code == 200
