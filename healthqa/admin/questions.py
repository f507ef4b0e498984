"""Topics and questions."""

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from healthqa.admin.base import (
    ChecksPostedIds,
    PublishingActions,
    ReadOnly,
    apply_transition,
    day,
    moderation_history,
    person,
    publication_label,
    questions_for_expert,
)
from healthqa.admin.editing import EditingPresence
from healthqa.admin.history import HistoryAdmin
from healthqa.admin.live_preview import QuestionLivePreview
from healthqa.admin.previews import SharesPreviews
from healthqa.admin.records import expert_field_kwargs, topic_of_question
from healthqa.admin.workflow import PublishingButtons
from healthqa.core import notifications
from healthqa.core.permissions import sees_only_own_work
from healthqa.models import Answer, Assignment, ContinueLearningPick, Question, Topic


@admin.register(Topic)
class TopicAdmin(EditingPresence, HistoryAdmin):
    list_display = ("name", "slug", "parent", "question_count", "is_demo", "updated_at")
    list_filter = ("is_demo", ("parent", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name", "slug", "description")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("parent",)
    list_select_related = ("parent",)
    readonly_fields = ("created_at", "updated_at")
    fields = ("name", "slug", "parent", "description", "is_demo", "created_at", "updated_at")

    def get_queryset(self, request):
        # Counting groups rows, which drops Meta.ordering; autocomplete pages need an order.
        queryset = super().get_queryset(request).annotate(question_total=Count("questions"))
        return queryset.order_by("name", "pk")

    @admin.display(description="questions", ordering="question_total")
    def question_count(self, topic):
        return topic.question_total


# --- Questions ---------------------------------------------------------------------------------


class PublicationFilter(admin.SimpleListFilter):
    """What readers see of a question, beyond its status."""

    title = "publication"
    parameter_name = "publication"

    def lookups(self, request, model_admin):
        return [
            ("public", "Public now"),
            ("scheduled", "Scheduled"),
            ("unanswered", "Published, waiting for an approved answer"),
        ]

    def queryset(self, request, queryset):
        published = queryset.filter(status=Question.Status.PUBLISHED)
        if self.value() == "public":
            return queryset.filter(pk__in=Question.objects.public().values("pk"))
        if self.value() == "scheduled":
            return published.filter(published_at__gt=timezone.now())
        if self.value() == "unanswered":
            return published.exclude(
                Exists(Answer.objects.approved().filter(question=OuterRef("pk")))
            )
        return queryset


class AnswerInline(ReadOnly, admin.TabularInline):
    """The question's answers at a glance; each is reviewed on its own change page."""

    model = Answer
    fields = ("expert", "status", "short_body", "submitted_at", "reviewed_at")
    readonly_fields = fields
    show_change_link = True

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("expert")
        if sees_only_own_work(request.user):
            queryset = queryset.filter(expert__user=request.user)
        return queryset

    @admin.display(description="answer")
    def short_body(self, answer):
        return answer.summary


class ContinueLearningPickInline(ChecksPostedIds, admin.TabularInline):
    model = ContinueLearningPick
    fields = ("position", "article")
    autocomplete_fields = ("article",)
    ordering = ("position", "pk")
    extra = 0
    verbose_name_plural = (
        "Continue Learning picks (lowest position first; the block is filled up to four with "
        "the newest articles of the topic)"
    )


class AssignmentInline(admin.StackedInline):
    model = Assignment
    fields = ("expert", "due_at", "status", "note", "assigned_by_name")
    # The status moves only through submitting an answer or `Assignment.decline`.
    readonly_fields = ("status", "assigned_by_name")
    assigned_by_name = person("assigned_by", "assigned by")
    extra = 0
    # Stacked, with a small note box: the page fits a 1280 px window beside the live preview.
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 3, "cols": 30})}
    }

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "expert":
            question_id = request.resolver_match.kwargs.get("object_id")
            kwargs.update(expert_field_kwargs(topic_of_question(question_id)))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("expert", "assigned_by")
        if sees_only_own_work(request.user):
            queryset = queryset.filter(expert__user=request.user)
        return queryset


@admin.register(Question)
class QuestionAdmin(
    PublishingButtons,
    PublishingActions,
    SharesPreviews,
    QuestionLivePreview,
    EditingPresence,
    HistoryAdmin,
):
    # Few, short columns: the list fits a 1280 px window beside the filters.
    list_display = ("title", "topic", "publication", "answer_count", "featured", "updated")
    list_filter = (
        "status",
        PublicationFilter,
        "topic",
        "featured",
        "is_demo",
        "published_at",
        "created_at",
    )
    search_fields = ("title", "slug", "details", "submitted_by_name", "submitted_by_email")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("topic",)
    list_select_related = ("topic",)
    date_hierarchy = "published_at"
    readonly_fields = (
        "status",
        "publication",
        "submitted_by_name",
        "submitted_by_email",
        "events",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (None, {"fields": ("title", "slug", "topic", "tags", "details")}),
        (
            "Publication",
            {
                "fields": ("status", "publication", "published_at", "featured"),
                "description": "Publish now, Schedule (for a publication date in the future) "
                "and Unpublish are the buttons at the bottom of the page; each saves your edits "
                "first. Archiving many questions at once is an action of the question list.",
            },
        ),
        ("Reader submission", {"fields": ("submitted_by_name", "submitted_by_email")}),
        ("History", {"fields": ("events", "created_at", "updated_at", "is_demo")}),
    )
    inlines = (AnswerInline, ContinueLearningPickInline, AssignmentInline)
    actions = (
        "publish",
        "archive",
        "accept_submission",
        "reject_submission",
        "erase_reader_details",
    )
    history_restore_exclude = ("published_at",)

    def get_queryset(self, request):
        queryset = (
            super()
            .get_queryset(request)
            .annotate(
                answer_total=Count("answers"),
                has_approved_answer=Exists(
                    Answer.objects.approved().filter(question=OuterRef("pk"))
                ),
            )
            .order_by("-published_at", "-created_at", "-pk")
        )
        if sees_only_own_work(request.user):
            queryset = queryset.filter(pk__in=questions_for_expert(request.user).values("pk"))
        return queryset

    def save_formset(self, request, form, formset, change):
        if formset.model is not Assignment:
            return super().save_formset(request, form, formset, change)
        assignments = formset.save(commit=False)
        for assignment in formset.deleted_objects:
            assignment.delete()
        for assignment in assignments:
            if assignment.assigned_by_id is None:
                assignment.assigned_by = request.user
            is_new = assignment.pk is None
            assignment.save()
            if is_new:
                notifications.assignment_made(assignment=assignment)
        formset.save_m2m()

    def has_triage_permission(self, request):
        return request.user.has_perm("healthqa.triage_question")

    @admin.display(description="publication", ordering="published_at")
    def publication(self, question):
        label = publication_label(question)
        waiting = getattr(question, "has_approved_answer", True) is False
        if question.status == Question.Status.PUBLISHED and waiting:
            return f"{label} — waiting for an approved answer"
        return label

    @admin.display(description="updated", ordering="updated_at")
    def updated(self, question):
        return day(question.updated_at)

    @admin.display(description="answers", ordering="answer_total")
    def answer_count(self, question):
        return question.answer_total

    @admin.display(description="moderation history")
    def events(self, question):
        return moderation_history(question)

    @admin.action(
        description="Accept selected reader submissions as drafts", permissions=["triage"]
    )
    def accept_submission(self, request, queryset):
        apply_transition(self, request, queryset, "accept_submission", "Accepted")

    @admin.action(description="Reject selected reader submissions", permissions=["triage"])
    def reject_submission(self, request, queryset):
        apply_transition(self, request, queryset, "reject", "Rejected")

    @admin.action(
        description="Erase the reader's name, email and text as typed (on their request)",
        permissions=["triage"],
    )
    def erase_reader_details(self, request, queryset):
        apply_transition(
            self, request, queryset, "erase_reader_details", "Erased the reader's details of"
        )
