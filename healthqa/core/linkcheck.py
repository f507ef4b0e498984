"""Checking cited web addresses over HTTP: HEAD (GET when a server refuses HEAD), redirects
followed one hop at a time to learn where an address now leads, a bounded number of requests
at once, and one request at a time to each host with a pause between them. Imports no model of
ours: `healthqa.cited_links` collects the addresses and stores the results.
"""

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx
from django.conf import settings

# Servers that refuse HEAD answer one of these (or drop the connection); GET is asked instead.
HEAD_REFUSED = {403, 405, 501}
MAX_REDIRECTS = 10


def is_web_address(url):
    """True for an absolute http(s) address with a host: the only kind ever fetched."""
    try:
        parts = urlsplit(url)
        return parts.scheme in {"http", "https"} and bool(parts.hostname)
    except ValueError:
        return False


def user_agent():
    """An honest User-Agent naming the site, so a server's owner can see who is asking."""
    site = getattr(settings, "SITE_URL", "")
    return f"HealthQA link checker (+{site})" if site else "HealthQA link checker"


@dataclass(frozen=True)
class LinkResult:
    """What checking one address found: the last status seen, where a redirect chain ended
    (`final_url`, empty when the address answered at once), or why it could not be read."""

    url: str
    status_code: int | None = None
    final_url: str = ""
    error: str = ""

    @property
    def broken(self):
        return bool(self.error) or not 200 <= (self.status_code or 0) < 300

    @property
    def redirected(self):
        return not self.broken and bool(self.final_url)


class _Refused(Exception):
    """A redirect chain that cannot be followed (a loop, too long, a non-web address)."""

    def __init__(self, message, status_code=None):
        super().__init__(message)
        self.status_code = status_code


class _HostGate:
    """One request at a time to a host, each starting at least `delay` seconds after the
    previous one ended."""

    def __init__(self, delay):
        self.delay = delay
        self.lock = asyncio.Lock()
        self.last_end = None

    async def __aenter__(self):
        await self.lock.acquire()
        if self.last_end is not None:
            await asyncio.sleep(max(0.0, self.last_end + self.delay - time.monotonic()))

    async def __aexit__(self, *exc_info):
        self.last_end = time.monotonic()
        self.lock.release()


class LinkChecker:
    """`LinkChecker(concurrency=4, timeout=10, delay=1).check(urls)` -> [LinkResult] in the
    order of `urls`. At most `concurrency` requests are in flight; each may take `timeout`
    seconds in all (to the response's headers: bodies are never read)."""

    def __init__(self, *, concurrency=4, timeout=10.0, delay=1.0, agent=None):
        self.concurrency = max(1, concurrency)
        self.timeout = timeout
        self.delay = delay
        self.agent = agent or user_agent()

    def check(self, urls):
        # A thread of its own: the caller may already run an event loop (an async server, a
        # browser driver), inside which asyncio.run() is refused.
        with ThreadPoolExecutor(max_workers=1) as runner:
            return runner.submit(asyncio.run, self._check_all(list(urls))).result()

    async def _check_all(self, urls):
        self._slots = asyncio.Semaphore(self.concurrency)
        self._gates = {}
        limits = httpx.Limits(max_connections=self.concurrency)
        async with httpx.AsyncClient(
            headers={"User-Agent": self.agent},
            timeout=httpx.Timeout(self.timeout),
            limits=limits,
            follow_redirects=False,
        ) as client:
            return await asyncio.gather(*(self._check(client, url) for url in urls))

    async def _check(self, client, url):
        if not is_web_address(url):
            return LinkResult(url, error="Not an http(s) address.")
        current, seen = url, {url}
        try:
            for _hop in range(MAX_REDIRECTS + 1):
                response = await self._fetch(client, current)
                location = response.headers.get("location")
                if not (response.is_redirect and location):
                    break
                current = urljoin(current, location.strip())
                if not is_web_address(current):
                    raise _Refused(
                        "Redirects to an address that is not http(s).", response.status_code
                    )
                if current in seen:
                    raise _Refused("Redirects in a loop.", response.status_code)
                seen.add(current)
            else:
                raise _Refused(f"More than {MAX_REDIRECTS} redirects.", response.status_code)
        except _Refused as exc:
            return LinkResult(url, status_code=exc.status_code, error=str(exc))
        except (TimeoutError, httpx.TimeoutException):
            return LinkResult(url, error=f"No answer within {self.timeout:g} s.")
        except (httpx.HTTPError, httpx.InvalidURL, OSError) as exc:
            return LinkResult(url, error=describe(exc))
        return LinkResult(
            url,
            status_code=response.status_code,
            final_url=current if current != url else "",
        )

    async def _fetch(self, client, url):
        """The response to HEAD `url`, or to GET when the server refuses HEAD."""
        try:
            response = await self._send(client, "HEAD", url)
        except (httpx.RemoteProtocolError, httpx.ReadError):
            return await self._send(client, "GET", url)
        if response.status_code in HEAD_REFUSED:
            return await self._send(client, "GET", url)
        return response

    async def _send(self, client, method, url):
        host = (urlsplit(url).hostname or "").lower()
        gate = self._gates.setdefault(host, _HostGate(self.delay))
        # The host's turn first, then a slot: requests waiting for a busy host hold no slot.
        async with gate, self._slots, asyncio.timeout(self.timeout):
            response = await client.send(client.build_request(method, url), stream=True)
            await response.aclose()
            return response


def describe(exc):
    """A short reason for a failed request."""
    if isinstance(exc, httpx.ConnectError):
        return f"Could not connect: {exc}" if str(exc) else "Could not connect."
    return str(exc) or type(exc).__name__
