from healthqa.models import SiteSettings


def site(request):
    return {"site_settings": SiteSettings.load()}
