"""Small text helpers shared by the admin, the review pages and the models: how people, times
and refusals are named, and the one word-by-word diff."""

import difflib
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import mark_safe


def user_label(user):
    """How a conflict message names a user: full name and username, or "someone else"."""
    if user is None:
        return "someone else"
    full = user.get_full_name()
    return f"{full} ({user.get_username()})" if full else user.get_username()


def when(value):
    """A date and time in the current time zone, as the admin shows them elsewhere."""
    return date_format(timezone.localtime(value), "DATETIME_FORMAT") if value else "—"


def refusal(exc):
    """The message of a refused change (ValidationError or PermissionDenied), for messages."""
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or "You do not have permission to do that."


_TOKENS = re.compile(r"\s+|\S+")


def word_diff(old, new, *, context=None):
    """`new` against `old`, word by word, as escaped HTML: removed words in <del>, added words
    in <ins>; a change of spacing alone reads as plain text. With `context`, unchanged stretches
    are shortened to `context` tokens either side of a change."""
    before, after = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    opcodes = difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes()
    parts = []
    for index, (op, i1, i2, j1, j2) in enumerate(opcodes):
        if op == "equal":
            same = before[i1:i2]
            if context is not None:
                head = same[:context] if index else []
                tail = same[-context:] if index < len(opcodes) - 1 else []
                if len(same) > len(head) + len(tail) + 1:
                    same = [*head, " … ", *tail]
            parts.append(escape("".join(same)))
            continue
        removed, added = "".join(before[i1:i2]), "".join(after[j1:j2])
        if removed.strip():
            parts.append(f"<del>{escape(removed)}</del>")
        elif removed and not added:
            parts.append(escape(removed))
        if added.strip():
            parts.append(f"<ins>{escape(added)}</ins>")
        elif added:
            parts.append(escape(added))
    return mark_safe("".join(parts))  # noqa: S308 - every piece is escaped above


def person_name(user):
    """How a page names a person, as plain text: full name, else username; "—" for nobody."""
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()


# The `action` of every ModerationEvent the models write, as people read it.
ACTION_LABELS = {
    "erase_reader_details": "Reader's details erased on request",
    "submit": "Submitted for review",
    "withdraw": "Withdrawn from review",
    "edit": "Edited",
    "revise": "Edit submitted for review",
    "approve": "Approved",
    "approve_revision": "Revision approved",
    "request_changes": "Changes requested",
    "request_changes_revision": "Changes requested to a revision",
    "reject": "Rejected",
    "reject_revision": "Revision rejected",
    "unpublish": "Taken down",
    "confirm_review": "Review confirmed",
    "correct": "Marked as a correction",
    "answered": "Answered",
    "reopen": "Reopened (answer withdrawn)",
    "decline": "Declined",
    "accept": "Accepted as a draft",
    "merge": "Merged into another question",
    "merge_in": "Reader submission merged in",
    "publish": "Published",
    "archive": "Archived",
    "unschedule": "Publication cancelled",
    "share_preview": "Preview link shared",
    "revoke_preview": "Preview link revoked",
    "dismiss": "Report dismissed",
    "action": "Report acted on",
    "verify": "Verified",
    "unverify": "Verification withdrawn",
    "reverify": "Credentials re-verified",
    "issue_key": "Partner key issued",
    "revoke_key": "Partner key revoked",
    "medical_review": "Medical reviewer named",
}


def action_label(action):
    """A ModerationEvent's action in words; an unknown code still reads as words."""
    return ACTION_LABELS.get(action) or (action or "").replace("_", " ").capitalize() or "—"
