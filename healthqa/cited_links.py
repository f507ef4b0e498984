"""The web addresses our pages cite and the pages citing each, and the stored link checks
(`manage.py check_sources` fetches them through `healthqa.core.linkcheck`).

An address is cited by an article's sources, an answer's working list (`AnswerSource`), its
approved list (`Answer.approved_sources`, what readers see) or a pending revision's copy.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from articles.models import Article, Source
from healthqa.core.linkcheck import is_web_address
from healthqa.models import Answer, AnswerRevision, AnswerSource, LinkCheck

URL_MAX = LinkCheck._meta.get_field("url").max_length
FINAL_URL_MAX = LinkCheck._meta.get_field("final_url").max_length
ERROR_MAX = LinkCheck._meta.get_field("error").max_length

LIVE = "live"
WORKING_LIST = "working list"
PENDING_REVISION = "pending revision"
APPROVED_NOT_LIVE = "approved list (answer not approved)"


def _urls_in(copies):
    for data in copies if isinstance(copies, list) else []:
        if isinstance(data, dict) and isinstance(data.get("url"), str) and data["url"]:
            yield data["url"]


def _pending_revisions():
    return AnswerRevision.objects.filter(status=AnswerRevision.Status.PENDING)


def cited_urls():
    """Every distinct http(s) address cited anywhere, sorted."""
    urls = set(Source.objects.exclude(url="").values_list("url", flat=True))
    urls.update(AnswerSource.objects.exclude(url="").values_list("url", flat=True))
    copies = Answer.objects.exclude(approved_sources=[]).values_list("approved_sources", flat=True)
    for listed in copies.iterator(chunk_size=2000):
        urls.update(_urls_in(listed))
    copies = _pending_revisions().exclude(sources=[]).values_list("sources", flat=True)
    for listed in copies.iterator(chunk_size=2000):
        urls.update(_urls_in(listed))
    return sorted(url for url in urls if len(url) <= URL_MAX and is_web_address(url))


def stale_only(urls, days):
    """Those of `urls` not checked within `days` days (never checked included)."""
    since = timezone.now() - timedelta(days=days)
    fresh = set(LinkCheck.objects.filter(checked_at__gte=since).values_list("url", flat=True))
    return [url for url in urls if url not in fresh]


def outcome_of(result):
    """The `LinkCheck.Outcome` of a `healthqa.core.linkcheck.LinkResult`."""
    if result.broken:
        return LinkCheck.Outcome.BROKEN
    return LinkCheck.Outcome.REDIRECTED if result.final_url else LinkCheck.Outcome.OK


def store_checks(results, *, checked_at=None):
    """One `LinkCheck` per result, inserted or replaced; returns a Counter of outcomes."""
    checked_at = checked_at or timezone.now()
    rows = [
        LinkCheck(
            url=result.url,
            outcome=outcome_of(result),
            status_code=result.status_code,
            # A longer address than the column holds is cut: it is shown, never followed.
            final_url=result.final_url[:FINAL_URL_MAX],
            error=result.error[:ERROR_MAX],
            checked_at=checked_at,
        )
        for result in results
    ]
    LinkCheck.objects.bulk_create(
        rows,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["url"],
        update_fields=["outcome", "status_code", "final_url", "error", "checked_at"],
    )
    return Counter(row.outcome for row in rows)


def forget_uncited(cited):
    """Delete the checks of addresses no page cites any more; returns how many."""
    cited = set(cited)
    gone = [url for url in LinkCheck.objects.values_list("url", flat=True) if url not in cited]
    for start in range(0, len(gone), 500):
        LinkCheck.objects.filter(url__in=gone[start : start + 500]).delete()
    return len(gone)


# Printable ASCII but for the quote and the backslash: written alike in every JSON text.
_PLAIN = re.compile(r"[!#-\[\]-~]+")


def _mentioning(queryset, name, urls):
    """`queryset` narrowed to rows whose JSON field `name` may hold one of `urls` (a text
    match in the database; callers compare the decoded values exactly)."""
    needles = {max(_PLAIN.findall(url), key=len, default="") for url in urls}
    match = Q()
    for needle in needles:
        match |= Q(json_text__contains=needle)
    return queryset.annotate(json_text=Cast(name, TextField())).filter(match)


@dataclass
class CitingPage:
    """An article or an answer citing an address, and where in it the address is listed."""

    article: Article | None = None
    answer: Answer | None = None
    where: set = field(default_factory=set)

    @property
    def live(self):
        return LIVE in self.where

    @property
    def summary(self):
        """Where the address is listed, for the report: "live", "live; also in working list",
        "not live: only in pending revision"…"""
        others = sorted(self.where - {LIVE})
        if self.article is not None:
            return LIVE if self.live else f"not live ({', '.join(others)})"
        if self.live:
            return LIVE + (f"; also in {', '.join(others)}" if others else "")
        return f"not live: only in {', '.join(others)}"


def pages_citing(urls):
    """{url: [CitingPage, live ones first]} for each of `urls`, in five queries however many."""
    urls = set(urls)
    if not urls:
        return {}
    found = {}  # (url, 0 for an article or 1 for an answer, pk) -> CitingPage

    sources = Source.objects.filter(url__in=urls).select_related("article")
    for source in sources.only("url", "article", "article__title", "article__status"):
        page = found.setdefault((source.url, 0, source.article_id), CitingPage())
        page.article = source.article
        published = source.article.status == Article.Status.PUBLISHED
        page.where.add(LIVE if published else source.article.get_status_display().lower())

    places = []  # (url, answer id, place); LIVE is settled once the answer's status is known
    working = AnswerSource.objects.filter(url__in=urls).values_list("url", "answer_id")
    places += [(url, answer_id, WORKING_LIST) for url, answer_id in working]
    approved = _mentioning(Answer.objects.all(), "approved_sources", urls)
    for pk, listed in approved.values_list("pk", "approved_sources"):
        places += [(url, pk, LIVE) for url in urls.intersection(_urls_in(listed))]
    pending = _mentioning(_pending_revisions(), "sources", urls)
    for answer_id, listed in pending.values_list("answer_id", "sources"):
        places += [
            (url, answer_id, PENDING_REVISION) for url in urls.intersection(_urls_in(listed))
        ]

    answers = Answer.objects.select_related("question", "expert").only(
        "status", "question", "question__title", "expert", "expert__name"
    )
    answers = answers.in_bulk({answer_id for _url, answer_id, _place in places})
    for url, answer_id, place in places:
        answer = answers[answer_id]
        if place == LIVE and answer.status != Answer.Status.APPROVED:
            place = APPROVED_NOT_LIVE
        page = found.setdefault((url, 1, answer_id), CitingPage(answer=answer))
        page.where.add(place)

    by_url = {}
    for (url, _kind, _pk), page in sorted(found.items()):
        by_url.setdefault(url, []).append(page)
    for pages in by_url.values():
        pages.sort(key=lambda page: not page.live)
    return by_url
