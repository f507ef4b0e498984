"""Every state change checks its actor the same way: `healthqa.core.permissions.require()`.

`require()` refuses inactive accounts even when they hold the permission, so each state-change
method is tried by a deactivated user of the role that may do it: refused with PermissionDenied,
nothing changed, no ModerationEvent written. A second test reads the model modules with `ast`
and fails when one asks `user.has_perm()` itself instead of going through the helpers.
"""

import ast

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from healthqa.core.permissions import allowed
from healthqa.models import ModerationEvent, PreviewLink
from tests.conftest import ROOT
from tests.factories import (
    AnswerFactory,
    ArticleFactory,
    AssignmentFactory,
    ExpertFactory,
    FlagFactory,
    QuestionFactory,
)


def _refreshed(obj, *fields):
    """A function returning `fields` of `obj` as stored now."""

    def observe():
        obj.refresh_from_db()
        return tuple(getattr(obj, field) for field in fields)

    return observe


# Each case: (role, permission the role holds, make) where make(actor) builds the rows the
# method needs and returns (call, observe): call(by) runs the state change; observe() returns
# what it would change.


def publish_question(actor):
    question = QuestionFactory(draft=True)
    return (lambda by: question.publish(by=by)), _refreshed(question, "status", "published_at")


def archive_question(actor):
    question = QuestionFactory()
    return (lambda by: question.archive(by=by)), _refreshed(question, "status")


def publish_article(actor):
    article = ArticleFactory(draft=True)
    return (lambda by: article.publish(by=by)), _refreshed(article, "status", "published_at")


def archive_article(actor):
    article = ArticleFactory()
    return (lambda by: article.archive(by=by)), _refreshed(article, "status")


def accept_submission(actor):
    question = QuestionFactory(submitted=True)
    return (
        lambda by: question.accept_submission(by=by, title="A new title"),
        _refreshed(question, "status", "title"),
    )


def reject_submission(actor):
    question = QuestionFactory(submitted=True)
    return (lambda by: question.reject(by=by, note="Spam.")), _refreshed(question, "status")


def merge_submission(actor):
    question = QuestionFactory(submitted=True)
    target = QuestionFactory(draft=True)
    return (
        lambda by: question.merge_into(target, by=by),
        _refreshed(question, "status", "merged_into_id"),
    )


def approve_answer(actor):
    answer = AnswerFactory(pending=True)
    return (lambda by: answer.approve(by=by)), _refreshed(answer, "status", "reviewed_by_id")


def request_changes(actor):
    answer = AnswerFactory(pending=True)
    return (
        lambda by: answer.request_changes(by=by, note="Cite a source."),
        _refreshed(answer, "status", "review_note"),
    )


def reject_answer(actor):
    answer = AnswerFactory(pending=True)
    return (
        lambda by: answer.reject(by=by, note="Off topic."),
        _refreshed(answer, "status", "review_note"),
    )


def unpublish_answer(actor):
    answer = AnswerFactory()
    return (
        lambda by: answer.unpublish(by=by, note="Out of date."),
        _refreshed(answer, "status", "review_note"),
    )


def confirm_review(actor):
    answer = AnswerFactory()
    return (
        lambda by: answer.confirm_review(by=by),
        _refreshed(answer, "reviewed_by_id", "reviewed_at"),
    )


def decline_assignment(actor):
    assignment = AssignmentFactory()
    return (lambda by: assignment.decline(by=by)), _refreshed(assignment, "status")


def dismiss_flag(actor):
    flag = FlagFactory()
    return (lambda by: flag.dismiss(by=by)), _refreshed(flag, "status", "handled_by_id")


def act_on_flag(actor):
    flag = FlagFactory()
    answer = flag.answer
    observe_flag = _refreshed(flag, "status", "handled_by_id")
    observe_answer = _refreshed(answer, "status")
    return (
        lambda by: flag.act(by=by, note="Taken down."),
        lambda: (observe_flag(), observe_answer()),
    )


def share_preview(actor):
    question = QuestionFactory(draft=True)
    return (
        lambda by: PreviewLink.share(question, by=by),
        lambda: PreviewLink.objects.count(),
    )


def revoke_preview(actor):
    link = PreviewLink.share(QuestionFactory(draft=True), by=actor)
    return (lambda by: link.revoke(by=by)), _refreshed(link, "revoked_at")


def verify_expert(actor):
    expert = ExpertFactory(verified=False)
    return (
        lambda by: expert.mark_verified(by=by),
        _refreshed(expert, "verified", "verified_by_id"),
    )


def reverify_expert(actor):
    expert = ExpertFactory(verified=True)
    return (
        lambda by: expert.reverify(by=by),
        _refreshed(expert, "verified_at", "verified_by_id"),
    )


def name_medical_reviewer(actor):
    answer = AnswerFactory()
    clinician = ExpertFactory(is_clinician=True)
    return (
        lambda by: answer.name_medical_reviewer(
            reviewer=clinician, reviewed_on=timezone.localdate(), by=by
        ),
        _refreshed(answer, "medical_reviewer_id", "medically_reviewed_on"),
    )


def correct_article(actor):
    article = ArticleFactory()
    return (
        lambda by: article.record_correction(note="The figure was wrong.", by=by),
        lambda: article.corrections.count(),
    )


CASES = {
    "Question.publish": ("editor", "healthqa.publish_question", publish_question),
    "Question.archive": ("editor", "healthqa.publish_question", archive_question),
    "Article.publish": ("editor", "articles.change_article", publish_article),
    "Article.archive": ("editor", "articles.change_article", archive_article),
    "Question.accept_submission": ("moderator", "healthqa.triage_question", accept_submission),
    "Question.reject": ("moderator", "healthqa.triage_question", reject_submission),
    "Question.merge_into": ("moderator", "healthqa.triage_question", merge_submission),
    "Answer.approve": ("moderator", "healthqa.moderate_answer", approve_answer),
    "Answer.request_changes": ("moderator", "healthqa.moderate_answer", request_changes),
    "Answer.reject": ("moderator", "healthqa.moderate_answer", reject_answer),
    "Answer.unpublish": ("moderator", "healthqa.moderate_answer", unpublish_answer),
    "Answer.confirm_review": ("moderator", "healthqa.moderate_answer", confirm_review),
    "Assignment.decline": ("editor", "healthqa.change_assignment", decline_assignment),
    "Flag.dismiss": ("moderator", "healthqa.change_flag", dismiss_flag),
    "Flag.act": ("moderator", "healthqa.change_flag", act_on_flag),
    "PreviewLink.share": ("editor", "healthqa.add_previewlink", share_preview),
    "PreviewLink.revoke": ("editor", "healthqa.change_previewlink", revoke_preview),
    "Expert.mark_verified": ("editor", "experts.change_expert", verify_expert),
    "Expert.reverify": ("editor", "experts.change_expert", reverify_expert),
    "Answer.name_medical_reviewer": (
        "editor",
        "healthqa.name_medical_reviewer",
        name_medical_reviewer,
    ),
    "Article.record_correction": ("editor", "articles.change_article", correct_article),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(CASES))
def test_an_inactive_user_holding_the_permission_is_refused(request, case):
    role, perm, make = CASES[case]
    user = request.getfixturevalue(role)
    assert allowed(user, perm), f"the {role} role should hold {perm} while active"
    call, observe = make(user)
    before, events = observe(), ModerationEvent.objects.count()

    user.is_active = False
    user.save(update_fields=["is_active"])
    with pytest.raises(PermissionDenied):
        call(user)

    assert observe() == before
    assert ModerationEvent.objects.count() == events


# --- No model asks has_perm() itself ------------------------------------------------------------

MODEL_MODULES = sorted(
    [
        *(ROOT / "healthqa" / "models").glob("*.py"),
        ROOT / "experts/models.py",
        ROOT / "articles/models.py",
    ]
)


def direct_permission_checks(source, filename="<source>"):
    """`line N` for every `<anything>.has_perm(...)` call in `source`."""
    return [
        f"line {node.lineno}"
        for node in ast.walk(ast.parse(source, filename))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "has_perm"
    ]


def test_the_checker_finds_a_planted_has_perm_call():
    planted = "def publish(self, by):\n    if not by.has_perm('x.y'):\n        raise Exception\n"
    assert direct_permission_checks(planted) == ["line 2"]
    assert direct_permission_checks("require(by, 'x.y')\n") == []


def test_models_check_permissions_only_through_core_permissions():
    assert len(MODEL_MODULES) > 3
    offenders = {
        str(path.relative_to(ROOT)): found
        for path in MODEL_MODULES
        if (found := direct_permission_checks(path.read_text(encoding="utf-8"), str(path)))
    }
    assert not offenders, (
        "Model code must check permissions with healthqa.core.permissions.require() or "
        f"allowed(), not user.has_perm(): {offenders}"
    )
