"""JSON-LD of trust: citations with their identifiers, medical reviewers, dates modified."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from healthqa.models import Citation, Correction
from tests.factories import (
    AnswerFactory,
    ArticleFactory,
    ExpertFactory,
    QuestionFactory,
    SourceFactory,
)
from tests.public.test_seo import BASE, of_type
from tests.public.test_sources_on_pages import JOURNAL, WEB_PAGE

pytestmark = pytest.mark.django_db

GUIDELINE = {
    **WEB_PAGE,
    "kind": Citation.Kind.GUIDELINE,
    "title": "Low back pain and sciatica in over 16s",
    "authors": "National Institute for Health and Care Excellence",
    "container": "NICE",
    "year": 2016,
    "accessed_on": None,
}


def qa_page(client, question):
    return of_type(client.get(question.get_absolute_url()).content.decode(), "QAPage")


def medical_web_page(client, article):
    return of_type(client.get(article.get_absolute_url()).content.decode(), "MedicalWebPage")


def test_an_answer_cites_journal_articles_as_scholarly_articles(client):
    question = QuestionFactory()
    AnswerFactory(question=question, approved_sources=[JOURNAL])
    [cited] = qa_page(client, question)["mainEntity"]["acceptedAnswer"]["citation"]
    assert cited == {
        "@type": "ScholarlyArticle",
        "name": "Core stability exercise for low back pain",
        "author": [{"@type": "Person", "name": "Smith J"}, {"@type": "Person", "name": "Jones K"}],
        "isPartOf": {"@type": "Periodical", "name": "Journal of Spine Care"},
        "datePublished": "2020",
        "url": "https://doi.org/10.1249/mss.0000000000001234",
        "identifier": [
            {
                "@type": "PropertyValue",
                "propertyID": "DOI",
                "value": "10.1249/mss.0000000000001234",
            },
            {"@type": "PropertyValue", "propertyID": "PMID", "value": "31234567"},
        ],
        "sameAs": [
            "https://doi.org/10.1249/mss.0000000000001234",
            "https://pubmed.ncbi.nlm.nih.gov/31234567/",
        ],
    }


def test_other_sources_are_creative_works_by_organizations(client):
    question = QuestionFactory()
    AnswerFactory(question=question, position=0)
    AnswerFactory(question=question, position=1, approved_sources=[GUIDELINE, WEB_PAGE])
    [suggested] = qa_page(client, question)["mainEntity"]["suggestedAnswer"]
    guideline, web = suggested["citation"]
    assert guideline == {
        "@type": "CreativeWork",
        "name": "Low back pain and sciatica in over 16s",
        "author": {
            "@type": "Organization",
            "name": "National Institute for Health and Care Excellence",
        },
        "publisher": {"@type": "Organization", "name": "NICE"},
        "datePublished": "2016",
        "url": "https://www.example.org/back-pain",
    }
    assert web["@type"] == "CreativeWork" and "identifier" not in web and "sameAs" not in web


def test_an_answer_without_sources_has_no_citation(client):
    question = QuestionFactory()
    AnswerFactory(question=question)
    assert "citation" not in qa_page(client, question)["mainEntity"]["acceptedAnswer"]


def test_an_article_cites_its_sources(client):
    article = ArticleFactory()
    SourceFactory(
        article=article,
        kind=Citation.Kind.JOURNAL_ARTICLE,
        title="Yoga for back pain",
        authors="Lee A",
        container="Spine",
        year=2019,
        pmid="30912345",
        url="",
    )
    [cited] = medical_web_page(client, article)["citation"]
    assert cited["@type"] == "ScholarlyArticle" and cited["name"] == "Yoga for back pain"
    assert cited["author"] == {"@type": "Person", "name": "Lee A"}
    assert cited["identifier"] == [
        {"@type": "PropertyValue", "propertyID": "PMID", "value": "30912345"}
    ]
    assert cited["sameAs"] == ["https://pubmed.ncbi.nlm.nih.gov/30912345/"]
    assert cited["url"] == "https://pubmed.ncbi.nlm.nih.gov/30912345/"


def test_date_modified_is_the_latest_approval_or_correction(client):
    question = QuestionFactory()
    answer = AnswerFactory(question=question)
    page = qa_page(client, question)
    approved = answer.reviewed_at.isoformat()
    assert page["dateModified"] == approved
    assert page["mainEntity"]["dateModified"] == approved
    assert page["mainEntity"]["acceptedAnswer"]["dateModified"] == approved

    later = answer.reviewed_at + timedelta(hours=5)
    Correction.objects.create(answer=answer, note="Fixed the dose.", made_at=later)
    page = qa_page(client, question)
    assert page["dateModified"] == later.isoformat()
    assert page["mainEntity"]["dateModified"] == later.isoformat()
    assert page["mainEntity"]["acceptedAnswer"]["dateModified"] == later.isoformat()
    assert page["mainEntity"]["acceptedAnswer"]["datePublished"] == approved


def test_an_articles_date_modified_counts_its_latest_correction(client):
    article = ArticleFactory()
    assert medical_web_page(client, article)["dateModified"] == article.updated_at.isoformat()
    later = article.updated_at + timedelta(days=2)
    Correction.objects.create(article=article, note="Fixed a stretch.", made_at=later)
    assert medical_web_page(client, article)["dateModified"] == later.isoformat()


def test_the_accepted_answers_medical_reviewer_is_the_pages_reviewer(client, moderator):
    reviewer = ExpertFactory(is_clinician=True, name="Dr. Maya Chen", credentials="MD, MPH")
    question = QuestionFactory()
    AnswerFactory(
        question=question,
        reviewed_by=moderator,
        medical_reviewer=reviewer,
        medically_reviewed_on=date(2026, 11, 30),
    )
    page = qa_page(client, question)
    assert page["reviewedBy"] == {
        "@type": "Person",
        "name": "Dr. Maya Chen",
        "url": f"{BASE}{reviewer.get_absolute_url()}",
        "honorificSuffix": "MD, MPH",
    }
    assert page["lastReviewed"] == "2026-11-30"


def test_without_a_medical_reviewer_the_moderators_approval_stays(client, moderator):
    question = QuestionFactory()
    accepted = AnswerFactory(question=question, position=0, reviewed_by=moderator)
    # A second answer's clinician does not speak for the accepted one.
    AnswerFactory(
        question=question,
        position=1,
        reviewed_at=accepted.reviewed_at - timedelta(days=1),
        medical_reviewer=ExpertFactory(is_clinician=True, name="Dr. Other"),
        medically_reviewed_on=date(2026, 1, 2),
    )
    page = qa_page(client, question)
    assert page["lastReviewed"] == accepted.reviewed_at.isoformat()
    assert page["reviewedBy"]["@type"] == "Person"
    assert page["reviewedBy"]["name"] != "Dr. Other"


def test_an_articles_medical_reviewer_carries_their_credentials(client):
    reviewer = ExpertFactory(is_clinician=True, name="Dr. Sam Reviewer", credentials="DPT")
    article = ArticleFactory(reviewed_by=reviewer, reviewed_at=timezone.now())
    page = medical_web_page(client, article)
    assert page["reviewedBy"]["name"] == "Dr. Sam Reviewer"
    assert page["reviewedBy"]["honorificSuffix"] == "DPT"
    assert page["lastReviewed"] == article.reviewed_at.isoformat()


def test_hostile_source_text_cannot_break_out_of_the_script(client):
    question = QuestionFactory()
    title = "</script><script>alert(1)</script>"
    AnswerFactory(question=question, approved_sources=[{**JOURNAL, "title": title}])
    html = client.get(question.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html
    [cited] = of_type(html, "QAPage")["mainEntity"]["acceptedAnswer"]["citation"]
    assert cited["name"] == title
