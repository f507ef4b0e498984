"""Database triggers that record every change to what public pages show, as content keys.

A trigger sees every write: `save()`, `QuerySet.update()` and `delete()`, the `SET_NULL` updates
of a cascade, `bulk_create`, `loaddata`, many-to-many and tag changes, from any process (a web
worker, `manage.py shell`, cron, another machine). Each writes rows of `ContentChange` in the
writer's own transaction, so the keys become visible exactly when the change commits.

Content keys come in two kinds:
- row keys, `<model>:<pk>`: "this row changed". A page records one for every row it loaded
  (`healthqa.pagecache.keys`), so it is dropped when anything it showed changes;
- collection keys, `<model>@<scope>`: "the set of rows in this scope may have changed" (an answer
  was approved, a question moved topic, a vote was cast). List pages name them explicitly, since
  an item that could enter a list was never loaded by it.

The triggers are dropped before every `migrate` and installed again after it (and after `flush`),
so a migration never works on a table under them and never leaves a table it rebuilt (as SQLite's
schema editor does) unwatched; what a migration changed counts as a change to everything.
"""

from dataclasses import dataclass

LOG_TABLE = "healthqa_contentchange"


@dataclass(frozen=True)
class Rule:
    """Keys one table's change emits, as SQL expressions over the row `R` (OLD and NEW).

    `queries` are SELECTs producing a column `k` (keys reached through other tables). On UPDATE
    the rule fires only if one of `changed` differs (when given) and all of `unchanged` are equal.
    """

    keys: tuple = ()
    queries: tuple = ()
    changed: tuple = ()
    unchanged: tuple = ()
    on_insert_delete: bool = True


def row(model, column="id"):
    return f"'{model}:' || R.{column}"


def scope(name, column):
    return f"'{name}:' || R.{column}"


_TOPICS_OF_ANSWERED = (
    "SELECT DISTINCT 'question@topic:' || q.topic_id AS k FROM healthqa_question q"
    " JOIN healthqa_answer a ON a.question_id = q.id WHERE a.expert_id = R.id"
)
_ARTICLE_TAGS = (
    "SELECT 'tagged@tag:' || ti.tag_id AS k FROM taggit_taggeditem ti"
    " JOIN django_content_type ct ON ct.id = ti.content_type_id"
    " WHERE ct.app_label = 'articles' AND ct.model = 'article' AND ti.object_id = R.id"
)

RULES = {
    "healthqa_topic": [Rule(keys=(row("topic"), "'topic@all'"))],
    "healthqa_question": [
        Rule(keys=(row("question"),)),
        # Whether and where it is listed.
        Rule(
            keys=("'question@all'", scope("question@topic", "topic_id")),
            changed=("status", "published_at", "topic_id", "featured", "merged_into_id"),
        ),
    ],
    "healthqa_answer": [
        Rule(
            keys=(
                row("answer"),
                scope("answer@question", "question_id"),
                scope("answer@expert", "expert_id"),
            ),
            unchanged=("helpful_yes", "helpful_no"),
        ),
        # An approved answer makes its question public (Question.objects.public()).
        Rule(
            keys=("'question@all'",),
            queries=(
                "SELECT 'question@topic:' || topic_id AS k FROM healthqa_question"
                " WHERE id = R.question_id",
            ),
            changed=("status", "question_id", "expert_id"),
        ),
        # A vote changes the counts its own question page shows, and nothing else.
        Rule(
            keys=(scope("votes@question", "question_id"),),
            changed=("helpful_yes", "helpful_no"),
            on_insert_delete=False,
        ),
    ],
    # A correction shows on its answer's question page (and in the corrections list and feed).
    "healthqa_correction": [
        Rule(
            keys=(row("correction"), "'correction@all'", row("article", "article_id")),
            queries=(
                "SELECT 'answer@question:' || question_id AS k FROM healthqa_answer"
                " WHERE id = R.answer_id",
            ),
        )
    ],
    # The footer of every page links the publisher's pages.
    "healthqa_publisherpage": [Rule(keys=(row("publisherpage"), "'publisherpage@all'"))],
    "healthqa_continuelearningpick": [Rule(keys=(scope("pick@question", "question_id"),))],
    "healthqa_sitesettings": [Rule(keys=(row("sitesettings"),))],
    "healthqa_adplacement": [Rule(keys=(row("adplacement"), "'adplacement@all'"))],
    "experts_expert": [
        Rule(keys=(row("expert"), "'expert@all'")),
        # An inactive expert's answers, and so perhaps their questions, leave the site.
        Rule(
            keys=("'question@all'", scope("answer@expert", "id")),
            queries=(
                _TOPICS_OF_ANSWERED,
                "SELECT 'expert@topic:' || topic_id AS k FROM experts_expert_specialties"
                " WHERE expert_id = R.id",
            ),
            changed=("is_active",),
        ),
    ],
    "experts_expert_specialties": [
        Rule(keys=(scope("expert", "expert_id"), scope("expert@topic", "topic_id")))
    ],
    "articles_article": [
        Rule(keys=(row("article"),)),
        Rule(
            keys=(
                "'article@all'",
                scope("article@topic", "topic_id"),
                scope("article@expert", "author_id"),
            ),
            queries=(_ARTICLE_TAGS,),
            changed=("status", "published_at", "topic_id", "author_id"),
        ),
    ],
    "articles_source": [Rule(keys=(row("source"), scope("source@article", "article_id")))],
    "taggit_tag": [Rule(keys=(row("tag"),))],
    "taggit_taggeditem": [
        Rule(
            # "tagged@all": the API's list of tags in use.
            keys=(scope("tagged@tag", "tag_id"), "'tagged@all'"),
            queries=(
                "SELECT model || ':' || R.object_id AS k FROM django_content_type"
                " WHERE id = R.content_type_id",
            ),
        )
    ],
    # Pages show people by name; logins (last_login) and passwords change nothing shown.
    "auth_user": [
        Rule(keys=(row("user"),), changed=("username", "first_name", "last_name", "is_active"))
    ],
}


def _selects(rule, version):
    parts = [f"SELECT {key.replace('R.', version + '.')} AS k" for key in rule.keys]
    parts += [query.replace("R.", version + ".") for query in rule.queries]
    return " UNION ALL ".join(parts)


def _when(rule, vendor):
    differs = "IS NOT" if vendor == "sqlite" else "IS DISTINCT FROM"
    same = "IS" if vendor == "sqlite" else "IS NOT DISTINCT FROM"
    conditions = []
    if rule.changed:
        conditions.append(
            "(" + " OR ".join(f"OLD.{c} {differs} NEW.{c}" for c in rule.changed) + ")"
        )
    conditions += [f"OLD.{c} {same} NEW.{c}" for c in rule.unchanged]
    return " AND ".join(conditions)


def _insert(selects, now):
    return (
        f"INSERT INTO {LOG_TABLE} (content_key, changed_at) "
        f"SELECT DISTINCT k, {now} FROM ({selects}) AS changed_keys WHERE k IS NOT NULL;"
    )


def _sqlite(table, number, rule):
    name = f"healthqa_cc_{table}_{number}"
    now = "strftime('%Y-%m-%d %H:%M:%f', 'now')"
    events = [("update", "UPDATE", ("OLD", "NEW"))]
    if rule.on_insert_delete:
        events += [("insert", "INSERT", ("NEW",)), ("delete", "DELETE", ("OLD",))]
    for suffix, event, versions in events:
        when = _when(rule, "sqlite") if event == "UPDATE" else ""
        selects = " UNION ALL ".join(_selects(rule, version) for version in versions)
        yield f'DROP TRIGGER IF EXISTS "{name}_{suffix}"'
        yield (
            f'CREATE TRIGGER "{name}_{suffix}" AFTER {event} ON "{table}" FOR EACH ROW'
            + (f" WHEN {when}" if when else "")
            + f" BEGIN {_insert(selects, now)} END"
        )


def _postgres(table, number, rule):
    name = f"healthqa_cc_{table}_{number}"

    def insert(*versions):
        return _insert(" UNION ALL ".join(_selects(rule, v) for v in versions), "now()")

    yield (
        f'CREATE OR REPLACE FUNCTION "{name}"() RETURNS trigger LANGUAGE plpgsql AS $body$ '
        f"BEGIN IF TG_OP = 'INSERT' THEN {insert('NEW')} "
        f"ELSIF TG_OP = 'DELETE' THEN {insert('OLD')} "
        f"ELSE {insert('OLD', 'NEW')} END IF; RETURN NULL; END $body$"
    )
    yield f'DROP TRIGGER IF EXISTS "{name}_u" ON "{table}"'
    when = _when(rule, "postgresql")
    yield (
        f'CREATE TRIGGER "{name}_u" AFTER UPDATE ON "{table}" FOR EACH ROW'
        + (f" WHEN ({when})" if when else "")
        + f' EXECUTE FUNCTION "{name}"()'
    )
    yield f'DROP TRIGGER IF EXISTS "{name}_id" ON "{table}"'
    if rule.on_insert_delete:
        yield (
            f'CREATE TRIGGER "{name}_id" AFTER INSERT OR DELETE ON "{table}" FOR EACH ROW'
            f' EXECUTE FUNCTION "{name}"()'
        )


def statements(vendor, tables=None):
    """The SQL that (re)creates every trigger on `tables` (default: all) for `vendor`."""
    build = {"sqlite": _sqlite, "postgresql": _postgres}[vendor]
    for table, rules in RULES.items():
        if tables is not None and table not in tables:
            continue
        for number, rule in enumerate(rules):
            yield from build(table, number, rule)


def install(connection):
    """Create or replace the triggers on every watched table this database has."""
    if connection.vendor not in {"sqlite", "postgresql"}:
        return
    existing = set(connection.introspection.table_names())
    if LOG_TABLE not in existing:
        return
    with connection.cursor() as cursor:
        for sql in statements(connection.vendor, tables=existing):
            cursor.execute(sql)


def drop(connection):
    """Remove every trigger of ours (before a migration changes the tables under them)."""
    if connection.vendor not in {"sqlite", "postgresql"}:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in installed(connection):
                cursor.execute(f'DROP TRIGGER IF EXISTS "{name}"')
            return
        cursor.execute(
            "SELECT t.tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
            " WHERE t.tgname LIKE 'healthqa_cc_%%' AND NOT t.tgisinternal"
        )
        for name, table in cursor.fetchall():
            cursor.execute(f'DROP TRIGGER IF EXISTS "{name}" ON "{table}"')
        cursor.execute("SELECT proname FROM pg_proc WHERE proname LIKE 'healthqa_cc_%%'")
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP FUNCTION IF EXISTS "{name}"()')


def installed(connection):
    """Names of our triggers present in the database (for checks and tests)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master"
                " WHERE type = 'trigger' AND name LIKE 'healthqa_cc_%'"
            )
        else:
            cursor.execute(
                "SELECT tgname FROM pg_trigger"
                " WHERE tgname LIKE 'healthqa_cc_%' AND NOT tgisinternal"
            )
        return {name for (name,) in cursor.fetchall()}
