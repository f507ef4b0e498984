"""The disk cache without `REDIS_URL`: diskcache's Django backend, kept open between requests."""

import diskcache


class DiskCache(diskcache.DjangoCache):
    """Keeps its SQLite connections (one per thread) across requests.

    Django closes every cache at the end of each request; diskcache's `close()` really closes
    its SQLite connections, and after a write (a rate-limit count) closing costs about 25 ms,
    more than the whole API response. Connections are per thread and opened after gunicorn
    forks, so keeping them is safe.
    """

    def close(self, **kwargs):
        pass
