"""Triage of reader submissions: accept as a draft, merge or reject."""

from django import forms
from django.contrib import messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_http_methods

from healthqa.admin.queue import admin_context
from healthqa.core.permissions import can_moderate, can_triage
from healthqa.core.text import refusal
from healthqa.core.urgency import urgent_signs
from healthqa.models import Question, Topic


def submissions_view(site):
    @require_GET
    def view(request):
        if not can_triage(request.user):
            raise PermissionDenied
        submissions = list(
            Question.objects.filter(status=Question.Status.SUBMITTED).order_by("created_at", "pk")
        )
        for submission in submissions:
            submission.urgent_signs = submission_urgent_signs(submission)
        # Those that mention an emergency first (each group oldest first): the reader may need
        # to be told where to get help now.
        submissions.sort(key=lambda submission: not submission.urgent_signs)
        return TemplateResponse(
            request,
            "admin/healthqa/moderation/submissions.html",
            admin_context(
                request,
                site,
                title="Reader questions to triage",
                submissions=submissions,
                urgent_count=sum(1 for submission in submissions if submission.urgent_signs),
            ),
        )

    return view


def submission_urgent_signs(submission):
    """What a reader's submission suggests may be an emergency (the ask form's own rule, on
    the text as the reader typed it)."""
    return urgent_signs(submission.submitted_text or f"{submission.title}\n{submission.details}")


class AcceptForm(forms.Form):
    title = forms.CharField(max_length=255)
    details = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 8, "cols": 80}))
    topic = forms.ModelChoiceField(queryset=Topic.objects.order_by("name"), required=False)
    note = forms.CharField(required=False, max_length=2000, label="Note for the record")


class MergeForm(forms.Form):
    target = forms.ModelChoiceField(
        label="Merge into",
        queryset=Question.objects.filter(
            status__in=[Question.Status.DRAFT, Question.Status.PUBLISHED, Question.Status.ARCHIVED]
        ),
    )
    note = forms.CharField(required=False, max_length=2000, label="Note for the record")

    def __init__(self, *args, site, **kwargs):
        super().__init__(*args, **kwargs)
        target = self.fields["target"]
        target.widget = AutocompleteSelect(Question._meta.get_field("merged_into"), site)
        target.widget.choices = target.choices


class RejectForm(forms.Form):
    note = forms.CharField(required=False, max_length=2000, label="Reason (for the record)")


def triage_view(site):
    @require_http_methods(["GET", "POST"])
    def view(request, pk):
        if not can_triage(request.user):
            raise PermissionDenied
        submission = get_object_or_404(Question, pk=pk)
        if submission.status != Question.Status.SUBMITTED:
            messages.info(request, f"“{submission}” has already been triaged.")
            return redirect("admin:moderation_submissions")
        decision = request.POST.get("decision") if request.method == "POST" else None
        forms_by_name = {
            "accept": AcceptForm(
                request.POST if decision == "accept" else None,
                initial={
                    "title": submission.title,
                    "details": submission.details,
                    "topic": submission.topic_id,
                },
                prefix="accept",
            ),
            "merge": MergeForm(
                request.POST if decision == "merge" else None, prefix="merge", site=site
            ),
            "reject": RejectForm(request.POST if decision == "reject" else None, prefix="reject"),
        }
        if request.method == "POST":
            form = forms_by_name.get(decision)
            if form is None:
                messages.error(request, "Choose to accept, merge or reject the submission.")
            elif form.is_valid():
                data = form.cleaned_data
                try:
                    if decision == "accept":
                        submission.accept_submission(
                            by=request.user,
                            note=data["note"],
                            title=data["title"],
                            details=data["details"],
                            topic=data["topic"],
                        )
                        messages.success(request, f"“{submission}” is now a draft question.")
                        return redirect("admin:healthqa_question_change", submission.pk)
                    if decision == "merge":
                        submission.merge_into(data["target"], by=request.user, note=data["note"])
                        messages.success(request, f"Merged into “{data['target']}”.")
                    else:
                        submission.reject(by=request.user, note=data["note"])
                        messages.success(request, "Submission rejected.")
                    return redirect("admin:moderation_submissions")
                except (ValidationError, PermissionDenied) as exc:
                    messages.error(request, refusal(exc))
        return TemplateResponse(
            request,
            "admin/healthqa/moderation/triage.html",
            admin_context(
                request,
                site,
                title=f"Triage: {submission.title}",
                submission=submission,
                urgent_signs=submission_urgent_signs(submission),
                show_raw=can_moderate(request.user),
                accept_form=forms_by_name["accept"],
                merge_form=forms_by_name["merge"],
                reject_form=forms_by_name["reject"],
                media=forms_by_name["merge"].media,
            ),
        )

    return view
