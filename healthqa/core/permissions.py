"""Who may do what: the one permission check every state change and review page uses.

Roles are Django groups holding model permissions (a data migration creates them); code asks for
the permission, never for the group. `require()` is what model methods call before they change
anything; the `can_*` helpers name the checks the admin's review pages share.
"""

from django.core.exceptions import PermissionDenied


def allowed(user, perm):
    """True when `user` is an active account holding `perm` ("app_label.codename")."""
    return bool(user and user.is_active and user.has_perm(perm))


def require(user, perm, message=None):
    """Refuse with PermissionDenied (and `message`) unless `allowed(user, perm)`."""
    if not allowed(user, perm):
        raise PermissionDenied(message or f"You do not have permission to {perm.split('.')[-1]}.")


def can_moderate(user):
    return allowed(user, "healthqa.moderate_answer")


def can_handle_flags(user):
    return allowed(user, "healthqa.change_flag")


def can_triage(user):
    return allowed(user, "healthqa.triage_question")


def can_see_review_due(user):
    return allowed(user, "healthqa.moderate_answer") or allowed(user, "articles.change_article")


def sees_only_own_work(user):
    """True for experts: anyone who is not a superuser, an editor or a moderator.

    Editors and moderators both hold `change_question`; moderators also `moderate_answer`.
    Everyone else in the admin sees only the answers of their own expert profile.
    """
    return not (
        user.is_superuser
        or allowed(user, "healthqa.change_question")
        or allowed(user, "healthqa.moderate_answer")
    )


def own_expert(user):
    """The expert profile linked to `user`, or None."""
    return getattr(user, "expert_profile", None)
