"""The admin site: Django's admin with the review pages (moderation queue, reader reports,
triage, review due) as views of the site, and their counts on its home page.

Installed as the default site through `HealthQAAdminConfig` (`AdminConfig.default_site`, which
names `default_site()`), so `admin.site` and `@admin.register` everywhere mean `site`. One
instance, made here: registering the admins of this package (imported with it) may ask for
`admin.site` before Django has finished setting it up, and must find the same site.
"""

from django.contrib import admin
from django.urls import path

from healthqa.admin.base import ChecksPostedIds
from healthqa.admin.home import home_context
from healthqa.admin.link_report import sources_to_fix_view
from healthqa.admin.queue import queue_decide_view, queue_view
from healthqa.admin.reports import flag_decide_view, flags_view
from healthqa.admin.review_due import review_confirm_view, review_due_view
from healthqa.admin.triage import submissions_view, triage_view


class HealthQAAdminSite(admin.AdminSite):
    site_header = "HealthQA administration"
    site_title = "HealthQA administration"
    index_title = "Editorial work"

    def register(self, model_or_iterable, admin_class=None, **options):
        """Every ModelAdmin answers junk ids in relation fields with a form error
        (`ChecksPostedIds`), those of other apps (users, groups) included."""
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, ChecksPostedIds):
            admin_class = type(admin_class.__name__, (ChecksPostedIds, admin_class),
                               {"__module__": admin_class.__module__})  # fmt: skip
        super().register(model_or_iterable, admin_class, **options)

    def index(self, request, extra_context=None):
        return super().index(request, {**home_context(request), **(extra_context or {})})

    def get_urls(self):
        wrap = self.admin_view
        review = [
            path("moderation/", wrap(queue_view(self)), name="moderation_queue"),
            path("moderation/decide/", wrap(queue_decide_view(self)), name="moderation_decide"),
            path("moderation/flags/", wrap(flags_view(self)), name="moderation_flags"),
            path(
                "moderation/flags/<int:pk>/",
                wrap(flag_decide_view(self)),
                name="moderation_flag_decide",
            ),
            path(
                "moderation/submissions/",
                wrap(submissions_view(self)),
                name="moderation_submissions",
            ),
            path(
                "moderation/submissions/<int:pk>/",
                wrap(triage_view(self)),
                name="moderation_triage",
            ),
            path(
                "moderation/review-due/", wrap(review_due_view(self)), name="moderation_review_due"
            ),
            path(
                "moderation/review-due/<int:pk>/confirm/",
                wrap(review_confirm_view(self)),
                name="moderation_review_confirm",
            ),
            path(
                "moderation/sources-to-fix/",
                wrap(sources_to_fix_view(self)),
                name="moderation_sources_to_fix",
            ),
        ]
        return review + super().get_urls()


site = HealthQAAdminSite()


def default_site():
    return site
