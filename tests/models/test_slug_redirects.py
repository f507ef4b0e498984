"""Renaming a slug keeps the old address alive with a 301 to the new one."""

import pytest

from healthqa.models import Question, SlugRedirect
from tests.admin.test_admin import url_for
from tests.factories import ArticleFactory, QuestionFactory, make_public_question

pytestmark = pytest.mark.django_db


def rename(obj, slug):
    obj.slug = slug
    obj.save()


def test_renamed_question_answers_its_old_address_with_a_301(client):
    question = make_public_question(slug="old-question")
    rename(question, "new-question")
    response = client.get("/questions/old-question/")
    assert response.status_code == 301
    assert response.url == "/questions/new-question/"
    assert client.get(response.url).status_code == 200


def test_renamed_article_answers_its_old_address_with_a_301(client):
    article = ArticleFactory(slug="old-article")
    rename(article, "new-article")
    response = client.get("/articles/old-article/")
    assert (response.status_code, response.url) == (301, "/articles/new-article/")


def test_every_old_address_leads_straight_to_the_current_one(client):
    question = make_public_question(slug="first")
    rename(question, "second")
    rename(question, "third")
    for old in ("first", "second"):
        response = client.get(f"/questions/{old}/")
        assert (response.status_code, response.url) == (301, "/questions/third/")


def test_going_back_to_an_old_slug_makes_it_the_address_again(client):
    question = make_public_question(slug="one")
    rename(question, "two")
    rename(question, "one")
    rename(question, "two")
    rename(question, "one")
    assert client.get("/questions/one/").status_code == 200
    assert client.get("/questions/two/").url == "/questions/one/"
    assert list(SlugRedirect.objects.values_list("old_slug", flat=True)) == ["two"]


def test_saving_without_renaming_records_nothing():
    question = make_public_question()
    question.title = "A better title"
    question.save()
    question.save(update_fields=["featured"])
    assert not SlugRedirect.objects.exists()


def test_a_live_page_wins_over_an_old_address(client):
    first = make_public_question(slug="shared-slug", title="The first")
    rename(first, "first-renamed")
    make_public_question(slug="shared-slug", title="The second")
    response = client.get("/questions/shared-slug/")
    assert response.status_code == 200
    assert "The second" in response.content.decode()


def test_old_address_of_a_draft_is_not_found_for_readers(client):
    question = QuestionFactory(draft=True, slug="draft-old")
    rename(question, "draft-new")
    assert client.get("/questions/draft-old/").status_code == 404


def test_old_address_of_an_archived_page_redirects_staff_who_may_preview_it(client, editor):
    article = ArticleFactory(archived=True, slug="archived-old")
    rename(article, "archived-new")
    client.force_login(editor)
    response = client.get("/articles/archived-old/")
    assert (response.status_code, response.url) == (301, "/articles/archived-new/")


@pytest.mark.parametrize(
    "make",
    [
        lambda: QuestionFactory(draft=True, slug="never-public"),
        lambda: QuestionFactory(submitted=True, slug="never-public"),
        lambda: QuestionFactory(rejected=True, slug="never-public"),
        lambda: ArticleFactory(draft=True, slug="never-public"),
    ],
    ids=["draft question", "submission", "rejected submission", "draft article"],
)
def test_renaming_what_was_never_public_keeps_no_old_slug(make):
    rename(make(), "renamed")
    assert not SlugRedirect.objects.exists()


@pytest.mark.parametrize(
    "fields",
    [{"archived": True}, {"scheduled": True}],
    ids=["archived", "scheduled"],
)
def test_renaming_what_has_been_published_keeps_the_old_slug(fields):
    rename(QuestionFactory(slug="was-public", **fields), "renamed")
    assert list(SlugRedirect.objects.values_list("old_slug", flat=True)) == ["was-public"]


def test_accepting_a_submission_under_a_new_title_leaves_no_redirect(editor):
    submission = Question.submit_from_reader(title="my knee hurts pls help, name is Jo Bloggs")
    old_slug = submission.slug

    submission.accept_submission(by=editor, title="Why does my knee hurt after running?")

    submission.refresh_from_db()
    assert submission.slug != old_slug
    assert submission.status == Question.Status.DRAFT
    assert not SlugRedirect.objects.exists()
    assert SlugRedirect.find(Question, old_slug) is None


def test_old_slugs_belong_to_their_own_kind_of_page(client):
    article = ArticleFactory(slug="stretching")
    rename(article, "stretching-guide")
    assert client.get("/questions/stretching/").status_code == 404


def test_unknown_slugs_are_still_not_found(client):
    assert client.get("/questions/never-existed/").status_code == 404
    assert client.get("/articles/never-existed/").status_code == 404


def test_renaming_in_the_admin_keeps_the_old_address(client, editor):
    question = make_public_question(slug="before", tags=["running"])
    client.force_login(editor)
    data = {
        "title": question.title,
        "slug": "after",
        "topic": question.topic_id,
        "tags": "running",
        "details": question.details,
        "published_at_0": question.published_at.strftime("%Y-%m-%d"),
        "published_at_1": question.published_at.strftime("%H:%M:%S"),
    }
    for prefix in ("answers", "article_picks", "assignments"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    page = client.get(url_for(question))
    data["loaded_version"] = page.context["adminform"].form["loaded_version"].value()
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        data[f"{formset.prefix}-TOTAL_FORMS"] = str(formset.initial_form_count())
        data[f"{formset.prefix}-INITIAL_FORMS"] = str(formset.initial_form_count())
        for form in formset.initial_forms:
            data[form.add_prefix("id")] = form.instance.pk
            data[form.add_prefix(formset.fk.name)] = question.pk
    response = client.post(url_for(question), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert client.get("/questions/before/").url == "/questions/after/"
