"""deploy/varnish.vcl in front of the real site: what is stored, what is passed, purges by key."""

import json
import subprocess
import time
import uuid
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest

from tests.conftest import ROOT
from tests.deploy.harness import DEMO_PASSWORD, fetch, system_tool

DEBUG = {"X-Cache-Debug": "1"}  # Varnish shows Surrogate-Key to purger hosts asking for it
PURGE_WAIT = 2.0  # seconds the background purge thread gets to reach Varnish


@pytest.fixture(scope="module")
def site_env(varnish_port):
    return {"HEALTHQA_PURGE_URL": f"http://127.0.0.1:{varnish_port}/"}


def fresh(path):
    """`path` with a query string no other request used: a page not in the cache yet."""
    return f"{path}?t={uuid.uuid4().hex[:12]}"


def stored_twice(varnish, path, **kwargs):
    """GET `path` twice through Varnish; both responses."""
    return varnish.get(path, **kwargs), varnish.get(path, **kwargs)


def keys_of(response):
    return (response["Surrogate-Key"] or "").split()


def purge(varnish, keys, **kwargs):
    return fetch(varnish.url + "/", method="PURGE", headers={"Surrogate-Key": keys}, **kwargs)


def bans(varnish):
    varnishadm = system_tool("varnishadm", "varnish")
    result = subprocess.run(
        [varnishadm, "-n", str(varnish.workdir / "instance"), "ban.list"],
        capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    return result.stdout + result.stderr


def public_questions(site):
    """(pk, url, topic_id) of every public question, from the site's database."""
    return json.loads(
        site.shell(
            "import json; from healthqa.models import Question; "
            "print(json.dumps([(q.pk, q.get_absolute_url(), q.topic_id) "
            "for q in Question.objects.public()]))"
        )
    )


def test_the_vcl_compiles(tmp_path):
    varnishd = system_tool("varnishd", "varnish")
    # -j none, as the `varnish` fixture: the compiler would otherwise run as an unprivileged
    # user that cannot read a checkout in a private folder (a fresh clone under mktemp -d).
    result = subprocess.run(
        [varnishd, "-C", "-j", "none", "-n", str(tmp_path / "instance"),
         "-f", str(ROOT / "deploy/varnish.vcl")],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]


def test_the_site_sends_the_headers_the_vcl_relies_on(site):
    page = site.get("/topics/")
    assert page.status == 200
    assert page["Cache-Control"] == "public, max-age=0, s-maxage=86400", page.describe()
    assert page["ETag"].startswith('W/"'), page.describe()
    assert page["Last-Modified"], page.describe()
    assert "Cookie" in page["Vary"], page.describe()
    assert "healthqa" in keys_of(page), page.describe()


def test_an_anonymous_page_is_stored(varnish):
    first, second = stored_twice(varnish, "/topics/")
    assert (first.status, first["X-Cache"]) == (200, "MISS"), first.describe()
    assert (second.status, second["X-Cache"]) == (200, "HIT"), second.describe()
    assert second.body == first.body


def test_clients_see_neither_keys_nor_the_proxy_lifetime(varnish):
    plain = varnish.get("/articles/")
    assert plain["Surrogate-Key"] is None, plain.describe()
    assert "s-maxage" not in plain["Cache-Control"], plain.describe()
    assert plain["Cache-Control"] == "public, max-age=0", plain.describe()
    assert "healthqa" in keys_of(varnish.get("/articles/", headers=DEBUG))


def test_analytics_cookies_share_the_anonymous_copy(varnish):
    path = fresh("/experts/")
    assert varnish.get(path)["X-Cache"] == "MISS"
    with_cookie = varnish.get(path, headers={"Cookie": "_ga=GA1.1.123; consent=yes"})
    assert with_cookie["X-Cache"] == "HIT", with_cookie.describe()


@pytest.mark.parametrize(
    "headers",
    [
        {"Cookie": "sessionid=x"},
        {"Cookie": "__Host-sessionid=x"},
        {"Cookie": "csrftoken=x"},
        {"Cookie": "__Host-csrftoken=x"},
        {"Cookie": "messages=x"},
        {"Cookie": "_ga=GA1.1.123; sessionid=x"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
    ],
    ids=lambda headers: next(iter(headers.values())),
)
def test_personal_requests_are_never_stored(varnish, headers):
    path = fresh("/experts/")
    first, second = stored_twice(varnish, path, headers=headers)
    assert first["X-Cache"] == second["X-Cache"] == "MISS", second.describe()
    anonymous = varnish.get(path)
    assert anonymous["X-Cache"] == "MISS", (
        f"a personal response was stored:\n{anonymous.describe()}"
    )


@pytest.mark.parametrize("path", ["/search/?q=back", "/no-such-page/", "/admin/login/", "/healthz"])
def test_pages_that_say_so_are_never_stored(varnish, path):
    first, second = stored_twice(varnish, path)
    assert first["X-Cache"] == second["X-Cache"] == "MISS", second.describe()


def log_in(varnish, username):
    """A session for a demo user, through Varnish (the admin is passed): the Cookie header."""
    form = varnish.get("/admin/login/")
    csrf = SimpleCookie(form["Set-Cookie"])["csrftoken"].value
    token = form.text.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    body = urlencode(
        {"username": username, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token}
    )
    answer = fetch(
        varnish.url + "/admin/login/?next=/admin/",
        method="POST",
        body=body,
        headers={
            "Cookie": f"csrftoken={csrf}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    cookies = SimpleCookie()
    for header in answer.headers.get_all("Set-Cookie") or []:
        cookies.load(header)
    assert answer.status == 302 and "sessionid" in cookies, answer.describe()
    return f"csrftoken={csrf}; sessionid={cookies['sessionid'].value}"


def test_a_preview_shown_to_an_editor_is_never_served_to_readers(site, varnish):
    draft = site.shell(
        "from healthqa.models import Question; "
        "print(Question.objects.filter(status='draft').first().get_absolute_url())"
    ).strip()
    session = {"Cookie": log_in(varnish, "editor")}

    preview = varnish.get(draft, headers=session)
    assert (preview.status, preview["X-Cache"]) == (200, "MISS"), preview.describe()
    assert "preview-banner" in preview.text
    assert "no-store" in preview["Cache-Control"]

    anonymous = varnish.get(draft)
    assert anonymous.status == 404, anonymous.describe()
    assert "preview-banner" not in anonymous.text
    assert varnish.get(draft, headers=session)["X-Cache"] == "MISS"


def test_an_edit_in_another_process_is_purged_and_nothing_else(site, varnish, record_property):
    questions = public_questions(site)
    pk, edited_url, topic = questions[0]
    other_url = next(url for _, url, other_topic in questions if other_topic != topic)
    for url in (edited_url, other_url):
        assert stored_twice(varnish, url)[1]["X-Cache"] == "HIT"
    other_keys = keys_of(varnish.get(other_url, headers=DEBUG))
    assert f"question:{pk}" not in other_keys, f"pick another unrelated page: {other_keys}"

    saved_at = float(
        site.shell(
            "import time; from healthqa.models import Question; "
            f"q = Question.objects.get(pk={pk}); q.title += ' (edited)'; q.save(); "
            "print(time.time())"
        ).split()[-1]
    )
    deadline = time.monotonic() + PURGE_WAIT
    while True:
        page = varnish.get(edited_url)
        if "(edited)" in page.text or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    delay = time.time() - saved_at
    record_property("purge_visible_after_s", round(delay, 3))
    assert "(edited)" in page.text, (
        f"still the old page {delay:.1f}s after the save:\n{page.describe()}\n"
        f"bans:\n{bans(varnish)}\ngunicorn:\n{site.log[-2000:]}"
    )
    print(f"edit visible through Varnish {delay:.2f}s after the save")

    unrelated = varnish.get(other_url)
    assert unrelated["X-Cache"] == "HIT", f"{unrelated.describe()}\nbans:\n{bans(varnish)}"


def test_a_conditional_request_is_answered_304(varnish):
    page = stored_twice(varnish, "/questions/")[1]
    assert page["ETag"], page.describe()
    again = varnish.get("/questions/", headers={"If-None-Match": page["ETag"]})
    assert (again.status, again["X-Cache"]) == (304, "HIT"), again.describe()
    assert again.body == b""


def test_the_site_answers_a_conditional_request_304(site):
    """What Varnish relies on to revalidate a kept object with the backend."""
    page = site.get("/topics/")
    again = site.get("/topics/", headers={"If-None-Match": page["ETag"]})
    assert again.status == 304, again.describe()


def test_a_purge_matches_whole_keys_only(varnish):
    path = fresh("/articles/")
    assert stored_twice(varnish, path)[1]["X-Cache"] == "HIT"
    # Parts of the keys the page holds (healthqa, article:1, article@all), never whole ones.
    answer = purge(varnish, "ealthqa healthq article: rticle:1 article@ article.all")
    assert answer.status == 200, answer.describe()
    assert varnish.get(path)["X-Cache"] == "HIT"

    assert purge(varnish, "nothing-holds-this\tarticle@all ").status == 200
    assert varnish.get(path)["X-Cache"] == "MISS"


@pytest.mark.parametrize("keys", ["", "a|b", "(.*)", 'a" || obj.status != 0'])
def test_a_purge_with_unusable_keys_is_refused(varnish, keys):
    path = fresh("/articles/")
    assert stored_twice(varnish, path)[1]["X-Cache"] == "HIT"
    assert purge(varnish, keys).status == 400
    assert varnish.get(path)["X-Cache"] == "HIT"


def test_a_purge_from_another_address_is_refused(varnish):
    path = fresh("/topics/")
    assert stored_twice(varnish, path)[1]["X-Cache"] == "HIT"
    try:
        answer = purge(varnish, "healthqa", source="127.0.0.2")
    except OSError as error:
        pytest.skip(f"cannot connect from 127.0.0.2 on this machine: {error}")
    assert answer.status in {403, 405}, answer.describe()
    assert varnish.get(path)["X-Cache"] == "HIT"
