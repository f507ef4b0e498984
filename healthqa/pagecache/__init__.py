"""The page cache: a shared page cache for readers that never serves stale content.

Every page stored for anonymous readers records the content keys of what it shows (the rows it
loaded, and the lists it could show: `keys`), the position in the change log it was rendered at,
and the moment. Database triggers write every change to the log (`triggers`), whatever process
makes it and however (`save()`, `QuerySet.update()`, cascades, `bulk_create`, the shell); every
process reads the log when the bell rings (`feed`), and a stored page is served only while none
of its keys changed since it was rendered and none reached a scheduled moment (`schedule`). So
an edit drops only the pages that showed what changed.

Only anonymous GET/HEAD requests without a session (or pending messages) are cached, so staff
previews, messages and per-reader state ("you found this helpful") are never stored or served
from here. `PageCacheMiddleware` comes first in MIDDLEWARE (after the API's, which only counts
`/api/` requests against their rate limit): a hit is answered before any other middleware
runs, with the complete header set (security headers, CSP, Vary, ETag, ...) that the rest of
the stack gave the page when it was rendered, stored beside the body. A page that used a
CSRF token (different for every reader) is never stored; the question page's vote buttons are
guarded by the browser's Origin headers instead (healthqa/public/origin.py).

Pages tell proxies and CDNs how to keep them: `Cache-Control` with `s-maxage`, validators and a
`Surrogate-Key` header naming their keys, which `purge` sends to a configured purger after each
change (deploy/varnish.vcl).

Under gunicorn (healthqa/wsgi.py) a plain GET hit is answered one step earlier still, by
`PageCacheApp`, before Django builds a request object: the same lookup, the same stored headers.
"""
