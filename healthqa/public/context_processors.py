from healthqa.models import SiteSettings
from healthqa.pagecache.shared import shared_part, shares_parts
from healthqa.public.pages import PublisherLinks


def _read_settings():
    return SiteSettings.objects.get_or_create(pk=1)[0]


def site(request):
    """The site settings. Pages for the page cache read the row itself, once per change by each
    worker; other renders take `SiteSettings.load()` (cached for a few minutes)."""
    if shares_parts(request):
        return {"site_settings": shared_part(request, "site-settings", _read_settings)}
    return {"site_settings": SiteSettings.load()}


def publisher_pages(request):
    """The publisher's pages for the footer and the forms' privacy links, read on first use."""
    return {"publisher_pages": PublisherLinks(request)}
