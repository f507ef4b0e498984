"""Each process's view of the change log: which content keys changed, and when.

The log (`ContentChange`, written by the triggers in `healthqa.pagecache.triggers`) is the one
truth every process shares. A process reads the rows it has not seen when the *bell* rings (a
value in the shared cache that every process writing content changes after its commit), when it
wrote itself, or at least every `POLL_EVERY` seconds (writes made outside Django, with psql). So
reading it costs one cache read per request, and one small query only after a change.

A stored page carries its *stamp*, the log position it was rendered at (every change up to it was
visible to the render), the moment it was rendered, and the keys it showed. It is valid while no
key it showed changed after its stamp, and no key it showed reached a moment in time (a scheduled
question going live, an ad starting or ending) after it was rendered.

Log ids are taken when a row is written, not when it commits: on PostgreSQL a transaction may
commit id 100 after another committed 101. Ids skipped over are kept as *gaps*, looked for again
at every poll for `GAP_WAIT` seconds (a rolled-back transaction leaves one for good), and a
render's stamp stops below the lowest gap.
"""

import logging
import os
import threading
import time
import uuid
from datetime import timedelta

from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from healthqa.pagecache.redis import get_quickly
from healthqa.pagecache.triggers import LOG_TABLE

logger = logging.getLogger(__name__)

BELL_KEY = "healthqa:changes"
POLL_EVERY = 1.0
GAP_WAIT = 120
KEEP = 60 * 60 * 24  # seconds: no stored page is older (`store.PAGE_TIMEOUT`)
MAX_ROWS = 20_000  # more new rows than this at once: every older page is treated as stale
PRUNE_EVERY = 3600


def ring():
    """Tell every process that the log has new rows (after a commit)."""
    cache.set(BELL_KEY, uuid.uuid4().hex, None)


class Feed:
    def __init__(self):
        self._lock = threading.RLock()
        self.reset()

    def reset(self):
        """Forget everything: the next refresh reads the log afresh (tests; after a fork)."""
        self.pid = os.getpid()
        self.started = False
        self.dirty = False
        self.base = 0  # pages stamped below this are stale: what came before is unknown
        self.last_id = 0
        self.gaps = {}  # id -> when first missed
        self.changed = {}  # key -> highest log id
        self.timed = {}  # key -> latest moment (unix time) it reached
        self.schedule = []  # (moment, keys) still to come, soonest last
        self.next_event = float("inf")
        self.reload_at = float("inf")  # when the schedule is read again with no change to prompt it
        self.bell = None
        self.polled_at = 0.0
        self.pruned_at = time.time()

    # -- reading the log ------------------------------------------------------------------------

    def refresh(self):
        """Bring this process up to date: cheap unless something changed."""
        if self.pid != os.getpid():
            self.reset()
        now = time.time()
        bell = get_quickly(BELL_KEY)
        if not self.started or self.dirty or bell != self.bell or now - self.polled_at > POLL_EVERY:
            with self._lock:
                self._poll(bell, now)
        if now >= self.next_event or now >= self.reload_at:
            with self._lock:
                self._reach(now)

    def _poll(self, bell, now):
        self.dirty = False
        with connection.cursor() as cursor:
            if not self.started:
                self._start(cursor)
            else:
                self._read(cursor, now)
            if now - self.pruned_at > PRUNE_EVERY:
                self.pruned_at = now
                cursor.execute(
                    f"DELETE FROM {LOG_TABLE} WHERE changed_at < %s",
                    [timezone.now() - timedelta(seconds=KEEP)],
                )
        self.bell = bell
        self.polled_at = now

    def _start(self, cursor):
        cursor.execute(f"SELECT MAX(id) FROM {LOG_TABLE}")
        top = cursor.fetchone()[0] or 0
        self.base = self.last_id = max(0, top - MAX_ROWS)
        self.started = True
        self._read(cursor, time.time(), recent_gaps_only=True)
        self._load_schedule()

    def _read(self, cursor, now, recent_gaps_only=False):
        gaps = list(self.gaps)
        where = "id > %s" + (f" OR id IN ({', '.join(['%s'] * len(gaps))})" if gaps else "")
        cursor.execute(
            f"SELECT id, content_key FROM {LOG_TABLE} WHERE {where} ORDER BY id LIMIT %s",
            [self.last_id, *gaps, MAX_ROWS + 1],
        )
        rows = cursor.fetchall()
        if len(rows) > MAX_ROWS:
            cursor.execute(f"SELECT MAX(id) FROM {LOG_TABLE}")
            self._forget_before(cursor.fetchone()[0] or 0)
            return
        previous = self.last_id
        changed = self.changed
        for change_id, key in rows:
            if changed.get(key, 0) < change_id:
                changed[key] = change_id
            self.gaps.pop(change_id, None)
        new_ids = [change_id for change_id, _ in rows if change_id > previous]
        if new_ids:
            top = new_ids[-1]
            seen = set(new_ids)
            # At the start, what lies below the first row read was pruned or flushed.
            low = new_ids[0] if recent_gaps_only else previous
            for missing in range(low + 1, top):
                if missing not in seen:
                    self.gaps.setdefault(missing, now)
            self.last_id = top
        for missing, since in list(self.gaps.items()):
            if now - since > GAP_WAIT:  # rolled back, or pruned
                del self.gaps[missing]
        if len(changed) > MAX_ROWS:
            self._forget_before(self.last_id)
        if rows:
            self._load_schedule()

    def _forget_before(self, top):
        self.base = self.last_id = top
        self.changed = {}
        self.gaps = {}

    # -- time ---------------------------------------------------------------------------------

    def _load_schedule(self):
        """What reaches its time within a day either side of now: the past day's moments
        count at once (a page stored before them, by any process, is stale). Read again after
        half a day even when nothing changed, so that an item scheduled further ahead is in
        the schedule before its time."""
        from healthqa.pagecache.schedule import moments

        now = time.time()
        self.reload_at = now + KEEP / 2
        events = sorted(moments(timedelta(seconds=KEEP)), reverse=True)
        self.schedule = [(moment, keys) for moment, keys in events if moment > now]
        for moment, keys in events:
            if moment <= now:
                self._mark(moment, keys)
        self.next_event = self.schedule[-1][0] if self.schedule else float("inf")

    def _reach(self, now):
        if now >= self.reload_at:
            self._load_schedule()
        while self.schedule and self.schedule[-1][0] <= now:
            moment, keys = self.schedule.pop()
            self._mark(moment, keys)
        self.next_event = self.schedule[-1][0] if self.schedule else float("inf")

    def _mark(self, moment, keys):
        for key in keys:
            if self.timed.get(key, 0) < moment:
                self.timed[key] = moment

    # -- judging pages ------------------------------------------------------------------------

    def position(self):
        """The stamp for a render starting now."""
        return min(self.gaps) - 1 if self.gaps else self.last_id

    def valid(self, stamp, rendered_at, keys):
        if stamp < self.base:
            return False
        changed, timed = self.changed, self.timed
        for key in keys:
            if changed.get(key, 0) > stamp or timed.get(key, 0) > rendered_at:
                return False
        return True

    def seconds_to_next_event(self):
        return self.next_event - time.time()


feed = Feed()


def refresh_or_none():
    """`feed.refresh()`, or None when the log cannot be read (the database or the shared cache
    is down): then nothing is served from the page cache, and Django answers (and reconnects)
    as usual. The page cache never turns a request into an error of its own."""
    try:
        feed.refresh()
    except Exception as error:
        logger.warning("The page cache cannot read the change log: %r", error)
        return None
    return feed
