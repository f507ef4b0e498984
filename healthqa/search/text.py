"""How text is read for search: query parsing, stop words and the spellings indexed.

Imported by both the index and the backends; imports no model."""

import re

MAX_TERMS = 12
MAX_TERM_LENGTH = 40
SNIPPET_WORDS = 32
# Results are counted up to this many (the page then says "more than 1,000"): counting every
# match of a common word costs more than ranking the shown page.
COUNT_CAP = 1000
# Snippet highlight markers: control characters never stored in the index (see clean_text), turned
# into <mark> only after the snippet text is escaped.
START, STOP = "\x02", "\x03"

# PostgreSQL's English stop words. Dropped from queries on both databases, so that a question
# typed in full ("why does my back hurt") means the same on SQLite as on PostgreSQL.
STOP_WORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being
    below between both but by can did do does doing don down during each few for from further had
    has have having he her here hers herself him himself his how i if in into is it its itself
    just me more most my myself no nor not now of off on once only or other our ours ourselves out
    over own same she should so some such t than that the their theirs them themselves then there
    these they this those through to too under until up very was we were what when where which
    while who whom why will with you your yours yourself yourselves s""".split()
)

_WORD = r"[^\W_]+"
_COMPOUND = re.compile(rf"{_WORD}(?:[-‐‑]{_WORD})+")
_TOKEN = re.compile(rf"{_WORD}(?:[-‐‑]{_WORD})*")
_HYPHEN = re.compile(r"[-‐‑]")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# --- Queries -----------------------------------------------------------------------------------


def parse(query, *, prefix_last=False):
    """Reader text → a list of term groups; each group lists alternative word sequences.

    "push-ups" gives one group with two alternatives: ("push", "ups") and ("pushups",). Anything
    that is not a letter or a digit is dropped, so nothing typed can act as engine syntax.
    """
    groups, seen = [], set()
    for token in _TOKEN.findall((query or "").lower()):
        parts = [part[:MAX_TERM_LENGTH] for part in _HYPHEN.split(token)]
        words = tuple(part for part in parts if len(part) > 1 and part not in STOP_WORDS)
        if not words or token in seen:
            continue
        seen.add(token)
        alternatives = [words]
        if len(parts) > 1:
            alternatives.append(("".join(parts)[:MAX_TERM_LENGTH],))
        groups.append(alternatives)
        if len(groups) == MAX_TERMS:
            break
    if prefix_last and groups and len(groups[-1]) == 1 and len(groups[-1][0]) == 1:
        groups[-1] = [(groups[-1][0][0] + "*",)]
    return groups


def clean_text(text):
    return CONTROL.sub(" ", text or "").strip()


def joined_forms(text):
    """ "push-ups" is also written "pushups": index that spelling too."""
    forms = (_HYPHEN.sub("", compound.lower()) for compound in _COMPOUND.findall(text))
    return " ".join(dict.fromkeys(forms))
