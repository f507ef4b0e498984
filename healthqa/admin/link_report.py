"""The "Sources to fix" report: cited addresses the last `check_sources` found broken or
redirected, with the pages citing each."""

from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from healthqa.admin.queue import admin_context
from healthqa.cited_links import pages_citing
from healthqa.core.linkcheck import is_web_address
from healthqa.core.permissions import allowed
from healthqa.models import LinkCheck

SOURCES_TO_FIX_LIMIT = 200


def can_see_link_checks(user):
    return allowed(user, "healthqa.view_linkcheck")


def sources_to_fix_view(site):
    @require_GET
    def view(request):
        if not can_see_link_checks(request.user):
            raise PermissionDenied
        to_fix = LinkCheck.objects.to_fix()
        links = list(to_fix[:SOURCES_TO_FIX_LIMIT])
        citing = pages_citing(link.url for link in links)
        for link in links:
            link.pages = citing.get(link.url, [])
            # Shown as links only when they are web addresses (check_sources stores no other).
            link.href = link.url if is_web_address(link.url) else ""
            link.final_href = link.final_url if is_web_address(link.final_url) else ""
        return TemplateResponse(
            request,
            "admin/healthqa/moderation/sources_to_fix.html",
            admin_context(
                request,
                site,
                title="Sources to fix",
                links=links,
                total=to_fix.count() if len(links) == SOURCES_TO_FIX_LIMIT else len(links),
                limit=SOURCES_TO_FIX_LIMIT,
                last_checked=LinkCheck.objects.order_by("-checked_at")
                .values_list("checked_at", flat=True)
                .first(),
            ),
        )

    return view
