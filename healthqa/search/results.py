"""Ranked, paginated hits: what `search()` and `suggest()` return."""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from articles.models import Article
from healthqa.models import SearchDocument
from healthqa.search.backends import current_backend
from healthqa.search.text import CONTROL, COUNT_CAP, START, STOP, parse


@dataclass
class Hit:
    kind: str  # "question" or "article"
    title: str
    url: str
    snippet: str  # safe HTML: escaped text with <mark> around matched words
    topic: object
    published_at: object
    score: float

    @property
    def kind_label(self):
        return "Question" if self.kind == "question" else "Article"


def _highlight(raw):
    text = escape(CONTROL.sub(lambda m: m.group() if m.group() in (START, STOP) else " ", raw))
    return mark_safe(text.replace(START, "<mark>").replace(STOP, "</mark>"))


class Results:
    """Ranked hits, fetched a page at a time (Django's Paginator calls count() and slices)."""

    def __init__(self, groups, *, topic=None, kind=None):
        self.groups, self.topic, self.kind = groups, topic, kind
        self.backend = current_backend()
        self._count = None
        self._all_terms = True
        self.count_capped = False  # True when there are more than COUNT_CAP matches
        self.filtered = bool(kind or topic is not None)

    def visible_documents(self):
        # The index keeps when each item becomes public, so a scheduled item appears on time
        # and the match is filtered by one indexed column; the shown page is then checked
        # against the public() querysets themselves (_hits).
        documents = SearchDocument.objects.filter(public_from__lte=timezone.now())
        if self.kind:
            documents = documents.filter(kind=self.kind)
        if self.topic is not None:
            documents = documents.filter(topic=self.topic)
        return documents

    def count(self):
        if self._count is None:
            if not self.groups:
                self._count = 0
                return 0
            visible, options = self.visible_documents(), {"cap": COUNT_CAP + 1}
            options["filtered"] = self.filtered
            count = self.backend.count(self.groups, visible, all_terms=True, **options)
            if count == 0 and len(self.groups) > 1:
                # Nothing has every word: rank what has some of them instead.
                self._all_terms = False
                count = self.backend.count(self.groups, visible, all_terms=False, **options)
            self.count_capped = count > COUNT_CAP
            self._count = min(count, COUNT_CAP)
        return self._count

    def __len__(self):
        return self.count()

    def __getitem__(self, key):
        if isinstance(key, int):
            return self[key : key + 1][0]
        start, stop = key.start or 0, key.stop
        if not self.count() or (stop is not None and stop <= start):
            return []
        limit = (stop if stop is not None else self.count()) - start
        rows = self.backend.rows(
            self.groups,
            self.visible_documents(),
            all_terms=self._all_terms,
            offset=start,
            limit=limit,
            filtered=self.filtered,
            matches=self._count,
            capped=self.count_capped,
        )
        return _hits(rows)


def _hits(rows):
    from healthqa.models import Question, SearchDocument

    documents = SearchDocument.objects.select_related("question__topic", "article__topic").in_bulk(
        [pk for pk, _, _ in rows]
    )
    # Unordered: with the models' default ordering SQLite walks every public question by date
    # instead of looking up the page's twenty by primary key (130 ms at 100,000 questions).
    public_questions = set(
        Question.objects.public()
        .filter(pk__in=[d.question_id for d in documents.values() if d.question_id])
        .order_by()
        .values_list("pk", flat=True)
    )
    public_articles = set(
        Article.objects.public()
        .filter(pk__in=[d.article_id for d in documents.values() if d.article_id])
        .order_by()
        .values_list("pk", flat=True)
    )
    hits = []
    for pk, score, snippet in rows:
        document = documents.get(pk)
        if document is None or not (
            document.question_id in public_questions or document.article_id in public_articles
        ):
            continue
        item = document.question or document.article
        hits.append(
            Hit(
                kind=document.kind,
                title=item.title,
                url=item.get_absolute_url(),
                snippet=_highlight(snippet or ""),
                topic=item.topic,
                published_at=item.published_at,
                score=float(score or 0),
            )
        )
    return hits


def search(query, *, topic=None, kind=None):
    """Public questions and articles matching `query`, best first (title above body)."""
    return Results(parse(query), topic=topic, kind=kind)


def suggest(query, limit=5):
    """Public questions that look like the one being typed (the last word may be unfinished)."""
    return Results(parse(query, prefix_last=True), kind=SearchDocument.Kind.QUESTION)[:limit]
