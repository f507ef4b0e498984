"""State buttons in the change forms: publish, schedule, submit, approve… beside Save.

Each button saves the form first, then calls the model method the list action calls, in the
admin's one transaction. A refusal (ValidationError, PermissionDenied, EditConflict) rolls the
whole post back and shows the form again with the posted input and the reason. Only the
buttons the user may use now are shown; the model method checks again whatever is posted.
"""

from dataclasses import dataclass, replace

from django import forms
from django.contrib import messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone

from healthqa.admin.versions import LOADED_FIELDS
from healthqa.core.permissions import allowed, can_moderate
from healthqa.core.text import refusal, when
from healthqa.models import Answer
from healthqa.models.publishing import whole_seconds


@dataclass(frozen=True)
class Button:
    name: str
    label: str
    primary: bool = False
    danger: bool = False
    title: str = ""


# Django's own: "Save draft" keeps the page open, "Save" returns to the list.
SAVE_DRAFT = Button("_continue", "Save draft")
SAVE = Button("_save", "Save")


class Refused(Exception):
    """A model method refused the posted button: roll back, show the form with `error`."""

    def __init__(self, error):
        super().__init__(refusal(error))
        # A ValidationError keeps its messages; a PermissionDenied is shown by its text.
        self.error = error if isinstance(error, ValidationError) else refusal(error)


def with_checks(form_class, check):
    """`form_class` whose clean() also runs `check(form)` (after the fields are cleaned)."""

    def clean(self):
        cleaned = super(checked, self).clean()
        check(self)
        return cleaned

    checked = type(form_class.__name__, (form_class,), {"clean": clean})
    return checked


def sentence(text):
    """`text` ending in one full stop ("… 10:00 a.m." has its own)."""
    return text if text.endswith(".") else f"{text}."


def add_error(form, field, error):
    form.add_error(field if field in form.fields else None, error)


CORRECTION_FIELDS = ("is_correction", "correction_note")


def correction_form_fields():
    """The two fields that mark a change to live content as a correction readers are told of."""
    return {
        "is_correction": forms.BooleanField(
            label="This is a correction",
            required=False,
            help_text="Tick it when the change fixes something wrong that readers have seen.",
        ),
        "correction_note": forms.CharField(
            label="Correction note (shown to readers)",
            required=False,
            max_length=1000,
            widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
            help_text="What was wrong and what changed. Shown above the text and in the list "
            "of corrections, with today's date.",
        ),
    }


def check_correction(form):
    """Form errors for a tick without a note, or a note without a tick."""
    ticked = form.cleaned_data.get("is_correction")
    note = (form.cleaned_data.get("correction_note") or "").strip()
    if ticked and not note:
        add_error(
            form, "correction_note", "Write the public note that tells readers what was corrected."
        )
    elif note and not ticked:
        add_error(
            form, "is_correction", "Tick “This is a correction” to publish the note, or clear it."
        )


def correction_note(form):
    """The public note to record, or "" when the form does not mark a correction."""
    if not form.cleaned_data.get("is_correction"):
        return ""
    return form.cleaned_data.get("correction_note") or ""


class WorkflowButtons:
    """Base of the state buttons of one admin.

    Subclasses list their buttons by name (`workflow_actions`), say which to show
    (`workflow_buttons`), what a button does (`apply_button`, returning the message) and may
    check the form before anything is saved (`check_button`).
    """

    workflow_actions = ()

    @property
    def media(self):
        return super().media + forms.Media(
            css={"all": ["css/admin-workflow.css"]}, js=["js/admin-workflow.js"]
        )

    def posted_button(self, request):
        if request.method != "POST":
            return None
        return next((name for name in self.workflow_actions if name in request.POST), None)

    def workflow_buttons(self, request, obj, form):
        """The buttons to show, or None for Django's own row."""
        return None

    def check_button(self, request, form, button):
        """Add form errors for a button that cannot work with what was typed."""

    def apply_button(self, request, obj, form, button):
        raise NotImplementedError

    # -- the admin's hooks -------------------------------------------------------------------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except Refused as refused:
            # The admin's transaction has rolled everything back; the second pass finds the
            # form invalid with the reason and shows it with what was posted.
            request.workflow_refusal = refused
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        refused = getattr(request, "workflow_refusal", None)
        button = self.posted_button(request)
        if refused is not None:
            return with_checks(form, lambda f: f.add_error(None, refused.error))
        if button is not None:
            return with_checks(form, lambda f: self.check_button(request, f, button))
        return form

    def save_model(self, request, obj, form, change):
        try:
            super().save_model(request, obj, form, change)
        except (ValidationError, PermissionDenied) as exc:
            raise Refused(exc) from exc

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        button = self.posted_button(request)
        if button is None:
            return
        try:
            request.workflow_done = self.apply_button(request, form.instance, form, button)
        except (ValidationError, PermissionDenied) as exc:
            raise Refused(exc) from exc

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        buttons = None
        if (obj is None and self.has_add_permission(request)) or (
            obj is not None and self.has_change_permission(request, obj)
        ):
            buttons = self.workflow_buttons(request, obj, context["adminform"].form)
        context["workflow_buttons"] = buttons
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_add(self, request, obj, post_url_continue=None):
        return self._response(request, obj) or super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        return self._response(request, obj) or super().response_change(request, obj)

    def _response(self, request, obj):
        done = getattr(request, "workflow_done", None)
        if done is None or IS_POPUP_VAR in request.POST:
            return None
        self.message_user(request, done, messages.SUCCESS)
        opts = self.opts
        url = reverse(
            f"admin:{opts.app_label}_{opts.model_name}_change",
            args=[obj.pk],
            current_app=self.admin_site.name,
        )
        return HttpResponseRedirect(url)


def form_value(form, name):
    """The value of `name` the form shows: as typed (when valid), else the saved one."""
    cleaned = getattr(form, "cleaned_data", None)
    if cleaned is not None and name in cleaned:
        return cleaned[name]
    return getattr(form.instance, name, None)


class PublishingButtons(WorkflowButtons):
    """Questions and articles: Save draft, Publish now, Schedule, Unpublish, Save."""

    workflow_actions = ("_publish", "_schedule", "_unpublish")

    def may_publish(self, request):
        return allowed(request.user, self.model.publish_permission)

    def workflow_buttons(self, request, obj, form):
        Status = self.model.Status
        status = Status.DRAFT if obj is None else obj.status
        may_publish = self.may_publish(request)
        if status == Status.PUBLISHED:
            buttons = [Button("_save", "Save", primary=True)]
            if may_publish:
                label = "Unschedule" if obj.is_scheduled else "Unpublish"
                title = (
                    "Back to draft: readers will not see it at the scheduled time."
                    if obj.is_scheduled
                    else "Take it out of public view (archived)."
                )
                buttons.append(Button("_unpublish", label, danger=True, title=title))
            return buttons
        if status not in {Status.DRAFT, Status.ARCHIVED}:
            return None
        first = SAVE_DRAFT if status == Status.DRAFT else Button("_continue", "Save")
        if not may_publish:
            return [Button(first.name, first.label, primary=True)]
        published_at = form_value(form, "published_at")
        later = published_at is not None and published_at > timezone.now()
        return [
            first,
            Button(
                "_publish",
                "Publish now",
                primary=not later,
                title="Readers see it from now on (or from the past date set above).",
            ),
            Button(
                "_schedule",
                "Schedule",
                primary=later,
                title="Readers see it from the future publication date set above.",
            ),
        ]

    def check_button(self, request, form, button):
        if button != "_schedule" or "published_at" not in form.cleaned_data:
            return
        published_at = form.cleaned_data["published_at"]
        if published_at is None or published_at <= timezone.now():
            add_error(
                form,
                "published_at",
                "To schedule, set a publication date in the future (or use Publish now).",
            )

    def save_model(self, request, obj, form, change):
        if self.posted_button(request) == "_publish":
            now = whole_seconds(timezone.now())
            if obj.published_at is None or obj.published_at > now:
                obj.published_at = now
        super().save_model(request, obj, form, change)

    def apply_button(self, request, obj, form, button):
        noun = self.opts.verbose_name
        if button in {"_publish", "_schedule"}:
            obj.publish(by=request.user)
            if obj.is_scheduled:
                return sentence(f"Scheduled for {when(obj.published_at)}")
            return "Published."
        obj.unpublish(by=request.user)
        if obj.status == self.model.Status.DRAFT:
            return f"Unscheduled: the {noun} is a draft again."
        return f"Unpublished: the {noun} is archived; readers no longer see it."


class AnswerButtons(WorkflowButtons):
    """Answers: the expert saves, submits or withdraws; a moderator decides, with a note."""

    workflow_actions = ("_submit", "_withdraw", "_approve", "_request_changes", "_reject")
    decision_note_field = "decision_note"

    def waits_for_review(self, obj):
        if obj is None:
            return False
        if obj.status == Answer.Status.PENDING:
            return True
        return obj.status == Answer.Status.APPROVED and obj.pending_revision() is not None

    def may_decide(self, request, obj):
        return (
            obj is not None
            and can_moderate(request.user)
            and not obj._is_author(request.user)
            and self.waits_for_review(obj)
        )

    def decision_fields(self, request, obj):
        """The note field of a moderator's decision, for the Review fieldset; for a revision
        of a live answer, also the fields that mark its approval as a correction."""
        if not self.may_decide(request, obj):
            return []
        if obj.status == Answer.Status.APPROVED:
            return [self.decision_note_field, *CORRECTION_FIELDS]
        return [self.decision_note_field]

    def get_form(self, request, obj=None, **kwargs):
        if fields := self.decision_fields(request, obj):
            base = kwargs.get("form", self.form)
            note = forms.CharField(
                label="Note for the expert",
                required=False,
                widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
                help_text="Needed to request changes or reject; the expert receives it with "
                "the decision (optional when approving).",
            )
            declared = {self.decision_note_field: note}
            if CORRECTION_FIELDS[0] in fields:
                declared.update(correction_form_fields())
            kwargs["form"] = type(base.__name__, (base,), declared)
        return super().get_form(request, obj, **kwargs)

    def workflow_buttons(self, request, obj, form):
        Status = Answer.Status
        user = request.user
        writes = obj is None or obj.can_write(user)
        buttons = []
        if writes and (obj is None or obj.status in {Status.DRAFT, Status.CHANGES_REQUESTED}):
            buttons += [SAVE_DRAFT, Button("_submit", "Submit for review", primary=True)]
        elif writes and obj.status == Status.PENDING:
            buttons += [
                Button("_save", "Save", title="Your edit replaces the text waiting for review."),
                Button("_withdraw", "Withdraw", title="Take it back from review: a draft again."),
            ]
        else:
            save_title = (
                "Your edit waits for review; readers see the approved text until then."
                if writes and obj.status == Status.APPROVED
                else ""
            )
            buttons.append(Button("_save", "Save", title=save_title))
        if self.may_decide(request, obj):
            buttons = [b for b in buttons if not b.primary] + [
                Button("_approve", "Approve", primary=True),
                Button("_request_changes", "Request changes"),
                Button("_reject", "Reject", danger=True),
            ]
        if not any(button.primary for button in buttons):
            buttons[0] = replace(buttons[0], primary=True)
        return buttons

    def decision_note(self, form):
        return (form.cleaned_data.get(self.decision_note_field) or "").strip()

    def check_button(self, request, form, button):
        if button in {"_request_changes", "_reject"} and not self.decision_note(form):
            add_error(
                form,
                self.decision_note_field,
                "Write a note for the expert explaining the decision.",
            )
        if button == "_approve" and CORRECTION_FIELDS[0] in form.fields:
            check_correction(form)

    def save_model(self, request, obj, form, change):
        kept = {self.decision_note_field, *CORRECTION_FIELDS, *LOADED_FIELDS}
        typed = [name for name in form.changed_data if name not in kept]
        if change and self.posted_button(request) and not typed:
            # Nothing typed: the decision alone is recorded, not an empty edit besides it.
            obj.__dict__.pop("expected_version", None)
            return
        super().save_model(request, obj, form, change)

    def apply_button(self, request, obj, form, button):
        by = request.user
        if button == "_submit":
            obj.submit(by=by)
            return "Submitted for review."
        if button == "_withdraw":
            obj.withdraw(by=by)
            return "Withdrawn: the answer is a draft again."
        note = self.decision_note(form)
        if button == "_approve":
            revision = obj.status == Answer.Status.APPROVED
            correction = correction_note(form) if revision else ""
            obj.approve(by=by, note=note, correction=correction)
            if correction:
                return "Approved as a correction: the revised text is live, with the note."
            return "Approved: the revised text is live." if revision else "Approved."
        if button == "_request_changes":
            obj.request_changes(by=by, note=note)
            return "Sent back to the expert for changes."
        obj.reject(by=by, note=note)
        return "Rejected."
