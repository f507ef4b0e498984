from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.models import Article
from experts.models import Expert
from healthqa.models import (
    DEFAULT_DISCLAIMER,
    AdPlacement,
    Answer,
    AnswerRevision,
    Assignment,
    Flag,
    ModerationEvent,
    Question,
    SiteSettings,
    Topic,
)
from tests.factories import (
    AdPlacementFactory,
    AnswerFactory,
    ArticleFactory,
    AssignmentFactory,
    ContinueLearningPickFactory,
    ExpertFactory,
    FlagFactory,
    QuestionFactory,
    TopicFactory,
    make_public_question,
)

pytestmark = pytest.mark.django_db


def public_questions():
    return set(Question.objects.public())


# --- Question.objects.public() -----------------------------------------------------------------


def test_public_includes_published_question_with_approved_answer_by_active_expert():
    question = make_public_question(1)

    assert public_questions() == {question}
    assert question.is_public


@pytest.mark.parametrize("status", ["draft", "submitted", "archived", "rejected"])
def test_public_excludes_questions_that_are_not_published(status):
    question = QuestionFactory(status=status)
    AnswerFactory(question=question)

    assert public_questions() == set()
    assert not question.is_public


def test_public_excludes_scheduled_question_until_its_time(frozen):
    question = QuestionFactory(published_at=timezone.now() + timedelta(hours=2))
    AnswerFactory(question=question)

    assert question.is_scheduled
    assert public_questions() == set()

    frozen.tick(timedelta(hours=2))

    assert public_questions() == {question}
    assert not question.is_scheduled


def test_public_excludes_published_question_without_answers():
    QuestionFactory()

    assert public_questions() == set()


@pytest.mark.parametrize("trait", ["draft", "pending", "changes_requested", "rejected"])
def test_public_excludes_question_whose_answers_are_not_approved(trait):
    question = QuestionFactory()
    AnswerFactory(question=question, **{trait: True})

    assert public_questions() == set()


def test_public_excludes_question_with_every_unapproved_answer_status_at_once():
    question = QuestionFactory()
    for trait in ["draft", "pending", "changes_requested", "rejected"]:
        AnswerFactory(question=question, **{trait: True})

    assert public_questions() == set()


def test_public_excludes_question_whose_only_approved_answer_is_by_inactive_expert():
    question = QuestionFactory()
    AnswerFactory(question=question, expert=ExpertFactory(inactive=True))

    assert public_questions() == set()


def test_public_question_disappears_when_its_expert_is_deactivated():
    expert = ExpertFactory()
    question = make_public_question(1, expert=expert)
    assert question.is_public

    Expert.objects.filter(pk=expert.pk).update(is_active=False)

    assert public_questions() == set()


def test_public_lists_a_question_with_several_approved_answers_once():
    question = make_public_question(3)

    assert list(Question.objects.public()) == [question]


# --- Answer.objects.approved() / public() ------------------------------------------------------


def test_approved_answers_exclude_answers_by_inactive_experts():
    live = AnswerFactory()
    AnswerFactory(expert=ExpertFactory(inactive=True))

    assert list(Answer.objects.approved()) == [live]


@pytest.mark.parametrize("trait", ["draft", "pending", "changes_requested", "rejected"])
def test_approved_answers_exclude_other_statuses(trait):
    AnswerFactory(**{trait: True})

    assert not Answer.objects.approved().exists()


def test_public_answers_are_approved_answers_on_public_questions():
    live = AnswerFactory()
    AnswerFactory(question=QuestionFactory(draft=True))
    AnswerFactory(question=QuestionFactory(archived=True))
    AnswerFactory(question=live.question, pending=True)

    assert list(Answer.objects.public()) == [live]


def test_public_answers_exclude_answers_on_scheduled_questions(frozen):
    AnswerFactory(question=QuestionFactory(scheduled=True))

    assert not Answer.objects.public().exists()


def test_answer_body_is_rendered_to_sanitized_html_on_save():
    answer = AnswerFactory(body="**Stop** if it hurts. <script>alert(1)</script>")

    assert "<strong>Stop</strong>" in answer.body_html
    assert "<script" not in answer.body_html


# --- Article.objects.public() ------------------------------------------------------------------


def test_public_articles_include_published_articles_in_the_past():
    article = ArticleFactory()

    assert list(Article.objects.public()) == [article]


@pytest.mark.parametrize("trait", ["draft", "archived"])
def test_public_articles_exclude_unpublished_articles(trait):
    ArticleFactory(**{trait: True})

    assert not Article.objects.public().exists()


def test_public_articles_exclude_scheduled_article_until_its_time(frozen):
    article = ArticleFactory(published_at=timezone.now() + timedelta(minutes=30))

    assert article.is_scheduled
    assert not Article.objects.public().exists()

    frozen.tick(timedelta(minutes=30))

    assert list(Article.objects.public()) == [article]


def test_article_teaser_prefers_the_excerpt_and_falls_back_to_the_body():
    with_excerpt = ArticleFactory(excerpt="Short *teaser*.", body="Body text.")
    without_excerpt = ArticleFactory(excerpt="", body="The **body** text.")

    assert with_excerpt.teaser == "Short teaser."
    assert without_excerpt.teaser == "The body text."


# --- Slugs -------------------------------------------------------------------------------------


def test_question_slug_is_generated_from_the_title():
    question = QuestionFactory(title="Why does my back hurt when I do push-ups?", slug="")

    assert question.slug == "why-does-my-back-hurt-when-i-do-push-ups"


def test_questions_with_the_same_title_get_distinct_slugs():
    slugs = [QuestionFactory(title="Is running bad for knees?", slug="").slug for _ in range(3)]

    assert slugs == ["is-running-bad-for-knees", "is-running-bad-for-knees-2",
                     "is-running-bad-for-knees-3"]  # fmt: skip


def test_resaving_keeps_the_slug():
    question = QuestionFactory(title="Is running bad for knees?", slug="")
    question.title = "Is running bad for my knees?"
    question.save()

    question.refresh_from_db()
    assert question.slug == "is-running-bad-for-knees"


def test_title_without_latin_letters_still_gets_a_slug():
    first = QuestionFactory(title="¿?", slug="")
    second = QuestionFactory(title="!!!", slug="")

    assert first.slug == "item"
    assert second.slug == "item-2"


@pytest.mark.parametrize(
    ("factory", "field"),
    [(TopicFactory, "name"), (ExpertFactory, "name"), (ArticleFactory, "title")],
)
def test_other_models_generate_unique_slugs(factory, field):
    first = factory(**{field: "Back Pain", "slug": ""})
    second = factory(**{field: "Back pain!", "slug": ""})

    assert first.slug == "back-pain"
    assert second.slug == "back-pain-2"


def test_database_refuses_duplicate_slugs():
    QuestionFactory(slug="same")

    with pytest.raises(IntegrityError), transaction.atomic():
        QuestionFactory(slug="same")


def test_long_titles_give_slugs_within_the_column_length():
    title = "Why " + "really " * 35 + "?"  # fits the 255-character title, not the slug
    first = QuestionFactory(title=title, slug="")
    second = QuestionFactory(title=title, slug="")

    max_length = Question._meta.get_field("slug").max_length
    assert len(first.slug) <= max_length
    assert len(second.slug) <= max_length
    assert first.slug != second.slug


# --- Continue Learning -------------------------------------------------------------------------


@pytest.fixture
def back_pain():
    return TopicFactory(name="Back Pain")


def days_ago(days):
    return timezone.now() - timedelta(days=days)


def test_continue_learning_puts_curated_picks_first_in_position_order(back_pain):
    question = make_public_question(1, topic=back_pain)
    second = ArticleFactory(topic=TopicFactory(), published_at=days_ago(30))
    first = ArticleFactory(topic=TopicFactory(), published_at=days_ago(40))
    ContinueLearningPickFactory(question=question, article=second, position=2)
    ContinueLearningPickFactory(question=question, article=first, position=1)
    same_topic = ArticleFactory(topic=back_pain, published_at=days_ago(1))

    assert Article.objects.continue_learning(question) == [first, second, same_topic]


def test_continue_learning_fills_with_newest_same_topic_then_shared_tag_articles(back_pain):
    question = make_public_question(1, topic=back_pain, tags=["push-ups"])
    pick = ArticleFactory(topic=TopicFactory(), published_at=days_ago(100))
    ContinueLearningPickFactory(question=question, article=pick, position=0)
    older_topic = ArticleFactory(topic=back_pain, published_at=days_ago(20))
    newer_topic = ArticleFactory(topic=back_pain, published_at=days_ago(10))
    tagged = ArticleFactory(topic=TopicFactory(), tags=["push-ups"], published_at=days_ago(1))
    ArticleFactory(topic=TopicFactory(), tags=["sleep"], published_at=days_ago(1))

    assert Article.objects.continue_learning(question) == [pick, newer_topic, older_topic, tagged]


def test_continue_learning_orders_shared_tag_articles_newest_first(back_pain):
    question = make_public_question(1, topic=None, tags=["push-ups", "posture"])
    older = ArticleFactory(topic=back_pain, tags=["posture"], published_at=days_ago(9))
    newer = ArticleFactory(topic=back_pain, tags=["push-ups"], published_at=days_ago(3))

    assert Article.objects.continue_learning(question) == [newer, older]


def test_continue_learning_returns_at_most_four_articles(back_pain):
    question = make_public_question(1, topic=back_pain, tags=["push-ups"])
    for position in range(3):
        ContinueLearningPickFactory(question=question, position=position)
    for _ in range(3):
        ArticleFactory(topic=back_pain)
        ArticleFactory(tags=["push-ups"])

    assert len(Article.objects.continue_learning(question)) == 4
    assert len(Article.objects.continue_learning(question, limit=2)) == 2


def test_continue_learning_stops_at_four_curated_picks(back_pain):
    question = make_public_question(1, topic=back_pain)
    picks = [ContinueLearningPickFactory(question=question, position=p).article for p in range(5)]
    ArticleFactory(topic=back_pain, published_at=days_ago(0))

    assert Article.objects.continue_learning(question) == picks[:4]


def test_continue_learning_never_shows_articles_readers_cannot_see(back_pain, frozen):
    question = make_public_question(1, topic=back_pain, tags=["push-ups"])
    hidden = [
        ArticleFactory(draft=True, topic=back_pain),
        ArticleFactory(archived=True, topic=back_pain),
        ArticleFactory(scheduled=True, topic=back_pain),
        ArticleFactory(draft=True, tags=["push-ups"]),
        ArticleFactory(scheduled=True, tags=["push-ups"]),
    ]
    ContinueLearningPickFactory(question=question, article=ArticleFactory(draft=True))
    ContinueLearningPickFactory(question=question, article=ArticleFactory(scheduled=True))
    visible = ArticleFactory(topic=back_pain)

    shown = Article.objects.continue_learning(question)

    assert shown == [visible]
    assert not set(hidden) & set(shown)


def test_continue_learning_lists_each_article_once(back_pain):
    question = make_public_question(1, topic=back_pain, tags=["push-ups", "posture"])
    everywhere = ArticleFactory(topic=back_pain, tags=["push-ups", "posture"])
    ContinueLearningPickFactory(question=question, article=everywhere, position=0)
    also_tagged_twice = ArticleFactory(topic=TopicFactory(), tags=["push-ups", "posture"])

    assert Article.objects.continue_learning(question) == [everywhere, also_tagged_twice]


def test_continue_learning_is_empty_without_picks_topic_or_tags():
    question = make_public_question(1, topic=None)
    ArticleFactory()

    assert Article.objects.continue_learning(question) == []


# --- Ad placements -----------------------------------------------------------------------------


def test_active_ads_include_an_active_placement_without_dates():
    ad = AdPlacementFactory()

    assert list(AdPlacement.objects.active()) == [ad]


def test_active_ads_exclude_a_switched_off_placement():
    AdPlacementFactory(is_active=False)

    assert not AdPlacement.objects.active().exists()


def test_active_ads_respect_start_and_end_dates(frozen):
    now = timezone.now()
    running = AdPlacementFactory(starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=1))
    starts_now = AdPlacementFactory(starts_at=now)
    AdPlacementFactory(starts_at=now + timedelta(seconds=1))
    AdPlacementFactory(starts_at=now - timedelta(days=2), ends_at=now - timedelta(days=1))
    AdPlacementFactory(ends_at=now)

    assert set(AdPlacement.objects.active()) == {running, starts_now}


def test_an_ad_stops_showing_when_its_end_date_passes(frozen):
    ad = AdPlacementFactory(ends_at=timezone.now() + timedelta(hours=1))
    assert list(AdPlacement.objects.active()) == [ad]

    frozen.tick(timedelta(hours=1))

    assert not AdPlacement.objects.active().exists()


def test_active_ads_can_be_filtered_by_slot():
    question_ad = AdPlacementFactory(slot=AdPlacement.Slot.QUESTION_PAGE)
    article_ad = AdPlacementFactory(slot=AdPlacement.Slot.ARTICLE_PAGE)

    assert list(AdPlacement.objects.active("question_page")) == [question_ad]
    assert list(AdPlacement.objects.active(AdPlacement.Slot.ARTICLE_PAGE)) == [article_ad]


def test_ad_records_its_image_dimensions():
    ad = AdPlacementFactory()

    assert (ad.image_width, ad.image_height) == (30, 25)


def test_ad_ending_before_it_starts_is_refused(frozen):
    now = timezone.now()
    ad = AdPlacementFactory.build(starts_at=now, ends_at=now - timedelta(hours=1))

    with pytest.raises(ValidationError) as excinfo:
        ad.clean()
    assert "ends_at" in excinfo.value.message_dict

    with pytest.raises(IntegrityError), transaction.atomic():
        ad.save()


# --- Site settings -----------------------------------------------------------------------------


def test_site_settings_load_creates_the_single_row_with_defaults():
    assert not SiteSettings.objects.exists()

    site = SiteSettings.load()

    assert site.pk == 1
    assert SiteSettings.objects.count() == 1
    assert site.disclaimer == DEFAULT_DISCLAIMER
    assert site.site_name == "HealthQA"


def test_site_settings_default_disclaimer_is_the_reference_text():
    assert DEFAULT_DISCLAIMER.startswith(
        "This content reflects information from various individuals and organizations"
    )
    assert DEFAULT_DISCLAIMER.endswith("about your specific health needs.")


def test_site_settings_load_is_cached(django_assert_num_queries):
    SiteSettings.load()

    with django_assert_num_queries(0):
        site = SiteSettings.load()

    assert site.pk == 1


def test_saving_site_settings_invalidates_the_cache():
    site = SiteSettings.load()
    site.site_name = "Health Answers"
    site.save()

    assert SiteSettings.load().site_name == "Health Answers"


def test_site_settings_always_save_to_the_same_row():
    SiteSettings.load()
    SiteSettings(site_name="Another").save()

    assert SiteSettings.objects.count() == 1
    assert SiteSettings.load().site_name == "Another"


def test_site_settings_cannot_be_deleted():
    with pytest.raises(PermissionDenied):
        SiteSettings.load().delete()


def test_database_refuses_a_second_site_settings_row():
    SiteSettings.load()

    with pytest.raises(IntegrityError), transaction.atomic():
        SiteSettings.objects.bulk_create([SiteSettings(pk=2)])


# --- Database constraints ----------------------------------------------------------------------


def test_flag_on_an_answer_or_a_question_is_stored():
    on_answer = FlagFactory()
    on_question = FlagFactory(on_question=True)

    assert on_answer.target == on_answer.answer
    assert on_question.target == on_question.question
    assert Flag.objects.count() == 2


def test_flag_with_two_targets_is_refused():
    answer = AnswerFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        FlagFactory(answer=answer, question=answer.question)


def test_flag_without_a_target_is_refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        FlagFactory(answer=None, question=None)


def test_published_question_without_a_date_gets_one_on_save(frozen):
    question = QuestionFactory(published_at=None)

    assert question.published_at == timezone.now()


def test_database_refuses_a_published_question_without_a_date():
    question = QuestionFactory(draft=True)

    with pytest.raises(IntegrityError), transaction.atomic():
        Question.objects.filter(pk=question.pk).update(status="published", published_at=None)


def test_published_article_without_a_date_gets_one_on_save(frozen):
    article = ArticleFactory(published_at=None)

    assert article.published_at == timezone.now()


def test_database_refuses_a_published_article_without_a_date():
    article = ArticleFactory(draft=True)

    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=article.pk).update(status="published")


@pytest.mark.parametrize(
    ("model", "factory"),
    [(Question, QuestionFactory), (Answer, AnswerFactory), (Article, ArticleFactory),
     (Expert, ExpertFactory)],
)  # fmt: skip
def test_database_refuses_unknown_states(model, factory):
    obj = factory()
    field = "kind" if model is Expert else "status"

    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=obj.pk).update(**{field: "bogus"})


def test_an_answer_has_at_most_one_pending_revision():
    answer = AnswerFactory()
    AnswerRevision.objects.create(answer=answer, body="One")

    with pytest.raises(IntegrityError), transaction.atomic():
        AnswerRevision.objects.create(answer=answer, body="Two")


def test_an_expert_has_one_open_assignment_per_question():
    assignment = AssignmentFactory()
    AssignmentFactory(question=assignment.question, expert=assignment.expert, status="answered")

    with pytest.raises(IntegrityError), transaction.atomic():
        AssignmentFactory(question=assignment.question, expert=assignment.expert)


def test_an_article_is_picked_once_per_question():
    pick = ContinueLearningPickFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        ContinueLearningPickFactory(question=pick.question, article=pick.article)


def test_assignment_is_overdue_only_while_open_after_its_due_date(frozen):
    assignment = AssignmentFactory(due_at=timezone.now() + timedelta(hours=1))
    assert not assignment.is_overdue

    frozen.tick(timedelta(hours=2))
    assert assignment.is_overdue

    assignment.status = Assignment.Status.ANSWERED
    assert not assignment.is_overdue


def test_moderation_events_cannot_be_deleted():
    answer = AnswerFactory()
    event = ModerationEvent.record(answer, actor=None, action="note")

    with pytest.raises(PermissionDenied):
        event.delete()
    assert ModerationEvent.objects.filter(pk=event.pk).exists()


def test_topic_cannot_be_its_own_ancestor():
    parent = TopicFactory()
    child = TopicFactory(parent=parent)
    parent.parent = child

    with pytest.raises(ValidationError):
        parent.clean()


def test_topic_public_counts_only_count_public_questions():
    topic = TopicFactory()
    make_public_question(2, topic=topic)
    QuestionFactory(topic=topic)
    QuestionFactory(topic=topic, draft=True)

    assert Topic.objects.with_public_counts().get(pk=topic.pk).public_question_count == 1


# --- Experts -----------------------------------------------------------------------------------


def test_organization_expert_is_an_organization():
    organization = ExpertFactory(organization=True, name="American Heart Association")

    assert organization.is_organization
    assert organization.initials == "AHA"
    assert not ExpertFactory().is_organization


def test_expert_display_name_includes_credentials():
    assert ExpertFactory(name="Jo Smith", credentials="MD").display_name == "Jo Smith, MD"
    assert ExpertFactory(name="Jo Smith", credentials="").display_name == "Jo Smith"


def test_marking_an_expert_verified_records_who_and_when(frozen, editor):
    expert = ExpertFactory(verified=False)

    expert.mark_verified(by=editor)

    expert.refresh_from_db()
    assert expert.verified
    assert expert.verified_by == editor
    assert expert.verified_at == timezone.now()


def test_declining_an_assignment_closes_it_and_records_who(editor):
    from healthqa.models import Assignment, ModerationEvent
    from tests.factories import AssignmentFactory

    assignment = AssignmentFactory()
    assignment.decline(by=editor, note="Out of scope for this expert")
    assert assignment.status == Assignment.Status.DECLINED
    event = ModerationEvent.objects.get(object_id=assignment.pk, action="decline")
    assert (event.actor, event.from_state, event.note) == (
        editor,
        "open",
        "Out of scope for this expert",
    )
    with pytest.raises(ValidationError):
        assignment.decline(by=editor)


def test_only_editors_decline_assignments(moderator):
    from tests.factories import AssignmentFactory

    assignment = AssignmentFactory()
    with pytest.raises(PermissionDenied):
        assignment.decline(by=moderator)
    assignment.refresh_from_db()
    assert assignment.status == "open"
