"""The "Medical review" page of an answer: an editor names the clinician expert who checked its
medical content, and when. Editors only view answers, so this is a page of its own."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html

from experts.models import Expert
from healthqa.admin.base import missing_object
from healthqa.core.permissions import allowed

PERMISSION = "healthqa.name_medical_reviewer"


class ClinicianChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class MedicalReviewForm(forms.Form):
    reviewer = ClinicianChoiceField(
        queryset=Expert.objects.filter(is_clinician=True, is_active=True),
        required=False,
        label="Medical reviewer",
        empty_label="No medical reviewer",
        help_text="A clinician expert, not the answer's own expert. Choose “No medical "
        "reviewer” to clear it.",
    )
    reviewed_on = forms.DateField(
        label="Reviewed on",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="The day the reviewer checked the answer.",
    )
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        max_value=2**31 - 1,
        error_messages=dict.fromkeys(
            ("required", "invalid", "min_value", "max_value"),
            "This page does not say which version of the answer it shows: reload it.",
        ),
    )

    def clean(self):
        cleaned = super().clean()
        reviewer, reviewed_on = cleaned.get("reviewer"), cleaned.get("reviewed_on")
        if reviewer is not None and reviewed_on is None and "reviewed_on" not in self.errors:
            self.add_error("reviewed_on", "Give the day of the medical review.")
        if reviewed_on is not None and reviewed_on > timezone.localdate():
            self.add_error("reviewed_on", "The day of the medical review cannot be in the future.")
        return cleaned


def reviewed_by_line(answer):
    """The reviewer and the day ("Dr. Lee, MD, 5 December 2026"), or a quiet "None"."""
    if answer.medical_reviewer is None:
        return format_html('<span class="quiet">{}</span>', "None")
    return format_html(
        "{}, {}",
        answer.medical_reviewer.display_name,
        date_format(answer.medically_reviewed_on, "j F Y") if answer.medically_reviewed_on else "—",
    )


class MedicalReviewPage:
    """For AnswerAdmin: the medical review page, a link to it among the change page's object
    tools for those who may use it, and the current medical reviewer as a read-only field."""

    change_form_template = "admin/healthqa/answer/medical_review_change_form.html"

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_medical_review"
        view = self.admin_site.admin_view(self.medical_review_view)
        return [path("<path:object_id>/medical-review/", view, name=name), *super().get_urls()]

    def has_medical_review_permission(self, request, obj=None):
        return allowed(request.user, PERMISSION) and self.has_view_permission(request, obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["can_name_medical_reviewer"] = obj is not None and (
            self.has_medical_review_permission(request, obj)
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.display(description="medical reviewer")
    def medical_review(self, answer):
        return reviewed_by_line(answer)

    def medical_review_view(self, request, object_id):
        request.current_app = self.admin_site.name
        if not allowed(request.user, PERMISSION):
            raise PermissionDenied
        answer = self.get_object(request, unquote(object_id))
        if answer is None:
            return missing_object(self, request, object_id)
        if not self.has_medical_review_permission(request, answer):
            raise PermissionDenied
        if request.method not in {"GET", "POST"}:
            return HttpResponseNotAllowed(["GET", "POST"])
        if request.method == "POST":
            form = MedicalReviewForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    answer.name_medical_reviewer(
                        reviewer=data["reviewer"],
                        reviewed_on=data["reviewed_on"],
                        by=request.user,
                        version=data["version"],
                    )
                except (ValidationError, PermissionDenied) as exc:
                    form.add_error(None, exc if isinstance(exc, ValidationError) else str(exc))
                else:
                    done = "cleared" if data["reviewer"] is None else "saved"
                    self.message_user(request, f"Medical review {done}.", messages.SUCCESS)
                    return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                                    answer.pk)  # fmt: skip
        else:
            form = MedicalReviewForm(
                initial={
                    "reviewer": answer.medical_reviewer_id,
                    "reviewed_on": answer.medically_reviewed_on or timezone.localdate(),
                    "version": answer.version,
                }
            )
        context = {
            **self.admin_site.each_context(request),
            "title": "Medical review",
            "subtitle": str(answer),
            "opts": self.opts,
            "original": answer,
            "form": form,
            "current": reviewed_by_line(answer),
            "is_live": answer.status == answer.Status.APPROVED,
        }
        return TemplateResponse(request, "admin/healthqa/answer/medical_review.html", context)
