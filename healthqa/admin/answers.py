"""Answers and their revisions: experts write, moderators decide."""

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.template.defaultfilters import linebreaks_filter
from django.template.response import TemplateResponse
from django.utils.html import format_html

from experts.models import Expert
from healthqa.admin.base import (
    ReadOnly,
    apply_transition,
    cut,
    day,
    moderation_history,
    person,
    questions_for_expert,
)
from healthqa.admin.editing import EditingPresence
from healthqa.admin.history import HistoryAdmin
from healthqa.admin.live_preview import AnswerLivePreview
from healthqa.admin.medical_review import MedicalReviewPage
from healthqa.admin.records import with_initial
from healthqa.admin.sources import AnswerSourceInline, SourcesGoThroughReview
from healthqa.admin.versions import VersionCheckForm, with_loaded_fields
from healthqa.admin.workflow import AnswerButtons
from healthqa.core.markdown import render_markdown
from healthqa.core.permissions import own_expert, sees_only_own_work
from healthqa.core.text import person_name, when
from healthqa.models import Answer, AnswerRevision, Assignment, Flag


class AnswerForm(VersionCheckForm):
    """Starts from the pending revision, if any, so that a second edit builds on the first."""

    class Meta:
        model = Answer
        fields = ("question", "expert", "body", "position", "is_demo")

    def __init__(self, *args, **kwargs):
        restoring = "body" in (kwargs.get("initial") or {})
        super().__init__(*args, **kwargs)
        if self.instance.pk and "body" in self.fields and not restoring:
            pending = self.instance.pending_revision()
            if pending is not None:
                self.initial["body"] = pending.body
        if not self.instance.pk:
            # Started from an assignment: the question (and expert) are fixed.
            for name in ("question", "expert"):
                if name in self.fields and self.initial.get(name):
                    self.fields[name].disabled = True
            # The question's brief (a read-only field) reads them from the instance.
            for name in ("question", "expert"):
                field = self.fields.get(name) or Answer._meta.get_field(name).formfield()
                try:
                    setattr(self.instance, name, field.clean(self.initial.get(name)))
                except ValidationError:
                    pass


class ReviewNoteForm(forms.Form):
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
        help_text="The expert receives this note with the decision.",
    )


class FlagInline(ReadOnly, admin.TabularInline):
    """The reader reports on an answer, on its change page."""

    model = Flag
    fk_name = "answer"
    fields = ("created_at", "reason", "details", "status", "handled_by_name", "resolution_note")
    readonly_fields = fields
    verbose_name_plural = "reader reports"
    handled_by_name = person("handled_by", "handled by")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("handled_by")


class AnswerRevisionInline(ReadOnly, admin.TabularInline):
    model = AnswerRevision
    fields = (
        "created_at",
        "created_by_name",
        "status",
        "short_body",
        "reviewed_by_name",
        "reviewed_at",
    )
    readonly_fields = fields
    ordering = ("-created_at", "-pk")
    show_change_link = True
    created_by_name = person("created_by", "written by")
    reviewed_by_name = person("reviewed_by", "reviewed by")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("created_by", "reviewed_by")

    @admin.display(description="text")
    def short_body(self, revision):
        return Answer(body=revision.body).summary


@admin.register(Answer)
class AnswerAdmin(
    MedicalReviewPage,
    AnswerButtons,
    SourcesGoThroughReview,
    AnswerLivePreview,
    EditingPresence,
    HistoryAdmin,
):
    form = AnswerForm
    # Few, short columns: the list fits a 1280 px window beside the filters.
    list_display = ("question_title", "expert", "review_status", "submitted", "reviewed")
    list_filter = (
        "status",
        ("expert", admin.RelatedOnlyFieldListFilter),
        "question__topic",
        "is_demo",
        "submitted_at",
        "reviewed_at",
    )
    search_fields = ("question__title", "expert__name", "body")
    autocomplete_fields = ("question", "expert")
    list_select_related = ("question", "expert")
    date_hierarchy = "submitted_at"
    inlines = (AnswerSourceInline, AnswerRevisionInline, FlagInline)
    reviewed_by_name = person("reviewed_by", "reviewed by")

    class Media:
        css = {"all": ["css/admin-moderation.css"]}  # the question brief, the review notes

    actions = ("submit_for_review", "approve", "request_changes", "reject")

    def get_queryset(self, request):
        queryset = (
            super()
            .get_queryset(request)
            .annotate(
                has_pending_revision=Exists(
                    AnswerRevision.objects.filter(
                        answer=OuterRef("pk"), status=AnswerRevision.Status.PENDING
                    )
                )
            )
        )
        if sees_only_own_work(request.user):
            queryset = queryset.filter(expert__user=request.user)
        return queryset

    def get_fieldsets(self, request, obj=None):
        main = ["question_brief", "question", "expert", "body", "position"]
        history = ["events", "created_at", "updated_at", "is_demo"]
        if sees_only_own_work(request.user):
            history.remove("is_demo")
            if obj is None:
                main.remove("expert")
        fieldsets = [
            (None, {"fields": main}),
            (
                "Review",
                {
                    "fields": [
                        "status",
                        "submitted_at",
                        "reviewed_by_name",
                        "reviewed_at",
                        "review_note",
                        "medical_review",
                        *self.decision_fields(request, obj),
                    ],
                    "description": "Submit for review, withdraw, approve, request changes or "
                    "reject with the buttons at the bottom of the page; each saves your edits "
                    "first. Editing an approved answer (its text or its sources) stores a "
                    "revision for review; readers keep seeing the approved text and sources "
                    "until it is approved.",
                },
            ),
            ("Readers", {"fields": ["helpful_yes", "helpful_no"]}),
            ("History", {"fields": history}),
        ]
        return with_loaded_fields(fieldsets, obj)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is not None or request.method != "POST":
            return form
        # An answer started from an assignment (?question=) keeps that question when posted:
        # the admin passes GET values as initial data only when it shows the form.
        initial = self.get_changeform_initial_data(request)
        return type(form.__name__, (form,), {"__init__": with_initial(form, initial)})

    def get_readonly_fields(self, request, obj=None):
        readonly = [
            "question_brief",
            "status",
            "submitted_at",
            "reviewed_by_name",
            "reviewed_at",
            "review_note",
            "medical_review",
            "helpful_yes",
            "helpful_no",
            "events",
            "created_at",
            "updated_at",
        ]
        if obj is not None:
            # Moving an answer to another question or expert would skip review.
            readonly += ["question", "expert"]
            if not obj.can_write(request.user):
                readonly.append("body")
        return readonly

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if sees_only_own_work(request.user):
            if db_field.name == "question":
                kwargs["queryset"] = questions_for_expert(request.user)
            elif db_field.name == "expert":
                kwargs["queryset"] = Expert.objects.filter(user=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_add_permission(self, request):
        if not super().has_add_permission(request):
            return False
        return not sees_only_own_work(request.user) or own_expert(request.user) is not None

    def has_moderate_permission(self, request):
        return request.user.has_perm("healthqa.moderate_answer")

    def save_model(self, request, obj, form, change):
        if not change:
            if sees_only_own_work(request.user):
                obj.expert = own_expert(request.user)
            return super().save_model(request, obj, form, change)
        if "body" not in form.changed_data:
            return super().save_model(request, obj, form, change)
        # The text changes only through revise(): an approved answer keeps its live text.
        new_body = obj.body
        obj.body = Answer.objects.values_list("body", flat=True).get(pk=obj.pk)
        super().save_model(request, obj, form, change)
        obj.revised_body = new_body  # revised with the sources (SourcesGoThroughReview)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if sees_only_own_work(request.user):
            # An expert answers as themselves, whatever the link says (the brief shows the
            # assignment of this expert).
            expert = own_expert(request.user)
            initial["expert"] = expert.pk if expert else None
        return initial

    @admin.display(description="the question")
    def question_brief(self, answer):
        """What the expert answers: the question's details and the editor's assignment."""
        if answer.question_id is None:
            return format_html('<span class="quiet">{}</span>', "Choose a question.")
        question = answer.question
        title = question.title
        if question.is_public:
            title = format_html('<a href="{}">{}</a>', question.get_absolute_url(), title)
        details = render_markdown(question.details) or format_html(
            '<p class="quiet">{}</p>', "The question has no further details."
        )
        assignments = Assignment.objects.filter(
            question_id=answer.question_id, expert_id=answer.expert_id
        ).select_related("assigned_by")
        assignment = (
            assignments.filter(status=Assignment.Status.OPEN).first()
            or assignments.order_by("-created_at").first()
        )
        if assignment is None:
            brief = format_html('<p class="quiet">{}</p>', "No assignment for this question.")
        else:
            due = f"due {when(assignment.due_at)}" if assignment.due_at else "no due date"
            brief = format_html(
                "<p><strong>Assignment</strong> ({}), {}, assigned by {}:</p>{}",
                assignment.get_status_display().lower(),
                due,
                person_name(assignment.assigned_by),
                linebreaks_filter(assignment.note or "No note.", autoescape=True),
            )
        return format_html(
            '<div class="question-brief"><p><strong>{}</strong></p>{}{}</div>',
            title,
            details,
            brief,
        )

    @admin.display(description="question", ordering="question__title")
    def question_title(self, answer):
        return cut(answer.question.title)

    @admin.display(description="status", ordering="status")
    def review_status(self, answer):
        label = answer.get_status_display()
        if answer.status == Answer.Status.APPROVED and answer.has_pending_revision:
            return f"{label}, revision waiting"
        return label

    @admin.display(description="submitted", ordering="submitted_at")
    def submitted(self, answer):
        return day(answer.submitted_at)

    @admin.display(description="reviewed", ordering="reviewed_at")
    def reviewed(self, answer):
        return day(answer.reviewed_at)

    @admin.display(description="moderation history")
    def events(self, answer):
        return moderation_history(answer)

    @admin.action(description="Submit selected answers for review", permissions=["change"])
    def submit_for_review(self, request, queryset):
        apply_transition(self, request, queryset, "submit", "Submitted for review")

    @admin.action(
        description="Approve selected answers (or their revisions)", permissions=["moderate"]
    )
    def approve(self, request, queryset):
        apply_transition(self, request, queryset, "approve", "Approved")

    @admin.action(description="Request changes to selected answers…", permissions=["moderate"])
    def request_changes(self, request, queryset):
        return self._review_with_note(
            request, queryset, method="request_changes", title="Request changes",
            done="Sent back for changes",
        )  # fmt: skip

    @admin.action(description="Reject selected answers…", permissions=["moderate"])
    def reject(self, request, queryset):
        return self._review_with_note(
            request, queryset, method="reject", title="Reject answers", done="Rejected"
        )

    def _review_with_note(self, request, queryset, *, method, title, done):
        """Ask for the note the expert will read, then call the model method on each answer."""
        if request.POST.get("post") == "yes":
            form = ReviewNoteForm(request.POST)
            if form.is_valid():
                apply_transition(
                    self, request, queryset, method, done, note=form.cleaned_data["note"]
                )
                return None
        else:
            form = ReviewNoteForm()
        request.current_app = self.admin_site.name
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.opts,
            "queryset": queryset,
            "form": form,
            "action": request.POST.get("action", method),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/healthqa/answer/review_note.html", context)


@admin.register(AnswerRevision)
class AnswerRevisionAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("answer", "status", "created_by", "created_at", "reviewed_by", "reviewed_at")
    list_filter = ("status", "created_at", "reviewed_at")
    search_fields = ("answer__question__title", "answer__expert__name", "body", "review_note")
    list_select_related = ("answer__question", "answer__expert", "created_by", "reviewed_by")
    date_hierarchy = "created_at"
    fields = (
        "answer",
        "status",
        "body",
        "created_by_name",
        "created_at",
        "reviewed_by_name",
        "reviewed_at",
        "review_note",
    )
    readonly_fields = fields
    created_by_name = person("created_by", "written by")
    reviewed_by_name = person("reviewed_by", "reviewed by")

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if sees_only_own_work(request.user):
            queryset = queryset.filter(answer__expert__user=request.user)
        return queryset

    def view_on_site(self, revision):
        return revision.answer.get_absolute_url()
