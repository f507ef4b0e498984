"""Response headers every page needs."""

from django.conf import settings


class SecurityHeadersMiddleware:
    """The security headers Django's SecurityMiddleware does not set.

    Permissions-Policy denies powerful browser features the site never uses.
    Cross-Origin-Resource-Policy stops other sites loading our responses as subresources (a page
    read through <script> or <img> by another origin); responses that set their own keep it.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.headers = {
            "Permissions-Policy": settings.PERMISSIONS_POLICY,
            "Cross-Origin-Resource-Policy": settings.CROSS_ORIGIN_RESOURCE_POLICY,
        }

    def __call__(self, request):
        response = self.get_response(request)
        for name, value in self.headers.items():
            response.headers.setdefault(name, value)
        return response
