"""Migrations: the models and the migration files agree, and every app's migrations run from an
empty schema, back to zero and forward again (data migrations included), on the database the
suite runs on (SQLite, and PostgreSQL in CI)."""

from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

OUR_APPS = ["healthqa", "experts", "articles"]
ROLES = {"Editors", "Moderators", "Experts"}


def pending_plan():
    """The migrations not applied to the test database yet."""
    executor = MigrationExecutor(connection)
    return executor.migration_plan(executor.loader.graph.leaf_nodes())


def applied_migrations(app_label):
    executor = MigrationExecutor(connection)
    return {name for app, name in executor.loader.applied_migrations if app == app_label}


def test_models_and_migrations_agree(db):
    """`makemigrations --check` finds nothing to write."""
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exc:
        pytest.fail(f"models have changes without a migration:\n{out.getvalue()}\n(exit {exc})")


def test_the_test_database_has_every_migration_applied(db):
    assert pending_plan() == []


def test_a_plan_from_an_empty_database_contains_every_migration_once(db):
    executor = MigrationExecutor(connection)
    graph = executor.loader.graph
    plan = executor.migration_plan(graph.leaf_nodes(), clean_start=True)
    keys = [(migration.app_label, migration.name) for migration, backwards in plan]
    assert not any(backwards for _, backwards in plan)
    assert sorted(keys) == sorted(graph.nodes)
    assert len(keys) == len(set(keys))
    for app in OUR_APPS:
        assert any(key[0] == app for key in keys), f"{app} has no migrations in the plan"


def test_every_migration_of_our_apps_can_be_reversed(db):
    executor = MigrationExecutor(connection)
    irreversible = [
        f"{key[0]}.{key[1]}: {operation.describe()}"
        for key, migration in executor.loader.disk_migrations.items()
        if key[0] in OUR_APPS
        for operation in migration.operations
        if not operation.reversible
    ]
    assert irreversible == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("app_label", OUR_APPS)
def test_an_app_migrates_to_zero_and_back(app_label):
    everything = applied_migrations(app_label)
    assert everything, f"{app_label} has no applied migrations"

    call_command("migrate", app_label, "zero", verbosity=0, interactive=False)
    assert applied_migrations(app_label) == set()
    tables = set(connection.introspection.table_names())
    assert not any(table.startswith(f"{app_label}_") for table in tables), (
        f"tables left behind by {app_label} at zero"
    )

    call_command("migrate", verbosity=0, interactive=False)
    assert applied_migrations(app_label) == everything
    assert pending_plan() == []
    # The role groups come from a data migration: going forward again recreates them.
    assert ROLES <= set(Group.objects.values_list("name", flat=True))
    assert Group.objects.get(name="Editors").permissions.exists()
