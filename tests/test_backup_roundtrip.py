"""Backups restore to the same data: `dumpdata`/`loaddata` on every database, `pg_dump`/
`pg_restore` on PostgreSQL, checked by scripts/backup-roundtrip with the demo content plus 200
generated questions. Each round-trip runs on a scratch database of its own, never the test one.
"""

import importlib.machinery
import importlib.util
import json
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core import serializers

from healthqa.models import Question
from tests.factories import QuestionFactory

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "backup-roundtrip"


def load_script():
    loader = importlib.machinery.SourceFileLoader("backup_roundtrip", str(SCRIPT))
    spec = importlib.util.spec_from_loader("backup_roundtrip", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


backup = load_script()


def run_script(database_url, *args):
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--database-url", database_url, "--json", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.stdout, result.stderr[-3000:]
    return result.returncode, json.loads(result.stdout)


def assert_identical(report, part):
    source, restored = report[part]["source"], report[part]["restored"]
    assert report["problems"] == []
    assert source == restored
    # The demo page, 200 generated questions with answers, their history, tags and picks.
    assert restored["rows"] > 1500
    assert restored["tables"] > 30


def test_dumpdata_and_loaddata_restore_every_row_on_sqlite(tmp_path):
    code, report = run_script(
        f"sqlite:///{tmp_path / 'source.sqlite3'}", "--populate", "--questions=200", "--seed=1"
    )
    assert code == 0, report["problems"]
    assert report["source"]["vendor"] == "sqlite"
    assert_identical(report, "dumpdata")
    assert report["dumpdata"]["search_index_rows"] > 200


def postgres_url(name):
    db = settings.DATABASES["default"]
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{name}"


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="pg_dump/pg_restore round-trip needs PostgreSQL (set DATABASE_URL to run it)",
)
def test_dumpdata_and_pg_dump_restore_every_row_on_postgresql():
    if not (shutil.which("pg_dump") and shutil.which("pg_restore") and shutil.which("psql")):
        pytest.skip("pg_dump, pg_restore and psql (PostgreSQL client) are not installed")
    name = f"test_{settings.DATABASES['default']['NAME']}_backup"
    url = postgres_url(name)
    backup.fresh_database(url, name)
    try:
        code, report = run_script(url, "--populate", "--questions=200", "--seed=1")
    finally:
        backup.psql(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    assert code == 0, report["problems"]
    assert report["source"]["vendor"] == "postgresql"
    assert_identical(report, "dumpdata")
    assert_identical(report, "pg_dump")
    # pg_dump also carries what dumpdata does not: applied migrations, the search vectors.
    assert report["pg_dump"]["restored"]["tables"] > report["dumpdata"]["restored"]["tables"]


def test_the_digest_notices_a_changed_row(db):
    question = QuestionFactory(title="Why does my back hurt?")
    before = backup.database_digest()
    Question.objects.filter(pk=question.pk).update(details="Changed by a restore gone wrong.")
    after = backup.database_digest()
    problems = backup.compare(before, after, label="check", exact_only_models=False)
    assert [p for p in problems if "healthqa_question differs" in p] != []
    assert not any("healthqa_topic" in p for p in problems)


def test_the_digest_notices_a_missing_row(db):
    question = QuestionFactory()
    before = backup.database_digest()
    Question.objects.filter(pk=question.pk).delete()
    after = backup.database_digest()
    table = before["tables"]["healthqa_question"]
    assert after["tables"]["healthqa_question"]["rows"] == table["rows"] - 1


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_backup_format_keeps_what_json_and_xml_lose(db, fmt):
    """JSON keeps milliseconds only; XML strips the whitespace around text. YAML keeps both."""
    question = QuestionFactory(details="Ends with a newline.\n")
    Question.objects.filter(pk=question.pk).update(
        created_at=datetime(2025, 3, 14, 9, 30, 0, 123456, tzinfo=UTC)
    )
    rows = Question.objects.filter(pk=question.pk)
    original = rows.values("details", "created_at").get()

    def round_trip(format_):
        (restored,) = serializers.deserialize(format_, serializers.serialize(format_, rows))
        return {"details": restored.object.details, "created_at": restored.object.created_at}

    assert round_trip(backup.DEFAULT_FORMAT) == original
    assert round_trip(fmt) != original


def test_a_restore_refuses_a_database_that_holds_content(db, tmp_path):
    question = QuestionFactory()
    with pytest.raises(SystemExit, match="already holds healthqa.Question rows"):
        backup.load_into_empty(str(tmp_path / "backup.yaml"))
    assert Question.objects.filter(pk=question.pk).exists()
