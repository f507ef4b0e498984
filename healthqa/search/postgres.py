"""PostgreSQL: a weighted tsvector under a GIN index, SearchRank and SearchHeadline."""

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
)
from django.db.models import F, Func, Value
from django.db.models.expressions import RawSQL

from healthqa.models import SearchDocument
from healthqa.search.text import COUNT_CAP, SNIPPET_WORDS, START, STOP


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
