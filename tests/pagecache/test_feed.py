"""The change feed's bookkeeping, with log rows given directly (no database)."""

import pytest

from healthqa.pagecache.feed import Feed


@pytest.fixture(autouse=True)
def no_schedule(monkeypatch):
    """The coming moments are read from the database after new rows: none here."""
    monkeypatch.setattr(Feed, "_load_schedule", lambda self: None)


class Rows:
    """A cursor returning the given rows for every query; MAX(id) from them."""

    def __init__(self, rows):
        self.rows = rows

    def execute(self, sql, params=()):
        self.max = "MAX(id)" in sql

    def fetchall(self):
        return self.rows

    def fetchone(self):
        return (max((i for i, _ in self.rows), default=None),)


def started(rows):
    feed = Feed()
    feed.started = True
    feed._read(Rows(rows), now=0)
    return feed


def test_an_id_committed_late_is_still_seen_and_stamps_stop_below_it():
    """PostgreSQL: a transaction holding id 2 commits after the one holding id 3."""
    feed = started([(1, "question:1"), (3, "question:3")])
    assert feed.gaps.keys() == {2}
    assert feed.position() == 1  # a page rendered now may not show what id 2 will bring
    assert feed.valid(1, 0, ["question:2"])
    feed._read(Rows([(2, "question:2")]), now=1)
    assert not feed.gaps
    assert feed.position() == 3
    assert not feed.valid(1, 0, ["question:2"])
    assert feed.valid(3, 0, ["question:2", "question:3"])


def test_a_gap_that_never_fills_is_given_up():
    feed = started([(1, "a"), (3, "b")])
    feed._read(Rows([]), now=10_000)
    assert not feed.gaps
    assert feed.position() == 3


def test_a_page_stamped_before_what_this_process_knows_is_stale():
    feed = Feed()
    feed.base = 50
    assert not feed.valid(49, 0, [])
    assert feed.valid(50, 0, [])


def test_a_flood_of_changes_makes_every_older_page_stale(monkeypatch):
    from healthqa.pagecache import feed as module

    monkeypatch.setattr(module, "MAX_ROWS", 3)
    feed = started([(1, "a")])
    feed._read(Rows([(2, "b"), (3, "c"), (4, "d"), (5, "e")]), now=1)
    assert feed.base == 5 and not feed.changed
    assert not feed.valid(4, 0, ["z"])


def test_time_marks_pages_rendered_before_the_moment():
    feed = started([])
    feed.schedule = [(200.0, ["adplacement@all"]), (100.0, ["question@all"])]
    feed.next_event = 100.0
    feed._reach(150.0)
    assert not feed.valid(0, 99.0, ["question@all"])
    assert feed.valid(0, 101.0, ["question@all"])
    assert feed.valid(0, 99.0, ["adplacement@all"])
    assert feed.next_event == 200.0


def test_the_schedule_is_read_again_after_half_a_day_without_changes(monkeypatch):
    """An item scheduled three days ahead enters the day-wide window while nothing changes."""
    from healthqa.pagecache import feed as module

    loads = []
    monkeypatch.setattr(Feed, "_load_schedule", lambda self: loads.append(1) or None)
    feed = started([])
    feed.reload_at = 1000.0
    feed._reach(999.0)
    assert loads == []
    feed._reach(1000.0)
    assert loads == [1]
    assert module.KEEP / 2 == 43200
