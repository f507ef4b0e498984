"""The moderation queue: pending answers and revisions, decided in one click."""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from healthqa.admin.sources import source_changes
from healthqa.admin.versions import last_change
from healthqa.core.bases import EditConflict
from healthqa.core.permissions import can_moderate
from healthqa.core.text import person_name, refusal, user_label, when, word_diff
from healthqa.models import Answer, AnswerRevision, AnswerSource, SiteSettings, cited_works


class QueueItem:
    """One answer waiting for a decision: a new answer, or a revision of a live one; either may
    come back after a moderator requested changes (`sent_back`, the version they sent back)."""

    def __init__(self, answer, revision, sent_back=None, working=()):
        self.answer = answer
        self.revision = revision
        self.is_revision = answer.status == Answer.Status.APPROVED
        if self.is_revision:
            self.waiting_since = revision.created_at
            self.text = revision.body
            self.diff = word_diff(answer.body, revision.body)
        else:
            self.waiting_since = answer.submitted_at or (revision and revision.created_at)
            self.text = revision.body if revision is not None else answer.body
            self.diff = None
        # The sources of the version under review: the revision's copy (else the working rows).
        copies = revision.sources if revision is not None else list(working)
        self.sources = cited_works(copies)
        changes = source_changes(answer.approved_sources, copies) if self.is_revision else None
        self.sources_added, self.sources_removed = changes or ([], [])
        if sent_back is not None and self.is_revision:
            # A request on an older revision, decided before the live text was last approved,
            # is history: this revision was not written in answer to it.
            if answer.reviewed_at and sent_back.reviewed_at <= answer.reviewed_at:
                sent_back = None
        self.sent_back = sent_back
        self.resubmitted_diff = word_diff(sent_back.body, self.text) if sent_back else None
        self.sent_back_by = person_name(sent_back.reviewed_by) if sent_back else ""

    @property
    def kind(self):
        if self.is_revision:
            if self.sent_back:
                return "Revision resubmitted after changes were requested"
            return "Revision of a live answer"
        return "Resubmitted after changes were requested" if self.sent_back else "New answer"

    @property
    def seen(self):
        return self.revision.pk if self.revision is not None else ""


def queue_items():
    answers = list(
        Answer.objects.waiting_for_review().select_related("question", "expert", "reviewed_by")
    )
    pks = [answer.pk for answer in answers]
    revisions = {
        revision.answer_id: revision
        for revision in AnswerRevision.objects.filter(
            answer__in=pks, status=AnswerRevision.Status.PENDING
        )
    }
    working = {}  # answers waiting without a revision row (none, when submitted as usual)
    for source in AnswerSource.objects.filter(answer__in=[pk for pk in pks if pk not in revisions]):
        working.setdefault(source.answer_id, []).append(source.as_dict())
    sent_back = {}
    for revision in (
        AnswerRevision.objects.filter(
            answer__in=pks, status=AnswerRevision.Status.CHANGES_REQUESTED
        )
        .select_related("reviewed_by")
        .order_by("reviewed_at", "pk")
    ):
        sent_back[revision.answer_id] = revision  # the latest wins
    items = [
        QueueItem(
            answer, revisions.get(answer.pk), sent_back.get(answer.pk), working.get(answer.pk, ())
        )
        for answer in answers
    ]
    far_future = timezone.now() + timedelta(days=3650)
    return sorted(items, key=lambda item: (item.waiting_since or far_future, item.answer.pk))


DECISIONS = {
    "approve": "Approved",
    "request_changes": "Sent back for changes",
    "reject": "Rejected",
}


class DecisionForm(forms.Form):
    answer = forms.TypedMultipleChoiceField(coerce=int, choices=())
    decision = forms.ChoiceField(choices=[(key, key) for key in DECISIONS])
    note = forms.CharField(required=False, max_length=5000)
    is_correction = forms.BooleanField(required=False)
    correction_note = forms.CharField(required=False, max_length=1000)

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answer"].choices = [(pk, pk) for pk in choices]

    def clean(self):
        data = super().clean()
        if (
            data.get("decision") in {"request_changes", "reject"}
            and not data.get("note", "").strip()
        ):
            raise ValidationError(
                "Write a note for the expert: it is required to request changes or to reject."
            )
        if data.get("is_correction") and data.get("decision") == "approve":
            if not data.get("correction_note", "").strip():
                raise ValidationError(
                    "Write the public note that tells readers what was corrected."
                )
            if len(data.get("answer") or ()) > 1:
                raise ValidationError("Mark one answer at a time as a correction.")
        return data

    def correction(self):
        """The public note of an approval marked as a correction, else ""."""
        data = self.cleaned_data
        if data["decision"] == "approve" and data.get("is_correction"):
            return data["correction_note"]
        return ""


def admin_context(request, site, **extra):
    return {**site.each_context(request), **extra}


def queue_view(site):
    @require_GET
    def view(request):
        if not can_moderate(request.user):
            raise PermissionDenied
        items = queue_items()
        return TemplateResponse(
            request,
            "admin/healthqa/moderation/queue.html",
            admin_context(
                request,
                site,
                title="Moderation queue",
                items=items,
                needs_source=SiteSettings.load().answers_need_source,
            ),
        )

    return view


def queue_decide_view(site):
    @require_POST
    def view(request):
        if not can_moderate(request.user):
            raise PermissionDenied
        waiting = list(Answer.objects.waiting_for_review().values_list("pk", flat=True))
        form = DecisionForm(request.POST, choices=waiting)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            if "answer" in form.errors:
                messages.error(request, "Choose answers that are still waiting in the queue.")
            return redirect("admin:moderation_queue")
        decision, note = form.cleaned_data["decision"], form.cleaned_data["note"]
        extra = {"correction": correction} if (correction := form.correction()) else {}
        done = 0
        for answer in Answer.objects.filter(pk__in=form.cleaned_data["answer"]).order_by("pk"):
            seen = request.POST.get(f"seen-{answer.pk}")
            current = answer.pending_revision()
            if seen is not None and seen != str(current.pk if current else ""):
                messages.error(request, stale_message(answer))
                continue
            try:
                # The version the page showed: the model refuses it, under the row lock, if
                # the answer changed since (a new revision, another moderator's decision).
                version = seen_version(request, answer)
                getattr(answer, decision)(by=request.user, note=note, version=version, **extra)
            except EditConflict:
                messages.error(request, stale_message(answer))
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, f"“{answer}”: {refusal(exc)}")
            else:
                done += 1
        if done:
            noun = "answer" if done == 1 else "answers"
            messages.success(request, f"{DECISIONS[decision]}: {done} {noun}.")
        return redirect("admin:moderation_queue")

    return view


def seen_version(request, answer):
    """The answer's version as the moderator saw it, from the queue page's hidden field.

    A page that did not send one (an older page) is checked against the version read now.
    """
    raw = request.POST.get(f"version-{answer.pk}", "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise ValidationError("The page sent a malformed version; reload the queue.")
    return int(raw)


def stale_message(answer):
    answer.refresh_from_db()
    user, changed_at = last_change(answer)
    who = user_label(user)
    moment = f" at {when(changed_at)}" if changed_at else ""
    return (
        f"“{answer}”: the text changed after you opened the queue ({who}{moment}; it is now "
        f"{answer.get_status_display().lower()}). Nothing was done: read it again."
    )
