"""Keyset (cursor) paging for the API's listings: no OFFSET, so the 5,000th page of a listing
costs what the first costs.

A listing is ordered by a few columns ending with the primary key, so that every row has a
distinct sort key. A cursor is the sort key of the row a page stopped at and the direction to
go from it, signed (`django.core.signing`): opaque to callers, and a forged or damaged cursor is
refused with a 400 instead of reaching the database.
"""

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import Q
from ninja.errors import HttpError

SALT = "healthqa.api.cursor"
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
NEXT, PREVIOUS = "n", "p"


@dataclass(frozen=True)
class Ordering:
    """Columns a listing is sorted by, each ascending or descending (`"-published_at"`); the
    last must be unique (the primary key), which breaks ties in the others."""

    columns: tuple

    def __init__(self, *columns):
        object.__setattr__(self, "columns", tuple(columns))

    def fields(self):
        return [(column.lstrip("-"), column.startswith("-")) for column in self.columns]

    def reversed(self):
        flipped = (c[1:] if c.startswith("-") else f"-{c}" for c in self.columns)
        return Ordering(*flipped)

    def key_of(self, row):
        return [_value(row, name) for name, _ in self.fields()]

    def after(self, model, values):
        """The rows that come after the sort key `values` in this order."""
        fields = self.fields()
        if len(values) != len(fields):
            raise HttpError(400, "cursor: not a cursor of this listing.")
        try:
            values = [
                _field(model, name).to_python(v)
                for (name, _), v in zip(fields, values, strict=True)
            ]
        except (ValidationError, TypeError, ValueError) as invalid:
            raise HttpError(400, "cursor: not a cursor of this listing.") from invalid
        conditions = []
        for position, (name, descending) in enumerate(fields):
            equal = {f: v for (f, _), v in zip(fields[:position], values[:position], strict=True)}
            beyond = {f"{name}__{'lt' if descending else 'gt'}": values[position]}
            conditions.append(Q(**equal, **beyond))
        # The same rows, with a plain bound on the first column that the database may seek its
        # index to (an OR alone gives it none).
        first, descending = fields[0]
        bound = Q(**{f"{first}__{'lte' if descending else 'gte'}": values[0]})
        return bound & reduce(or_, conditions)


def _field(model, name):
    return model._meta.pk if name == "pk" else model._meta.get_field(name)


def _value(row, name):
    value = getattr(row, name)
    return value.isoformat() if hasattr(value, "isoformat") else value


def encode(direction, key):
    """Signed without a timestamp: the same page always links to the same cursors, so that a
    stored response equals a fresh render."""
    return signing.Signer(salt=SALT).sign_object([direction, key], compress=True)


def decode(cursor):
    """(direction, sort key) of a cursor this API issued; anything else is a 400."""
    try:
        direction, key = signing.Signer(salt=SALT).unsign_object(cursor)
    except (signing.BadSignature, ValueError, TypeError) as invalid:
        raise HttpError(400, "cursor: invalid or damaged; use the links in `meta`.") from invalid
    if direction not in {NEXT, PREVIOUS} or not isinstance(key, list):
        raise HttpError(400, "cursor: invalid or damaged; use the links in `meta`.")
    return direction, key


def check_limit(limit):
    if not 1 <= limit <= MAX_LIMIT:
        raise HttpError(400, f"limit: give a number of items from 1 to {MAX_LIMIT}.")
    return limit


@dataclass
class Page:
    rows: list
    total_count: int
    next_cursor: str | None
    previous_cursor: str | None

    def meta(self, request):
        return {
            "total_count": self.total_count,
            "next": link(request, self.next_cursor),
            "previous": link(request, self.previous_cursor),
        }


def paginate(queryset, ordering, *, cursor=None, limit=DEFAULT_LIMIT, count=None):
    """One page of `queryset` in `ordering`, after (or before) `cursor`.

    Reads `limit + 1` rows from the cursor's key on, so that whether a further page exists is
    known without counting; `total_count` comes from `count()` when given (a count shared by
    every page of the listing), else from counting the rows.
    """
    check_limit(limit)
    direction, key = decode(cursor) if cursor else (NEXT, None)
    walk = ordering if direction == NEXT else ordering.reversed()
    rows = queryset.order_by(*walk.columns)
    if key is not None:
        rows = rows.filter(walk.after(queryset.model, key))
    rows = list(rows[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    if direction == PREVIOUS:
        rows.reverse()
    first, last = (rows[0], rows[-1]) if rows else (None, None)
    # Coming from a cursor, there were rows on the side it came from.
    has_next = more if direction == NEXT else key is not None
    has_previous = key is not None if direction == NEXT else more
    return Page(
        rows=rows,
        total_count=count() if count is not None else queryset.order_by().count(),
        next_cursor=encode(NEXT, ordering.key_of(last)) if has_next and last else None,
        previous_cursor=(
            encode(PREVIOUS, ordering.key_of(first)) if has_previous and first else None
        ),
    )


def link(request, cursor):
    """The address of this request with `cursor` in place of its own (other parameters kept)."""
    if cursor is None:
        return None
    query = request.GET.copy()
    query["cursor"] = cursor
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def positions(results, *, cursor=None, limit=DEFAULT_LIMIT):
    """One page of ranked search results (`healthqa.search.Results`).

    Ranks are not a key that rows keep, so the cursor holds a position in the ranking; the
    ranking stops at `search.COUNT_CAP` matches, which bounds how deep a page can be.
    """
    check_limit(limit)
    start = 0
    if cursor:
        direction, key = decode(cursor)
        if len(key) != 1 or not isinstance(key[0], int) or key[0] < 0:
            raise HttpError(400, "cursor: not a cursor of this listing.")
        start = key[0] if direction == NEXT else max(0, key[0] - limit)
    total = results.count()
    rows = list(results[start : start + limit]) if start < total else []
    end = start + limit
    return Page(
        rows=rows,
        total_count=total,
        next_cursor=encode(NEXT, [end]) if end < total else None,
        previous_cursor=encode(PREVIOUS, [start]) if start > 0 else None,
    )
