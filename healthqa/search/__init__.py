"""Full-text search over what readers may see. One interface, a backend per database.

`search(query, topic=None, kind=None)` returns ranked `Hit`s (a lazy sequence the paginator
slices), `suggest(query)` a few public questions for the /ask/ form. The index is one
`SearchDocument` per published question or article, written by `index_question()`,
`index_article()` and `remove()` when content changes (the receivers in `healthqa.search.sync`,
connected in `healthqa.apps`, run them on commit) and rebuilt by `rebuild()` (`manage.py
rebuild_search_index`). Visibility is decided at query time by
`Question.objects.public()` and `Article.objects.public()`, so a scheduled item appears on time.

PostgreSQL: a stored, weighted tsvector (title A, body B) under a GIN index, `websearch`-like
parsing done here, `SearchRank` and `SearchHeadline`, English stemming. SQLite: an FTS5 table
(porter stemming) ranked by bm25 with the title weighted above the body, `snippet()`. Queries are
reduced to plain words on both, so punctuation, quotes and operators cannot reach either engine.
"""

from healthqa.search.backends import current_backend
from healthqa.search.index import (
    analyze,
    index_article,
    index_question,
    rebuild,
    remove,
)
from healthqa.search.results import Hit, Results, search, suggest
from healthqa.search.text import COUNT_CAP, MAX_TERM_LENGTH, MAX_TERMS, STOP_WORDS, parse

__all__ = [
    "COUNT_CAP",
    "MAX_TERMS",
    "MAX_TERM_LENGTH",
    "STOP_WORDS",
    "Hit",
    "Results",
    "analyze",
    "current_backend",
    "index_article",
    "index_question",
    "parse",
    "rebuild",
    "remove",
    "search",
    "suggest",
]
