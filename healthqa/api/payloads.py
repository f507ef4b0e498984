"""The API's items as plain data, from rows read through the `public()` querysets.

Each function takes the rows the endpoint read (with what they need joined or prefetched:
see the `*_for_api` querysets) and a `Links` that makes the absolute addresses.
"""

from urllib.parse import unquote, urlencode

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article
from healthqa.core.citations import doi_url, pmid_url
from healthqa.core.links import cached_reverse
from healthqa.core.markdown import plain_text, render_markdown
from healthqa.models import Answer, Correction, Question, Topic, cited_works
from healthqa.public.views import ANSWER_PEOPLE

SOURCE_FIELDS = ("kind", "title", "authors", "container", "year", "doi", "pmid", "url")


class Links:
    """Absolute addresses for one request: pages, API items, media files."""

    def __init__(self, request):
        self.request = request
        self.origin = request.build_absolute_uri("/").rstrip("/")

    def page(self, obj):
        return self.origin + obj.get_absolute_url()

    def api(self, name, **kwargs):
        return self.origin + cached_reverse(f"api:{name}", **kwargs)

    def file(self, field):
        return self.request.build_absolute_uri(field.url) if field else None

    def tag_page(self, tag):
        return self.origin + cached_reverse("healthqa:tag_detail", slug=tag.slug)


# -- querysets: what each payload reads, in a fixed number of queries ---------------------------


def questions_for_api(queryset):
    """Questions with their topic, tags and approved answers (with the people they name)."""
    answers = Answer.objects.approved().select_related(*ANSWER_PEOPLE)
    return queryset.select_related("topic").prefetch_related(
        Prefetch("answers", queryset=answers, to_attr="approved_answers"), "tags"
    )


def corrections_by_answer(questions):
    """{answer pk: its corrections, newest first} for every answer of `questions`: one query."""
    pks = [answer.pk for question in questions for answer in question.approved_answers]
    return Correction.objects.by_answer(pks)


def articles_for_api(queryset):
    return queryset.select_related("topic", "author", "reviewed_by")


def experts_for_api(queryset):
    return queryset.with_answer_counts().prefetch_related("specialties")


def topics_for_api():
    return Topic.objects.with_public_counts().select_related("parent")


def tags_for_api():
    """Tags on at least one public question or public article, with their public question
    count (a tag page lists both)."""
    items = "taggit_taggeditem_items"

    def tagged(model):
        return Q(
            **{
                f"{items}__content_type": ContentType.objects.get_for_model(model),
                f"{items}__object_id__in": model.objects.public().values("pk"),
            }
        )

    return Tag.objects.annotate(
        question_count=Count(items, filter=tagged(Question), distinct=True),
        article_count=Count(items, filter=tagged(Article), distinct=True),
    ).filter(Q(question_count__gt=0) | Q(article_count__gt=0))


# -- payloads -----------------------------------------------------------------------------------


def topic_ref(topic, links):
    if topic is None:
        return None
    return {
        "name": topic.name,
        "slug": topic.slug,
        "url": links.page(topic),
        "api_url": links.api("topic", slug=topic.slug),
    }


def expert_ref(expert, links):
    if expert is None or not expert.is_active:
        return None
    return {
        "name": expert.name,
        "slug": expert.slug,
        "kind": expert.kind,
        "credentials": expert.credentials,
        "url": links.page(expert),
        "api_url": links.api("expert", slug=expert.slug),
    }


def article_ref(article, links):
    return {
        "title": article.title,
        "slug": article.slug,
        "url": links.page(article),
        "api_url": links.api("article", slug=article.slug),
    }


def tag_ref(tag, links):
    return {"name": tag.name, "slug": tag.slug, "url": links.tag_page(tag)}


def source(work):
    """A cited work (an approved answer's copy, or an article's `Source` row)."""
    data = {name: getattr(work, name) for name in SOURCE_FIELDS}
    data.update(
        doi_url=doi_url(work.doi),
        pmid_url=pmid_url(work.pmid),
        link=work.link,
        accessed_on=work.accessed_on,
    )
    return data


def correction(row):
    return {"date": row.made_at, "note": row.note}


def answer(row, links, corrections):
    reviewer = row.medical_reviewer
    return {
        "id": row.pk,
        "url": links.page(row),
        "body_html": row.body_html,
        "body_text": plain_text(row.body),
        "expert": expert_ref(row.expert, links),
        "approved_at": row.reviewed_at,
        "reviewed_by": row.reviewer_name,
        "medical_reviewer": (
            {
                "name": reviewer.name,
                "credentials": reviewer.credentials,
                "reviewed_on": row.medically_reviewed_on,
            }
            if reviewer is not None
            else None
        ),
        "sources": [source(work) for work in cited_works(row.approved_sources)],
        "corrections": [correction(each) for each in corrections.get(row.pk, [])],
    }


def question(row, links, corrections):
    for each in row.approved_answers:
        each.question = row  # for its page address, without a query
    return {
        "slug": row.slug,
        "title": row.title,
        "url": links.page(row),
        "api_url": links.api("question", slug=row.slug),
        "details_html": str(render_markdown(row.details)),
        "details_text": plain_text(row.details),
        "topic": topic_ref(row.topic, links),
        "tags": [tag_ref(tag, links) for tag in sorted(row.tags.all(), key=lambda t: t.name)],
        "published_at": row.published_at,
        "updated_at": row.updated_at,
        "answers": [answer(each, links, corrections) for each in row.approved_answers],
    }


def question_detail(row, links, corrections, continue_learning):
    return {
        **question(row, links, corrections),
        "continue_learning": [article_ref(each, links) for each in continue_learning],
    }


def article(row, links):
    reviewer = row.reviewed_by
    return {
        "slug": row.slug,
        "title": row.title,
        "excerpt": row.teaser,
        "url": links.page(row),
        "api_url": links.api("article", slug=row.slug),
        "topic": topic_ref(row.topic, links),
        "author": expert_ref(row.author, links),
        "published_at": row.published_at,
        "updated_at": row.updated_at,
        "medical_review": (
            {
                "reviewer": {
                    "name": reviewer.name,
                    "credentials": reviewer.credentials,
                    "reviewed_on": timezone.localdate(row.reviewed_at),
                },
                "reviewed_at": row.reviewed_at,
            }
            if reviewer is not None and row.reviewed_at is not None
            else None
        ),
        "image": {"url": links.file(row.image), "alt": row.image_alt} if row.image else None,
    }


def article_detail(row, links):
    return {
        **article(row, links),
        "body_html": row.body_html,
        "body_text": plain_text(row.body),
        "sources": [source(each) for each in row.sources.all()],
        "corrections": [correction(each) for each in row.corrections.all()],
    }


def expert(row, links):
    return {
        "slug": row.slug,
        "name": row.name,
        "kind": row.kind,
        "credentials": row.credentials,
        "headline": row.headline,
        "url": links.page(row),
        "api_url": links.api("expert", slug=row.slug),
        "photo_url": links.file(row.photo),
        "specialties": [topic_ref(topic, links) for topic in row.specialties.all()],
        "answer_count": row.public_answer_count,
    }


def expert_detail(row, links):
    return {
        **expert(row, links),
        "bio_html": str(render_markdown(row.bio)),
        "bio_text": plain_text(row.bio),
        "website": row.website,
        "verified": row.verified,
    }


def topic(row, links):
    return {
        "slug": row.slug,
        "name": row.name,
        "description": row.description,
        "parent": topic_ref(row.parent, links),
        "url": links.page(row),
        "api_url": links.api("topic", slug=row.slug),
        "question_count": row.public_question_count,
    }


def topic_detail(row, links):
    return {
        **topic(row, links),
        "subtopics": [topic_ref(each, links) for each in row.children.order_by("name")],
    }


def tag(row, links):
    return {
        "name": row.name,
        "slug": row.slug,
        "url": links.tag_page(row),
        "api_url": f"{links.api('questions')}?{urlencode({'tag': row.slug})}",
        "question_count": row.question_count,
    }


def search_hit(hit, links):
    name = "question" if hit.kind == "question" else "article"
    slug = unquote(hit.url.rstrip("/").rsplit("/", 1)[-1])
    return {
        "type": hit.kind,
        "title": hit.title,
        "url": links.origin + hit.url,
        "api_url": links.api(name, slug=slug),
        "snippet": str(hit.snippet),
        "published_at": hit.published_at,
    }
