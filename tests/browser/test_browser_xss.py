"""Rich text is safe: classic XSS payloads and the Big List of Naughty Strings, typed into every
field readers, experts and editors write, never become live markup on public or admin pages.

The server-side tests read every page with an HTML parser; the browser tests load the pages in
headless Chromium with CSP bypassed (so the sanitizer and escaping are proven on their own) and
hook alert() dialogs and the payloads' `window.__xss` flag. A positive control serves the same
payloads raw and proves the hooks fire.
"""

import pytest
from django.conf import settings
from django.urls import NoReverseMatch, reverse

from healthqa.core.markdown import render_markdown
from healthqa.models import Flag, PublisherPage, Question
from tests.conftest import needs_chromium
from tests.hostile import (
    DOM_CHECK_JS,
    HOOK_JS,
    RUN,
    SHIPPED_SCRIPT_PATHS,
    XSS_PAYLOADS,
    blns,
    build_hostile_site,
    unsafe_markup,
)

ALL_PAYLOADS = XSS_PAYLOADS + blns()


def paged(client, url, limit=60):
    """`url` followed by its further pages (?page=N, or the admin's ?p=N): `problems_on()` stops
    at the first page not found."""
    key = "p" if url.startswith("/admin/") else "page"
    joiner = "&" if "?" in url else "?"
    first = 1 if key == "p" else 2  # the admin counts its pages from 0
    return [url] + [f"{url}{joiner}{key}={number}" for number in range(first, limit)]


def problems_on(client, urls):
    """Every page of `urls` that failed or holds live markup: {url: [problems]}."""
    found = {}
    client.raise_request_exception = False
    past_last_page = None
    for url in urls:
        if past_last_page and url.startswith(past_last_page):
            continue
        response = client.get(url)
        if response.status_code == 404 and ("page=" in url or "p=" in url):
            past_last_page = url.rsplit("=", 1)[0] + "="
            continue
        if response.status_code >= 500 or response.status_code in (401, 403):
            found[url] = [f"HTTP {response.status_code}"]
            continue
        if response.get("Content-Type", "").startswith("application/json"):
            # JSON is data for ask-suggest.js, which shows it with textContent only.
            response.json()
            continue
        problems = unsafe_markup(response.content.decode())
        if problems:
            found[url] = problems[:5]
    return found


def public_urls(client, site):
    urls = ["/", "/feeds/questions/", "/feeds/articles/", "/feeds/corrections/", "/sitemap.xml"]
    urls += [page.get_absolute_url() for page in PublisherPage.objects.all()]
    for listing in ("/topics/", "/questions/", "/articles/", "/experts/", "/corrections/"):
        urls += paged(client, listing)
    for kind in ("topics", "questions", "articles", "experts"):
        urls += [obj.get_absolute_url() for obj in site[kind]]
    for question in site["questions"][::4]:
        for tag in question.tags.all():
            try:
                urls.append(reverse("healthqa:tag_detail", args=[tag.slug]))
            except NoReverseMatch:
                pass  # a tag whose slug is not a URL slug is shown unlinked
    return list(dict.fromkeys(urls))


def admin_urls(client, site):
    urls = [reverse("admin:index")]
    for name in ("moderation_queue", "moderation_flags", "moderation_submissions"):
        urls.append(reverse(f"admin:{name}"))
    for submission in site["submissions"]:
        urls.append(reverse("admin:moderation_triage", args=[submission.pk]))
    for app_model in (
        "healthqa_question",
        "healthqa_answer",
        "healthqa_topic",
        "healthqa_flag",
        "healthqa_assignment",
        "healthqa_answerrevision",
        "healthqa_moderationevent",
        "healthqa_correction",
        "healthqa_publisherpage",
        "healthqa_partnerkey",
        "articles_article",
        "experts_expert",
        "taggit_tag",
    ):
        urls += paged(client, reverse(f"admin:{app_model}_changelist"))
    urls.append(reverse("admin:healthqa_sitesettings_change", args=[1]))
    for kind, app_model in (
        ("topics", "healthqa_topic"),
        ("questions", "healthqa_question"),
        ("submissions", "healthqa_question"),
        ("answers", "healthqa_answer"),
        ("articles", "articles_article"),
        ("experts", "experts_expert"),
        ("flags", "healthqa_flag"),
    ):
        # Change forms are slow to render: one object in eight (each holds four payloads).
        for obj in site[kind][::8]:
            urls.append(reverse(f"admin:{app_model}_change", args=[obj.pk]))
    for topic in site["topics"]:
        urls.append(reverse("admin:healthqa_topic_history", args=[topic.pk]))
    for page in PublisherPage.objects.all():
        urls.append(reverse("admin:healthqa_publisherpage_change", args=[page.pk]))
    for key in site["partner_keys"][::8]:
        urls.append(reverse("admin:healthqa_partnerkey_change", args=[key.pk]))
        urls.append(reverse("admin:healthqa_partnerkey_revoke", args=[key.pk]))
    for answer in site["answers"][::8]:
        urls.append(reverse("admin:healthqa_answer_medical_review", args=[answer.pk]))
    return urls


# --- Server side: every payload, every field, every page ------------------------------------


@pytest.mark.parametrize("payload", ALL_PAYLOADS)
def test_markdown_renderer_never_outputs_live_markup(payload):
    html = render_markdown(payload)
    assert unsafe_markup(html) == []
    for tag in ("<script", "<iframe", "<style", "<svg", "<img", "<object", "<embed", "<form"):
        assert tag not in html.lower()


@pytest.mark.parametrize(
    "source",
    [
        "[x](javascript:alert(1))",
        "[x](JAVASCRIPT:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "<javascript:alert(1)>",
        "[x](data:text/html,hi)",
        "[x](vbscript:msgbox(1))",
    ],
)
def test_markdown_links_to_script_urls_lose_their_href(source):
    html = render_markdown(source)
    assert "href" not in html
    assert "javascript:" not in html.lower() or "&lt;" in html or "href" not in html


def test_markdown_keeps_safe_links_and_marks_them_nofollow():
    html = render_markdown(
        "[a](https://example.org/) [b](http://example.org/) [c](mailto:x@example.org) "
        "[d](tel:+441234) <https://example.org/auto>"
    )
    for href in (
        "https://example.org/",
        "http://example.org/",
        "mailto:x@example.org",
        "tel:+441234",
        "https://example.org/auto",
    ):
        assert f'href="{href}"' in html
    assert html.count('rel="nofollow noopener"') == 5


def test_scanner_finds_live_markup_it_is_meant_to_find():
    """The checker itself can fail: raw payloads are reported, shipped scripts are not."""
    assert unsafe_markup(f"<p><script>{RUN}</script></p>")
    assert unsafe_markup(f"<img src=x onerror={RUN}>")
    assert unsafe_markup('<a href=" jav&#x09;ascript:alert(1)">x</a>')
    assert unsafe_markup('<a href="DATA:text/html,x">x</a>')
    assert unsafe_markup('<script type="application/ld+json">{"a": </script>')
    assert not unsafe_markup('<script src="/static/js/ask-suggest.js"></script>')
    assert not unsafe_markup('<script type="application/ld+json">{"a": 1}</script>')
    assert not unsafe_markup('<a href="https://example.org/">x</a><p>&lt;script&gt;</p>')
    assert not unsafe_markup('<iframe sandbox="allow-same-origin" title="Live preview"></iframe>')
    assert unsafe_markup('<iframe sandbox="allow-scripts allow-same-origin"></iframe>')
    assert unsafe_markup('<iframe sandbox="" srcdoc="&lt;p&gt;x"></iframe>')
    assert unsafe_markup('<iframe sandbox="" src="https://example.org/"></iframe>')


@pytest.fixture
def hostile_site(db):
    """Four payloads per object keeps the page count (and the run time) reasonable; each payload
    still sits whole in every long field and, as far as the column allows, in every short one."""
    return build_hostile_site(ALL_PAYLOADS, per_object=4)


def test_public_pages_and_search_hold_no_live_markup_from_any_field(client, hostile_site):
    urls = public_urls(client, hostile_site)
    assert len(urls) > len(ALL_PAYLOADS)
    # Search results, and the query itself reflected into the page.
    urls += [f"/search/?{_query(q=payload)}" for payload in ALL_PAYLOADS]
    urls += [f"/search/?{_query(q='script alert onerror x')}", "/search/?q=1"]
    urls += [f"/search/suggest/?{_query(q=payload)}" for payload in XSS_PAYLOADS]
    assert problems_on(client, urls) == {}


def test_admin_pages_hold_no_live_markup_from_any_field(client, superuser, moderator, hostile_site):
    client.force_login(superuser)
    urls = admin_urls(client, hostile_site)
    assert len(urls) > 150
    found = problems_on(client, urls)
    client.force_login(moderator)
    urls = [reverse(f"admin:{name}") for name in ("index", "moderation_queue", "moderation_flags")]
    urls += paged(client, reverse("admin:moderation_submissions"))
    found.update(
        {f"moderator {url}": problems for url, problems in problems_on(client, urls).items()}
    )
    assert found == {}


def test_ask_and_report_forms_take_every_payload_without_error(client, db):
    answer = build_hostile_site(["plain"], per_topic=1)["answers"][0]
    report_url = reverse("healthqa:answer_report", args=[answer.pk])
    failures = {}
    for n, payload in enumerate(ALL_PAYLOADS):
        address = f"10.{n // 250}.{n % 250}.1"
        # Every other post also puts the payload in the email field, which refuses it.
        email = payload if n % 2 else ""
        fields = {"title": payload, "details": payload, "name": payload, "email": email}
        for url, data in (("/ask/", fields), (report_url, {"reason": "other", "details": payload})):
            response = client.post(url, data, REMOTE_ADDR=address, follow=True)
            problems = [] if response.status_code < 500 else [f"HTTP {response.status_code}"]
            problems += unsafe_markup(response.content.decode())
            if problems:
                failures[f"{url} {payload!r}"] = problems
    assert failures == {}
    # The payloads were stored, not only refused.
    assert Question.objects.filter(status=Question.Status.SUBMITTED).count() > 100
    assert Flag.objects.filter(details__in=ALL_PAYLOADS).count() > len(ALL_PAYLOADS) // 2


def _query(**params):
    from urllib.parse import urlencode

    return urlencode(params)


# --- In the browser: nothing runs, with CSP out of the way ----------------------------------


@pytest.fixture
def browser_site(transactional_db, plain_cookies):
    """Every payload, sixteen per object, so that the browser needs few pages to see them all."""
    return build_hostile_site(ALL_PAYLOADS, per_object=16)


class Watched:
    """A Chromium page with CSP bypassed, counting alert() dialogs and reading the payloads' flag
    and the live DOM after each load."""

    def __init__(self, browser, live_server, cookies=()):
        self.context = browser.new_context(bypass_csp=True, java_script_enabled=True)
        self.context.add_init_script(HOOK_JS)
        if cookies:
            self.context.add_cookies(list(cookies))
        self.page = self.context.new_page()
        self.dialogs = []
        self.page.on("dialog", self._dialog)
        self.base = live_server.url
        self.executed, self.problems, self.errors = [], {}, {}

    def _dialog(self, dialog):
        self.dialogs.append((self.page.url, dialog.message))
        dialog.dismiss()

    def visit(self, url):
        response = self.page.goto(self.base + url if url.startswith("/") else url)
        if response is None or response.status >= 500:
            self.errors[url] = response.status if response else "no response"
        if self.page.evaluate("window.__xss"):
            self.executed.append(url)
        problems = self.page.evaluate(DOM_CHECK_JS, list(SHIPPED_SCRIPT_PATHS))
        if problems:
            self.problems[url] = problems[:5]

    def close(self):
        self.context.close()


def session_cookie(user, live_server):
    from django.test import Client

    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    return {"name": name, "value": client.cookies[name].value, "url": live_server.url}


def raw_payload_page():
    return "<!doctype html><title>raw</title><body>" + "\n".join(XSS_PAYLOADS) + "</body>"


@needs_chromium
@pytest.mark.browser
def test_positive_control_raw_payloads_do_run_and_are_seen(browser, live_server, plain_cookies):
    """The hooks work: the same payloads served unsanitized run, and the DOM check sees them."""
    watched = Watched(browser, live_server)
    watched.page.route(
        live_server.url + "/raw-payloads/",
        lambda route: route.fulfill(status=200, content_type="text/html", body=raw_payload_page()),
    )
    watched.visit("/raw-payloads/")
    watched.page.wait_for_timeout(200)
    assert watched.page.evaluate("window.__xss") == 1
    assert watched.dialogs, "alert() ran but the dialog hook saw nothing"
    assert watched.problems["/raw-payloads/"]
    watched.close()


@needs_chromium
@pytest.mark.browser
def test_no_payload_runs_on_public_pages_in_the_browser(browser, live_server, browser_site):
    site = browser_site
    watched = Watched(browser, live_server)
    urls = ["/", "/questions/", "/articles/", "/experts/", "/topics/", "/ask/"]
    for kind in ("topics", "questions", "articles", "experts"):
        urls += [obj.get_absolute_url() for obj in site[kind]]
    urls += [f"/search/?{_query(q=payload)}" for payload in XSS_PAYLOADS[::3]]
    urls += ["/search/?q=script", "/search/?q=alert", "/search/?q=onerror"]
    for url in urls:
        watched.visit(url)
    # The payloads reached the page, as text.
    watched.visit(site["questions"][0].get_absolute_url())
    assert "<script>top.__xss=1" in watched.page.locator("h1").inner_text()
    assert "<img src=x onerror=" in watched.page.locator(".answer__body").first.inner_text()
    watched.page.wait_for_timeout(200)
    assert watched.page.evaluate("window.__xss") == 0
    assert (watched.executed, watched.dialogs) == ([], [])
    assert watched.problems == {}
    assert watched.errors == {}
    watched.close()


@needs_chromium
@pytest.mark.browser
def test_no_payload_runs_on_admin_pages_in_the_browser(
    browser, live_server, browser_site, superuser
):
    site = browser_site
    watched = Watched(browser, live_server, [session_cookie(superuser, live_server)])
    urls = [
        reverse(name)
        for name in (
            "admin:index",
            "admin:moderation_queue",
            "admin:moderation_flags",
            "admin:moderation_submissions",
            "admin:healthqa_question_changelist",
            "admin:healthqa_answer_changelist",
            "admin:healthqa_flag_changelist",
            "admin:healthqa_topic_changelist",
            "admin:articles_article_changelist",
            "admin:experts_expert_changelist",
            "admin:taggit_tag_changelist",
            "admin:healthqa_moderationevent_changelist",
        )
    ]
    urls += [reverse("admin:moderation_triage", args=[q.pk]) for q in site["submissions"]]
    # Change forms are slow: a sample (the server-side test reads them all).
    for kind, app_model in (
        ("questions", "healthqa_question"),
        ("experts", "experts_expert"),
        ("articles", "articles_article"),
    ):
        urls += [reverse(f"admin:{app_model}_change", args=[o.pk]) for o in site[kind][::4]]
    urls += [reverse("admin:healthqa_topic_history", args=[t.pk]) for t in site["topics"]]
    for url in urls:
        watched.visit(url)
    assert "Editorial work" in watched.page.content() or watched.page.url.endswith("/history/")
    watched.page.wait_for_timeout(200)
    assert (watched.executed, watched.dialogs) == ([], [])
    assert watched.problems == {}
    assert watched.errors == {}
    watched.close()
