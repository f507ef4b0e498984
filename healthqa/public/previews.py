"""Previews: detail pages that readers see once their object is public, and that permitted
staff, or the holder of a signed preview link (`shared_preview`), may see before that."""

from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.decorators.http import require_GET
from django.views.generic import DetailView

from healthqa.core.markdown import render_markdown
from healthqa.models import Answer, AnswerRevision, PreviewLink, SlugRedirect, cited_works

MAX_TOKEN_LENGTH = 200

WAITING_FOR_REVIEW = "Waiting for review — readers do not see this answer yet."
REVISION_WAITING = (
    "Revised text waiting for review — readers still see the approved text until it is approved."
)


class PreviewableDetailView(DetailView):
    """Serve the public object; staff holding `preview_permission` also see unpublished ones.

    A subclass names its `model` (whose manager has `public()`) and `preview_permission`, and
    adds the joins its page needs in `with_related()`. That states both of its querysets:
    `get_public_queryset()`, what every reader may see (`model.objects.public()`), and
    `get_queryset()`, every object (`model.objects.all()`), which staff holding
    `preview_permission` and a signed link's holder may preview. Objects are looked up through
    `find_public()` and `find_any()`; a view that can find a public object faster than through
    `get_public_queryset()` overrides `find_public()` alone.

    A preview is marked in the context (`is_preview`) so the template shows a banner, on the
    request so the page cache never stores it, and its response is kept out of search engines
    and shared caches. An address whose slug was renamed answers with a 301 to the current one,
    for whoever may see the object.
    """

    model = None
    preview_permission = None
    preview_link = None  # set by `shared_preview` to serve one object to a signed link's holder
    is_preview = False

    def with_related(self, queryset):
        """The joins and prefetches the page needs, applied to both querysets."""
        return queryset

    def get_public_queryset(self):
        """The objects every reader may see."""
        return self.with_related(self.model.objects.public())

    def get_queryset(self):
        """Every object, public or not: what a preview may show."""
        return self.with_related(self.model.objects.all())

    def find_public(self, lookup):
        """The public object the lookup (slug or pk) names, or None.

        A view may override this to read the object faster, provided it finds exactly the
        object `get_public_queryset()` holds (and None when it holds none).
        """
        return self._one(self.get_public_queryset(), lookup)

    def find_any(self, lookup):
        """The object the lookup (slug or pk) names, public or not, or None."""
        return self._one(self.get_queryset(), lookup)

    @staticmethod
    def _one(queryset, lookup):
        # The lookups name one row (slug or pk), so no ORDER BY as first() would add.
        return next(iter(queryset.filter(**lookup).order_by()[:1]), None)

    def get(self, request, *args, **kwargs):
        try:
            self.object = self.get_object()
        except Http404:
            renamed = self.get_renamed_object()
            if renamed is None:
                raise
            return HttpResponsePermanentRedirect(renamed.get_absolute_url())
        if self.is_preview:
            request.is_preview = True  # the page cache (healthqa.pagecache) never stores previews
        response = self.render_to_response(self.get_context_data(object=self.object))
        return self.kept_private(response) if self.is_preview else response

    @staticmethod
    def kept_private(response):
        """A preview's response: out of search engines and shared caches."""
        response["X-Robots-Tag"] = "noindex, nofollow"
        add_never_cache_headers(response)
        patch_cache_control(response, private=True)
        return response

    @classmethod
    def render_unsaved(cls, request, obj, **initkwargs):
        """The page `obj` would have, rendered from data that is not saved (the admin's live
        preview): the view's own context and template, marked as a preview."""
        view = cls(is_preview=True, **initkwargs)
        view.setup(request)
        view.object = obj
        request.is_preview = True
        context = view.get_context_data(object=obj, previews_unsaved_changes=True)
        return view.kept_private(view.render_to_response(context))

    def can_preview(self):
        user = self.request.user
        return bool(
            self.preview_permission
            and user.is_active
            and user.is_staff
            and user.has_perm(self.preview_permission)
        )

    def get_object(self, queryset=None):
        if self.preview_link is not None:
            obj = self.find_any({"pk": self.preview_link.object_id})
            if obj is None:
                raise Http404("No such page.")
            self.is_preview = True
            return obj
        return self.find_visible(slug=self.kwargs["slug"])

    def find_visible(self, **lookup):
        """The object the requester may see: the public one, else a preview, else a 404."""
        obj = self.find_public(lookup)
        if obj is not None:
            return obj
        if self.can_preview():
            obj = self.find_any(lookup)
            if obj is not None:
                self.is_preview = True
                return obj
        raise Http404("No such page.")

    def get_renamed_object(self):
        """The object that used to live at this slug, if the requester may see it."""
        if self.preview_link is not None:
            return None
        object_id = SlugRedirect.find(self.model, self.kwargs["slug"])
        if object_id is None:
            return None
        try:
            return self.find_visible(pk=object_id)
        except Http404:
            return None

    def get_context_data(self, **kwargs):
        kwargs.setdefault("is_preview", self.is_preview)
        return super().get_context_data(**kwargs)


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


def answers_in_preview():
    """The answers a preview of their question shows: the approved ones (what readers see) and
    those waiting for review (`mark_under_review` tells them apart)."""
    return Answer.objects.approved() | Answer.objects.waiting_for_review()


def mark_under_review(answers):
    """Mark, in text, the answers of a preview that readers do not see as shown: `review_label`
    on an answer waiting for review, and on a live answer whose revision waits, which then
    shows that revision (its live Markdown kept in `live_body`). Each gets `source_list`, the
    sources of the version shown: a waiting revision's copy, else the approved list (every
    submission stores a revision, so an answer waiting for review has one). One query."""
    pks = [answer.pk for answer in answers]
    waiting = AnswerRevision.objects.filter(answer__in=pks, status=AnswerRevision.Status.PENDING)
    revisions = {revision.answer_id: revision for revision in waiting.order_by("created_at", "pk")}
    for answer in answers:
        revision = revisions.get(answer.pk)
        answer.source_list = cited_works(revision.sources if revision else answer.approved_sources)
        if answer.status != Answer.Status.APPROVED:
            answer.review_label = WAITING_FOR_REVIEW
        elif revision is not None:
            answer.live_body = answer.body
            answer.body_html = render_markdown(revision.body)
            answer.review_label = REVISION_WAITING
    return answers
