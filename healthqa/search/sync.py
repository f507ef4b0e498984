"""Keeping the index in step with the content: receivers (connected in `healthqa.apps`) that
note which questions and articles a write touched and re-index each of them once, when the
transaction commits.

On commit, so that the index is written from committed rows only, a rolled-back change leaves
no trace, and a transaction that saves a question and its ten answers indexes the question once.
`QuerySet.update()` sends no signal of Django's: the indexed models' querysets send
`healthqa.core.signals.rows_updated` after it, which is heard here too (from the shell as well).
"""

import threading

from django.db import transaction
from django.db.models import QuerySet, signals

from articles.models import Article
from experts.models import Expert
from healthqa.core.signals import rows_updated
from healthqa.models import Answer, Question, SearchDocument
from healthqa.search.backends import current_backend
from healthqa.search.index import index_article, index_question

# Fields written by update() that the index does not hold.
_UNINDEXED_UPDATES = {"helpful_yes", "helpful_no"}

_pending = threading.local()


def after_commit(callback, using):
    """Run `callback` once the current transaction commits (at once outside one)."""
    transaction.on_commit(callback, using=using, robust=True)


def _schedule(kind, pks, using):
    """Re-index these questions or articles when the transaction on `using` commits."""
    pks = {pk for pk in pks if pk is not None}
    if not pks:
        return
    waiting = getattr(_pending, "by_db", None)
    if waiting is None:
        waiting = _pending.by_db = {}
    waiting.setdefault(using, set()).update((kind, pk) for pk in pks)
    # One callback per write; the first to run after the commit takes the whole set. After a
    # rollback the set waits for the next commit on this thread, which only re-indexes again.
    after_commit(lambda: flush(using), using)


def flush(using="default"):
    """Re-index what the writes on `using` touched (called after their commit)."""
    waiting = getattr(_pending, "by_db", {}).pop(using, set())
    questions = sorted(pk for kind, pk in waiting if kind == "question")
    articles = sorted(pk for kind, pk in waiting if kind == "article")
    for question in Question.objects.using(using).filter(pk__in=questions):
        index_question(question)
    for article in Article.objects.using(using).filter(pk__in=articles):
        index_article(article)


def question_saved(sender, instance, raw=False, using="default", **kwargs):
    if not raw:
        _schedule("question", [instance.pk], using)


def answer_changed(sender, instance, raw=False, using="default", origin=None, **kwargs):
    """The question's entry holds the text of its approved answers. When the answer goes
    because its question is being deleted, the entry goes with the question."""
    if raw or _deleting_questions(origin):
        return
    _schedule("question", [instance.question_id], using)


def _deleting_questions(origin):
    """True when `origin` (what `delete()` was called on) is a question or a set of them."""
    model = origin.model if isinstance(origin, QuerySet) else type(origin)
    return origin is not None and issubclass(model, Question)


def article_saved(sender, instance, raw=False, using="default", **kwargs):
    if not raw:
        _schedule("article", [instance.pk], using)


def expert_before_save(sender, instance, raw=False, **kwargs):
    """Note whether the expert was active: an inactive expert's answers leave the index."""
    if raw or instance._state.adding:
        return
    rows = sender._base_manager.filter(pk=instance.pk).values_list("is_active", flat=True)
    instance.search_was_active = rows.first()


def expert_saved(sender, instance, raw=False, using="default", **kwargs):
    before = getattr(instance, "search_was_active", None)
    if raw or before is None or before == instance.is_active:
        return
    answered = Answer.objects.using(using).filter(expert=instance).values_list("question_id")
    _schedule("question", [pk for (pk,) in answered.distinct()], using)


def rows_were_updated(sender, pks, fields=(), using="default", **kwargs):
    if set(fields) <= _UNINDEXED_UPDATES:
        return
    if sender is Answer:
        questions = Answer.objects.using(using).filter(pk__in=pks).values_list("question_id")
        _schedule("question", [pk for (pk,) in questions], using)
    elif sender is Question:
        _schedule("question", pks, using)
    elif sender is Article:
        _schedule("article", pks, using)
    elif sender is Expert and "is_active" in fields:
        answered = Answer.objects.using(using).filter(expert__in=pks).values_list("question_id")
        _schedule("question", [pk for (pk,) in answered.distinct()], using)


def document_deleted(sender, instance, **kwargs):
    """A deleted row (a question or article deleted, cascading) leaves the engine's table too."""
    current_backend().forget([instance.pk])


def connect():
    """Connect the receivers (from `HealthQAConfig.ready()`)."""
    receivers = [
        (signals.post_save, question_saved, Question),
        (signals.post_save, answer_changed, Answer),
        (signals.post_delete, answer_changed, Answer),
        (signals.post_save, article_saved, Article),
        (signals.pre_save, expert_before_save, Expert),
        (signals.post_save, expert_saved, Expert),
        (signals.post_delete, document_deleted, SearchDocument),
    ]
    for signal, receiver, model in receivers:
        signal.connect(
            receiver, sender=model, dispatch_uid=f"search:{receiver.__name__}:{model.__name__}"
        )
    rows_updated.connect(rows_were_updated, dispatch_uid="search:rows_updated")
