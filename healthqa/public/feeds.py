"""RSS feeds of the latest public questions and articles, fed by the public() querysets."""

import re

from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.urls import reverse_lazy

from articles.models import Article
from healthqa.models import Answer, Question, SiteSettings

FEED_SIZE = 30

# Characters XML 1.0 cannot carry at all; a title holding one would make the whole feed fail.
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text):
    return XML_INVALID.sub("", text) if text else text


class LatestQuestionsFeed(Feed):
    link = reverse_lazy("healthqa:question_list")

    def title(self):
        return xml_safe(f"{SiteSettings.load().site_name}: latest answered questions")

    def description(self):
        return "Health questions answered by vetted experts and reviewed by our moderators."

    def items(self):
        approved = Answer.objects.approved().select_related("expert").order_by("position", "pk")
        return (
            Question.objects.public()
            .select_related("topic")
            .prefetch_related(Prefetch("answers", queryset=approved, to_attr="approved_answers"))
            .order_by("-published_at", "-pk")[:FEED_SIZE]
        )

    def item_title(self, question):
        return xml_safe(question.title)

    def item_description(self, question):
        answers = question.approved_answers
        return xml_safe(answers[0].summary) if answers else ""

    def item_author_name(self, question):
        answers = question.approved_answers
        return xml_safe(answers[0].expert.name) if answers else None

    def item_pubdate(self, question):
        return question.published_at

    def item_updateddate(self, question):
        return question.updated_at

    def item_categories(self, question):
        return [xml_safe(question.topic.name)] if question.topic else []


class LatestArticlesFeed(Feed):
    link = reverse_lazy("articles:list")

    def title(self):
        return xml_safe(f"{SiteSettings.load().site_name}: latest articles")

    def description(self):
        return "Articles to continue learning about the topics our experts answer questions on."

    def items(self):
        return (
            Article.objects.public()
            .select_related("topic", "author")
            .order_by("-published_at", "-pk")[:FEED_SIZE]
        )

    def item_title(self, article):
        return xml_safe(article.title)

    def item_description(self, article):
        return xml_safe(article.teaser)

    def item_author_name(self, article):
        return xml_safe(article.author.name) if article.author else None

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        return article.updated_at

    def item_categories(self, article):
        return [xml_safe(article.topic.name)] if article.topic else []
