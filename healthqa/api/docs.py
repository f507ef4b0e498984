"""`/api/docs/`: the OpenAPI schema of `/api/v1/` made readable, for partners.

Swagger UI as django-ninja ships it, served from our static files and started by our own script
(`static/js/api-docs.js`), so the page keeps the site's Content-Security-Policy.
"""

from django.conf import settings
from django.urls import reverse
from django.views.generic import TemplateView


class ApiDocsView(TemplateView):
    template_name = "api/docs.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            base_url=self.request.build_absolute_uri("/api/v1/"),
            schema_url=reverse("api:openapi-json"),
            rate_limit=settings.HEALTHQA_API_RATE_LIMIT,
            partner_rate_limit=settings.HEALTHQA_API_PARTNER_RATE_LIMIT,
            **kwargs,
        )
