"""Signed preview links: someone without an account reads one unpublished question or article."""

from django.http import Http404
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.views.decorators.http import require_GET

from healthqa.models import PreviewLink
from healthqa.preview import PreviewableDetailView

MAX_TOKEN_LENGTH = 200


@require_GET
def shared_preview(request, token):
    """Render the object's own detail view for the holder of a usable link, and nothing else."""
    link = PreviewLink.from_token(token) if len(token) <= MAX_TOKEN_LENGTH else None
    obj = link.target if link is not None else None
    if obj is None:
        raise Http404("This preview link is not valid, has expired or was revoked.")
    if type(obj).objects.public().filter(pk=obj.pk).exists():
        return redirect(obj.get_absolute_url())
    try:
        match = resolve(obj.get_absolute_url())
    except Resolver404:
        raise Http404("This item has no page.") from None
    view_class = getattr(match.func, "view_class", None)
    if view_class is None or not issubclass(view_class, PreviewableDetailView):
        raise Http404("This item cannot be previewed.")
    response = view_class.as_view(preview_link=link)(request, *match.args, **match.kwargs)
    response["Referrer-Policy"] = "no-referrer"
    return response
