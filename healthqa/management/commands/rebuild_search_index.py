"""`manage.py rebuild_search_index`: write the search index again from the database."""

import time

from django.core.management.base import BaseCommand
from django.db import connection

from healthqa import search


class Command(BaseCommand):
    help = "Rebuild the full-text search index (PostgreSQL tsvector or SQLite FTS5) from scratch."

    def handle(self, *args, **options):
        started = time.monotonic()
        questions, articles = search.rebuild()
        search.analyze()
        self.stdout.write(
            self.style.SUCCESS(
                f"Search index rebuilt on {connection.vendor} in "
                f"{time.monotonic() - started:.1f} s: {questions} published questions, "
                f"{articles} published articles."
            )
        )
