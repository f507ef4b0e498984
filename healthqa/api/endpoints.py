"""The API's GET endpoints: thin views over the `public()` querysets the pages use.

Every response of an anonymous reader goes through the page cache (`cached_page`), with the
same collection keys as the matching HTML page, except search, which no cache keeps (as the
search page). Listings are paged by cursor (`healthqa.api.paging`).
"""

import re
from datetime import UTC, datetime

from django.http import HttpResponsePermanentRedirect, JsonResponse
from ninja import Query, Router
from ninja.decorators import decorate_view
from ninja.errors import HttpError
from taggit.models import Tag

from articles.models import Article
from experts.models import Expert
from healthqa import search as site_search
from healthqa.api import payloads, schemas
from healthqa.api.paging import DEFAULT_LIMIT, MAX_LIMIT, Ordering, paginate, positions
from healthqa.models import Question, SlugRedirect, Topic
from healthqa.pagecache.keys import depends_on
from healthqa.pagecache.middleware import cached_page
from healthqa.pagecache.shared import shared_part
from healthqa.public.forms import SearchForm

router = Router()

CONTINUE_LEARNING = 4
NEWEST_FIRST = Ordering("-published_at", "-pk")
# With `updated_since`, oldest change first: a row changed while a partner pages through the
# listing moves to its end, where the walk still finds it.
OLDEST_CHANGE_FIRST = Ordering("updated_at", "pk")

LIMIT = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"Items per page, 1 to {MAX_LIMIT}.")
CURSOR = Query(None, description="Opaque position from a listing's `next` or `previous` link.")
FIELDS = Query(
    None,
    description="Comma-separated top-level fields to include in each item (default: all).",
)
TOPIC = Query(None, description="Only items of the topic with this slug.")
TAG = Query(None, description="Only items with the tag of this slug.")
UPDATED_SINCE = Query(
    None,
    description="ISO 8601 date or date and time (UTC when no offset is given): only items "
    "changed at or after it, oldest change first.",
)
# 401 (a bad key) and 429 are answered before the endpoints (healthqa.api.middleware).
ERRORS = {400: schemas.Error, 401: schemas.Error, 429: schemas.Error}
DETAIL_ERRORS = {**ERRORS, 404: schemas.Error}
# What a slug may hold (taggit's are Unicode): anything else names nothing, and never reaches the
# database (PostgreSQL refuses a NUL in a string).
SLUG = re.compile(r"[-\w]{1,255}")


def shared_count(request, listing, queryset, keys):
    """The listing's `total_count`, counted once by each worker while nothing the listing
    shows changes (`keys`: the listing's collection keys), not once per page: with 100,000
    questions the count costs more than the page."""
    name = f"api-count:{listing}:{' '.join(sorted(keys))}"
    return lambda: shared_part(request, name, queryset.order_by().count, depends=keys)


def filtered(request, kind, public, topic, tag, updated_since):
    """A listing of questions or articles (`kind`) narrowed by `?topic=`, `?tag=` and
    `?updated_since=`: (rows, their ordering, the shared count or None). Names the collection
    keys the listing depends on, as the HTML lists do."""
    ordering, count = NEWEST_FIRST, None
    if topic is not None:
        found = topic_named(topic)
        keys = [f"{kind}@topic:{found.pk}"]
        public = public.filter(topic=found)
    else:
        keys = [f"{kind}@all"]
    if tag is not None:
        found = tag_named(tag)
        keys += [f"tagged@tag:{found.pk}", f"{kind}@all"]
        public = public.filter(tags=found)
    depends_on(*keys)
    if updated_since is not None:
        public = public.filter(updated_at__gte=updated_since_moment(updated_since))
        ordering = OLDEST_CHANGE_FIRST
    else:
        count = shared_count(request, kind, public, keys)
    return public, ordering, count


def chosen_fields(fields, schema):
    """The set of top-level fields `?fields=` asks for (None: all of them)."""
    if fields is None or not fields.strip():
        return None
    asked = {name.strip() for name in fields.split(",") if name.strip()}
    valid = schema.model_fields.keys()
    unknown = asked - valid
    if unknown:
        raise HttpError(
            400,
            f"fields: unknown field(s) {', '.join(sorted(unknown))}; "
            f"choose from {', '.join(valid)}.",
        )
    return asked


def respond(schema, payload, fields=None, *, listing=False):
    """`payload` checked against `schema`, with only the `fields` asked for."""
    include = None
    if fields is not None:
        include = {"meta": True, "items": {"__all__": fields}} if listing else fields
    data = schema.model_validate(payload).model_dump(mode="json", include=include)
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


def listing_response(request, schema, item_schema, page, items, fields):
    chosen = chosen_fields(fields, item_schema)
    return respond(schema, {"meta": page.meta(request), "items": items}, chosen, listing=True)


def updated_since_moment(value):
    """The moment `?updated_since=` names, in UTC (which it means when it names no offset)."""
    try:
        moment = datetime.fromisoformat(value.strip())
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise HttpError(
            400,
            "updated_since: give an ISO 8601 date or date and time, such as 2025-03-14 or "
            "2025-03-14T09:30:00Z.",
        ) from None


def sluglike(value):
    return bool(SLUG.fullmatch(value))


def topic_named(slug):
    found = Topic.objects.filter(slug=slug).first() if sluglike(slug) else None
    if found is None:
        raise HttpError(400, "topic: no topic has this slug.")
    return found


def tag_named(slug):
    found = Tag.objects.filter(slug=slug).first() if sluglike(slug) else None
    if found is None:
        raise HttpError(400, "tag: no tag has this slug.")
    return found


def renamed(request, model, slug, name):
    """A 301 to the API address of the public row that used to live at `slug`, else None."""
    object_id = SlugRedirect.find(model, slug) if sluglike(slug) else None
    if object_id is None:
        return None
    current = model.objects.public().filter(pk=object_id).values_list("slug", flat=True).first()
    if current is None:
        return None
    target = payloads.Links(request).api(name, slug=current)
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(f"{target}?{query}" if query else target)


def not_found():
    raise HttpError(404, "Not found.")


def visible(queryset, slug):
    """The row of `queryset` at `slug`, or None."""
    return queryset.filter(slug=slug).first() if sluglike(slug) else None


@router.get(
    "/questions/",
    response={200: schemas.QuestionList, **ERRORS},
    url_name="questions",
    summary="Public questions with their approved answers",
    tags=["questions"],
)
@decorate_view(cached_page)
def questions(
    request,
    topic: str | None = TOPIC,
    tag: str | None = TAG,
    updated_since: str | None = UPDATED_SINCE,
    limit: int = LIMIT,
    cursor: str | None = CURSOR,
    fields: str | None = FIELDS,
):
    """Newest first; with `updated_since`, the questions changed since (an answer's change is
    a change of its question), oldest change first."""
    chosen_fields(fields, schemas.Question)
    public, ordering, count = filtered(
        request, "question", Question.objects.public(), topic, tag, updated_since
    )
    rows = payloads.questions_for_api(public)
    page = paginate(rows, ordering, cursor=cursor, limit=limit, count=count)
    depends_on(*(f"answer@question:{row.pk}" for row in page.rows))
    links, corrections = payloads.Links(request), payloads.corrections_by_answer(page.rows)
    items = [payloads.question(row, links, corrections) for row in page.rows]
    return listing_response(request, schemas.QuestionList, schemas.Question, page, items, fields)


@router.get(
    "/questions/{slug}/",
    response={200: schemas.QuestionDetail, 301: None, **DETAIL_ERRORS},
    url_name="question",
    summary="A public question, its approved answers and Continue Learning articles",
    tags=["questions"],
)
@decorate_view(cached_page)
def question(request, slug: str, fields: str | None = FIELDS):
    """An old address of a renamed question answers 301 with the new one."""
    chosen = chosen_fields(fields, schemas.QuestionDetail)
    row = visible(payloads.questions_for_api(Question.objects.public()), slug)
    if row is None:
        return renamed(request, Question, slug, "question") or not_found()
    tags = sorted(row.tags.all(), key=lambda t: t.name)
    depends_on(f"answer@question:{row.pk}", f"pick@question:{row.pk}")
    depends_on(*(f"tagged@tag:{each.pk}" for each in tags))
    if row.topic_id:
        depends_on(f"article@topic:{row.topic_id}")
    picks = Article.objects.continue_learning(row, CONTINUE_LEARNING, tags=tags)
    links, corrections = payloads.Links(request), payloads.corrections_by_answer([row])
    payload = payloads.question_detail(row, links, corrections, picks)
    return respond(schemas.QuestionDetail, payload, chosen)


@router.get(
    "/articles/",
    response={200: schemas.ArticleList, **ERRORS},
    url_name="articles",
    summary="Published articles",
    tags=["articles"],
)
@decorate_view(cached_page)
def articles(
    request,
    topic: str | None = TOPIC,
    tag: str | None = TAG,
    updated_since: str | None = UPDATED_SINCE,
    limit: int = LIMIT,
    cursor: str | None = CURSOR,
    fields: str | None = FIELDS,
):
    """Newest first; with `updated_since`, oldest change first."""
    chosen_fields(fields, schemas.Article)
    public, ordering, count = filtered(
        request, "article", Article.objects.public(), topic, tag, updated_since
    )
    rows = payloads.articles_for_api(public)
    page = paginate(rows, ordering, cursor=cursor, limit=limit, count=count)
    links = payloads.Links(request)
    items = [payloads.article(row, links) for row in page.rows]
    return listing_response(request, schemas.ArticleList, schemas.Article, page, items, fields)


@router.get(
    "/articles/{slug}/",
    response={200: schemas.ArticleDetail, 301: None, **DETAIL_ERRORS},
    url_name="article",
    summary="A published article with its text, sources and corrections",
    tags=["articles"],
)
@decorate_view(cached_page)
def article(request, slug: str, fields: str | None = FIELDS):
    """An old address of a renamed article answers 301 with the new one."""
    chosen = chosen_fields(fields, schemas.ArticleDetail)
    public = payloads.articles_for_api(Article.objects.public()).prefetch_related("sources")
    row = visible(public, slug)
    if row is None:
        return renamed(request, Article, slug, "article") or not_found()
    depends_on("article@all", f"source@article:{row.pk}")
    payload = payloads.article_detail(row, payloads.Links(request))
    return respond(schemas.ArticleDetail, payload, chosen)


@router.get(
    "/experts/",
    response={200: schemas.ExpertList, **ERRORS},
    url_name="experts",
    summary="Experts who answer questions",
    tags=["experts"],
)
@decorate_view(cached_page)
def experts(request, limit: int = LIMIT, cursor: str | None = CURSOR, fields: str | None = FIELDS):
    """Verified experts first, then by name (as the expert directory)."""
    chosen_fields(fields, schemas.Expert)
    depends_on("expert@all", "question@all")
    public = payloads.experts_for_api(Expert.objects.public())
    page = paginate(public, Ordering("-verified", "name", "pk"), cursor=cursor, limit=limit)
    links = payloads.Links(request)
    items = [payloads.expert(row, links) for row in page.rows]
    return listing_response(request, schemas.ExpertList, schemas.Expert, page, items, fields)


@router.get(
    "/experts/{slug}/",
    response={200: schemas.ExpertDetail, **DETAIL_ERRORS},
    url_name="expert",
    summary="An expert's profile",
    tags=["experts"],
)
@decorate_view(cached_page)
def expert(request, slug: str, fields: str | None = FIELDS):
    chosen = chosen_fields(fields, schemas.ExpertDetail)
    row = visible(payloads.experts_for_api(Expert.objects.public()), slug)
    if row is None:
        not_found()
    depends_on(f"answer@expert:{row.pk}", "question@all")
    payload = payloads.expert_detail(row, payloads.Links(request))
    return respond(schemas.ExpertDetail, payload, chosen)


@router.get(
    "/topics/",
    response={200: schemas.TopicList, **ERRORS},
    url_name="topics",
    summary="Topics, by name",
    tags=["topics"],
)
@decorate_view(cached_page)
def topics(request, limit: int = LIMIT, cursor: str | None = CURSOR, fields: str | None = FIELDS):
    chosen_fields(fields, schemas.Topic)
    depends_on("topic@all", "question@all")
    page = paginate(payloads.topics_for_api(), Ordering("name", "pk"), cursor=cursor, limit=limit)
    links = payloads.Links(request)
    items = [payloads.topic(row, links) for row in page.rows]
    return listing_response(request, schemas.TopicList, schemas.Topic, page, items, fields)


@router.get(
    "/topics/{slug}/",
    response={200: schemas.TopicDetail, **DETAIL_ERRORS},
    url_name="topic",
    summary="A topic and its subtopics",
    tags=["topics"],
)
@decorate_view(cached_page)
def topic(request, slug: str, fields: str | None = FIELDS):
    """Its public questions are `questions/?topic=<slug>`."""
    chosen = chosen_fields(fields, schemas.TopicDetail)
    row = visible(payloads.topics_for_api(), slug)
    if row is None:
        not_found()
    depends_on(f"question@topic:{row.pk}", "topic@all")
    payload = payloads.topic_detail(row, payloads.Links(request))
    return respond(schemas.TopicDetail, payload, chosen)


@router.get(
    "/tags/",
    response={200: schemas.TagList, **ERRORS},
    url_name="tags",
    summary="Tags of public questions and articles, by name",
    tags=["tags"],
)
@decorate_view(cached_page)
def tags(request, limit: int = LIMIT, cursor: str | None = CURSOR, fields: str | None = FIELDS):
    chosen_fields(fields, schemas.Tag)
    # "tagged@all": any tagging, anywhere (the page cache's rule for taggit_taggeditem).
    depends_on("question@all", "article@all", "tagged@all")
    page = paginate(payloads.tags_for_api(), Ordering("name", "pk"), cursor=cursor, limit=limit)
    links = payloads.Links(request)
    items = [payloads.tag(row, links) for row in page.rows]
    return listing_response(request, schemas.TagList, schemas.Tag, page, items, fields)


@router.get(
    "/search/",
    response={200: schemas.SearchResults, **ERRORS},
    url_name="search",
    summary="Full-text search over public questions and articles, best match first",
    tags=["search"],
)
def search(
    request,
    q: str = Query(..., description="The words to look for (at most 1,000 characters)."),
    topic: str | None = Query(None, description="Only results of the topic with this slug."),
    type: str | None = Query(None, description='"question" or "article".'),
    limit: int = LIMIT,
    cursor: str | None = CURSOR,
    fields: str | None = FIELDS,
):
    """The search of the /search/ page. Results change with every publication: not cached."""
    chosen_fields(fields, schemas.SearchHit)
    form = SearchForm({"q": q, "topic": topic or "", "type": type or ""})
    if not form.is_valid():
        problems = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items())
        raise HttpError(400, problems)
    data = form.cleaned_data
    if not data["q"]:
        raise HttpError(400, "q: give the words to look for.")
    results = site_search.search(data["q"], topic=data["topic"], kind=data["type"] or None)
    page = positions(results, cursor=cursor, limit=limit)
    links = payloads.Links(request)
    items = [payloads.search_hit(hit, links) for hit in page.rows]
    response = listing_response(
        request, schemas.SearchResults, schemas.SearchHit, page, items, fields
    )
    response["Cache-Control"] = "no-store"
    return response
