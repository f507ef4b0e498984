"""Check every cited web address and store the outcome for the "Sources to fix" report.

Polite by default: four requests at once at most, one at a time to each host and a second
apart, ten seconds for an answer, a User-Agent naming the site. Cron it weekly, say.
"""

from django.core.management.base import BaseCommand

from healthqa.cited_links import cited_urls, forget_uncited, stale_only, store_checks
from healthqa.core.linkcheck import LinkChecker
from healthqa.models import LinkCheck


def positive(kind):
    def read(value):
        try:
            number = kind(value)
        except ValueError:
            number = 0
        if not number > 0:
            raise ValueError(value)
        return number

    read.__name__ = f"positive {kind.__name__}"
    return read


def not_negative(value):
    number = float(value)
    if number < 0:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = "Fetch every cited source address (HEAD, GET when refused) and store what answered."

    def add_arguments(self, parser):
        parser.add_argument(
            "--concurrency",
            type=positive(int),
            default=4,
            help="Requests in flight at most (default 4).",
        )
        parser.add_argument(
            "--timeout",
            type=positive(float),
            default=10.0,
            help="Seconds each request may take (default 10).",
        )
        parser.add_argument(
            "--delay",
            type=not_negative,
            default=1.0,
            help="Seconds between two requests to the same host (default 1).",
        )
        parser.add_argument(
            "--only-stale",
            type=positive(int),
            metavar="DAYS",
            help="Only addresses not checked within DAYS days.",
        )

    def handle(self, *args, concurrency, timeout, delay, only_stale, verbosity, **options):
        cited = cited_urls()
        forgotten = forget_uncited(cited)
        if forgotten and verbosity > 0:
            self.stdout.write(f"Forgot {forgotten} address(es) no longer cited.")
        urls = cited if only_stale is None else stale_only(cited, only_stale)
        if not urls:
            self.stdout.write("No address to check.")
            return
        if verbosity > 1:
            self.stdout.write(f"Checking {len(urls)} of {len(cited)} cited addresses…")
        results = LinkChecker(concurrency=concurrency, timeout=timeout, delay=delay).check(urls)
        counts = store_checks(results)
        if verbosity > 1:
            for result in results:
                if result.broken:
                    self.stdout.write(
                        f"broken      {result.url}: {result.error or result.status_code}"
                    )
                elif result.redirected:
                    self.stdout.write(f"redirected  {result.url} -> {result.final_url}")
        Outcome = LinkCheck.Outcome
        self.stdout.write(
            f"Checked {len(results)}: {counts[Outcome.OK]} ok, "
            f"{counts[Outcome.REDIRECTED]} redirected, {counts[Outcome.BROKEN]} broken."
        )
