"""The review-due report: live answers and articles not reviewed within the interval, and experts
whose credentials were not verified within theirs."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from articles.models import Article
from experts.models import Expert
from healthqa.admin.queue import admin_context
from healthqa.core.permissions import allowed, can_moderate, can_see_review_due
from healthqa.core.text import person_name, refusal
from healthqa.models import Answer


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


# Posted by the report's buttons to the experts' bulk actions, which then return here.
FROM_REVIEW_DUE = "review-due"


def back_to_report(request):
    """For a bulk action the report's buttons post: back to the report when done."""
    if request.POST.get("from") == FROM_REVIEW_DUE:
        return redirect("admin:moderation_review_due")
    return None


def experts_due_for_reverification():
    """Active experts never verified, or last verified before the cutoff, oldest first."""
    cutoff = timezone.now() - timedelta(days=settings.HEALTHQA_EXPERT_REVERIFY_DAYS)
    return (
        Expert.objects.filter(is_active=True)
        .filter(Q(verified=False) | Q(verified_at__isnull=True) | Q(verified_at__lt=cutoff))
        .select_related("verified_by")
        .order_by(F("verified_at").asc(nulls_first=True), "pk")
    )


REVIEW_DUE_LIMIT = 200


def review_due_view(site):
    @require_GET
    def view(request):
        if not can_see_review_due(request.user):
            raise PermissionDenied
        answers, articles = answers_due_for_review(), articles_due_for_review()
        experts = experts_due_for_reverification()
        return TemplateResponse(
            request,
            "admin/healthqa/moderation/review_due.html",
            admin_context(
                request,
                site,
                title="Review due",
                interval_days=settings.HEALTHQA_REVIEW_INTERVAL_DAYS,
                answers=answers[:REVIEW_DUE_LIMIT],
                answer_total=answers.count(),
                articles=articles[:REVIEW_DUE_LIMIT],
                article_total=articles.count(),
                reverify_days=settings.HEALTHQA_EXPERT_REVERIFY_DAYS,
                experts=[
                    (expert, person_name(expert.verified_by) if expert.verified_at else "")
                    for expert in experts[:REVIEW_DUE_LIMIT]
                ],
                expert_total=experts.count(),
                can_open_experts=allowed(request.user, "experts.view_expert")
                or allowed(request.user, "experts.change_expert"),
                can_verify=allowed(request.user, "experts.change_expert"),
                from_review_due=FROM_REVIEW_DUE,
                limit=REVIEW_DUE_LIMIT,
                can_confirm=can_moderate(request.user),
            ),
        )

    return view


def review_confirm_view(site):
    @require_POST
    def view(request, pk):
        if not can_moderate(request.user):
            raise PermissionDenied
        answer = get_object_or_404(Answer, pk=pk)
        try:
            answer.confirm_review(by=request.user, note=request.POST.get("note", "")[:2000])
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, f"“{answer}”: {refusal(exc)}")
        else:
            messages.success(request, f"“{answer}” confirmed as reviewed today.")
        return redirect("admin:moderation_review_due")

    return view
