"""Parts shared by many pages, computed once per content generation by each worker."""

# Parts shared by many pages (a topic's newest questions, the house ad), computed once per
# content generation by each worker while it renders pages for the cache.
_shared_parts = {"generation": None, "parts": {}}
_SHARED_PARTS_MAX = 1024


def _parts(generation):
    if _shared_parts["generation"] != generation["id"] or (
        len(_shared_parts["parts"]) >= _SHARED_PARTS_MAX
    ):
        _shared_parts.update(generation=generation["id"], parts={})
    return _shared_parts["parts"]


def shares_parts(request):
    """True while rendering a page for the page cache: `shared_part()` reuses what it computes."""
    return getattr(request, "page_generation", None) is not None


def shared_part(request, name, compute):
    """`compute()`, reused by this worker until the content generation changes.

    Only for pages rendered for the page cache, which know their generation; any other render
    (staff, a reader with a session) computes afresh.
    """
    generation = getattr(request, "page_generation", None)
    if generation is None:
        return compute()
    parts = _parts(generation)
    if name not in parts:
        parts[name] = compute()
    return parts[name]


_SHARED_OBJECTS_MAX = 4096


def shared_objects(request, name, queryset, pks):
    """`queryset.in_bulk(pks)` ({pk: object}), one query at most.

    In a render for the page cache, rows this worker has already loaded under `name` in this
    content generation are reused and only the others are fetched: the experts, reviewers and
    topics that many pages show are read once, not once per page.
    """
    pks = set(pks)
    generation = getattr(request, "page_generation", None)
    if generation is None or not pks:
        return queryset.in_bulk(pks) if pks else {}
    parts = _parts(generation)
    known = parts.setdefault(f"objects:{name}", {})
    missing = pks - known.keys()
    if missing:
        if len(known) >= _SHARED_OBJECTS_MAX:
            known.clear()
            missing = pks
        known.update(queryset.in_bulk(missing))
    return {pk: known[pk] for pk in pks if pk in known}
