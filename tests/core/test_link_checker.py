"""The link checker and `manage.py check_sources`, against local HTTP servers only."""

import itertools
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from healthqa.core.linkcheck import LinkChecker, user_agent
from healthqa.models import AnswerRevision, AnswerSource, LinkCheck
from tests.factories import AnswerFactory, SourceFactory

SLOW = 5.0  # seconds the slow page takes; every check below allows far less
# Generous: the suite runs on every core at once, and a loaded machine answers loopback slowly.
TIMEOUT = 2.0

REDIRECTS = {
    "/moved": "/ok",
    "/chain": "/moved",
    "/loop": "/loop",
    "/to-ftp": "ftp://127.0.0.1/file",
}


class Log:
    """What the servers saw: one (time, method, path, host, User-Agent) per request, and the
    most requests to /busy in flight at once (counted until the answer starts, so that a
    client that has its answer can never be counted)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.requests = []
        self.in_flight = 0
        self.most_in_flight = 0

    def start(self, handler):
        with self.lock:
            self.requests.append(
                (
                    time.monotonic(),
                    handler.command,
                    handler.path,
                    handler.server.server_address[0],
                    handler.headers.get("User-Agent"),
                )
            )

    def busy(self, seconds):
        with self.lock:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        time.sleep(seconds)
        with self.lock:
            self.in_flight -= 1

    def reset(self):
        with self.lock:
            self.requests.clear()
            self.most_in_flight = 0

    def paths(self, method=None):
        return [path for _t, m, path, _h, _ua in self.requests if method in (None, m)]


LOG = Log()


class Handler(BaseHTTPRequestHandler):
    def do_HEAD(self):
        self.answer(head=True)

    def do_GET(self):
        self.answer(head=False)

    def answer(self, head):
        LOG.start(self)
        try:
            self.route(head)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the checker hung up after the headers, as it should

    def route(self, head):
        path = self.path.partition("?")[0]
        if path in REDIRECTS:
            return self.reply(301, location=REDIRECTS[path])
        if path == "/missing":
            return self.reply(404)
        if path == "/error":
            return self.reply(500)
        if path == "/no-head" and head:
            return self.reply(405)
        if path == "/drop-head" and head:
            self.close_connection = True  # hang up without a word
            return None
        if path == "/slow":
            time.sleep(SLOW)
        if path == "/busy":
            LOG.busy(0.2)
        if path in {"/no-head", "/drop-head"} and not head:
            # Headers now, the body only later: a checker that read the body would time out.
            self.reply(200, length=100_000)
            time.sleep(SLOW)
            self.wfile.write(b"x" * 100_000)
            return None
        return self.reply(200)

    def reply(self, status, location=None, length=0):
        self.send_response(status)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Length", str(length))
        self.end_headers()
        self.wfile.flush()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def servers():
    """Five servers on five loopback addresses (five hosts), each on a free port."""
    running = []
    for last in range(1, 6):
        server = ThreadingHTTPServer((f"127.0.0.{last}", 0), Handler)
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        running.append(server)
    yield [f"http://{host}:{port}" for host, port in (s.server_address for s in running)]
    for server in running:
        server.shutdown()
        server.server_close()


@pytest.fixture
def base(servers):
    LOG.reset()
    return servers[0]


def check(urls, **options):
    options = {"concurrency": 4, "timeout": TIMEOUT, "delay": 0, **options}
    return LinkChecker(**options).check(urls)


def test_an_address_that_answers_200_is_ok(base):
    [result] = check([f"{base}/ok"])
    assert (result.status_code, result.final_url, result.error) == (200, "", "")
    assert not result.broken and not result.redirected
    assert LOG.paths() == ["/ok"]  # HEAD alone, no GET


def test_it_works_where_an_event_loop_is_already_running(base):
    """Called from async code (or beside a browser driver's loop), it still checks."""
    import asyncio
    import threading

    async def inside_a_loop():
        return check([f"{base}/ok"])

    # A thread of its own, since the test's own thread may run a loop already.
    found = []
    thread = threading.Thread(target=lambda: found.extend(asyncio.run(inside_a_loop())))
    thread.start()
    thread.join(timeout=30)
    [result] = found
    assert (result.status_code, result.broken) == (200, False)


def test_head_refused_is_asked_again_with_get(base):
    refused, dropped = check([f"{base}/no-head", f"{base}/drop-head"])
    assert (refused.status_code, refused.broken) == (200, False)
    assert (dropped.status_code, dropped.broken) == (200, False)
    assert sorted(LOG.requests[i][1:3] for i in range(4)) == [
        ("GET", "/drop-head"),
        ("GET", "/no-head"),
        ("HEAD", "/drop-head"),
        ("HEAD", "/no-head"),
    ]


def test_get_reads_the_headers_only(base):
    started = time.monotonic()
    check([f"{base}/no-head"])
    assert time.monotonic() - started < SLOW  # the body comes SLOW seconds later, unread


def test_redirects_are_followed_to_the_final_address(base):
    moved, chain = check([f"{base}/moved", f"{base}/chain"])
    assert (moved.status_code, moved.final_url, moved.redirected) == (200, f"{base}/ok", True)
    assert (chain.final_url, chain.redirected) == (f"{base}/ok", True)


@pytest.mark.parametrize("path,status", [("/missing", 404), ("/error", 500)])
def test_error_statuses_are_broken(base, path, status):
    [result] = check([base + path])
    assert (result.status_code, result.broken, result.error) == (status, True, "")


def test_a_page_slower_than_the_timeout_is_broken(base):
    started = time.monotonic()
    [result] = check([f"{base}/slow"])
    assert result.broken and result.status_code is None
    assert result.error == f"No answer within {TIMEOUT:g} s."
    assert time.monotonic() - started < SLOW


def test_loops_and_redirects_to_other_schemes_are_broken(base):
    loop, ftp = check([f"{base}/loop", f"{base}/to-ftp"])
    assert (loop.broken, loop.error) == (True, "Redirects in a loop.")
    assert (ftp.broken, ftp.error) == (True, "Redirects to an address that is not http(s).")
    assert LOG.paths() == ["/loop", "/to-ftp"]


def test_nothing_but_http_is_fetched():
    [result] = check(["ftp://127.0.0.1/file"])
    assert (result.broken, result.error) == (True, "Not an http(s) address.")


def test_a_closed_port_is_broken_with_the_reason(base):
    [result] = check(["http://127.0.0.1:9/"])  # the discard port: nothing listens
    assert result.broken and result.error.startswith("Could not connect")


def test_requests_to_one_host_are_one_at_a_time_and_spaced(base):
    delay = 0.15
    paths = ["/ok", "/moved", "/no-head", "/busy?1", "/busy?2"]
    results = check([base + path for path in paths], delay=delay)
    assert not any(result.broken for result in results)
    times = sorted(t for t, *_rest in LOG.requests)
    assert len(times) == 7  # ok; moved and ok again; no-head HEAD then GET; busy twice
    assert all(later - earlier >= delay for earlier, later in itertools.pairwise(times))
    assert LOG.most_in_flight == 1


def test_no_more_requests_in_flight_than_the_concurrency(servers):
    LOG.reset()
    urls = [f"{server}/busy?{n}" for server in servers for n in range(2)]
    started = time.monotonic()
    results = check(urls, concurrency=2)
    assert [result.url for result in results] == urls
    assert LOG.most_in_flight == 2
    assert time.monotonic() - started >= 0.2 * len(urls) / 2


def test_the_user_agent_names_the_site(base, settings):
    settings.SITE_URL = "https://healthqa.example"
    check([f"{base}/ok"], agent=None)
    assert LOG.requests[0][4] == "HealthQA link checker (+https://healthqa.example)"
    settings.SITE_URL = ""
    assert user_agent() == "HealthQA link checker"


# manage.py check_sources


def run(*args):
    out = StringIO()
    call_command("check_sources", "--delay", "0", "--timeout", str(TIMEOUT), *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def cited(db, base):
    """An address cited in each kind of list, and one that is not http."""
    SourceFactory(url=f"{base}/ok")
    SourceFactory(url=f"{base}/ok")  # twice: checked once
    SourceFactory(url="ftp://127.0.0.1/file")
    answer = AnswerFactory(
        approved_sources=[{"title": "Moved", "url": f"{base}/moved"}, {"title": "No URL"}]
    )
    AnswerSource.objects.create(answer=answer, title="Missing", url=f"{base}/missing")
    AnswerRevision.objects.create(
        answer=answer, body="New text", sources=[{"title": "Error", "url": f"{base}/error"}]
    )
    AnswerRevision.objects.create(
        answer=AnswerFactory(),
        body="Rejected text",
        status=AnswerRevision.Status.REJECTED,
        sources=[{"title": "Not cited", "url": f"{base}/slow"}],
    )
    return answer


def test_the_command_checks_every_cited_address_once_and_stores_the_outcome(base, cited):
    output = run()
    assert output.strip() == "Checked 4: 1 ok, 1 redirected, 2 broken."
    assert sorted(LOG.paths("HEAD")) == ["/error", "/missing", "/moved", "/ok", "/ok"]
    stored = {c.url: (c.outcome, c.status_code, c.final_url) for c in LinkCheck.objects.all()}
    assert stored == {
        f"{base}/ok": ("ok", 200, ""),
        f"{base}/moved": ("redirected", 200, f"{base}/ok"),
        f"{base}/missing": ("broken", 404, ""),
        f"{base}/error": ("broken", 500, ""),
    }


def test_a_second_run_updates_the_rows_and_forgets_addresses_no_longer_cited(base, cited):
    run()
    AnswerSource.objects.filter(answer=cited).update(url=f"{base}/no-head")
    output = run()
    assert "Forgot 1 address(es) no longer cited." in output
    assert f"{base}/missing" not in set(LinkCheck.objects.values_list("url", flat=True))
    assert LinkCheck.objects.get(url=f"{base}/no-head").outcome == "ok"
    assert LinkCheck.objects.count() == 4


def test_only_stale_skips_addresses_checked_lately(base, cited):
    now = timezone.now()
    LinkCheck.objects.create(url=f"{base}/ok", outcome="ok", checked_at=now - timedelta(days=1))
    LinkCheck.objects.create(url=f"{base}/moved", outcome="ok", checked_at=now - timedelta(days=30))
    output = run("--only-stale", "7")
    assert output.strip() == "Checked 3: 0 ok, 1 redirected, 2 broken."
    assert LOG.paths("HEAD").count("/ok") == 1  # only as where /moved leads
    assert LinkCheck.objects.get(url=f"{base}/ok").checked_at == now - timedelta(days=1)


def test_the_command_says_when_there_is_nothing_to_check(db):
    assert run().strip() == "No address to check."


@pytest.mark.parametrize("option", ["--concurrency=0", "--timeout=-1", "--delay=-1"])
def test_the_command_refuses_impossible_options(db, option):
    with pytest.raises(Exception, match="invalid"):
        run(option)
