"""Admin for editorial staff: topics, questions, answers and their moderation, site settings.

Status fields are read-only everywhere: states change only through the model methods
(`question.publish`, `answer.approve`, ...), which check permissions and write the
ModerationEvent. Bulk actions loop over the selection and call them one object at a time.

`site.HealthQAAdminSite` is the site; one module per area registers its admins on it:
questions (and topics), answers, records (moderation events, assignments, reports), previews
(preview links, old addresses), sitewide (settings, ads, tags, login records, search index),
changes (the page cache's change log), corrections (read-only), pages (the publisher's pages),
partners (the public API's partner keys).
The review pages live in queue, reports, triage, review_due and home.
"""

from healthqa.admin import (
    answers,
    changes,
    corrections,
    pages,
    partners,
    previews,
    questions,
    records,
    sitewide,
)
from healthqa.admin.site import site

__all__ = [
    "answers",
    "changes",
    "corrections",
    "pages",
    "partners",
    "previews",
    "questions",
    "records",
    "site",
    "sitewide",
]
