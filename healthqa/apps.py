from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from taggit.apps import TaggitAppConfig


class HealthQAConfig(AppConfig):
    name = "healthqa"
    verbose_name = "Questions & answers"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        """Connect the receivers that keep derived data in step with the content: the search
        index and the page cache (on commit), and re-encoded image uploads."""
        from healthqa import checks  # noqa: F401 (registers the system checks)
        from healthqa.core.images import connect_upload_reencoding
        from healthqa.pagecache import invalidation
        from healthqa.search import sync

        sync.connect()
        invalidation.connect()
        connect_upload_reencoding()


class HealthQAAdminConfig(AdminConfig):
    """django.contrib.admin with our site (review pages, counts on the home page) as default."""

    default_site = "healthqa.admin.site.default_site"


class TagsConfig(TaggitAppConfig):
    """django-taggit, named "Tags" in the admin (instead of "Taggit")."""

    verbose_name = "Tags"
