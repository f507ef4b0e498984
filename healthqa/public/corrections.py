"""/corrections/ and its RSS feed: every correction of a public answer or article, newest first,
fed by `Correction.objects.public()`."""

from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.views.generic import ListView

from healthqa.models import Correction, SiteSettings
from healthqa.pagecache.keys import depends_on
from healthqa.public.feeds import FEED_SIZE, xml_safe

PAGE_SIZE = 20


def public_corrections():
    # The question and article lists' keys: a target leaving public view leaves this list too.
    depends_on("correction@all", "question@all", "article@all")
    return (
        Correction.objects.public()
        .select_related("answer__question", "article")
        .order_by("-made_at", "-pk")
    )


def title_of(correction):
    """The title of the question or article the correction is about."""
    if correction.answer_id:
        return correction.answer.question.title
    return correction.article.title


class CorrectionListView(ListView):
    template_name = "healthqa/correction_list.html"
    context_object_name = "corrections"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return public_corrections()


class CorrectionsFeed(Feed):
    link = reverse_lazy("healthqa:correction_list")

    def title(self):
        return xml_safe(f"{SiteSettings.load().site_name}: corrections")

    def description(self):
        return "What we corrected in our published answers and articles, newest first."

    def items(self):
        return public_corrections()[:FEED_SIZE]

    def item_title(self, correction):
        return xml_safe(f"Correction: {title_of(correction)}")

    def item_description(self, correction):
        return xml_safe(correction.note)

    def item_link(self, correction):
        return correction.get_absolute_url()

    def item_pubdate(self, correction):
        return correction.made_at
