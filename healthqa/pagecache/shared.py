"""Parts shared by many pages (a topic's newest questions, the house ad, the experts every page
repeats), computed once by each worker while it renders pages for the cache, and reused while
nothing they show has changed: the same check as for a stored page (`Feed.valid`).

A reused part adds its keys to the page being rendered, so the page still names everything it
shows: the rows loaded while computing it, and rows its objects have cached since (a related
object the template loaded the first time).
"""

from django.db import models

from healthqa.pagecache.feed import feed
from healthqa.pagecache.keys import collecting, depends_on, key_of

_parts = {}
_SHARED_PARTS_MAX = 1024
_SHARED_OBJECTS_MAX = 4096


def shares_parts(request):
    """True while rendering a page for the page cache: `shared_part()` reuses what it computes."""
    return getattr(request, "page_stamp", None) is not None


def keys_of(value, depth=3):
    """Row keys of the model instances in `value` and of the related objects they hold."""
    found = set()
    if depth < 0:
        return found
    if isinstance(value, models.Model):
        key = key_of(value)
        if key:
            found.add(key)
        for related in value._state.fields_cache.values():
            found |= keys_of(related, depth - 1)
        for prefetched in getattr(value, "_prefetched_objects_cache", {}).values():
            found |= keys_of(list(prefetched), depth - 1)
    elif isinstance(value, list | tuple):
        for item in value:
            found |= keys_of(item, depth)
    return found


def _reuse(entry):
    value, keys, stamp, at = entry
    if not feed.valid(stamp, at, keys):
        return None
    depends_on(*keys, *keys_of(value))
    return entry


def shared_part(request, name, compute, depends=()):
    """`compute()`, reused by this worker while nothing it shows changes.

    `depends` names the collection keys of a list: what could enter it (`question@topic:7`).
    Only for pages rendered for the page cache; any other render (staff, a reader with a
    session) computes afresh.
    """
    stamp_at = getattr(request, "page_stamp", None)
    if stamp_at is None:
        return compute()
    entry = _parts.get(name)
    if entry is not None and _reuse(entry):
        return entry[0]
    with collecting() as found:
        found.update(depends)
        value = compute()
    # What compute() took from elsewhere (another cache) was not loaded here: name it too.
    keys = found | keys_of(value)
    depends_on(*keys)
    if len(_parts) >= _SHARED_PARTS_MAX:
        _parts.clear()
    _parts[name] = (value, tuple(keys), *stamp_at)
    return value


def shared_objects(request, name, queryset, pks):
    """`queryset.in_bulk(pks)` ({pk: object}), one query at most.

    In a render for the page cache, rows this worker has already loaded under `name` are reused
    while unchanged, and only the others are fetched: the experts, reviewers and topics that
    many pages show are read once, not once per page.
    """
    pks = set(pks)
    stamp_at = getattr(request, "page_stamp", None)
    if stamp_at is None or not pks:
        return queryset.in_bulk(pks) if pks else {}
    known = _parts.setdefault(f"objects:{name}", {})
    found = {pk: entry[0] for pk in pks if (entry := known.get(pk)) and _reuse(entry)}
    missing = pks - found.keys()
    if missing:
        if len(known) >= _SHARED_OBJECTS_MAX:
            known.clear()
        with collecting() as loaded:
            fetched = queryset.in_bulk(missing)
        for pk, obj in fetched.items():
            known[pk] = (obj, tuple(loaded), *stamp_at)
        found.update(fetched)
    return found


def clear():
    _parts.clear()
