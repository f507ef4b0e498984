from healthqa.cache import CSRF_PLACEHOLDER
from healthqa.models import SiteSettings


def site(request):
    context = {"site_settings": SiteSettings.load()}
    if getattr(request, "renders_for_page_cache", False):
        # The shared page must not carry this reader's CSRF token; each response fills it in.
        context["csrf_token"] = CSRF_PLACEHOLDER
    return context
