"""The index: one SearchDocument per published question or article, written when content
changes (healthqa.search.sync) and rebuilt by `rebuild()`."""

from django.db import connection, transaction
from django.db.models import Prefetch

from articles.models import Article
from healthqa.core.markdown import plain_text
from healthqa.models import Answer, Question, SearchDocument
from healthqa.search.backends import current_backend
from healthqa.search.text import clean_text, joined_forms


def _document(*, kind, title, body, topic_id):
    title, body = clean_text(title), clean_text(body)
    return SearchDocument(
        kind=kind,
        topic_id=topic_id,
        title=" ".join(filter(None, [title, joined_forms(title)])),
        body=body,
        keywords=joined_forms(body),
    )


def _question_document(question, answer_bodies):
    answer_bodies = list(answer_bodies)
    text = [plain_text(question.details), *(plain_text(body) for body in answer_bodies)]
    document = _document(
        kind=SearchDocument.Kind.QUESTION,
        title=question.title,
        body="\n".join(filter(None, text)),
        topic_id=question.topic_id,
    )
    document.question = question
    # Mirrors Question.objects.public(): published with an approved answer by an active expert.
    document.public_from = question.published_at if answer_bodies else None
    return document


def _article_document(article):
    document = _document(
        kind=SearchDocument.Kind.ARTICLE,
        title=article.title,
        body="\n".join(filter(None, [plain_text(article.excerpt), plain_text(article.body)])),
        topic_id=article.topic_id,
    )
    document.article = article
    document.public_from = article.published_at
    return document


def _replace(target_field, target, document):
    with transaction.atomic():
        old = list(
            SearchDocument.objects.filter(**{target_field: target}).values_list("pk", flat=True)
        )
        current_backend().forget(old)
        SearchDocument.objects.filter(pk__in=old).delete()
        if document is not None:
            document.save()
            current_backend().store([document])


def index_question(question):
    """Write a question's searchable text: its title, details and approved answers only."""
    if question.pk is None:
        return
    if question.status != Question.Status.PUBLISHED:
        remove(question)
        return
    answers = (
        Answer.objects.approved()
        .filter(question=question)
        .order_by("position", "pk")
        .values_list("body", flat=True)
    )
    _replace("question", question, _question_document(question, answers))


def index_article(article):
    if article.pk is None:
        return
    if article.status != Article.Status.PUBLISHED:
        remove(article)
        return
    _replace("article", article, _article_document(article))


def remove(obj):
    """Take a question or an article out of the index."""
    _replace("question" if isinstance(obj, Question) else "article", obj, None)


def rebuild(batch_size=500):
    """Rebuild the whole index from the database; returns (questions, articles) indexed."""
    from healthqa.models import Answer, Question, SearchDocument

    backend = current_backend()
    counts = [0, 0]
    with transaction.atomic():
        backend.clear()
        SearchDocument.objects.all().delete()
        questions = Question.objects.filter(status=Question.Status.PUBLISHED).prefetch_related(
            Prefetch(
                "answers",
                queryset=Answer.objects.approved().order_by("position", "pk"),
                to_attr="indexed_answers",
            )
        )
        articles = Article.objects.filter(status=Article.Status.PUBLISHED)
        for index, (queryset, build) in enumerate(
            [
                (
                    questions,
                    lambda q: _question_document(q, [a.body for a in q.indexed_answers]),
                ),
                (articles, _article_document),
            ]
        ):
            ids = list(queryset.order_by("pk").values_list("pk", flat=True))
            for start in range(0, len(ids), batch_size):
                chunk = queryset.filter(pk__in=ids[start : start + batch_size])
                documents = SearchDocument.objects.bulk_create([build(obj) for obj in chunk])
                backend.store(documents)
                counts[index] += len(documents)
    return tuple(counts)


def analyze():
    """Refresh the database's planner statistics after a bulk load or rebuild.

    Without them SQLite checks a page of hits against `public()` by walking every public
    question in date order rather than looking up twenty primary keys (100 ms instead of 0.3
    ms at 100,000 questions); PostgreSQL plans the tsvector and GIN queries better too.
    """
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
