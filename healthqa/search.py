"""Full-text search over what readers may see. One interface, a backend per database.

`search(query, topic=None, kind=None)` returns ranked `Hit`s (a lazy sequence the paginator
slices), `suggest(query)` a few public questions for the /ask/ form. The index is one
`SearchDocument` per published question or article, written by `index_question()`,
`index_article()` and `remove()` when content changes (called from the models' save methods) and
rebuilt by `rebuild()` (`manage.py rebuild_search_index`). Visibility is decided at query time by
`Question.objects.public()` and `Article.objects.public()`, so a scheduled item appears on time.

PostgreSQL: a stored, weighted tsvector (title A, body B) under a GIN index, `websearch`-like
parsing done here, `SearchRank` and `SearchHeadline`, English stemming. SQLite: an FTS5 table
(porter stemming) ranked by bm25 with the title weighted above the body, `snippet()`. Queries are
reduced to plain words on both, so punctuation, quotes and operators cannot reach either engine.
"""

import re
from dataclasses import dataclass

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
)
from django.db import connection, transaction
from django.db.models import F, Func, Prefetch, Value
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from healthqa.rendering import plain_text

MAX_TERMS = 12
MAX_TERM_LENGTH = 40
SNIPPET_WORDS = 32
# Results are counted up to this many (the page then says "more than 1,000"): counting every
# match of a common word costs more than ranking the shown page.
COUNT_CAP = 1000
# Snippet highlight markers: control characters never stored in the index (see _clean), turned
# into <mark> only after the snippet text is escaped.
START, STOP = "\x02", "\x03"

# PostgreSQL's English stop words. Dropped from queries on both databases, so that a question
# typed in full ("why does my back hurt") means the same on SQLite as on PostgreSQL.
STOP_WORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being
    below between both but by can did do does doing don down during each few for from further had
    has have having he her here hers herself him himself his how i if in into is it its itself
    just me more most my myself no nor not now of off on once only or other our ours ourselves out
    over own same she should so some such t than that the their theirs them themselves then there
    these they this those through to too under until up very was we were what when where which
    while who whom why will with you your yours yourself yourselves s""".split()
)

_WORD = r"[^\W_]+"
_COMPOUND = re.compile(rf"{_WORD}(?:[-‐‑]{_WORD})+")
_TOKEN = re.compile(rf"{_WORD}(?:[-‐‑]{_WORD})*")
_HYPHEN = re.compile(r"[-‐‑]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# --- Queries -----------------------------------------------------------------------------------


def parse(query, *, prefix_last=False):
    """Reader text → a list of term groups; each group lists alternative word sequences.

    "push-ups" gives one group with two alternatives: ("push", "ups") and ("pushups",). Anything
    that is not a letter or a digit is dropped, so nothing typed can act as engine syntax.
    """
    groups, seen = [], set()
    for token in _TOKEN.findall((query or "").lower()):
        parts = [part[:MAX_TERM_LENGTH] for part in _HYPHEN.split(token)]
        words = tuple(part for part in parts if len(part) > 1 and part not in STOP_WORDS)
        if not words or token in seen:
            continue
        seen.add(token)
        alternatives = [words]
        if len(parts) > 1:
            alternatives.append(("".join(parts)[:MAX_TERM_LENGTH],))
        groups.append(alternatives)
        if len(groups) == MAX_TERMS:
            break
    if prefix_last and groups and len(groups[-1]) == 1 and len(groups[-1][0]) == 1:
        groups[-1] = [(groups[-1][0][0] + "*",)]
    return groups


# --- Index -------------------------------------------------------------------------------------


def _clean(text):
    return _CONTROL.sub(" ", text or "").strip()


def _joined_forms(text):
    """ "push-ups" is also written "pushups": index that spelling too."""
    forms = (_HYPHEN.sub("", compound.lower()) for compound in _COMPOUND.findall(text))
    return " ".join(dict.fromkeys(forms))


def _document(*, kind, title, body, topic_id):
    from healthqa.models import SearchDocument

    title, body = _clean(title), _clean(body)
    return SearchDocument(
        kind=kind,
        topic_id=topic_id,
        title=" ".join(filter(None, [title, _joined_forms(title)])),
        body=body,
        keywords=_joined_forms(body),
    )


def _question_document(question, answer_bodies):
    from healthqa.models import SearchDocument

    answer_bodies = list(answer_bodies)
    text = [plain_text(question.details), *(plain_text(body) for body in answer_bodies)]
    document = _document(
        kind=SearchDocument.Kind.QUESTION,
        title=question.title,
        body="\n".join(filter(None, text)),
        topic_id=question.topic_id,
    )
    document.question = question
    # Mirrors Question.objects.public(): published with an approved answer by an active expert.
    document.public_from = question.published_at if answer_bodies else None
    return document


def _article_document(article):
    from healthqa.models import SearchDocument

    document = _document(
        kind=SearchDocument.Kind.ARTICLE,
        title=article.title,
        body="\n".join(filter(None, [plain_text(article.excerpt), plain_text(article.body)])),
        topic_id=article.topic_id,
    )
    document.article = article
    document.public_from = article.published_at
    return document


def _replace(target_field, target, document):
    from healthqa.models import SearchDocument

    with transaction.atomic():
        old = list(
            SearchDocument.objects.filter(**{target_field: target}).values_list("pk", flat=True)
        )
        _backend().forget(old)
        SearchDocument.objects.filter(pk__in=old).delete()
        if document is not None:
            document.save()
            _backend().store([document])


def index_question(question):
    """Write a question's searchable text: its title, details and approved answers only."""
    from healthqa.models import Answer, Question

    if question.pk is None:
        return
    if question.status != Question.Status.PUBLISHED:
        remove(question)
        return
    answers = (
        Answer.objects.approved()
        .filter(question=question)
        .order_by("position", "pk")
        .values_list("body", flat=True)
    )
    _replace("question", question, _question_document(question, answers))


def index_article(article):
    from articles.models import Article

    if article.pk is None:
        return
    if article.status != Article.Status.PUBLISHED:
        remove(article)
        return
    _replace("article", article, _article_document(article))


def index_expert_answers(expert):
    """Re-index the questions an expert answered (their answers count only while active)."""
    from healthqa.models import Question

    for question in Question.objects.filter(answers__expert=expert).distinct():
        index_question(question)


def remove(obj):
    """Take a question or an article out of the index."""
    from healthqa.models import Question

    _replace("question" if isinstance(obj, Question) else "article", obj, None)


def rebuild(batch_size=500):
    """Rebuild the whole index from the database; returns (questions, articles) indexed."""
    from articles.models import Article
    from healthqa.models import Answer, Question, SearchDocument

    backend = _backend()
    counts = [0, 0]
    with transaction.atomic():
        backend.clear()
        SearchDocument.objects.all().delete()
        questions = Question.objects.filter(status=Question.Status.PUBLISHED).prefetch_related(
            Prefetch(
                "answers",
                queryset=Answer.objects.approved().order_by("position", "pk"),
                to_attr="indexed_answers",
            )
        )
        articles = Article.objects.filter(status=Article.Status.PUBLISHED)
        for index, (queryset, build) in enumerate(
            [
                (
                    questions,
                    lambda q: _question_document(q, [a.body for a in q.indexed_answers]),
                ),
                (articles, _article_document),
            ]
        ):
            ids = list(queryset.order_by("pk").values_list("pk", flat=True))
            for start in range(0, len(ids), batch_size):
                chunk = queryset.filter(pk__in=ids[start : start + batch_size])
                documents = SearchDocument.objects.bulk_create([build(obj) for obj in chunk])
                backend.store(documents)
                counts[index] += len(documents)
    return tuple(counts)


def analyze():
    """Refresh the database's planner statistics after a bulk load or rebuild.

    Without them SQLite checks a page of hits against `public()` by walking every public
    question in date order rather than looking up twenty primary keys (100 ms instead of 0.3
    ms at 100,000 questions); PostgreSQL plans the tsvector and GIN queries better too.
    """
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# --- Results -----------------------------------------------------------------------------------


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
    text = escape(_CONTROL.sub(lambda m: m.group() if m.group() in (START, STOP) else " ", raw))
    return mark_safe(text.replace(START, "<mark>").replace(STOP, "</mark>"))


class Results:
    """Ranked hits, fetched a page at a time (Django's Paginator calls count() and slices)."""

    def __init__(self, groups, *, topic=None, kind=None):
        self.groups, self.topic, self.kind = groups, topic, kind
        self.backend = _backend()
        self._count = None
        self._all_terms = True
        self.count_capped = False  # True when there are more than COUNT_CAP matches
        self.filtered = bool(kind or topic is not None)

    def visible_documents(self):
        from healthqa.models import SearchDocument

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
    from articles.models import Article
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
    from healthqa.models import SearchDocument

    return Results(parse(query, prefix_last=True), kind=SearchDocument.Kind.QUESTION)[:limit]


# --- Backends ----------------------------------------------------------------------------------


def _backend():
    return PostgresBackend if connection.vendor == "postgresql" else SQLiteBackend


class _TitleVector(Func):
    """PostgreSQL: the title's own tsvector, the expression migration 0010 indexes (keep both)."""

    template = "to_tsvector('english'::regconfig, %(expressions)s)"
    output_field = SearchVectorField()


class PostgresBackend:
    # ts_rank weights for D, C, B, A: the title (A) counts five times the body (B).
    WEIGHTS = [0.05, 0.1, 0.2, 1.0]
    # How many matches are all ranked, and what is ranked past that (see rows()).
    RANK_ALL = COUNT_CAP
    TITLE_CANDIDATES = 200
    RECENT_CANDIDATES = 100
    RECENT_WINDOW = 2000

    @staticmethod
    def _word(word):
        if word.endswith("*"):
            return SearchQuery(f"{word[:-1]}:*", search_type="raw", config="english")
        return SearchQuery(word, search_type="plain", config="english")

    @classmethod
    def _group(cls, alternatives):
        group = None
        for words in alternatives:
            sequence = None
            for word in words:
                term = cls._word(word)
                sequence = term if sequence is None else sequence & term
            group = sequence if group is None else group | sequence
        return group

    @classmethod
    def query(cls, groups, *, all_terms):
        combined = None
        for alternatives in groups:
            group = cls._group(alternatives)
            if combined is None:
                combined = group
            else:
                combined = combined & group if all_terms else combined | group
        return combined

    @classmethod
    def rank(cls, groups):
        """The sum of each word's rank, as bm25 sums its terms' scores on SQLite."""
        total = None
        for alternatives in groups:
            term = SearchRank(
                F("vector"), cls._group(alternatives), weights=cls.WEIGHTS, normalization=Value(1)
            )
            total = term if total is None else total + term
        return total

    @classmethod
    def count(cls, groups, visible, *, all_terms, cap, filtered=False):
        matches = visible.filter(vector=cls.query(groups, all_terms=all_terms))
        return matches.order_by().values("pk")[:cap].count()

    @classmethod
    def rows(
        cls, groups, visible, *, all_terms, offset, limit, filtered=False, matches=0, capped=False
    ):
        """The page's matches, best first, with snippets made for the page only.

        Up to RANK_ALL matches (`matches`, as Results counted them; `capped` when there were
        more than it counts) are all ranked. Ranking every match of a common word (two thirds
        of 100,000 documents for "physical therapist") reads and ranks most of the table
        (100 ms), so past that only a bounded set is ranked: up to TITLE_CANDIDATES
        title matches (in index order) and the newest RECENT_CANDIDATES matches among the
        RECENT_WINDOW most recently published documents (within a topic or kind: the newest
        RECENT_CANDIDATES matches). Later pages continue with the other matches, newest
        first. The page says "more than 1,000 results" in that case.
        """
        from healthqa.models import SearchDocument

        query = cls.query(groups, all_terms=all_terms)
        # PostgreSQL makes the snippets after the sort and limit: for the page's rows only.
        columns = {
            "rank": cls.rank(groups),
            "snippet": SearchHeadline(
                "body",
                query,
                config="english",
                start_sel=START,
                stop_sel=STOP,
                max_words=SNIPPET_WORDS,
                min_words=SNIPPET_WORDS // 2,
            ),
        }
        fields = ("pk", "rank", "snippet")
        found = visible.filter(vector=query)
        if not capped and matches <= cls.RANK_ALL:
            ranked = found.annotate(**columns).order_by("-rank", "pk")
            return list(ranked.values_list(*fields)[offset : offset + limit])
        candidates = RawSQL(*cls._candidates(visible, query, filtered))
        ranked = SearchDocument.objects.filter(pk__in=candidates).annotate(**columns)
        page = list(ranked.order_by("-rank", "pk").values_list(*fields)[offset : offset + limit])
        if len(page) < limit:
            # Past the ranked candidates: the other matches, newest first.
            start = max(0, offset - SearchDocument.objects.filter(pk__in=candidates).count())
            rest = found.exclude(pk__in=candidates).annotate(**columns)
            rest = rest.order_by("-public_from", "-pk").values_list(*fields)
            page += rest[start : start + limit - len(page)]
        return page

    @classmethod
    def _candidates(cls, visible, query, filtered=False):
        """SQL for the ids ranked when a query has more than RANK_ALL matches, and its params.

        Each part reads a bounded number of rows whatever the words: the title index gives its
        first matches without reading the others, and the newest documents are walked in
        publication order (left to choose, the planner, misled by words that go together such
        as "carry my child", would read every match to sort them by date). Within a topic or
        a kind that walk would step over the other documents, so there the planner chooses:
        the filter bounds what it reads.
        """
        in_title = (
            visible.alias(title_vector=_TitleVector("title"))
            .filter(title_vector=query)
            .order_by()
            .values("pk")[: cls.TITLE_CANDIDATES]
        )
        title_sql, title_params = in_title.query.sql_with_params()
        if filtered:
            newest = visible.filter(vector=query).order_by("-public_from", "-pk").values("pk")
            recent_sql, recent_params = newest[: cls.RECENT_CANDIDATES].query.sql_with_params()
            return f"({title_sql}) UNION ({recent_sql})", (*title_params, *recent_params)
        window = visible.order_by("-public_from", "-pk").values("pk", "public_from", "vector")
        window_sql, window_params = window[: cls.RECENT_WINDOW].query.sql_with_params()
        compiler = window.query.get_compiler(using=window.db)
        query_sql, query_params = compiler.compile(query.resolve_expression(window.query))
        sql = (
            f"({title_sql}) UNION (SELECT w.pk FROM ({window_sql}) w "
            f"WHERE w.vector @@ {query_sql} ORDER BY w.public_from DESC, w.pk DESC LIMIT %s)"
        )
        return sql, (*title_params, *window_params, *query_params, cls.RECENT_CANDIDATES)

    @staticmethod
    def store(documents):
        from healthqa.models import SearchDocument

        SearchDocument.objects.filter(pk__in=[d.pk for d in documents]).update(
            vector=SearchVector("title", weight="A", config="english")
            + SearchVector("body", weight="B", config="english")
            + SearchVector("keywords", weight="B", config="english")
        )

    @staticmethod
    def forget(pks):
        """The vector lives on the document row; deleting the row is enough."""

    @staticmethod
    def clear():
        """The vectors go with the document rows."""


class SQLiteBackend:
    TABLE = "healthqa_search_fts"
    # bm25 column weights: title, body, other spellings of body words.
    RANK = f"bm25({TABLE}, 10.0, 1.0, 1.0)"

    @staticmethod
    def _word(word):
        if word.endswith("*"):
            return f'"{word[:-1]}"*'
        return f'"{word}"'

    @classmethod
    def query(cls, groups, *, all_terms):
        parts = []
        for alternatives in groups:
            options = [
                "(" + " AND ".join(cls._word(word) for word in words) + ")"
                for words in alternatives
            ]
            parts.append("(" + " OR ".join(options) + ")")
        return (" AND " if all_terms else " OR ").join(parts)

    @classmethod
    def _matches(cls, groups, visible, all_terms, columns):
        """The full-text match, materialized first, then joined to the visible documents.

        Written as `MATCH … AND rowid IN (visible)`, SQLite walks the visible rows and tests
        the match row by row (seconds at 100,000 questions); materialized, it is milliseconds.
        """
        visible_sql, visible_params = visible.values("pk").query.sql_with_params()
        sql = (
            f"WITH m AS MATERIALIZED (SELECT rowid AS id{columns} FROM {cls.TABLE} "
            f"WHERE {cls.TABLE} MATCH %s) "
            f"SELECT {{select}} FROM m JOIN ({visible_sql}) v ON v.pk = m.id"
        )
        return sql, [cls.query(groups, all_terms=all_terms), *visible_params]

    @classmethod
    def count(cls, groups, visible, *, all_terms, cap, filtered=False):
        """Matches among the visible documents, counted up to `cap`.

        Unfiltered, a join that stops at `cap`: SQLite walks the full-text matches and looks
        each one up by primary key, so a common word costs `cap` lookups, not one per match.
        Within a topic or kind SQLite would rather walk those documents and test the match on
        each (seconds), so the matches are materialized first.
        """
        if filtered:
            sql, params = cls._matches(groups, visible, all_terms, "")
            sql = f"SELECT COUNT(*) FROM ({sql.format(select='1')} LIMIT %s)"
        else:
            visible_sql, visible_params = visible.values("pk").query.sql_with_params()
            sql = (
                f"SELECT COUNT(*) FROM (SELECT 1 FROM {cls.TABLE} JOIN ({visible_sql}) v "
                f"ON v.pk = {cls.TABLE}.rowid WHERE {cls.TABLE} MATCH %s LIMIT %s)"
            )
            params = [*visible_params, cls.query(groups, all_terms=all_terms)]
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, cap])
            return cursor.fetchone()[0]

    @classmethod
    def rows(
        cls, groups, visible, *, all_terms, offset, limit, filtered=False, matches=0, capped=False
    ):
        if filtered:
            return cls._rows_joined(groups, visible, all_terms, offset, limit)
        return cls._rows_ranked_first(groups, visible, all_terms, offset, limit)

    @classmethod
    def _rows_ranked_first(cls, groups, visible, all_terms, offset, limit):
        """The best matches from the full-text index alone, then checked against `visible`.

        Almost every indexed document is visible (only scheduled ones are not), so the top
        `offset + limit` matches plus a margin nearly always fill the page; if hidden documents
        leave it short, a longer list is fetched. SQLite keeps only the top rows while ranking
        and makes snippets for those alone.
        """
        wanted = offset + limit
        fetch = wanted + 20
        match = cls.query(groups, all_terms=all_terms)
        sql = (
            f"SELECT rowid, {cls.RANK} AS rank, "
            f"snippet({cls.TABLE}, 1, %s, %s, '…', {SNIPPET_WORDS}) FROM {cls.TABLE} "
            f"WHERE {cls.TABLE} MATCH %s ORDER BY rank, rowid LIMIT %s"
        )
        with connection.cursor() as cursor:
            while True:
                cursor.execute(sql, [START, STOP, match, fetch])
                candidates = cursor.fetchall()
                shown = set(
                    visible.filter(pk__in=[row[0] for row in candidates])
                    .order_by()
                    .values_list("pk", flat=True)
                )
                ranked = [row for row in candidates if row[0] in shown]
                if len(ranked) >= wanted or len(candidates) < fetch:
                    break
                fetch *= 4
        return [(pk, -rank, snippet) for pk, rank, snippet in ranked[offset:wanted]]

    @classmethod
    def _rows_joined(cls, groups, visible, all_terms, offset, limit):
        """Ranked within a topic or kind: the matches joined to the (fewer) visible documents."""
        sql, params = cls._matches(groups, visible, all_terms, f", {cls.RANK} AS rank")
        page = sql.format(select="m.id, m.rank") + " ORDER BY m.rank, m.id LIMIT %s OFFSET %s"
        with connection.cursor() as cursor:
            cursor.execute(page, [*params, limit, offset])
            ranked = cursor.fetchall()
            if not ranked:
                return []
            # Snippets for the shown page only.
            ids = [row[0] for row in ranked]
            placeholders = ", ".join(["%s"] * len(ids))
            cursor.execute(
                f"SELECT rowid, snippet({cls.TABLE}, 1, %s, %s, '…', {SNIPPET_WORDS}) "
                f"FROM {cls.TABLE} WHERE {cls.TABLE} MATCH %s AND rowid IN ({placeholders})",
                [START, STOP, cls.query(groups, all_terms=all_terms), *ids],
            )
            snippets = dict(cursor.fetchall())
        return [(pk, -rank, snippets.get(pk, "")) for pk, rank in ranked]

    @classmethod
    def store(cls, documents):
        cls.forget([d.pk for d in documents])
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {cls.TABLE} (rowid, title, body, keywords) VALUES (%s, %s, %s, %s)",
                [(d.pk, d.title, d.body, d.keywords) for d in documents],
            )

    @classmethod
    def forget(cls, pks):
        if not pks:
            return
        with connection.cursor() as cursor:
            placeholders = ", ".join(["%s"] * len(pks))
            cursor.execute(f"DELETE FROM {cls.TABLE} WHERE rowid IN ({placeholders})", list(pks))

    @classmethod
    def clear(cls):
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {cls.TABLE}")
