"""What the API answers: one `Schema` per payload, documented in the OpenAPI schema.

Payloads are built as plain data by `healthqa.api.payloads` and checked against these before
they leave (`healthqa.api.endpoints.respond`), so the schema and the answers cannot drift apart.
"""

from datetime import date, datetime

from ninja import Field, Schema

URL = "Absolute address of the public page on the site."
API_URL = "Absolute address of this item in the API."


class Meta(Schema):
    total_count: int = Field(description="How many items the listing holds, on every page.")
    next: str | None = Field(description="Address of the next page, or null on the last one.")
    previous: str | None = Field(
        description="Address of the previous page, or null on the first one."
    )


class TopicRef(Schema):
    name: str
    slug: str
    url: str = Field(description=URL)
    api_url: str = Field(description=API_URL)


class TagRef(Schema):
    name: str
    slug: str
    url: str = Field(description=URL)


class ExpertRef(Schema):
    name: str
    slug: str
    kind: str = Field(description='"person" or "organization".')
    credentials: str = Field(description='For example "MD, FACSM"; may be empty.')
    url: str = Field(description=URL)
    api_url: str = Field(description=API_URL)


class ArticleRef(Schema):
    title: str
    slug: str
    url: str = Field(description=URL)
    api_url: str = Field(description=API_URL)


class Source(Schema):
    kind: str = Field(description="journal_article, guideline, book or web_page.")
    title: str
    authors: str
    container: str = Field(description="The journal, or the publisher.")
    year: int | None
    doi: str
    doi_url: str = Field(description="https://doi.org/… when the source has a DOI, else empty.")
    pmid: str
    pmid_url: str = Field(description="The PubMed page when the source has a PMID, else empty.")
    url: str = Field(description="The address the source was read at, if any.")
    link: str = Field(description="Where the title links: its address, else DOI, else PubMed.")
    accessed_on: date | None


class Correction(Schema):
    date: datetime = Field(description="When the correction was published.")
    note: str = Field(description="What was wrong and what was changed.")


class MedicalReview(Schema):
    name: str = Field(description="The clinician who checked the medical content.")
    credentials: str
    reviewed_on: date | None


class Answer(Schema):
    id: int
    url: str = Field(description="The answer on its question's page.")
    body_html: str = Field(description="The answer as sanitized HTML.")
    body_text: str = Field(description="The answer as plain text.")
    expert: ExpertRef
    approved_at: datetime | None = Field(description="When a moderator approved the live text.")
    reviewed_by: str = Field(description="Public name of the moderator who approved it.")
    medical_reviewer: MedicalReview | None
    sources: list[Source]
    corrections: list[Correction] = Field(description="Corrections of the answer, newest first.")


class Question(Schema):
    slug: str
    title: str
    url: str = Field(description=URL)
    api_url: str = Field(description=API_URL)
    details_html: str = Field(description="The question's details as sanitized HTML.")
    details_text: str = Field(description="The question's details as plain text.")
    topic: TopicRef | None
    tags: list[TagRef]
    published_at: datetime
    updated_at: datetime = Field(
        description="Last change to the question or any of its answers (see `updated_since`)."
    )
    answers: list[Answer] = Field(description="Approved answers, in the page's order.")


class QuestionDetail(Question):
    continue_learning: list[ArticleRef] = Field(
        description='The "Continue Learning" articles shown on the question page, in order.'
    )


class Image(Schema):
    url: str = Field(description="Absolute address of the image file.")
    alt: str = Field(description="Text describing the image.")


class ArticleReview(Schema):
    reviewer: MedicalReview = Field(description="The clinician who checked the content.")
    reviewed_at: datetime


class Article(Schema):
    slug: str
    title: str
    excerpt: str = Field(description="Teaser in plain text.")
    url: str = Field(description=URL)
    api_url: str = Field(description=API_URL)
    topic: TopicRef | None
    author: ExpertRef | None
    published_at: datetime
    updated_at: datetime
    medical_review: ArticleReview | None
    image: Image | None


class ArticleDetail(Article):
    body_html: str = Field(description="The article as sanitized HTML.")
    body_text: str = Field(description="The article as plain text.")
    sources: list[Source]
    corrections: list[Correction]


class Expert(Schema):
    slug: str
    name: str
    kind: str = Field(description='"person" or "organization".')
    credentials: str
    headline: str
    url: str = Field(description=URL)
    api_url: str = Field(description=API_URL)
    photo_url: str | None = Field(description="Absolute address of the portrait or logo.")
    specialties: list[TopicRef]
    answer_count: int = Field(description="How many of the expert's answers readers may see.")


class ExpertDetail(Expert):
    bio_html: str = Field(description="The biography as sanitized HTML.")
    bio_text: str
    website: str
    verified: bool = Field(description="Whether the site checked the expert's credentials.")


class Topic(Schema):
    slug: str
    name: str
    description: str
    parent: TopicRef | None
    url: str = Field(description=URL)
    api_url: str = Field(description=API_URL)
    question_count: int = Field(description="How many public questions the topic holds.")


class TopicDetail(Topic):
    subtopics: list[TopicRef]


class Tag(Schema):
    name: str
    slug: str
    url: str = Field(description=URL)
    api_url: str = Field(description="The API's question listing filtered by this tag.")
    question_count: int = Field(description="How many public questions carry the tag.")


class SearchHit(Schema):
    type: str = Field(description='"question" or "article".')
    title: str
    url: str = Field(description=URL)
    api_url: str = Field(description=API_URL)
    snippet: str = Field(description="Matching text, HTML-escaped, with <mark> around matches.")
    published_at: datetime | None


class ErrorBody(Schema):
    status: int
    message: str


class Error(Schema):
    error: ErrorBody


def listing(name, item):
    """The schema of a listing of `item`s: `{"meta": {...}, "items": [...]}`."""
    return type(name, (Schema,), {"__annotations__": {"meta": Meta, "items": list[item]}})


QuestionList = listing("QuestionList", Question)
ArticleList = listing("ArticleList", Article)
ExpertList = listing("ExpertList", Expert)
TopicList = listing("TopicList", Topic)
TagList = listing("TagList", Tag)
SearchResults = listing("SearchResults", SearchHit)
