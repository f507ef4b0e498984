from django.db import migrations

# PostgreSQL only; SQLite's FTS5 table needs none of this.
#
# 1. A GIN index over the title's own tsvector (the A-weighted part of `vector`), so that a word
#    matching most documents can rank title matches without reading every match (see
#    PostgresBackend.rows). Its expression must stay that of healthqa.search.postgres._TitleVector.
# 2. No "fast update" pending list on either GIN index: new entries would wait in an unsorted
#    list (up to 4 MB) that every search reads in full until a VACUUM, and autovacuum may be
#    off or late. Rebuilding the index of 100,000 questions takes no longer without it.
VECTOR_GIN = "healthqa_searchdocument_vector_gin"
TITLE_GIN = "healthqa_searchdocument_title_gin"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {TITLE_GIN} ON healthqa_searchdocument "
        "USING gin (to_tsvector('english'::regconfig, title)) WITH (fastupdate = off)"
    )
    schema_editor.execute(f"ALTER INDEX {VECTOR_GIN} SET (fastupdate = off)")
    schema_editor.execute(f"SELECT gin_clean_pending_list('{VECTOR_GIN}'::regclass)")
    # Statistics for the new expression, so the planner knows how common a title word is.
    schema_editor.execute("ANALYZE healthqa_searchdocument")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {TITLE_GIN}")
    schema_editor.execute(f"ALTER INDEX {VECTOR_GIN} RESET (fastupdate)")


class Migration(migrations.Migration):
    dependencies = [
        ("healthqa", "0009_version"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
