"""`manage.py load_demo`: the reference page word for word, the demo site around it, idempotence."""

from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command

from articles.models import Article
from experts.models import Expert
from healthqa.demo import content
from healthqa.models import (
    DEFAULT_DISCLAIMER,
    AdPlacement,
    Answer,
    AnswerRevision,
    ModerationEvent,
    Question,
    SiteSettings,
    Topic,
)

SEED_FILE = Path(settings.BASE_DIR).parent / "shared" / "seed" / "pushups-page.txt"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_and_env(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)


def load_demo():
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def seed_question():
    return Question.objects.get(slug=content.SEED_QUESTION_SLUG)


def picked_articles(question):
    return [pick.article for pick in question.article_picks.select_related("article")]


def parse_seed_page(text):
    """The parts of the saved reference page: question, expert, answer, articles, disclaimer."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    question_at, answer_at = lines.index("question"), lines.index("answer")
    heading = next(line for line in lines if line.startswith("Continue Learning about "))
    articles = [
        (lines[i], lines[i + 2])
        for i in range(len(lines) - 3)
        if lines[i] == lines[i + 1] and lines[i + 3] == "Read More"
    ]
    disclaimer = next(line for line in lines if line.startswith("Important: "))
    return {
        "question": lines[question_at + 1],
        "expert": lines[question_at + 2],
        "answer": lines[answer_at + 1],
        "topic": heading.removeprefix("Continue Learning about "),
        "articles": articles,
        "disclaimer": disclaimer.removeprefix("Important: "),
    }


@pytest.fixture
def seed_page():
    if not SEED_FILE.exists():
        pytest.skip(f"{SEED_FILE} is missing (it lives in ../shared beside the repository)")
    return parse_seed_page(SEED_FILE.read_text(encoding="utf-8"))


def row_counts():
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


# --- the reference page --------------------------------------------------------------------------


def test_it_loads_the_seed_question_with_its_approved_answer():
    load_demo()
    question = seed_question()
    assert question.title == content.SEED_QUESTION_TITLE
    assert question.status == Question.Status.PUBLISHED
    assert question.topic.name == "Back Pain" and question.topic.slug == "back-pain"
    assert question.is_demo is False
    assert Question.objects.public().filter(pk=question.pk).exists()

    answer = question.answers.get()
    assert answer.body == content.SEED_ANSWER_BODY
    assert answer.status == Answer.Status.APPROVED
    assert answer.is_demo is False
    assert answer.reviewed_by.username == "moderator"
    assert answer.reviewed_at is not None
    revision = answer.revisions.get(status=AnswerRevision.Status.APPROVED)
    assert revision.body == content.SEED_ANSWER_BODY
    assert ModerationEvent.objects.filter(
        object_id=answer.pk, action="approve", actor__username="moderator"
    ).exists()

    expert = answer.expert
    assert expert.name == "National Academy of Sports Medicine"
    assert expert.kind == Expert.Kind.ORGANIZATION
    assert expert.verified and expert.is_active and not expert.is_demo
    assert expert.credentials and expert.headline and expert.bio
    assert expert.user.username == "expert"


def test_it_picks_the_four_seed_articles_in_order():
    load_demo()
    question = seed_question()
    picks = list(question.article_picks.order_by("position"))
    assert [pick.position for pick in picks] == [0, 1, 2, 3]
    titles = [article["title"] for article in content.SEED_ARTICLES]
    assert [pick.article.title for pick in picks] == titles
    assert [article.title for article in Article.objects.continue_learning(question)] == titles


def test_the_seed_teasers_start_like_the_reference_page():
    load_demo()
    for article, spec in zip(picked_articles(seed_question()), content.SEED_ARTICLES, strict=True):
        assert article.excerpt.startswith(spec["seed_teaser"])
        assert article.teaser.startswith(spec["seed_teaser"]), article.teaser
        assert article.teaser.endswith("…")
        assert article.topic.slug == "back-pain"
        assert article.status == Article.Status.PUBLISHED and article.is_demo


def test_the_disclaimer_is_the_reference_text():
    load_demo()
    assert SiteSettings.load().disclaimer == content.SEED_DISCLAIMER == DEFAULT_DISCLAIMER


def test_it_matches_the_seed_file_word_for_word(seed_page):
    load_demo()
    question = seed_question()
    answer = question.answers.get()
    assert question.title == seed_page["question"] == content.SEED_QUESTION_TITLE
    assert answer.expert.name == seed_page["expert"]
    assert answer.body == seed_page["answer"] == content.SEED_ANSWER_BODY
    assert question.topic.name == seed_page["topic"]
    assert SiteSettings.load().disclaimer == seed_page["disclaimer"]

    articles = picked_articles(question)
    assert [article.title for article in articles] == [title for title, _ in seed_page["articles"]]
    for article, (_, seed_teaser) in zip(articles, seed_page["articles"], strict=True):
        assert seed_teaser.endswith("...")
        prefix = seed_teaser.removesuffix("...")
        assert article.excerpt.startswith(prefix)
        assert article.teaser.startswith(prefix), article.teaser
        assert article.teaser.endswith("…")


# --- idempotence and users -----------------------------------------------------------------------


def test_running_it_twice_changes_no_counts_passwords_or_images():
    first_output = load_demo()
    counts = row_counts()
    passwords = dict(get_user_model().objects.values_list("username", "password"))
    images = dict(Article.objects.values_list("slug", "image"))
    photos = dict(Expert.objects.values_list("slug", "photo"))

    second_output = load_demo()

    assert row_counts() == counts
    assert dict(get_user_model().objects.values_list("username", "password")) == passwords
    assert dict(Article.objects.values_list("slug", "image")) == images
    assert dict(Expert.objects.values_list("slug", "photo")) == photos
    assert "password: " in first_output
    assert "password: " not in second_output
    assert "kept their existing passwords" in second_output


def test_it_prints_the_new_password_once_and_it_works():
    output = load_demo()
    line = next(line for line in output.splitlines() if "password: " in line)
    assert line.startswith("Demo users editor, moderator, expert — password: ")
    password = line.rsplit(" ", 1)[1]
    for username in ("editor", "moderator", "expert"):
        assert get_user_model().objects.get(username=username).check_password(password)


def test_it_uses_demo_password_from_the_environment(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "first-demo-secret")
    output = load_demo()
    assert "first-demo-secret" not in output
    monkeypatch.setenv("DEMO_PASSWORD", "second-demo-secret")
    load_demo()
    for username in ("editor", "moderator", "expert"):
        assert get_user_model().objects.get(username=username).check_password("second-demo-secret")


def test_demo_users_have_their_roles_and_the_expert_is_linked():
    load_demo()
    users = get_user_model().objects.prefetch_related("groups")
    for username, group in [
        ("editor", "Editors"),
        ("moderator", "Moderators"),
        ("expert", "Experts"),
    ]:
        user = users.get(username=username)
        assert user.is_staff and user.is_active
        assert group in [g.name for g in user.groups.all()]
    assert users.get(username="moderator").get_full_name() == "Dana Whitfield"
    assert users.get(username="editor").get_full_name() == "Eli Navarro"
    expert = Expert.objects.get(slug="national-academy-of-sports-medicine")
    assert expert.user == users.get(username="expert")


def test_it_keeps_an_edited_disclaimer():
    load_demo()
    site = SiteSettings.load()
    site.disclaimer = "Edited by an editor."
    site.save()
    load_demo()
    assert SiteSettings.objects.get().disclaimer == "Edited by an editor."


# --- the demo site around it ---------------------------------------------------------------------


def test_every_listing_has_content():
    load_demo()
    assert Topic.objects.count() >= 6
    assert Topic.objects.filter(parent__isnull=False).exists()
    experts = Expert.objects.public()
    assert experts.count() >= 5
    assert experts.filter(kind=Expert.Kind.ORGANIZATION).count() >= 2
    assert all(expert.photo and expert.specialties.exists() for expert in experts)

    public = Question.objects.public()
    assert public.exclude(slug=content.SEED_QUESTION_SLUG).count() >= 10
    assert public.filter(featured=True).exists()
    assert public.filter(tags__isnull=False).distinct().count() == public.count()
    two_answers = [q for q in public if Answer.objects.approved().filter(question=q).count() == 2]
    assert len(two_answers) >= 2
    assert len({q.topic_id for q in public}) >= 6

    articles = Article.objects.public()
    assert articles.count() >= 12
    for article in articles:
        assert (article.image_width, article.image_height) == (1200, 675)
        assert article.image.storage.exists(article.image.name)
        assert article.image_alt and article.tags.exists()
        article.full_clean()

    ad = AdPlacement.objects.active(AdPlacement.Slot.QUESTION_PAGE).get()
    assert ad.image_alt
    ad.full_clean()


def demo_question(status):
    return Question.objects.get(
        slug=next(q["slug"] for q in content.QUESTIONS if q["status"] == status)
    )


def test_unpublished_demo_items_stay_hidden():
    load_demo()
    public = Question.objects.public()
    draft = demo_question(Question.Status.DRAFT)
    submitted = demo_question(Question.Status.SUBMITTED)
    assert draft.status == Question.Status.DRAFT and draft.assignments.exists()
    assert submitted.status == Question.Status.SUBMITTED
    assert submitted.submitted_by_name and submitted.submitted_by_email
    assert not public.filter(pk__in=[draft.pk, submitted.pk]).exists()

    scheduled_slug = next(a["slug"] for a in content.ARTICLES if "scheduled_in_days" in a)
    scheduled = Article.objects.get(slug=scheduled_slug)
    assert scheduled.status == Article.Status.PUBLISHED and scheduled.is_scheduled
    assert not Article.objects.public().filter(pk=scheduled.pk).exists()

    pending = Answer.objects.get(status=Answer.Status.PENDING)
    assert pending in Answer.objects.waiting_for_review()
    assert not Answer.objects.approved().filter(pk=pending.pk).exists()


def test_a_later_run_keeps_the_moderators_decisions():
    load_demo()
    moderator = get_user_model().objects.get(username="moderator")
    demo_question(Question.Status.SUBMITTED).accept_submission(by=moderator)
    pending = Answer.objects.get(status=Answer.Status.PENDING)
    pending.request_changes(by=moderator, note="Please add when to see a doctor.")

    load_demo()

    assert demo_question(Question.Status.SUBMITTED).status == Question.Status.DRAFT
    pending.refresh_from_db()
    assert pending.status == Answer.Status.CHANGES_REQUESTED


def test_only_the_invented_content_is_marked_as_demo():
    load_demo()
    assert set(Question.objects.filter(is_demo=False).values_list("slug", flat=True)) == {
        content.SEED_QUESTION_SLUG
    }
    assert list(Answer.objects.filter(is_demo=False)) == [seed_question().answers.get()]
    assert list(Expert.objects.filter(is_demo=False).values_list("name", flat=True)) == [
        "National Academy of Sports Medicine"
    ]
    assert not Article.objects.filter(is_demo=False).exists()
    assert not Topic.objects.filter(is_demo=False).exists()
