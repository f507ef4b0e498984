from django.apps import AppConfig


class HealthQAConfig(AppConfig):
    name = "healthqa"
    verbose_name = "Questions & answers"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from healthqa.cache import connect_invalidation
        from healthqa.images import connect_upload_reencoding

        connect_invalidation()
        connect_upload_reencoding()
