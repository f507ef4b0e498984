"""Moderation records, assignments and readers' reports."""

from django import forms
from django.contrib import admin
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Case, Exists, OuterRef, Value, When
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from experts.models import Expert
from healthqa.admin.base import ReadOnly, apply_transition, person
from healthqa.admin.versions import VersionedAdmin
from healthqa.core import notifications
from healthqa.core.permissions import sees_only_own_work
from healthqa.core.text import action_label
from healthqa.models import Answer, Assignment, Flag, ModerationEvent, Question


class ActionFilter(admin.SimpleListFilter):
    """The actions on record, in words."""

    title = "action"
    parameter_name = "action"

    def lookups(self, request, model_admin):
        actions = ModerationEvent.objects.order_by().values_list("action", flat=True).distinct()
        return sorted(((action, action_label(action)) for action in actions), key=lambda c: c[1])

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(ModerationEvent)
class ModerationEventAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("created_at", "target_link", "action_name", "transition", "actor_name", "note")
    list_filter = (
        ActionFilter,
        ("content_type", admin.RelatedOnlyFieldListFilter),
        ("actor", admin.RelatedOnlyFieldListFilter),
        "created_at",
    )
    search_fields = ("object_id__exact", "action", "note", "actor__username", "to_state")
    list_select_related = ("content_type", "actor")
    date_hierarchy = "created_at"
    fields = ("created_at", "target_link", "actor_name", "action_name", "transition", "note")
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                GenericPrefetch(
                    "target",
                    [
                        Answer.objects.select_related("question", "expert"),
                        Flag.objects.select_related(
                            "answer__question", "answer__expert", "question"
                        ),
                    ],
                )
            )
        )

    @admin.display(description="target", ordering="object_id")
    def target_link(self, event):
        content_type = event.content_type
        if event.target is None:
            return f"{content_type.name} #{event.object_id} (deleted)"
        try:
            url = reverse(
                f"admin:{content_type.app_label}_{content_type.model}_change",
                args=[event.object_id],
            )
        except NoReverseMatch:
            return f"{content_type.name}: {event.target}"
        return format_html('{}: <a href="{}">{}</a>', content_type.name, url, event.target)

    @admin.display(description="action", ordering="action")
    def action_name(self, event):
        return action_label(event.action)

    actor_name = person("actor", "by")

    @admin.display(description="change")
    def transition(self, event):
        """From and to state by their labels; one state when it did not change."""
        model = event.content_type.model_class()
        try:
            labels = dict(model._meta.get_field("status").flatchoices)
        except (AttributeError, FieldDoesNotExist):
            labels = {}
        before, after = (labels.get(state, state) for state in (event.from_state, event.to_state))
        if not before or not after or before == after:
            return after or before or "—"
        return f"{before} → {after}"


# --- Assignments and flags ---------------------------------------------------------------------


@admin.register(Assignment)
class AssignmentAdmin(VersionedAdmin, admin.ModelAdmin):
    list_display = (
        "question",
        "expert",
        "status",
        "due_at",
        "overdue",
        "assigned_by",
        "created_at",
    )
    list_filter = (
        "status",
        ("expert", admin.RelatedOnlyFieldListFilter),
        "due_at",
        "created_at",
    )
    search_fields = ("question__title", "expert__name", "note")
    autocomplete_fields = ("question",)
    list_select_related = ("question", "expert", "assigned_by")
    date_hierarchy = "due_at"
    fields = ("question", "expert", "due_at", "status", "note", "assigned_by_name", "created_at")
    readonly_fields = ("status", "assigned_by_name", "created_at")
    assigned_by_name = person("assigned_by", "assigned by")
    actions = ("decline",)

    @admin.action(description="Decline selected open assignments", permissions=["change"])
    def decline(self, request, queryset):
        apply_transition(self, request, queryset, "decline", "Declined")

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if sees_only_own_work(request.user):
            queryset = queryset.filter(expert__user=request.user)
        return queryset

    def save_model(self, request, obj, form, change):
        if obj.assigned_by_id is None:
            obj.assigned_by = request.user
        super().save_model(request, obj, form, change)
        if not change:
            notifications.assignment_made(assignment=obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "expert":
            object_id = str(request.resolver_match.kwargs.get("object_id") or "")
            question_id = request.GET.get("question", "")
            if object_id.isdigit():
                question_id = str(
                    Assignment.objects.filter(pk=object_id)
                    .values_list("question_id", flat=True)
                    .first()
                )
            topic = topic_of_question(question_id if question_id.isdigit() else None)
            kwargs.update(expert_field_kwargs(topic))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="overdue", boolean=True)
    def overdue(self, assignment):
        return bool(assignment.is_overdue)


@admin.register(Flag)
class FlagAdmin(VersionedAdmin, admin.ModelAdmin):
    list_display = ("reason", "target_display", "status", "created_at", "handled_by", "handled_at")
    list_filter = ("status", "reason", "created_at", "handled_at")
    search_fields = (
        "details",
        "question__title",
        "answer__question__title",
        "answer__expert__name",
    )
    autocomplete_fields = ("answer", "question")
    list_select_related = ("answer__question", "answer__expert", "question", "handled_by")
    date_hierarchy = "created_at"
    fields = (
        "answer",
        "question",
        "reason",
        "details",
        "status",
        "handled_by_name",
        "handled_at",
        "resolution_note",
        "created_at",
    )
    readonly_fields = ("status", "handled_by_name", "handled_at", "created_at")
    handled_by_name = person("handled_by", "handled by")
    actions = ("dismiss", "mark_actioned")

    def view_on_site(self, flag):
        # A form posted without a target shows the flag without one.
        return flag.target.get_absolute_url() if flag.target is not None else None

    @admin.display(description="reported")
    def target_display(self, flag):
        return flag.target

    @admin.action(description="Dismiss selected flags", permissions=["change"])
    def dismiss(self, request, queryset):
        self._resolve(request, queryset, Flag.Status.DISMISSED, "dismiss", "Dismissed")

    @admin.action(description="Mark selected flags as actioned", permissions=["change"])
    def mark_actioned(self, request, queryset):
        self._resolve(request, queryset, Flag.Status.ACTIONED, "action", "Marked as actioned")

    def _resolve(self, request, queryset, to_state, action, done):
        apply_transition(self, request, queryset, "resolve", done, status=to_state)


class ExpertChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, expert):
        if getattr(expert, "knows_topic", False):
            return f"{expert.name} — specialist in this topic"
        return expert.name


def expert_field_kwargs(topic_id):
    """Form field arguments listing active experts, specialists in `topic_id` first."""
    queryset = Expert.objects.filter(is_active=True)
    if topic_id:
        queryset = queryset.annotate(
            knows_topic=Case(
                When(
                    Exists(
                        Expert.specialties.through.objects.filter(
                            expert_id=OuterRef("pk"), topic_id=topic_id
                        )
                    ),
                    then=Value(True),
                ),
                default=Value(False),
            )
        ).order_by("-knows_topic", "name")
    else:
        queryset = queryset.order_by("name")
    return {"queryset": queryset, "form_class": ExpertChoiceField}


def with_initial(form_class, initial):
    """An __init__ for a subclass of `form_class` that starts from `initial`."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", initial)
        form_class.__init__(self, *args, **kwargs)

    return __init__


def topic_of_question(question_id):
    if not question_id:
        return None
    return Question.objects.filter(pk=question_id).values_list("topic_id", flat=True).first()
