"""The public API in `make bench`: its question listing and detail under wrk, and deep paging.

Deep paging times the first page of `/api/v1/questions/?limit=20` and its 5,000th page, one
request at a time through gunicorn and the whole stack. The cursor of page 5,000 is built the way
`healthqa.api.paging` builds the cursors in `meta.next` (the sort key of the 99,980th question,
signed), in a `manage.py shell` process with the server's settings, and checked against the
database. Every timed request carries a query parameter of its own (which the API ignores), so
none of them is answered from the page cache.
"""

import json
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 20
DEEP_PAGE = 5_000
# High enough that wrk is never refused (HEALTHQA_API_RATE_LIMIT is per client and every wrk
# connection comes from 127.0.0.1), while the limiter still counts each request as in production.
RATE_LIMIT = 1_000_000_000

DEEP_CURSOR_CODE = """
import json
from healthqa.api import paging
from healthqa.api.endpoints import NEWEST_FIRST
from healthqa.models import Question
rows = Question.objects.public().order_by(*NEWEST_FIRST.columns)
before, first = rows[{skip} - 1], rows[{skip}]
print(json.dumps({{"total": rows.count(), "first_slug": first.slug,
                  "cursor": paging.encode(paging.NEXT, NEWEST_FIRST.key_of(before))}}))
"""


def shell(code, env):
    command = [sys.executable, "manage.py", "shell", "--no-imports", "-c", code]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return result.stdout.strip().splitlines()[-1]


def detail_paths(question_paths):
    """The API addresses of the questions the cold question-page row reads."""
    return ["/api/v1" + path for path in question_paths]


def list_paths(pages):
    """The first `pages` pages of the listing, each under its own address (cold: all misses)."""
    return [f"/api/v1/questions/?limit={LIMIT}&page_{n}" for n in range(pages)]


def scenarios(site_url, work, question_paths):
    """(name, url, file of paths or None) rows for the wrk table, after the page rows."""
    detail_file, list_file = work / "api-detail.txt", work / "api-list.txt"
    detail_file.write_text("\n".join(detail_paths(question_paths)) + "\n")
    list_file.write_text("\n".join(list_paths(len(question_paths))) + "\n")
    one = detail_paths(["/questions/why-does-my-back-hurt-when-i-do-push-ups/"])[0]
    count = f"{len(question_paths):,}"
    return [
        ("API question detail, warm cache (one question)", site_url + one, None),
        (f"API question detail, cold cache ({count} different questions)", site_url, detail_file),
        (f"API question list `?limit={LIMIT}`, warm cache", site_url + list_paths(1)[0], None),
        (f"API question list `?limit={LIMIT}`, cold cache (page 1 at {count} addresses)", site_url,
         list_file),
    ]  # fmt: skip


def fetch_ms(url):
    request = urllib.request.Request(url, headers={"User-Agent": "bench"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:  # nosec B310: loopback
        body = response.read()
        state = response.headers.get("X-Page-Cache")
    elapsed = (time.perf_counter() - started) * 1000
    if state == "hit":
        raise RuntimeError(f"{url} came from the page cache")
    return elapsed, json.loads(body)


def deep_paging(site_url, env, rounds=30):
    """Median, p95 and min in ms of page 1 and page 5,000, `rounds` uncached requests each."""
    deep = json.loads(shell(DEEP_CURSOR_CODE.format(skip=(DEEP_PAGE - 1) * LIMIT), env))
    base = f"{site_url}/api/v1/questions/?limit={LIMIT}"
    pages = {"first": base, "deep": f"{base}&cursor={deep['cursor']}"}
    _, page = fetch_ms(pages["deep"] + "&bench=check")
    if page["items"][0]["slug"] != deep["first_slug"] or len(page["items"]) != LIMIT:
        raise RuntimeError(f"page {DEEP_PAGE} does not start at the {deep['first_slug']!r}")
    for name in pages:  # warm up the workers
        fetch_ms(f"{pages[name]}&bench=warm-{name}")
    timings = {name: [] for name in pages}
    for n in range(rounds):
        for name, url in pages.items():
            timings[name].append(fetch_ms(f"{url}&bench={n}")[0])
    result = {"total": deep["total"], "rounds": rounds}
    for name, values in timings.items():
        values.sort()
        result[name] = {
            "p50": statistics.median(values),
            "p95": values[min(len(values) - 1, round(0.95 * (len(values) - 1)))],
            "min": values[0],
        }
    result["ratio"] = result["deep"]["p50"] / result["first"]["p50"]
    return result


def render_paging(vendor, paging):
    first, deep = paging["first"], paging["deep"]
    return "\n".join(
        [
            "",
            f"API deep paging on {vendor} ({paging['total']:,} public questions; "
            f"`bench/api.py`): `/api/v1/questions/?limit={LIMIT}`, page 1 and page "
            f"{DEEP_PAGE:,} (cursor), {paging['rounds']} requests each, one at a time, none from "
            "the page cache:",
            "",
            "| page | p50 ms | p95 ms | min ms |",
            "|---|---:|---:|---:|",
            f"| 1 | {first['p50']:.1f} | {first['p95']:.1f} | {first['min']:.1f} |",
            f"| {DEEP_PAGE:,} | {deep['p50']:.1f} | {deep['p95']:.1f} | {deep['min']:.1f} |",
            "",
            f"Page {DEEP_PAGE:,} ÷ page 1 (p50): {paging['ratio']:.2f}.",
            "",
        ]
    )
