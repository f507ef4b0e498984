"""Readers' reports (flags), dismissed or acted on."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_POST

from healthqa.admin.queue import admin_context
from healthqa.core.permissions import can_handle_flags
from healthqa.core.text import refusal
from healthqa.models import Flag


def open_flags():
    return Flag.objects.filter(status=Flag.Status.OPEN).select_related(
        "answer__question", "answer__expert", "question"
    )


def flags_view(site):
    @require_GET
    def view(request):
        if not can_handle_flags(request.user):
            raise PermissionDenied
        flags = list(open_flags().order_by("created_at", "pk"))
        return TemplateResponse(
            request,
            "admin/healthqa/moderation/flags.html",
            admin_context(request, site, title="Reader reports", flags=flags),
        )

    return view


class FlagDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("dismiss", "dismiss"), ("act", "act")])
    note = forms.CharField(required=False, max_length=5000)


def flag_decide_view(site):
    @require_POST
    def view(request, pk):
        if not can_handle_flags(request.user):
            raise PermissionDenied
        flag = get_object_or_404(Flag.objects.select_related("answer"), pk=pk)
        form = FlagDecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Choose to dismiss the report or to act on it.")
            return redirect("admin:moderation_flags")
        decision, note = form.cleaned_data["decision"], form.cleaned_data["note"]
        try:
            if decision == "dismiss":
                flag.dismiss(by=request.user, note=note)
            else:
                flag.act(by=request.user, note=note)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, f"Report #{flag.pk}: {refusal(exc)}")
        else:
            done = "dismissed" if decision == "dismiss" else "acted on"
            messages.success(request, f"Report #{flag.pk} {done}.")
        return redirect("admin:moderation_flags")

    return view
