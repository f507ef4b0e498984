"""Erase readers' names, email addresses and report details older than
`HEALTHQA_PERSONAL_DATA_DAYS`, keeping the questions and reports themselves.

A cron job or systemd timer runs it daily (`manage.py erase_personal_data`); running it more
often, or twice, erases nothing more. `--dry-run` counts what would be erased.
"""

from django.core.management.base import BaseCommand

from healthqa.models import erase_personal_data


class Command(BaseCommand):
    help = (
        "Erase readers' names and email addresses (questions sent through /ask/, and their "
        "history) and report details older than HEALTHQA_PERSONAL_DATA_DAYS. Run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be erased; change nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        counts = erase_personal_data(dry_run=dry_run)
        verb = "Would erase" if dry_run else "Erased"
        for label, count in counts.items():
            self.stdout.write(f"{verb} {count} {label}.")
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
