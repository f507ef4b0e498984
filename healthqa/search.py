"""Search over what readers may see. One interface: `search(query)` returns ranked hits."""

from dataclasses import dataclass

from django.db.models import Q

from articles.models import Article
from healthqa.models import Answer, Question
from healthqa.rendering import plain_text, teaser


@dataclass
class Hit:
    kind: str
    title: str
    url: str
    snippet: str
    topic: object
    score: int


def _terms(query):
    return [term for term in query.split() if len(term) > 1][:12] or query.split()[:1]


def search(query, limit=200):
    """Rank public questions (title, details, approved answers) and public articles."""
    terms = _terms(query)
    if not terms:
        return []
    question_match, article_match = Q(), Q()
    for term in terms:
        question_match |= (
            Q(title__icontains=term)
            | Q(details__icontains=term)
            | Q(answers__in=Answer.objects.approved().filter(body__icontains=term))
        )
        article_match |= (
            Q(title__icontains=term) | Q(excerpt__icontains=term) | Q(body__icontains=term)
        )
    hits = []
    questions = Question.objects.public().filter(question_match).distinct()
    for question in questions.select_related("topic")[:limit]:
        hits.append(_hit("Question", question, question.title, question.details, terms))
    for article in Article.objects.public().filter(article_match).select_related("topic")[:limit]:
        hits.append(_hit("Article", article, article.title, article.excerpt, terms))
    hits.sort(key=lambda hit: (-hit.score, hit.title))
    return hits


def _hit(kind, obj, title, text, terms):
    lowered_title = title.lower()
    score = sum(3 for term in terms if term.lower() in lowered_title) + 1
    return Hit(kind, title, obj.get_absolute_url(), teaser(plain_text(text), 200), obj.topic, score)
