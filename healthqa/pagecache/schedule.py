"""Moments at which what a page shows changes with no write: scheduled publication, ad times."""

from django.db.models import Q
from django.utils import timezone

from articles.models import Article
from healthqa.models import AdPlacement, Question

LIMIT = 2000


def _near(field, window):
    now = timezone.now()
    return Q(**{f"{field}__gt": now - window, f"{field}__lte": now + window})


def moments(window):
    """(unix time, content keys) for everything that starts or ends within `window` of now."""
    found = []
    questions = Question.objects.filter(_near("published_at", window), status="published")
    for pk, topic, at in questions.values_list("pk", "topic_id", "published_at")[:LIMIT]:
        keys = [f"question:{pk}", "question@all", f"question@topic:{topic}"]
        found.append((at.timestamp(), keys))
    articles = Article.objects.filter(_near("published_at", window), status="published")
    for pk, topic, author, at in articles.values_list(
        "pk", "topic_id", "author_id", "published_at"
    )[:LIMIT]:
        keys = [
            f"article:{pk}", "article@all", f"article@topic:{topic}", f"article@expert:{author}",
        ]  # fmt: skip
        keys += [f"tagged@tag:{tag}" for tag in _article_tags(pk)]
        found.append((at.timestamp(), keys))
    ads = AdPlacement.objects.filter(
        _near("starts_at", window) | _near("ends_at", window), is_active=True
    )
    for starts, ends in ads.values_list("starts_at", "ends_at")[:LIMIT]:
        for moment in (starts, ends):
            if moment is not None:
                found.append((moment.timestamp(), ["adplacement@all"]))
    return found


def _article_tags(pk):
    return Article.tags.through.objects.filter(
        content_type__app_label="articles", content_type__model="article", object_id=pk
    ).values_list("tag_id", flat=True)
