from healthqa.cache import shared_part
from healthqa.models import SiteSettings


def site(request):
    return {"site_settings": shared_part(request, "site-settings", SiteSettings.load)}
