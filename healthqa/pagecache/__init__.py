"""The page cache: a shared page cache for readers that never serves stale content.

Every cached page is stored under the current *content generation*. Any change to something a
public page can show (questions, answers, experts, articles, topics, picks, tags, site settings,
ads) calls `content_changed()`, which starts a new generation: every page cached before it is
simply never looked up again. Items scheduled for later need no job either: the generation
remembers the earliest future `published_at`, and the first request after that moment starts a
new generation.

Only anonymous GET/HEAD requests without a session (or pending messages) are cached, so staff
previews, messages and per-reader state ("you found this helpful") are never stored or served
from here. `PageCacheMiddleware` comes first in MIDDLEWARE: a hit is answered before any other
middleware runs, with the complete header set (security headers, CSP, Vary, ETag, ...) that the
rest of the stack gave the page when it was rendered, stored beside the body. A page that used a
CSRF token (different for every reader) is never stored; the question page's vote buttons are
guarded by the browser's Origin headers instead (healthqa/origin.py).

Under gunicorn (healthqa/wsgi.py) a plain GET hit is answered one step earlier still, by
`PageCacheApp`, before Django builds a request object: the same lookup, the same stored headers.
"""
