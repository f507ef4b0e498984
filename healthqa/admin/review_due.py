"""The review-due report: live answers and articles not reviewed within the interval."""

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
from healthqa.admin.queue import admin_context
from healthqa.core.permissions import can_moderate, can_see_review_due
from healthqa.core.text import refusal
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


REVIEW_DUE_LIMIT = 200


def review_due_view(site):
    @require_GET
    def view(request):
        if not can_see_review_due(request.user):
            raise PermissionDenied
        answers, articles = answers_due_for_review(), articles_due_for_review()
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
