"""`manage.py load_demo`: the reference page of the spec and a small demo site around it (the
loading itself is `healthqa.demo.loader`)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

from articles.models import Article
from healthqa.demo import content
from healthqa.demo.loader import DemoLoader
from healthqa.models import (
    Question,
)


class Command(BaseCommand):
    help = "Load the demo content: the push-ups question page of the spec and a site around it."

    def handle(self, *args, **options):
        started = time.monotonic()
        # The demo's reviews would notify the made-up experts and moderators: no mail.
        dummy_mail = "django.core.mail.backends.dummy.EmailBackend"
        with override_settings(EMAIL_BACKEND=dummy_mail), transaction.atomic():
            loader = DemoLoader()
            loader.run()
        for line in loader.messages:
            self.stdout.write(line)
        summary = ", ".join(f"{count} {name}" for name, count in loader.counts.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo content loaded in {time.monotonic() - started:.1f} s: {summary}."
            )
        )
        self.stdout.write(
            f"Public now: {Question.objects.public().count()} questions, "
            f"{Article.objects.public().count()} articles."
        )
        seed = Question.objects.get(slug=content.SEED_QUESTION_SLUG)
        self.stdout.write(f"Open {settings.SITE_URL}{seed.get_absolute_url()}")
