"""Admin for editorial staff: topics, questions, answers and their moderation, site settings.

Status fields are read-only everywhere: states change only through the model methods
(`question.publish`, `answer.approve`, ...), which check permissions and write the
ModerationEvent. Bulk actions loop over the selection and call them one object at a time.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import model_ngettext
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, Exists, OuterRef
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join

from experts.models import Expert
from healthqa.models import (
    AdPlacement,
    Answer,
    AnswerRevision,
    Assignment,
    ContinueLearningPick,
    Flag,
    ModerationEvent,
    PreviewLink,
    Question,
    SiteSettings,
    SlugRedirect,
    Topic,
)

admin.site.site_header = "HealthQA administration"
admin.site.site_title = "HealthQA administration"
admin.site.index_title = "Editorial work"

# Links typed without a scheme are taken as https (Django 6's default; no deprecation warning).
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


# --- Helpers shared by the admins of all three apps ------------------------------------------


def sees_only_own_work(user):
    """True for experts: anyone who is not a superuser, an editor or a moderator.

    Editors and moderators both hold `change_question`; moderators also `moderate_answer`.
    Everyone else in the admin sees only the answers of their own expert profile.
    """
    return not (
        user.is_superuser
        or user.has_perm("healthqa.change_question")
        or user.has_perm("healthqa.moderate_answer")
    )


def own_expert(user):
    """The expert profile linked to `user`, or None."""
    return getattr(user, "expert_profile", None)


def questions_for_expert(user):
    """The questions an expert works on: assigned to them, or answered by them."""
    return Question.objects.filter(
        Exists(Assignment.objects.filter(question=OuterRef("pk"), expert__user=user))
        | Exists(Answer.objects.filter(question=OuterRef("pk"), expert__user=user))
    )


def thumbnail(image, alt, *, width=None, height=None, box=64, empty="No image"):
    """A small <img> fitted into a `box`-pixel square, or a quiet placeholder text."""
    if not image:
        return format_html('<span class="quiet">{}</span>', empty)
    width, height = width or box, height or box
    scale = min(1, box / width, box / height)
    return format_html(
        '<img src="{}" width="{}" height="{}" alt="{}" loading="lazy">',
        image.url,
        max(1, round(width * scale)),
        max(1, round(height * scale)),
        alt,
    )


def when(value):
    """A date and time in the current time zone, as the admin shows them elsewhere."""
    return date_format(timezone.localtime(value), "DATETIME_FORMAT") if value else "—"


def publication_label(obj):
    """Published / Scheduled for <date> / Draft / Archived …, for questions and articles."""
    if obj.is_scheduled:
        return f"Scheduled for {when(obj.published_at)}"
    return obj.get_status_display()


def refusal(exc):
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or "You do not have permission to do that."


def apply_transition(modeladmin, request, queryset, method, done, **kwargs):
    """Call `obj.<method>(by=request.user, **kwargs)` on each selected object.

    Each call is its own transaction, so one refusal leaves the others done; every refusal
    is reported as an error message naming the object.
    """
    changed = 0
    for obj in queryset:
        try:
            getattr(obj, method)(by=request.user, **kwargs)
        except (ValidationError, PermissionDenied) as exc:
            modeladmin.message_user(request, f"“{obj}”: {refusal(exc)}", messages.ERROR)
        else:
            changed += 1
    if changed:
        noun = model_ngettext(modeladmin.opts, changed)
        modeladmin.message_user(request, f"{done} {changed} {noun}.", messages.SUCCESS)


def moderation_history(obj, limit=50):
    """The ModerationEvents of `obj` as a small read-only table, newest first."""
    if obj is None or obj.pk is None:
        return format_html('<span class="quiet">{}</span>', "Not saved yet.")
    events = (
        ModerationEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        )
        .select_related("actor")
        .order_by("-created_at", "-pk")[:limit]
    )
    rows = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{} → {}</td><td>{}</td></tr>",
        (
            (
                when(event.created_at),
                event.actor or "—",
                event.action,
                event.from_state or "—",
                event.to_state or "—",
                event.note,
            )
            for event in events
        ),
    )
    if not rows:
        return format_html('<span class="quiet">{}</span>', "No state changes yet.")
    return format_html(
        "<table><thead><tr><th>When</th><th>Who</th><th>Action</th><th>Change</th>"
        "<th>Note</th></tr></thead><tbody>{}</tbody></table>",
        rows,
    )


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records nobody adds, edits or deletes in the admin; the view permission shows them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline:
    """An inline that lists related rows without letting anyone add, edit or delete them."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- Topics ------------------------------------------------------------------------------------


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "parent", "question_count", "is_demo", "updated_at")
    list_filter = ("is_demo", ("parent", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name", "slug", "description")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("parent",)
    list_select_related = ("parent",)
    readonly_fields = ("created_at", "updated_at")
    fields = ("name", "slug", "parent", "description", "is_demo", "created_at", "updated_at")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(question_total=Count("questions"))

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


class AnswerInline(ReadOnlyInline, admin.TabularInline):
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


class ContinueLearningPickInline(admin.TabularInline):
    model = ContinueLearningPick
    fields = ("position", "article")
    autocomplete_fields = ("article",)
    ordering = ("position", "pk")
    extra = 0
    verbose_name_plural = (
        "Continue Learning picks (lowest position first; the block is filled up to four with "
        "the newest articles of the topic)"
    )


class AssignmentInline(admin.TabularInline):
    model = Assignment
    fields = ("expert", "due_at", "status", "note", "assigned_by")
    readonly_fields = ("assigned_by",)
    autocomplete_fields = ("expert",)
    extra = 0

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("expert", "assigned_by")
        if sees_only_own_work(request.user):
            queryset = queryset.filter(expert__user=request.user)
        return queryset


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "topic",
        "publication",
        "answer_count",
        "featured",
        "is_demo",
        "updated_at",
    )
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
                "description": "Publish or archive with the actions of the question list. "
                "A publication date in the future schedules the question.",
            },
        ),
        ("Reader submission", {"fields": ("submitted_by_name", "submitted_by_email")}),
        ("History", {"fields": ("events", "created_at", "updated_at", "is_demo")}),
    )
    inlines = (AnswerInline, ContinueLearningPickInline, AssignmentInline)
    actions = ("publish", "archive", "accept_submission", "reject_submission")

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
            assignment.save()
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

    @admin.display(description="answers", ordering="answer_total")
    def answer_count(self, question):
        return question.answer_total

    @admin.display(description="moderation history")
    def events(self, question):
        return moderation_history(question)

    @admin.action(description="Publish selected questions", permissions=["change"])
    def publish(self, request, queryset):
        apply_transition(self, request, queryset, "publish", "Published")

    @admin.action(description="Archive selected questions", permissions=["change"])
    def archive(self, request, queryset):
        apply_transition(self, request, queryset, "archive", "Archived")

    @admin.action(
        description="Accept selected reader submissions as drafts", permissions=["triage"]
    )
    def accept_submission(self, request, queryset):
        apply_transition(self, request, queryset, "accept_submission", "Accepted")

    @admin.action(description="Reject selected reader submissions", permissions=["triage"])
    def reject_submission(self, request, queryset):
        apply_transition(self, request, queryset, "reject", "Rejected")


# --- Answers -----------------------------------------------------------------------------------


class AnswerForm(forms.ModelForm):
    """Starts from the pending revision, if any, so that a second edit builds on the first."""

    class Meta:
        model = Answer
        fields = ("question", "expert", "body", "position", "is_demo")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "body" in self.fields:
            pending = self.instance.pending_revision()
            if pending is not None:
                self.initial["body"] = pending.body


class ReviewNoteForm(forms.Form):
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
        help_text="The expert receives this note with the decision.",
    )


class AnswerRevisionInline(ReadOnlyInline, admin.TabularInline):
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
class AnswerAdmin(admin.ModelAdmin):
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
    inlines = (AnswerRevisionInline,)
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
        return [
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
class AnswerRevisionAdmin(ReadOnlyAdmin):
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


# --- Moderation records ------------------------------------------------------------------------


@admin.register(ModerationEvent)
class ModerationEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "target_link", "action", "transition", "actor", "note")
    list_filter = (
        "action",
        ("content_type", admin.RelatedOnlyFieldListFilter),
        ("actor", admin.RelatedOnlyFieldListFilter),
        "created_at",
    )
    search_fields = ("object_id__exact", "action", "note", "actor__username", "to_state")
    list_select_related = ("content_type", "actor")
    date_hierarchy = "created_at"
    fields = (
        "created_at",
        "target_link",
        "actor",
        "action",
        "from_state",
        "to_state",
        "note",
    )
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

    @admin.display(description="change")
    def transition(self, event):
        return f"{event.from_state or '—'} → {event.to_state or '—'}"


# --- Assignments and flags ---------------------------------------------------------------------


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
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
    autocomplete_fields = ("question", "expert")
    list_select_related = ("question", "expert", "assigned_by")
    date_hierarchy = "due_at"
    fields = ("question", "expert", "due_at", "status", "note", "assigned_by", "created_at")
    readonly_fields = ("assigned_by", "created_at")

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if sees_only_own_work(request.user):
            queryset = queryset.filter(expert__user=request.user)
        return queryset

    def save_model(self, request, obj, form, change):
        if obj.assigned_by_id is None:
            obj.assigned_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description="overdue", boolean=True)
    def overdue(self, assignment):
        return bool(assignment.is_overdue)


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
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
        "handled_by",
        "handled_at",
        "resolution_note",
        "created_at",
    )
    readonly_fields = ("status", "handled_by", "handled_at", "created_at")
    actions = ("dismiss", "mark_actioned")

    def view_on_site(self, flag):
        return flag.target.get_absolute_url()

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


# --- Site settings and ads ---------------------------------------------------------------------


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    """One row: the list opens it directly; it can be neither added twice nor deleted."""

    fields = ("site_name", "tagline", "disclaimer")

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not SiteSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        # The public site makes the row with its defaults on first use; so does the admin.
        current, _ = SiteSettings.objects.get_or_create(pk=1)
        return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", current.pk)


@admin.register(AdPlacement)
class AdPlacementAdmin(admin.ModelAdmin):
    list_display = (
        "preview",
        "name",
        "slot",
        "is_active",
        "running",
        "starts_at",
        "ends_at",
        "link",
    )
    list_display_links = ("preview", "name")
    list_filter = ("slot", "is_active", "starts_at", "ends_at")
    search_fields = ("name", "image_alt", "link")
    date_hierarchy = "starts_at"
    fields = (
        "name",
        "slot",
        "image",
        "preview",
        "image_alt",
        "link",
        "starts_at",
        "ends_at",
        "is_active",
    )
    readonly_fields = ("preview",)
    formfield_overrides = HTTPS_URLS

    def get_queryset(self, request):
        running = AdPlacement.objects.active().filter(pk=OuterRef("pk"))
        return super().get_queryset(request).annotate(is_running=Exists(running))

    @admin.display(description="image")
    def preview(self, ad):
        return thumbnail(ad.image, ad.image_alt, width=ad.image_width, height=ad.image_height)

    @admin.display(description="showing now", boolean=True)
    def running(self, ad):
        return getattr(ad, "is_running", None)


# --- Links that outlive a change -----------------------------------------------------------------


@admin.register(SlugRedirect)
class SlugRedirectAdmin(admin.ModelAdmin):
    """Old addresses kept when a slug changes; created by the models, removable by editors."""

    list_display = ("old_slug", "target", "content_type", "created_at")
    list_filter = ("content_type",)
    search_fields = ("old_slug",)
    list_select_related = ("content_type",)
    readonly_fields = ("content_type", "object_id", "old_slug", "created_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PreviewLink)
class PreviewLinkAdmin(admin.ModelAdmin):
    list_display = ("target", "note", "created_by", "created_at", "expires_at", "revoked_at")
    list_filter = ("content_type", "revoked_at")
    search_fields = ("note",)
    list_select_related = ("content_type", "created_by")
    readonly_fields = ("content_type", "object_id", "created_by", "created_at", "revoked_at")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
