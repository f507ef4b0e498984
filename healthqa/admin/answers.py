"""Answers and their revisions: experts write, moderators decide."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Exists, OuterRef
from django.template.response import TemplateResponse

from experts.models import Expert
from healthqa.admin.base import (
    ReadOnly,
    apply_transition,
    moderation_history,
    questions_for_expert,
)
from healthqa.admin.history import HistoryAdmin
from healthqa.admin.records import with_initial
from healthqa.admin.versions import VersionCheckForm, with_loaded_fields
from healthqa.core.permissions import own_expert, sees_only_own_work
from healthqa.models import Answer, AnswerRevision, Flag


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


class ReviewNoteForm(forms.Form):
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
        help_text="The expert receives this note with the decision.",
    )


class FlagInline(ReadOnly, admin.TabularInline):
    """The reader reports on an answer, on its change page."""

    model = Flag
    fk_name = "answer"
    fields = ("created_at", "reason", "details", "status", "handled_by", "resolution_note")
    readonly_fields = fields
    verbose_name_plural = "reader reports"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("handled_by")


class AnswerRevisionInline(ReadOnly, admin.TabularInline):
    model = AnswerRevision
    fields = ("created_at", "created_by", "status", "short_body", "reviewed_by", "reviewed_at")
    readonly_fields = fields
    ordering = ("-created_at", "-pk")
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("created_by", "reviewed_by")

    @admin.display(description="text")
    def short_body(self, revision):
        return Answer(body=revision.body).summary


@admin.register(Answer)
class AnswerAdmin(HistoryAdmin):
    form = AnswerForm
    list_display = (
        "question",
        "expert",
        "status",
        "pending_revision",
        "submitted_at",
        "reviewed_at",
        "reviewed_by",
        "helpful",
        "is_demo",
    )
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
    list_select_related = ("question", "expert", "reviewed_by")
    date_hierarchy = "submitted_at"
    inlines = (AnswerRevisionInline, FlagInline)
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
        main = ["question", "expert", "body", "position"]
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
                        "reviewed_by",
                        "reviewed_at",
                        "review_note",
                    ],
                    "description": "Submit, approve, send back or reject with the actions of "
                    "the answer list. Editing an approved answer stores a revision for review; "
                    "readers keep seeing the approved text until it is approved.",
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
            "status",
            "submitted_at",
            "reviewed_by",
            "reviewed_at",
            "review_note",
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
        obj.revise(body=new_body, by=request.user)
        if obj.status == Answer.Status.APPROVED:
            self.message_user(
                request,
                "Your edit waits for review; readers see the approved text until then.",
                messages.INFO,
            )

    @admin.display(description="pending revision", boolean=True)
    def pending_revision(self, answer):
        return answer.has_pending_revision

    @admin.display(description="helpful (yes / no)", ordering="-helpful_yes")
    def helpful(self, answer):
        return f"{answer.helpful_yes} / {answer.helpful_no}"

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
        "created_by",
        "created_at",
        "reviewed_by",
        "reviewed_at",
        "review_note",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if sees_only_own_work(request.user):
            queryset = queryset.filter(answer__expert__user=request.user)
        return queryset

    def view_on_site(self, revision):
        return revision.answer.get_absolute_url()
