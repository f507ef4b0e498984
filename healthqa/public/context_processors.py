from healthqa.models import SiteSettings
from healthqa.pagecache.shared import shared_part


def site(request):
    return {"site_settings": shared_part(request, "site-settings", SiteSettings.load)}
