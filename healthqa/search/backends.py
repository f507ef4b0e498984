"""Which backend serves the database in use."""

from django.db import connection

from healthqa.search.postgres import PostgresBackend
from healthqa.search.sqlite import SQLiteBackend


def current_backend():
    return PostgresBackend if connection.vendor == "postgresql" else SQLiteBackend
