"""What `load_demo` gives the trust features: sources, a correction, a medical reviewer, the
publisher's pages, and the reference answer left as it was."""

from io import StringIO

import pytest
from django.core.management import call_command

from articles.models import Article
from healthqa.demo import content
from healthqa.models import Answer, Correction, PublisherPage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def load_demo():
    call_command("load_demo", stdout=StringIO())


def corrected_answer():
    return Answer.objects.get(
        question__slug="how-much-exercise-do-adults-need-each-week", expert__slug="hannah-lindqvist"
    )


def test_one_demo_answer_has_two_sources_and_one_correction():
    load_demo()
    answer = corrected_answer()
    assert [source["title"][:20] for source in answer.approved_sources] == [
        "World Health Organiz",
        "WHO guidelines on ph",
    ]
    assert answer.approved_sources[0]["doi"] == "10.1136/bjsports-2020-102955"
    assert answer.approved_sources[0]["pmid"] == "33239350"
    assert answer.sources.count() == 2
    correction = Correction.objects.get()
    assert correction.answer == answer
    assert correction.revision.body == answer.body
    assert "two or more days a week [2]" in answer.body
    assert "one day a week" in correction.note


def test_the_reference_answer_has_no_sources_and_no_correction():
    load_demo()
    reference = Answer.objects.get(question__slug=content.SEED_QUESTION_SLUG)
    assert reference.body == content.SEED_ANSWER_BODY
    assert reference.approved_sources == []
    assert not reference.corrections.exists()


def test_one_article_names_a_clinician_as_medical_reviewer():
    load_demo()
    reviewed = Article.objects.exclude(reviewed_by=None)
    assert reviewed.count() == 1
    article = reviewed.get()
    assert article.reviewed_by.is_clinician
    assert article.reviewed_by != article.author
    assert article.reviewed_at is not None


def test_the_six_publisher_pages_are_demo_content():
    load_demo()
    pages = PublisherPage.objects.all()
    assert sorted(page.slug for page in pages) == sorted(PublisherPage.Kind.values)
    assert all(page.is_demo and "demonstration" in page.body.lower() for page in pages)


def test_loading_twice_adds_no_second_correction_or_sources():
    load_demo()
    load_demo()
    assert Correction.objects.count() == 1
    assert corrected_answer().sources.count() == 2
