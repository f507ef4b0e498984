"""How long readers' personal data is kept: `erase_personal_data()` removes what is older.

What readers give us: the name and email address of a question sent through /ask/ (and the
question as typed, before contact details were masked, which may hold more of them), and the
details of a report. After `HEALTHQA_PERSONAL_DATA_DAYS` these are erased and the rows kept;
the question's history rows hold the name and email address too and are erased with it.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from healthqa.models.flags import Flag
from healthqa.models.questions import READER_NAME, Question

BATCH_SIZE = 500


@dataclass(frozen=True)
class Erasure:
    """One kind of row: its rows holding personal data, and what erasing writes."""

    label: str
    rows: object
    values: dict


def _question_erasure(*, with_text):
    """(rows still holding a reader's details, the values that erase them) for questions and
    their history rows."""
    has_contact = ~Q(submitted_by_name="") | ~Q(submitted_by_email="")
    holds = (~Q(submitted_by_name="") & ~Q(submitted_by_name=READER_NAME)) | ~Q(
        submitted_by_email=""
    )
    values = {
        "submitted_by_name": Case(When(has_contact, then=Value(READER_NAME)), default=Value("")),
        "submitted_by_email": "",
    }
    if with_text:
        holds |= ~Q(submitted_text="")
        values["submitted_text"] = ""
    return holds, values


def erasures(cutoff):
    """What `erase_personal_data` erases, for rows created before `cutoff`."""
    question_holds, question_values = _question_erasure(with_text=True)
    history = Question.history.model
    history_holds, history_values = _question_erasure(with_text=False)
    return [
        Erasure(
            "reader questions (name, email, text as typed)",
            Question.objects.filter(question_holds, created_at__lt=cutoff),
            # An admin form opened before the erasure must not write the old values back.
            {**question_values, "version": F("version") + 1},
        ),
        Erasure(
            "question history rows (name, email)",
            history._default_manager.filter(history_holds, created_at__lt=cutoff),
            history_values,
        ),
        Erasure(
            "reports (details)",
            Flag.objects.filter(created_at__lt=cutoff).exclude(details=""),
            {"details": "", "version": F("version") + 1},
        ),
    ]


def erase_personal_data(*, days=None, now=None, dry_run=False, batch_size=BATCH_SIZE):
    """Erase readers' names, email addresses and report details older than `days` (default
    `HEALTHQA_PERSONAL_DATA_DAYS`), keeping the rows. Returns {label: rows erased} (with
    `dry_run`, the rows that would be). Running it again erases nothing more.

    Each batch is its own transaction, so a large first run holds no lock for long.
    """
    days = settings.HEALTHQA_PERSONAL_DATA_DAYS if days is None else days
    cutoff = (now or timezone.now()) - timedelta(days=days)
    counts = {}
    for erasure in erasures(cutoff):
        if dry_run:
            counts[erasure.label] = erasure.rows.count()
            continue
        erased = 0
        while True:
            with transaction.atomic():
                batch = list(erasure.rows.order_by("pk").values_list("pk", flat=True)[:batch_size])
                if not batch:
                    break
                # The rows erased stop matching `rows`, so the next batch starts with new ones.
                done = erasure.rows.filter(pk__in=batch).update(**erasure.values)
            if not done:
                break
            erased += done
        counts[erasure.label] = erased
    return counts
