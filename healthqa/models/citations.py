"""Sources: what answers and articles cite, and the last check of each cited address.

An article's sources are rows edited with it (`articles.Source`). An answer's text goes through
review, and its sources with it: the rows here (`AnswerSource`) are the expert's working list,
each revision keeps a copy of the list it was submitted with (`AnswerRevision.sources`), and
approving a revision copies that list to `Answer.approved_sources`, which is what readers see.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from healthqa.core.citations import doi_url, normalize_doi, normalize_pmid, pmid_url
from healthqa.models.answers import Answer

# The fields a copy of a source keeps (in a revision, and in the approved list).
CITATION_FIELDS = (
    "kind", "title", "authors", "container", "year", "doi", "pmid", "url", "accessed_on",
)  # fmt: skip


class CitationKind(models.TextChoices):
    JOURNAL_ARTICLE = "journal_article", "Journal article"
    GUIDELINE = "guideline", "Guideline"
    BOOK = "book", "Book"
    WEB_PAGE = "web_page", "Web page"


class Citation(models.Model):
    """The fields of one cited work, and how it is shown and linked."""

    Kind = CitationKind

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.JOURNAL_ARTICLE)
    title = models.CharField(max_length=300)
    authors = models.CharField(
        "authors or organization",
        max_length=300,
        blank=True,
        help_text='For example "Smith J, Jones K" or "World Health Organization".',
    )
    container = models.CharField(
        "journal or publisher",
        max_length=200,
        blank=True,
        help_text="The journal of an article; the publisher of a book, guideline or page.",
    )
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    doi = models.CharField(
        "DOI", max_length=200, blank=True, help_text="For example 10.1249/MSS.0000000000001234."
    )
    pmid = models.CharField("PubMed ID", max_length=9, blank=True)
    url = models.URLField("URL", max_length=500, blank=True)
    accessed_on = models.DateField(
        "date accessed", null=True, blank=True, help_text="When the web address was last read."
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["position", "pk"]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        for name, normalize in (("doi", normalize_doi), ("pmid", normalize_pmid)):
            try:
                setattr(self, name, normalize(getattr(self, name)))
            except ValidationError as error:
                errors[name] = error.messages
        this_year = timezone.now().year
        if self.year is not None and not 1800 <= self.year <= this_year + 1:
            errors["year"] = [f"Enter a year between 1800 and {this_year + 1}."]
        if self.accessed_on and self.accessed_on > timezone.localdate():
            errors["accessed_on"] = ["The date accessed cannot be in the future."]
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        # Rows written in code (the demo, a shell) are normalised as the forms' are.
        self.doi = normalize_doi(self.doi)
        self.pmid = normalize_pmid(self.pmid)
        super().save(*args, **kwargs)

    @property
    def doi_url(self):
        return doi_url(self.doi)

    @property
    def pmid_url(self):
        return pmid_url(self.pmid)

    @property
    def link(self):
        """Where the title links: the address given, else the DOI, else PubMed."""
        return self.url or self.doi_url or self.pmid_url

    def as_dict(self):
        """The copy a revision and the approved list keep (JSON: dates as ISO strings)."""
        data = {name: getattr(self, name) for name in CITATION_FIELDS}
        data["accessed_on"] = self.accessed_on.isoformat() if self.accessed_on else None
        return data


class CitedWork:
    """A source read back from a copy (`Citation.as_dict()`), shown like a row."""

    def __init__(self, data):
        for name in CITATION_FIELDS:
            setattr(self, name, data.get(name) or ("" if name not in {"year"} else None))
        accessed = data.get("accessed_on")
        self.accessed_on = date.fromisoformat(accessed) if accessed else None

    kind_labels = dict(CitationKind.choices)
    doi_url = Citation.doi_url
    pmid_url = Citation.pmid_url
    link = Citation.link

    def get_kind_display(self):
        return self.kind_labels.get(self.kind, "")

    def __str__(self):
        return self.title


def cited_works(copies):
    """The sources of a copied list (a revision's, or the approved one), in order."""
    return [CitedWork(data) for data in copies or []]


class AnswerSource(Citation):
    """One source of an answer, in the expert's working list (see the module's docstring)."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="sources")

    class Meta(Citation.Meta):
        verbose_name = "source"

    def __str__(self):
        return self.title


class LinkCheckQuerySet(models.QuerySet):
    def to_fix(self):
        """Broken and redirected addresses, the worst first."""
        return self.filter(
            Q(outcome=LinkCheck.Outcome.BROKEN) | Q(outcome=LinkCheck.Outcome.REDIRECTED)
        ).order_by("outcome", "-checked_at")


class LinkCheck(models.Model):
    """The last check of one cited web address (`manage.py check_sources`)."""

    class Outcome(models.TextChoices):
        # Sorted so that "broken" comes before "redirected" (LinkCheckQuerySet.to_fix).
        BROKEN = "broken", "Broken"
        REDIRECTED = "redirected", "Redirected"
        OK = "ok", "OK"

    url = models.URLField("URL", max_length=500, unique=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    final_url = models.URLField(
        "redirects to", max_length=2000, blank=True, help_text="Where the address now leads."
    )
    error = models.CharField(max_length=300, blank=True, help_text="Why it could not be read.")
    checked_at = models.DateTimeField(db_index=True)

    objects = LinkCheckQuerySet.as_manager()

    class Meta:
        ordering = ["url"]
        verbose_name = "link check"

    def __str__(self):
        return self.url
