"""The publisher's pages (/about/, /privacy/, …) and the links to them every page shows."""

from dataclasses import dataclass

from django.views.generic import DetailView

from healthqa.core.links import cached_reverse
from healthqa.models import PublisherPage
from healthqa.pagecache.keys import depends_on
from healthqa.pagecache.shared import shared_part

# Any page added, renamed or removed changes the footer of every cached page.
ALL_PAGES = "publisherpage@all"
SLUG_PATTERN = "|".join(PublisherPage.Kind.values)


class PublisherPageView(DetailView):
    template_name = "healthqa/publisher_page.html"
    context_object_name = "publisher_page"

    def get_queryset(self):
        return PublisherPage.objects.public()


@dataclass(frozen=True)
class PageLink:
    slug: str
    title: str
    url: str


def _read_links():
    depends_on(ALL_PAGES)
    titles = dict(PublisherPage.objects.public().values_list("slug", "title"))
    return [
        PageLink(slug, titles[slug], cached_reverse("healthqa:page", slug=slug))
        for slug in PublisherPage.Kind.values
        if slug in titles
    ]


class PublisherLinks:
    """The saved pages in footer order, read on first use: one small query, none on pages
    that show no link (the admin's), and none while a render for the page cache can reuse
    this worker's earlier reading.

    Every use names `publisherpage@all`, so a cached part that shows the links (the shared
    footer) is rendered again after an edit, even when an earlier use read them.
    """

    def __init__(self, request):
        self.request = request
        self._links = None

    @property
    def links(self):
        depends_on(ALL_PAGES)
        if self._links is None:
            self._links = shared_part(self.request, "publisher-pages", _read_links, (ALL_PAGES,))
        return self._links

    def __iter__(self):
        return iter(self.links)

    def __len__(self):
        return len(self.links)

    @property
    def privacy(self):
        """The privacy notice's link, or None while there is no such page."""
        return next((link for link in self.links if link.slug == PublisherPage.Kind.PRIVACY), None)
