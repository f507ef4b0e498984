"""Telling a caching proxy or CDN what changed: `PURGE` requests carrying `Surrogate-Key`.

With HEALTHQA_PURGE_URL set (Varnish with deploy/varnish.vcl, or any purger that takes the
Fastly-style header), a process that commits a change sends the keys the change wrote to the log
(and any another process wrote meanwhile: purging more is harmless) from a background thread:
the save never waits for the proxy. Failures are retried, then logged.
"""

import logging
import threading
import time
import urllib.request

from django.conf import settings

from healthqa.pagecache.triggers import LOG_TABLE

logger = logging.getLogger(__name__)

EVERYTHING = "healthqa"  # on every stored page: purging it empties the proxy of our pages
CHUNK = 200
MAX_KEYS = 2000
RETRY_DELAYS = (0.5, 2, 5)
_MARK = "_healthqa_purge_mark"


def mark(connection):
    """Before a transaction's first write: where the log stood (its own rows come after)."""
    if settings.HEALTHQA_PURGE_URL and getattr(connection, _MARK, None) is None:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT MAX(id) FROM {LOG_TABLE}")
            setattr(connection, _MARK, cursor.fetchone()[0] or 0)


def send_after_commit(connection):
    since = getattr(connection, _MARK, None)
    if since is None:
        return
    setattr(connection, _MARK, None)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT content_key FROM {LOG_TABLE} WHERE id > %s LIMIT %s",
            [since, MAX_KEYS + 1],
        )
        keys = sorted(key for (key,) in cursor.fetchall())
    if keys:
        send(keys if len(keys) <= MAX_KEYS else [EVERYTHING])


def send(keys):
    """Send `keys` to the purger from a new thread (the caller goes on at once)."""
    thread = threading.Thread(target=_send_all, args=(settings.HEALTHQA_PURGE_URL, keys))
    thread.start()
    return thread


def _send_all(url, keys):
    for start in range(0, len(keys), CHUNK):
        _send_chunk(url, keys[start : start + CHUNK])


def _send_chunk(url, keys):
    request = urllib.request.Request(url, method="PURGE", headers={"Surrogate-Key": " ".join(keys)})
    for attempt, delay in enumerate((0, *RETRY_DELAYS)):
        time.sleep(delay)
        try:
            with urllib.request.urlopen(request, timeout=5) as response:  # nosec B310: our setting
                if 200 <= response.status < 300:
                    return
                error = f"HTTP {response.status}"
        except OSError as failure:
            error = str(failure)
        logger.warning("Purging %d keys at %s failed (attempt %d): %s", len(keys), url,
                       attempt + 1, error)  # fmt: skip
    logger.error("Gave up purging %d keys at %s: %s", len(keys), url, " ".join(keys[:20]))
