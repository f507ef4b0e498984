"""The publisher's pages: six fixed addresses, linked from every page's footer and the forms
that collect personal data, listed in the sitemap, and never stale in the page cache."""

import re
import time

import pytest
from django.test import Client

from healthqa.demo.pages import load_publisher_pages
from healthqa.models import ContentChange, PublisherPage, SiteSettings
from tests.factories import make_public_question

ADDRESSES = [f"/{slug}/" for slug in PublisherPage.Kind.values]


def footer_of(html):
    return re.search(r'<footer class="site-footer">.*</footer>', html, re.S).group(0)


@pytest.fixture
def demo_pages(db):
    load_publisher_pages()


@pytest.mark.django_db
@pytest.mark.parametrize("address", ADDRESSES)
def test_each_page_is_shown_with_its_demo_text(client, demo_pages, address):
    page = PublisherPage.objects.get(slug=address.strip("/"))

    response = client.get(address)

    assert response.status_code == 200
    html = response.content.decode()
    assert f"<h1>{page.title}</h1>" in html
    assert "demonstration content" in html
    assert 'aria-current="page">' + page.title in html  # the breadcrumb
    assert "Last updated <time" in html
    assert page.is_demo


@pytest.mark.django_db
@pytest.mark.parametrize("address", ADDRESSES)
def test_a_page_not_written_yet_is_not_found(client, address):
    assert client.get(address).status_code == 404


@pytest.mark.django_db
def test_other_addresses_are_not_publisher_pages(client, demo_pages):
    assert client.get("/imprint/").status_code == 404


@pytest.mark.django_db
def test_footer_links_the_pages_that_exist_in_their_order(client):
    PublisherPage.objects.create(slug="contact", title="Write to us", body="…")
    PublisherPage.objects.create(slug="about", title="Who we are", body="…")

    footer = footer_of(client.get("/").content.decode())

    assert '<a href="/about/">Who we are</a>' in footer
    assert '<a href="/contact/">Write to us</a>' in footer
    assert footer.index("/about/") < footer.index("/contact/")
    assert "/privacy/" not in footer


@pytest.mark.django_db
def test_footer_escapes_page_titles(client):
    PublisherPage.objects.create(slug="about", title="<script>alert(1)</script>", body="…")

    footer = footer_of(client.get("/").content.decode())

    assert "<script>alert(1)" not in footer and "&lt;script&gt;" in footer


@pytest.mark.django_db
def test_sitemap_lists_the_pages(client, demo_pages):
    xml = client.get("/sitemap.xml").content.decode()

    for address in ADDRESSES:
        assert f"{address}</loc>" in xml


@pytest.mark.django_db
def test_privacy_text_states_retention_and_how_to_ask_for_erasure(settings):
    settings.HEALTHQA_PERSONAL_DATA_DAYS = 90
    load_publisher_pages()

    body = PublisherPage.objects.get(slug="privacy").body_html

    assert "90 days" in body and "erase_personal_data" in body
    assert 'href="/contact/"' in body and "/ask/" in body


@pytest.mark.django_db
def test_editorial_policy_explains_review_and_links_the_corrections(demo_pages):
    body = PublisherPage.objects.get(slug="editorial-policy").body_html

    assert "moderator" in body and "medical reviewer" in body and "Sources" in body
    assert 'href="/corrections/"' in body


@pytest.mark.django_db
def test_loading_again_keeps_a_page_the_publisher_wrote(demo_pages):
    PublisherPage.objects.filter(slug="terms").update(is_demo=False, title="Our terms")

    assert load_publisher_pages() == 5
    assert PublisherPage.objects.get(slug="terms").title == "Our terms"


def report_url():
    answer = make_public_question().answers.get()
    return f"/answers/{answer.pk}/report/"


@pytest.mark.django_db
@pytest.mark.parametrize("form", ["ask", "report"])
def test_forms_link_the_privacy_notice_beside_the_personal_data(client, settings, demo_pages, form):
    settings.HEALTHQA_PERSONAL_DATA_DAYS = 120
    url = "/ask/" if form == "ask" else report_url()

    html = client.get(url).content.decode()

    field = "id_email_helptext" if form == "ask" else "id_details_helptext"
    hint = re.search(rf'<p class="hint" id="{field}">(.*?)</p>', html, re.S).group(1)
    assert "120 days" in hint
    assert 'See our <a href="/privacy/">privacy notice</a>.' in hint


@pytest.mark.django_db
@pytest.mark.parametrize("form", ["ask", "report"])
def test_forms_say_how_long_without_a_link_while_there_is_no_privacy_page(client, form):
    url = "/ask/" if form == "ask" else report_url()

    html = client.get(url).content.decode()

    assert "180 days" in html and 'href="/privacy/"' not in html


@pytest.fixture
def change_log(transactional_db):
    """A change log of this test's own writes. On PostgreSQL, the ids that earlier tests' rolled
    back writes took lie between the migrations' row and ours: gaps the page cache waits two
    minutes for before it stores a page."""
    ContentChange.objects.all().delete()
    SiteSettings.load()


def cached(url):
    """Request `url` until the page cache serves it (on PostgreSQL a page rendered just after a
    write may wait for the change log to settle before it is stored)."""
    for _ in range(20):
        if Client().get(url)["X-Page-Cache"] == "hit":
            return
        time.sleep(0.1)
    pytest.fail(f"{url} was never served from the page cache")


@pytest.mark.django_db(transaction=True)
def test_cached_pages_follow_an_edit_of_a_page_title_in_the_footer(change_log):
    page = PublisherPage.objects.create(slug="about", title="About us", body="Who we are.")
    question = make_public_question()
    for url in ("/", question.get_absolute_url()):
        cached(url)

    page.title = "Who we are"
    page.save()
    PublisherPage.objects.create(slug="privacy", title="Privacy notice", body="Little.")

    for url in ("/", question.get_absolute_url()):
        footer = footer_of(Client().get(url).content.decode())
        assert ">Who we are</a>" in footer and ">About us</a>" not in footer
        assert '<a href="/privacy/">Privacy notice</a>' in footer


@pytest.mark.django_db(transaction=True)
def test_a_cached_publisher_page_follows_an_edit(change_log):
    page = PublisherPage.objects.create(slug="terms", title="Terms", body="Be kind.")
    cached("/terms/")

    page.body = "Be very kind."
    page.save()

    assert "Be very kind." in Client().get("/terms/").content.decode()
