"""/sitemap.xml: every public question, article, topic and expert, fed by the public() querysets."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Q
from django.urls import reverse

from articles.models import Article
from experts.models import Expert
from healthqa.models import Correction, PublisherPage, Question, Topic


class QuestionSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return Question.objects.public().order_by("-published_at", "pk")

    def lastmod(self, question):
        return question.updated_at


class ArticleSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.6

    def items(self):
        return Article.objects.public().order_by("-published_at", "pk")

    def lastmod(self, article):
        return article.updated_at


class TopicSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        """Topics with something public to read."""
        return Topic.objects.filter(
            Q(pk__in=Question.objects.public().values("topic"))
            | Q(pk__in=Article.objects.public().values("topic"))
        ).order_by("name")

    def lastmod(self, topic):
        return topic.updated_at


class ExpertSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.4

    def items(self):
        return Expert.objects.public().order_by("name")

    def lastmod(self, expert):
        return expert.updated_at


class CorrectionListSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.3

    def items(self):
        return ["healthqa:correction_list"]

    def location(self, name):
        return reverse(name)

    def lastmod(self, name):
        return Correction.objects.public().aggregate(latest=Max("made_at"))["latest"]


class PublisherPageSitemap(Sitemap):
    changefreq = "yearly"
    priority = 0.3

    def items(self):
        return sorted(PublisherPage.objects.public(), key=lambda page: page.order)

    def lastmod(self, page):
        return page.updated_at


sitemaps = {
    "questions": QuestionSitemap,
    "articles": ArticleSitemap,
    "topics": TopicSitemap,
    "experts": ExpertSitemap,
    "corrections": CorrectionListSitemap,
    "pages": PublisherPageSitemap,
}
