"""Every change that alters what a page shows drops that page: checked against the demo site.

Each change below is written the way a script would (`QuerySet.update()`, relation managers,
`create()`), with every public page cached beforehand. Then each page as the cache serves it must
equal the page rendered afresh.
"""

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, Source
from experts.models import Expert
from healthqa.demo.content import SEED_QUESTION_SLUG
from healthqa.models import (
    AdPlacement,
    Answer,
    ContinueLearningPick,
    Correction,
    PublisherPage,
    Question,
    SiteSettings,
    Topic,
)
from healthqa.pagecache import shared, store
from tests.factories import role_group

pytestmark = pytest.mark.django_db(transaction=True)


def public_urls():
    urls = ["/", "/topics/", "/questions/", "/experts/", "/articles/", "/corrections/"]
    urls += [page.get_absolute_url() for page in PublisherPage.objects.all()]
    urls += [q.get_absolute_url() for q in Question.objects.public()]
    urls += [t.get_absolute_url() for t in Topic.objects.all()]
    urls += [e.get_absolute_url() for e in Expert.objects.public()]
    urls += [a.get_absolute_url() for a in Article.objects.public()]
    urls += [f"/tags/{slug}/" for slug in Tag.objects.values_list("slug", flat=True)[:5]]
    return urls + api_urls()


def api_urls():
    """The API's listings and details, stored and dropped by the same rules as the pages."""
    api = "/api/v1"
    urls = [f"{api}/{name}/" for name in ("questions", "articles", "experts", "topics", "tags")]
    urls += [
        f"{api}/questions/{slug}/"
        for slug in Question.objects.public().values_list("slug", flat=True)
    ]
    for name, rows in [
        ("articles", Article.objects.public()),
        ("experts", Expert.objects.public()),
        ("topics", Topic.objects.all()),
    ]:
        urls += [f"{api}/{name}/{slug}/" for slug in rows.values_list("slug", flat=True)[:4]]
    tag = Tag.objects.filter(slug="push-ups").first() or Tag.objects.first()
    topic = Question.objects.get(slug=SEED_QUESTION_SLUG).topic
    urls += [f"{api}/questions/?tag={tag.slug}", f"{api}/questions/?topic={topic.slug}&limit=3"]
    return urls


def fresh(response):
    """The page of `response` rendered again from nothing (and stored again)."""
    shared.clear()
    store.clear_local()
    caches[store.pages_alias()].delete(store.page_key(response.wsgi_request.META))
    again = Client().get(response.wsgi_request.get_full_path())
    assert again.get("X-Page-Cache", "miss") == "miss"
    return again


def _pushups():
    return Question.objects.get(slug=SEED_QUESTION_SLUG)


def _reviewer():
    return Answer.objects.filter(reviewed_by__isnull=False).values("reviewed_by")[:1]


def _first_tagged_question():
    return Question.objects.public().filter(tags__isnull=False).first()


CHANGES = {
    "question title": lambda: Question.objects.filter(pk=_pushups().pk).update(
        title="How many push-ups, really?"
    ),
    "answer text": lambda: Answer.objects.filter(question=_pushups()).update(
        body_html="<p>Rewritten answer.</p>"
    ),
    "expert name": lambda: Expert.objects.filter(answers__question=_pushups()).update(
        name="Dr. Renamed"
    ),
    "reviewer name": lambda: (
        Expert.objects.none()
        or __import__("django.contrib.auth", fromlist=["get_user_model"])
        .get_user_model()
        .objects.filter(pk__in=_reviewer())
        .update(first_name="Renamed", last_name="Reviewer")
    ),
    "topic name": lambda: Topic.objects.filter(pk=_pushups().topic_id).update(name="Strength"),
    "article title": lambda: Article.objects.filter(pk=Article.objects.public().first().pk).update(
        title="A retitled article"
    ),
    "tag name": lambda: Tag.objects.filter(pk=Tag.objects.first().pk).update(name="renamed-tag"),
    "site settings": lambda: SiteSettings.objects.update(disclaimer="A new disclaimer."),
    "source title": lambda: Source.objects.filter(pk=Source.objects.first().pk).update(
        title="A retitled source"
    ),
    "tag added": lambda: _first_tagged_question().tags.add("brand-new-tag"),
    "answer rejected": lambda: Answer.objects.filter(question=_pushups()).update(
        status=Answer.Status.REJECTED
    ),
    "expert deactivated": lambda: Expert.objects.filter(
        pk=Expert.objects.public().order_by("pk").first().pk
    ).update(is_active=False),
    "pick curated": lambda: ContinueLearningPick.objects.create(
        question=_pushups(),
        article=Article.objects.public().exclude(question_picks__question=_pushups()).last(),
        position=0,
    ),
    "question scheduled later": lambda: Question.objects.filter(pk=_pushups().pk).update(
        published_at=timezone.now() + timezone.timedelta(days=1)
    ),
    "article unpublished": lambda: Article.objects.filter(
        pk=Article.objects.public().first().pk
    ).update(status=Article.Status.DRAFT),
    "ad created": lambda: AdPlacement.objects.create(
        name="New ad",
        slot=AdPlacement.Slot.QUESTION_PAGE,
        image="ads/new.png",
        image_alt="New ad",
        link="/",
        image_width=10,
        image_height=10,
        is_active=True,
    ),  # fmt: skip
    "specialty added": lambda: (
        Expert.objects.public().first().specialties.add(Topic.objects.order_by("-pk").first())
    ),
    "vote": lambda: Answer.objects.filter(question=_pushups()).update(helpful_yes=99),
    "correction made": lambda: Correction.objects.create(
        answer=Answer.objects.get(question=_pushups()), note="The dose was wrong."
    ),
    "article corrected": lambda: Correction.objects.create(
        article=Article.objects.public().first(), note="A figure was wrong."
    ),
    "approved sources": lambda: Answer.objects.filter(question=_pushups()).update(
        approved_sources=[{"kind": "web_page", "title": "A new source", "url": "https://a.test/"}]
    ),
    "medical reviewer named": lambda: Answer.objects.filter(question=_pushups()).update(
        medical_reviewer=Expert.objects.filter(is_clinician=True).first(),
        medically_reviewed_on=timezone.localdate(),
    ),
    "clinician credentials": lambda: Expert.objects.filter(
        pk__in=Article.objects.exclude(reviewed_by=None).values("reviewed_by")
    ).update(credentials="MD, PhD"),
    "publisher page title": lambda: PublisherPage.objects.filter(slug="privacy").update(
        title="Your privacy"
    ),
}


@pytest.fixture
def demo_site(settings):
    settings.HEALTHQA_API_RATE_LIMIT = 100_000
    for name in ("Editors", "Experts", "Moderators"):
        role_group(name)
    call_command("load_demo", verbosity=0)
    return public_urls()


def test_no_cached_page_outlives_a_change_it_shows(demo_site):
    """One demo site for all the changes, one after another: each starts from every page
    cached (the fresh renders of the previous step stored them)."""
    for url in demo_site:
        Client().get(url)
    report = []
    for change, make in CHANGES.items():
        before = {url: Client().get(url) for url in demo_site}
        assert all(r.get("X-Page-Cache") == "hit" for r in before.values() if r.status_code == 200)
        make()
        after = {url: Client().get(url) for url in demo_site}
        stale = []
        for url in demo_site:
            truth = fresh(after[url])
            if after[url].status_code != truth.status_code or after[url].content != truth.content:
                stale.append(url)
        assert not stale, f"{change}: stale {stale}"
        kept = [url for url, response in after.items() if response.get("X-Page-Cache") == "hit"]
        report.append(f"{change}: {len(kept)} of {len(demo_site)} pages kept")
        # The site settings and the publisher's pages are in every page's header or footer.
        assert kept or change in {"site settings", "publisher page title"}, change
    print("\n".join(report))
