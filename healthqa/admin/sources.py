"""An answer's sources in its change form, and their way through review.

The rows edited here are the expert's working list (see `healthqa.models.citations`). On a live
answer, or one waiting for review, a change to them is a new version for review, as a change of
the text is: the text and the sources saved from one form become one revision.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError

from healthqa.admin.base import FIELD_OVERRIDES
from healthqa.admin.workflow import Refused
from healthqa.core.citations import normalize_doi, normalize_pmid
from healthqa.models import Answer, AnswerSource, cited_works

CITES = "Sources are numbered in this order: [1] in the text links to the first source."
EDIT_WAITS = "Your edit waits for review; readers see the approved text until then."


class CitationForm(forms.ModelForm):
    """A source's form (answers' and articles'): a DOI or PubMed ID is normalised as typed, so
    a pasted link or "PMID: 31234567" passes the column's length check once shortened."""

    pmid = forms.CharField(
        label="PubMed ID",
        max_length=100,
        required=False,
        help_text='For example 31234567 ("PMID: 31234567" or a PubMed link works too).',
    )

    def clean_doi(self):
        return normalize_doi(self.cleaned_data.get("doi"))

    def clean_pmid(self):
        return normalize_pmid(self.cleaned_data.get("pmid"))


class CitationInline(admin.StackedInline):
    """Sources edited under an answer or an article, one compact box each, in citation order."""

    form = CitationForm
    fields = (
        ("kind", "year"),
        "title",
        "authors",
        "container",
        ("doi", "pmid"),
        ("url", "accessed_on"),
        "position",
    )
    ordering = ("position", "pk")
    extra = 0
    formfield_overrides = FIELD_OVERRIDES

    def get_formset(self, request, obj=None, **kwargs):
        kwargs.setdefault("help_texts", {"position": CITES})
        return super().get_formset(request, obj, **kwargs)


class AnswerSourceInline(CitationInline):
    """The answer's working sources: its expert edits them while they may write the answer."""

    model = AnswerSource

    def writes(self, request, obj):
        return obj is None or obj.can_write(request.user)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self.writes(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.writes(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.writes(request, obj)


def sources_changed(formsets):
    return any(fs.model is AnswerSource and fs.has_changed() for fs in formsets)


class SourcesGoThroughReview:
    """For the answer admin, listed after its state buttons (they act once this is done).

    `save_model` leaves a changed text in `answer.revised_body`; once the source rows are
    saved, the text (or, for changed sources alone, the text under review) is revised with
    them, so that the revision copies the sources as they now are.
    """

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        answer = form.instance
        body = answer.__dict__.pop("revised_body", None)
        reviewed = {Answer.Status.APPROVED, Answer.Status.PENDING}
        if body is None and answer.status in reviewed and sources_changed(formsets):
            pending = answer.pending_revision()
            body = pending.body if pending is not None else answer.body
        if body is None:
            return
        try:
            answer.revise(body=body, by=request.user)
        except (ValidationError, PermissionDenied) as exc:
            raise Refused(exc) from exc
        if answer.status == Answer.Status.APPROVED:
            self.message_user(request, EDIT_WAITS, messages.INFO)


def source_changes(approved, submitted):
    """(added, removed): the sources of `submitted` that `approved` lacks, and the reverse
    (copies as `Citation.as_dict()` gives them; an edited source is one of each)."""
    added = [copy for copy in submitted if copy not in approved]
    removed = [copy for copy in approved if copy not in submitted]
    return cited_works(added), cited_works(removed)
