"""The admin home: counts for staff, the expert's workspace."""

from django.db.models import Exists, F, OuterRef
from django.urls import reverse

from experts.models import Expert
from healthqa.admin.link_report import can_see_link_checks
from healthqa.admin.reports import open_flags
from healthqa.admin.review_due import answers_due_for_review, articles_due_for_review
from healthqa.core.notifications import start_answer_url
from healthqa.core.permissions import (
    allowed,
    can_handle_flags,
    can_moderate,
    can_see_review_due,
    can_triage,
    own_expert,
)
from healthqa.models import Answer, AnswerRevision, Assignment, LinkCheck, Question


def home_links(user):
    """(label, url, open count) for the review pages this user may open."""
    links = []
    if can_moderate(user):
        waiting = Answer.objects.waiting_for_review().count()
        links.append(("Moderation queue", reverse("admin:moderation_queue"), waiting))
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
    if can_see_link_checks(user):
        to_fix = LinkCheck.objects.to_fix().count()
        links.append(("Sources to fix", reverse("admin:moderation_sources_to_fix"), to_fix))
    return links


def expert_workspace(user):
    """What an expert works on: open assignments (due first), drafts, answers sent back,
    answers in review, edits of live answers waiting for review, and published answers with
    their helpful counts."""
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
        "edits_in_review": answers.filter(
            Exists(
                AnswerRevision.objects.filter(
                    answer=OuterRef("pk"), status=AnswerRevision.Status.PENDING
                )
            ),
            status=Answer.Status.APPROVED,
        ).order_by("-submitted_at"),
        "published": answers.filter(status=Answer.Status.APPROVED).order_by("-reviewed_at")[:50],
    }


def home_title(user):
    """The admin home's title for the broadest role `user` holds."""
    if user.is_superuser or allowed(user, "articles.change_article"):
        return "Editorial work"
    if can_moderate(user):
        return "Moderation"
    if own_expert(user) is not None:
        return "Your answers"
    return "Editorial work"


def home_context(request):
    return {
        "title": home_title(request.user),
        "review_links": home_links(request.user),
        "workspace": expert_workspace(request.user),
    }
