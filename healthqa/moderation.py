"""Admin pages for the review workflow: the moderation queue, the flags queue, triage of reader
submissions, the review-due report, and the panels of the admin home (counts for staff, the
expert's workspace).

Views are thin: every decision goes through a model method (`answer.approve`, `flag.act`,
`question.merge_into`, ...), which checks the actor's permission and writes the ModerationEvent.
`install(site)` adds the URLs and the home-page context to an AdminSite.
"""

import difflib
import re
from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from articles.models import Article
from experts.models import Expert
from healthqa.models import (
    Answer,
    AnswerRevision,
    Assignment,
    EditConflict,
    Flag,
    Question,
    Topic,
    user_label,
)
from healthqa.notifications import start_answer_url
from healthqa.rendering import render_markdown

# --- Who may do what ---------------------------------------------------------------------------


def can_moderate(user):
    return user.is_active and user.has_perm("healthqa.moderate_answer")


def can_handle_flags(user):
    return user.is_active and user.has_perm("healthqa.change_flag")


def can_triage(user):
    return user.is_active and user.has_perm("healthqa.triage_question")


def can_see_review_due(user):
    return user.is_active and (
        user.has_perm("healthqa.moderate_answer") or user.has_perm("articles.change_article")
    )


def _require(check, request):
    if not check(request.user):
        raise PermissionDenied


# --- Word-level diff ---------------------------------------------------------------------------

_TOKENS = re.compile(r"\s+|[^\s]+")


def word_diff(old, new):
    """`new` against `old`, word by word, as escaped HTML with <ins> and <del>."""
    a, b = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    parts = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        removed, added = "".join(a[a1:a2]), "".join(b[b1:b2])
        if op == "equal":
            parts.append(escape(added))
            continue
        if removed.strip():
            parts.append(f"<del>{escape(removed)}</del>")
        elif removed and not added:
            parts.append(escape(removed))
        if added.strip():
            parts.append(f"<ins>{escape(added)}</ins>")
        elif added:
            parts.append(escape(added))
    return mark_safe("".join(parts))  # noqa: S308 - every piece is escaped above


# --- The moderation queue ----------------------------------------------------------------------


class QueueItem:
    """One answer waiting for a decision: a new answer, or a revision of a live one."""

    def __init__(self, answer, revision):
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
        self.text_html = mark_safe(render_markdown(self.text))  # noqa: S308 - sanitized

    @property
    def seen(self):
        return self.revision.pk if self.revision is not None else ""


def queue_answers():
    """Pending answers and live answers with a pending revision, with what the queue shows."""
    pending_revision = AnswerRevision.objects.filter(
        answer=OuterRef("pk"), status=AnswerRevision.Status.PENDING
    )
    return Answer.objects.filter(
        Q(status=Answer.Status.PENDING)
        | Q(status=Answer.Status.APPROVED) & Exists(pending_revision)
    ).select_related("question", "expert", "reviewed_by")


def queue_items():
    answers = list(queue_answers())
    revisions = {
        revision.answer_id: revision
        for revision in AnswerRevision.objects.filter(
            answer__in=[answer.pk for answer in answers], status=AnswerRevision.Status.PENDING
        )
    }
    items = [QueueItem(answer, revisions.get(answer.pk)) for answer in answers]
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
        return data


def _context(request, site, **extra):
    return {**site.each_context(request), **extra}


def queue_view(site):
    @require_GET
    def view(request):
        _require(can_moderate, request)
        items = queue_items()
        return TemplateResponse(
            request,
            "admin/healthqa/moderation/queue.html",
            _context(request, site, title="Moderation queue", items=items),
        )

    return view


def queue_decide_view(site):
    @require_POST
    def view(request):
        _require(can_moderate, request)
        waiting = list(queue_answers().values_list("pk", flat=True))
        form = DecisionForm(request.POST, choices=waiting)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            if "answer" in form.errors:
                messages.error(request, "Choose answers that are still waiting in the queue.")
            return redirect("admin:moderation_queue")
        decision, note = form.cleaned_data["decision"], form.cleaned_data["note"]
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
                getattr(answer, decision)(by=request.user, note=note, version=version)
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
    user, changed_at = answer.last_change()
    who = user_label(user)
    moment = f" at {when(changed_at)}" if changed_at else ""
    return (
        f"“{answer}”: the text changed after you opened the queue ({who}{moment}; it is now "
        f"{answer.get_status_display().lower()}). Nothing was done: read it again."
    )


def refusal(exc):
    """The message of a refused change, for the admin's messages."""
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or "You do not have permission to do that."


def when(value):
    """A date and time in the current time zone, as the admin shows them elsewhere."""
    return date_format(timezone.localtime(value), "DATETIME_FORMAT") if value else "—"


# --- Flags -------------------------------------------------------------------------------------


def open_flags():
    return Flag.objects.filter(status=Flag.Status.OPEN).select_related(
        "answer__question", "answer__expert", "question"
    )


def flags_view(site):
    @require_GET
    def view(request):
        _require(can_handle_flags, request)
        flags = list(open_flags().order_by("created_at", "pk"))
        return TemplateResponse(
            request,
            "admin/healthqa/moderation/flags.html",
            _context(request, site, title="Reader reports", flags=flags),
        )

    return view


class FlagDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("dismiss", "dismiss"), ("act", "act")])
    note = forms.CharField(required=False, max_length=5000)


def flag_decide_view(site):
    @require_POST
    def view(request, pk):
        _require(can_handle_flags, request)
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


# --- Triage of reader submissions --------------------------------------------------------------


def submissions_view(site):
    @require_GET
    def view(request):
        _require(can_triage, request)
        submissions = Question.objects.filter(status=Question.Status.SUBMITTED).order_by(
            "created_at", "pk"
        )
        return TemplateResponse(
            request,
            "admin/healthqa/moderation/submissions.html",
            _context(request, site, title="Reader questions to triage", submissions=submissions),
        )

    return view


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
        widget=AutocompleteSelect(Question._meta.get_field("merged_into"), admin.site),
    )
    note = forms.CharField(required=False, max_length=2000, label="Note for the record")


class RejectForm(forms.Form):
    note = forms.CharField(required=False, max_length=2000, label="Reason (for the record)")


def triage_view(site):
    @require_http_methods(["GET", "POST"])
    def view(request, pk):
        _require(can_triage, request)
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
            "merge": MergeForm(request.POST if decision == "merge" else None, prefix="merge"),
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
            _context(
                request,
                site,
                title=f"Triage: {submission.title}",
                submission=submission,
                show_raw=can_moderate(request.user),
                accept_form=forms_by_name["accept"],
                merge_form=forms_by_name["merge"],
                reject_form=forms_by_name["reject"],
                media=forms_by_name["merge"].media,
            ),
        )

    return view


# --- Review due --------------------------------------------------------------------------------


def review_cutoff():
    return timezone.now() - timedelta(days=settings.HEALTHQA_REVIEW_INTERVAL_DAYS)


def answers_due_for_review():
    """Live answers last reviewed before the cutoff (never reviewed first), oldest first."""
    return (
        Answer.objects.filter(status=Answer.Status.APPROVED)
        .filter(Q(reviewed_at__isnull=True) | Q(reviewed_at__lt=review_cutoff()))
        .select_related("question", "expert", "reviewed_by__expert_profile")
        .order_by(F("reviewed_at").asc(nulls_first=True), "pk")
    )


def articles_due_for_review():
    """Published articles whose last review (or publication, if never reviewed) is too old."""
    return (
        Article.objects.filter(status=Article.Status.PUBLISHED)
        .annotate(last_review=Coalesce("reviewed_at", "published_at"))
        .filter(Q(last_review__isnull=True) | Q(last_review__lt=review_cutoff()))
        .select_related("topic", "author")
        .order_by(F("last_review").asc(nulls_first=True), "pk")
    )


REVIEW_DUE_LIMIT = 200


def review_due_view(site):
    @require_GET
    def view(request):
        _require(can_see_review_due, request)
        answers, articles = answers_due_for_review(), articles_due_for_review()
        return TemplateResponse(
            request,
            "admin/healthqa/moderation/review_due.html",
            _context(
                request,
                site,
                title="Review due",
                interval_days=settings.HEALTHQA_REVIEW_INTERVAL_DAYS,
                answers=answers[:REVIEW_DUE_LIMIT],
                answer_total=answers.count(),
                articles=articles[:REVIEW_DUE_LIMIT],
                article_total=articles.count(),
                limit=REVIEW_DUE_LIMIT,
                can_confirm=can_moderate(request.user),
            ),
        )

    return view


def review_confirm_view(site):
    @require_POST
    def view(request, pk):
        _require(can_moderate, request)
        answer = get_object_or_404(Answer, pk=pk)
        try:
            answer.confirm_review(by=request.user, note=request.POST.get("note", "")[:2000])
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, f"“{answer}”: {refusal(exc)}")
        else:
            messages.success(request, f"“{answer}” confirmed as reviewed today.")
        return redirect("admin:moderation_review_due")

    return view


# --- The admin home: counts for staff, the expert's workspace ---------------------------------


def home_links(user):
    """(label, url, open count) for the review pages this user may open."""
    links = []
    if can_moderate(user):
        links.append(
            ("Moderation queue", reverse("admin:moderation_queue"), queue_answers().count())
        )
    if can_handle_flags(user):
        links.append(("Reader reports", reverse("admin:moderation_flags"), open_flags().count()))
    if can_triage(user):
        waiting = Question.objects.filter(status=Question.Status.SUBMITTED).count()
        links.append(
            ("Reader questions to triage", reverse("admin:moderation_submissions"), waiting)
        )
    if can_see_review_due(user):
        due = answers_due_for_review().count() + articles_due_for_review().count()
        links.append(("Review due", reverse("admin:moderation_review_due"), due))
    return links


def expert_workspace(user):
    """What an expert works on: open assignments (due first), drafts, answers sent back,
    answers in review, and published answers with their helpful counts."""
    expert = Expert.objects.filter(user=user).first()
    if expert is None:
        return None
    answers = Answer.objects.filter(expert=expert).select_related("question")
    by_question = {}
    for answer in answers.exclude(status=Answer.Status.REJECTED).order_by("pk"):
        by_question.setdefault(answer.question_id, answer)
    assignments = list(
        Assignment.objects.filter(expert=expert, status=Assignment.Status.OPEN)
        .select_related("question")
        .order_by(F("due_at").asc(nulls_last=True), "created_at")
    )
    for assignment in assignments:
        assignment.answer = by_question.get(assignment.question_id)
        assignment.start_url = start_answer_url(assignment)
    return {
        "expert": expert,
        "assignments": assignments,
        "drafts": answers.filter(status=Answer.Status.DRAFT).order_by("-updated_at"),
        "sent_back": answers.filter(status=Answer.Status.CHANGES_REQUESTED).order_by("-updated_at"),
        "in_review": answers.filter(status=Answer.Status.PENDING).order_by("-submitted_at"),
        "published": answers.filter(status=Answer.Status.APPROVED).order_by("-reviewed_at")[:50],
    }


def home_context(request):
    return {
        "review_links": home_links(request.user),
        "workspace": expert_workspace(request.user),
    }


# --- Assignment forms: matching experts first --------------------------------------------------


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


# --- URLs --------------------------------------------------------------------------------------


def install(site):
    """Add the moderation pages to `site`'s URLs and their counts to its home page."""
    original_get_urls = site.get_urls
    original_index = site.index

    def index(request, extra_context=None):
        return original_index(request, {**home_context(request), **(extra_context or {})})

    def get_urls():
        wrap = site.admin_view
        urls = [
            path("moderation/", wrap(queue_view(site)), name="moderation_queue"),
            path("moderation/decide/", wrap(queue_decide_view(site)), name="moderation_decide"),
            path("moderation/flags/", wrap(flags_view(site)), name="moderation_flags"),
            path(
                "moderation/flags/<int:pk>/",
                wrap(flag_decide_view(site)),
                name="moderation_flag_decide",
            ),
            path(
                "moderation/submissions/",
                wrap(submissions_view(site)),
                name="moderation_submissions",
            ),
            path(
                "moderation/submissions/<int:pk>/",
                wrap(triage_view(site)),
                name="moderation_triage",
            ),
            path(
                "moderation/review-due/", wrap(review_due_view(site)), name="moderation_review_due"
            ),
            path(
                "moderation/review-due/<int:pk>/confirm/",
                wrap(review_confirm_view(site)),
                name="moderation_review_confirm",
            ),
        ]
        return urls + original_get_urls()

    site.index = index
    site.get_urls = get_urls
