"""SQLite: an FTS5 table (porter stemming) ranked by bm25, snippet()."""

from django.db import connection

from healthqa.search.text import SNIPPET_WORDS, START, STOP


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
