"""deploy/nginx.conf in front of the real site (no purger: pages carry a short s-maxage)."""

import time
import uuid

import pytest

SHARED_AGE = 2  # HEALTHQA_PROXY_MAX_AGE (10 by default without a purger): expiry within a test


@pytest.fixture(scope="module")
def site_env():
    return {"HEALTHQA_PROXY_MAX_AGE": str(SHARED_AGE)}


def fresh(path):
    """`path` with a query string no other request used: a page not in the cache yet."""
    return f"{path}?t={uuid.uuid4().hex[:12]}"


def test_an_anonymous_page_is_stored(nginx):
    first, second = nginx.get("/topics/"), nginx.get("/topics/")
    assert (first.status, first["X-Cache-Status"]) == (200, "MISS"), first.describe()
    assert (second.status, second["X-Cache-Status"]) == (200, "HIT"), second.describe()
    assert second.body == first.body


def test_a_conditional_request_is_answered_304(nginx):
    nginx.get("/questions/")
    page = nginx.get("/questions/")
    assert page["ETag"], page.describe()
    again = nginx.get("/questions/", headers={"If-None-Match": page["ETag"]})
    assert (again.status, again["X-Cache-Status"]) == (304, "HIT"), again.describe()
    assert again.body == b""


def test_an_expired_page_is_revalidated_with_its_etag(nginx, site):
    path = fresh("/topics/")
    first = nginx.get(path)
    assert first["Cache-Control"] == f"public, max-age=0, s-maxage={SHARED_AGE}", first.describe()
    time.sleep(SHARED_AGE + 1.5)  # nginx counts whole seconds
    # The first request after expiry gets the stored copy while nginx asks the app in the
    # background (proxy_cache_background_update); the app answers 304 to its If-None-Match.
    stale = nginx.get(path)
    assert stale["X-Cache-Status"] in {"UPDATING", "REVALIDATED", "STALE"}, stale.describe()
    assert stale.body == first.body
    deadline = time.monotonic() + 5
    while f'"GET {path} HTTP/1.1" 304' not in site.log and time.monotonic() < deadline:
        time.sleep(0.05)
    assert f'"GET {path} HTTP/1.1" 304' in site.log, site.log[-2000:]
    again = nginx.get(path)
    assert again["X-Cache-Status"] == "HIT", again.describe()


@pytest.mark.parametrize(
    "cookie",
    [
        "sessionid=x",
        "__Host-sessionid=x",
        "csrftoken=x",
        "__Host-csrftoken=x",
        "messages=x",
        "_ga=GA1.1.123; sessionid=x",
    ],
)
def test_personal_requests_bypass_the_cache_and_are_never_stored(nginx, cookie):
    path = fresh("/experts/")
    for _ in range(2):
        personal = nginx.get(path, headers={"Cookie": cookie})
        assert personal["X-Cache-Status"] == "BYPASS", personal.describe()
    anonymous = nginx.get(path)
    assert anonymous["X-Cache-Status"] == "MISS", (
        f"a personal response was stored:\n{anonymous.describe()}"
    )


@pytest.mark.parametrize("path", ["/search/?q=x", "/no-such-page/"])
def test_pages_that_say_so_are_never_stored(nginx, path):
    first, second = nginx.get(path), nginx.get(path)
    assert first["X-Cache-Status"] == second["X-Cache-Status"] == "MISS", second.describe()
    assert "no-store" in second["Cache-Control"]


def test_clients_do_not_see_the_surrogate_keys(nginx):
    assert nginx.get("/articles/")["Surrogate-Key"] is None


def test_the_admin_does_not_go_through_the_cache(nginx):
    page = nginx.get("/admin/login/")
    assert page.status == 200
    assert page["X-Cache-Status"] is None, page.describe()
