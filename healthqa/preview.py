"""Detail views that readers see when public and permitted staff may preview before that."""

from django.http import Http404
from django.views.generic import DetailView


class PreviewableDetailView(DetailView):
    """Serve the public object; staff holding `preview_permission` also see unpublished ones.

    A preview is marked in the context (`is_preview`) so the template shows a banner and the
    page is kept out of search engines.
    """

    preview_permission = None
    is_preview = False

    def get_public_queryset(self):
        raise NotImplementedError

    def get_object(self, queryset=None):
        slug = self.kwargs["slug"]
        obj = self.get_public_queryset().filter(slug=slug).first()
        if obj is not None:
            return obj
        user = self.request.user
        if (
            self.preview_permission
            and user.is_active
            and user.is_staff
            and user.has_perm(self.preview_permission)
        ):
            obj = self.get_queryset().filter(slug=slug).first()
            if obj is not None:
                self.is_preview = True
                return obj
        raise Http404("No such page.")

    def get_context_data(self, **kwargs):
        kwargs.setdefault("is_preview", self.is_preview)
        return super().get_context_data(**kwargs)
