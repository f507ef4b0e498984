from django.apps import AppConfig


class ExpertsConfig(AppConfig):
    name = "experts"
    verbose_name = "Experts"
    default_auto_field = "django.db.models.BigAutoField"
