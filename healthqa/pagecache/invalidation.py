"""How changes reach the page cache: database triggers write them, this module rings the bell.

Triggers (`healthqa.pagecache.triggers`) record what every write changed, whatever wrote it.
Here, every database connection gets an execute wrapper that notices writes to the watched
tables, so that after the commit the writing process rings the bell (every process then reads
the log at its next request) and, when a purger is configured, sends it the changed keys.
"""

from django.apps import apps
from django.db import connections, transaction
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate, pre_migrate
from django.utils import timezone

from healthqa.pagecache import keys, purge, triggers
from healthqa.pagecache.feed import feed, ring
from healthqa.pagecache.purge import EVERYTHING

WATCHED_TABLES = tuple(f'"{table}"' for table in triggers.RULES)
_WRITES = ("INSERT", "UPDATE", "DELETE")


def _rings_after_commit(connection):
    return any(func is ring for _, func, _ in connection.run_on_commit)


def watch_writes(execute, sql, params, many, context):
    connection = context["connection"]
    writes = sql.startswith(_WRITES) and any(table in sql for table in WATCHED_TABLES)
    if writes:
        purge.mark(connection)
    result = execute(sql, params, many, context)
    if writes:
        # This process reads the log at its next request (the same connection sees its own
        # uncommitted rows); every other process once the bell rings after the commit.
        feed.dirty = True
        if not connection.in_atomic_block:
            ring()
            purge.send_after_commit(connection)
        elif not _rings_after_commit(connection):
            transaction.on_commit(ring, using=connection.alias, robust=True)
            transaction.on_commit(
                lambda: purge.send_after_commit(connection), using=connection.alias, robust=True
            )
    return result


def _watch(connection, **kwargs):
    if watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(watch_writes)


def _drop_triggers(using, **kwargs):
    triggers.drop(connections[using])


def _install_triggers(using, **kwargs):
    """After `migrate` or `flush`: watch the tables again, and count what the migrations (or
    the flush) changed, unwatched, as a change to everything."""
    connection = connections[using]
    triggers.install(connection)
    if triggers.LOG_TABLE in connection.introspection.table_names():
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {triggers.LOG_TABLE} (content_key, changed_at) VALUES (%s, %s)",
                [EVERYTHING, timezone.now()],
            )
        ring()


def connect():
    """Connect everything (from `HealthQAConfig.ready()`)."""
    keys.connect()
    connection_created.connect(_watch, dispatch_uid="page-cache:watch-writes")
    for connection in connections.all(initialized_only=True):
        _watch(connection)
    app = apps.get_app_config("healthqa")
    pre_migrate.connect(_drop_triggers, sender=app, dispatch_uid="page-cache:drop-triggers")
    post_migrate.connect(_install_triggers, sender=app, dispatch_uid="page-cache:triggers")
