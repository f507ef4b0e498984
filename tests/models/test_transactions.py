"""Every state change and every admin save is all or nothing.

A fault is injected right after the n-th SQL statement that writes a row (INSERT, UPDATE,
DELETE), for every n the change makes: a failing audit record, history row, revision, search
index entry or second save. Afterwards every table of the database must hold exactly what it
held before: no half-published question, no state change without its ModerationEvent, no
history row or revision left behind.
"""

import contextlib
import re
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace
from unittest import mock

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import connection, transaction
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from experts.models import Expert
from healthqa.models import (
    Answer,
    Assignment,
    ContinueLearningPick,
    Flag,
    ModerationEvent,
    PartnerKey,
    PreviewLink,
    Question,
)
from tests.factories import (
    AnswerFactory,
    AnswerSourceFactory,
    ArticleFactory,
    AssignmentFactory,
    ExpertFactory,
    FlagFactory,
    QuestionFactory,
)

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
WRITTEN_TABLE = re.compile(
    r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+"?(\w+)"?', re.IGNORECASE
)


class Fault(Exception):
    """The injected failure: a disk, a constraint or a bug, right after a write."""


class Rollback(Exception):
    """Raised on purpose to undo a dry run."""


class FaultAfterWrites:
    """A database execute wrapper: counts the statements that write rows and raises Fault
    right after the `fail_after`-th one has run (never, when `fail_after` is None)."""

    def __init__(self, fail_after=None):
        self.fail_after = fail_after
        self.writes = []

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if WRITE.match(sql):
            self.writes.append(sql)
            if len(self.writes) == self.fail_after:
                raise Fault(f"injected after write {self.fail_after}: {sql[:120]}")
        return result


def written_tables(writes):
    """The tables the SQL statements `writes` change."""
    return {match.group(1) for sql in writes if (match := WRITTEN_TABLE.match(sql))}


def snapshot(tables=None):
    """Every row of `tables` (default: every table; FTS5 index content included)."""
    quote = connection.ops.quote_name
    rows = {}
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor)
        if tables is not None:
            names = [name for name in names if name in tables]
        virtual = set()
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL%'")
            virtual = {name for (name,) in cursor.fetchall()}
        for name in names:
            if any(name.startswith(f"{table}_") for table in virtual):
                continue
            if name in virtual:
                cursor.execute(f"SELECT rowid, * FROM {quote(name)} ORDER BY rowid")
            else:
                width = len(connection.introspection.get_table_description(cursor, name))
                order = ", ".join(str(i + 1) for i in range(width))
                cursor.execute(f"SELECT * FROM {quote(name)} ORDER BY {order}")
            rows[name] = cursor.fetchall()
    return rows


def changed_tables(before, after):
    return sorted(
        name for name in before.keys() | after.keys() if before.get(name) != after.get(name)
    )


def dry_run(act):
    """The SQL writes `act` makes, undone afterwards."""
    counter = FaultAfterWrites()
    with contextlib.suppress(Rollback), transaction.atomic():
        with connection.execute_wrapper(counter):
            act()
        raise Rollback
    return counter.writes


def assert_all_or_nothing(act):
    """Inject a fault after each write `act` makes in turn; nothing may remain of any try."""
    writes = dry_run(act)
    assert len(writes) >= 2, f"the change made {len(writes)} write(s): nothing to interrupt"
    # A try that fails makes the first writes of the dry run: only their tables can change.
    tables = written_tables(writes)
    assert tables, writes
    for n in range(1, len(writes) + 1):
        before = snapshot(tables)
        with connection.execute_wrapper(FaultAfterWrites(fail_after=n)), pytest.raises(Fault):
            act()
        where = f"a fault after write {n} of {len(writes)} ({writes[n - 1][:100]})"
        # Only the test's own transaction caught the fault: without it, the writes before it
        # would have been committed one by one.
        assert not connection.needs_rollback, (
            f"not all or nothing: {where} reached no transaction of the code under test"
        )
        after = snapshot(tables)
        assert before == after, (
            f"not all or nothing: {where} left changes in {changed_tables(before, after)}"
        )
    return writes


def wrote_to(writes, table):
    return table in written_tables(writes)


# --- Model methods -------------------------------------------------------------------------------


@pytest.fixture
def people(editor, moderator, expert_user, superuser):
    return SimpleNamespace(
        editor=editor,
        moderator=moderator,
        expert_user=expert_user,
        expert=expert_user.expert_profile,
        superuser=superuser,
    )


@dataclass
class Change:
    """`prepare(people)` makes the rows and returns their ids; `act(people, ids)` fetches them
    afresh and makes the change (so that every try starts from the database, not from memory)."""

    name: str
    prepare: Callable
    act: Callable


def answer_in(state, *, revised=False):
    def prepare(p):
        traits = {} if state == "approved" else {state: True}
        answer = AnswerFactory(expert=p.expert, **traits)
        if revised:
            answer.revise(body="A clearer, revised answer.", by=p.expert_user)
        return {"answer": answer.pk}

    return prepare


def answer_change(method, by_role="moderator", **kwargs):
    def act(p, ids):
        answer = Answer.objects.get(pk=ids["answer"])
        getattr(answer, method)(by=getattr(p, by_role), **kwargs)

    return act


def draft_with_assignment(p):
    answer = AnswerFactory(expert=p.expert, draft=True)
    AssignmentFactory(question=answer.question, expert=p.expert, assigned_by=p.editor)
    return {"answer": answer.pk}


def row(model, key, method, by_role, **kwargs):
    def act(p, ids):
        obj = model.objects.get(pk=ids[key])
        getattr(obj, method)(by=getattr(p, by_role), **kwargs)

    return act


def merge_submission(p, ids):
    submission = Question.objects.get(pk=ids["question"])
    submission.merge_into(Question.objects.get(pk=ids["target"]), by=p.editor, note="Same")


def flagged_answer(p):
    answer = AnswerFactory(expert=p.expert)
    first, _second = FlagFactory(answer=answer), FlagFactory(answer=answer)
    return {"flag": first.pk}


def share_preview(p, ids):
    PreviewLink.share(Question.objects.get(pk=ids["question"]), by=p.editor, note="Dr. Lee")


def shared_link(p):
    link = PreviewLink.share(QuestionFactory(draft=True), by=p.editor)
    return {"link": link.pk}


def issue_partner_key(p, ids):
    PartnerKey.issue(name="City Health App", by=p.editor, contact_email="api@city.example")


def answer_with_sources(state, *, revised=False):
    """An answer with a source; a revised one has a second source in its working list."""

    def prepare(p):
        ids = answer_in(state)(p)
        answer = Answer.objects.get(pk=ids["answer"])
        AnswerSourceFactory(answer=answer)
        if state == "approved":
            answer.approved_sources = [source.as_dict() for source in answer.sources.all()]
            answer.save(update_fields=["approved_sources"])
        if revised:
            AnswerSourceFactory(answer=answer)
            answer.revise(body="A clearer, revised answer.", by=p.expert_user)
        return ids

    return prepare


def approved_with_clinician(p):
    return {**answer_in("approved")(p), "reviewer": ExpertFactory(is_clinician=True).pk}


def medical_review(p, ids):
    answer = Answer.objects.get(pk=ids["answer"])
    reviewer = Expert.objects.get(pk=ids["reviewer"])
    answer.name_medical_reviewer(reviewer=reviewer, reviewed_on=timezone.localdate(), by=p.editor)


CHANGES = [
    Change("answer submit (closes the assignment)", draft_with_assignment,
           answer_change("submit", by_role="expert_user")),
    Change("answer approve", answer_in("pending"), answer_change("approve", note="Good.")),
    Change("answer approve revision", answer_in("approved", revised=True),
           answer_change("approve")),
    Change("answer request changes", answer_in("pending"),
           answer_change("request_changes", note="Cite a source.")),
    Change("answer request changes to a revision", answer_in("approved", revised=True),
           answer_change("request_changes", note="Cite a source.")),
    Change("answer reject", answer_in("pending"), answer_change("reject", note="Off topic.")),
    Change("answer reject revision", answer_in("approved", revised=True),
           answer_change("reject", note="Off topic.")),
    Change("answer revise approved (new revision)", answer_in("approved"),
           answer_change("revise", by_role="expert_user", body="Better text.")),
    Change("answer revise pending", answer_in("pending"),
           answer_change("revise", by_role="expert_user", body="Better text.")),
    Change("answer revise draft", answer_in("draft"),
           answer_change("revise", by_role="expert_user", body="Better text.")),
    Change("answer unpublish", answer_in("approved", revised=True),
           answer_change("unpublish", note="Out of date.")),
    Change("answer confirm review", answer_in("approved"), answer_change("confirm_review")),
    Change("answer approve revision as a correction (sources copied)",
           answer_with_sources("approved", revised=True),
           answer_change("approve", correction="The dose was wrong.")),
    Change("answer reject revision (working sources reset)",
           answer_with_sources("approved", revised=True),
           answer_change("reject", note="Off topic.")),
    Change("answer submit (sources copied to the revision)", answer_with_sources("draft"),
           answer_change("submit", by_role="expert_user")),
    Change("answer name medical reviewer", approved_with_clinician, medical_review),
    Change("article correction", lambda p: {"article": ArticleFactory().pk},
           row(Article, "article", "record_correction", "editor", note="Figure fixed.")),
    Change("expert reverify", lambda p: {"expert": ExpertFactory(verified=True).pk},
           row(Expert, "expert", "reverify", "editor")),
    Change("question publish", lambda p: {"question": QuestionFactory(draft=True).pk},
           row(Question, "question", "publish", "editor")),
    Change("question archive", lambda p: {"question": QuestionFactory().pk},
           row(Question, "question", "archive", "editor")),
    Change("question accept submission",
           lambda p: {"question": QuestionFactory(submitted=True).pk},
           row(Question, "question", "accept_submission", "editor", title="A better title",
               details="Edited.")),
    Change("question reject submission",
           lambda p: {"question": QuestionFactory(submitted=True).pk},
           row(Question, "question", "reject", "editor", note="Spam.")),
    Change("question merge submission",
           lambda p: {"question": QuestionFactory(submitted=True).pk,
                      "target": QuestionFactory().pk},
           merge_submission),
    Change("article publish", lambda p: {"article": ArticleFactory(draft=True).pk},
           row(Article, "article", "publish", "editor")),
    Change("article archive", lambda p: {"article": ArticleFactory().pk},
           row(Article, "article", "archive", "editor")),
    Change("flag dismiss", lambda p: {"flag": FlagFactory().pk},
           row(Flag, "flag", "dismiss", "moderator", note="Fine as it is.")),
    Change("flag mark actioned", lambda p: {"flag": FlagFactory().pk},
           row(Flag, "flag", "mark_actioned", "moderator", note="Fixed.")),
    Change("flag act (unpublishes, closes every report)", flagged_answer,
           row(Flag, "flag", "act", "moderator", note="Harmful advice.")),
    Change("flag act on a question", lambda p: {"flag": FlagFactory(on_question=True).pk},
           row(Flag, "flag", "act", "moderator", note="Edited.")),
    Change("preview link share", lambda p: {"question": QuestionFactory(draft=True).pk},
           share_preview),
    Change("preview link revoke", shared_link, row(PreviewLink, "link", "revoke", "editor")),
    Change("partner key issue", lambda p: {}, issue_partner_key),
    Change("partner key revoke",
           lambda p: {"key": PartnerKey.issue(name="City Health App", by=p.editor)[0].pk},
           row(PartnerKey, "key", "revoke", "editor", note="Partner closed.")),
]  # fmt: skip


@pytest.mark.parametrize("change", CHANGES, ids=lambda change: change.name)
def test_a_fault_after_any_write_of_a_state_change_leaves_no_trace(people, change):
    ids = change.prepare(people)
    writes = assert_all_or_nothing(lambda: change.act(people, ids))
    assert wrote_to(writes, ModerationEvent._meta.db_table), "no audit record was written"


@pytest.mark.parametrize("change", CHANGES[:3], ids=lambda change: change.name)
def test_the_change_itself_succeeds_after_the_faults(people, change):
    """The faults leave the row as it was, so the same change still goes through."""
    ids = change.prepare(people)
    assert_all_or_nothing(lambda: change.act(people, ids))
    events = ModerationEvent.objects.count()
    change.act(people, ids)
    assert ModerationEvent.objects.count() > events


def test_marking_an_expert_verified_is_all_or_nothing(people):
    expert = ExpertFactory(verified=False, verified_at=None)
    assert_all_or_nothing(lambda: Expert.objects.get(pk=expert.pk).mark_verified(by=people.editor))


def edit_question(question_id):
    question = Question.objects.get(pk=question_id)
    question.title, question.slug = "A renamed question", "a-renamed-question"
    question.save()


def edit_answer(answer_id):
    answer = Answer.objects.get(pk=answer_id)
    answer.body = "Edited in place."
    answer.save()


def edit_article(article_id):
    article = Article.objects.get(pk=article_id)
    article.title, article.slug = "A renamed article", "a-renamed-article"
    article.save()


def deactivate_expert(expert_id):
    expert = Expert.objects.get(pk=expert_id)
    expert.is_active = False
    expert.save()


PLAIN_SAVES = [
    pytest.param(edit_question, lambda: QuestionFactory().pk, id="question"),
    pytest.param(edit_answer, lambda: AnswerFactory().pk, id="answer"),
    pytest.param(edit_article, lambda: ArticleFactory().pk, id="article"),
    pytest.param(deactivate_expert, lambda: AnswerFactory().expert_id, id="expert"),
]


@pytest.mark.parametrize(("edit", "make"), PLAIN_SAVES)
def test_a_plain_save_outside_the_admin_is_all_or_nothing(db, edit, make):
    """A save from a shell, a command or a script has no admin transaction around it."""
    pk = make()
    assert_all_or_nothing(lambda: edit(pk))


# --- Mail leaves only after the commit, and never undoes a decision ----------------------------


def test_no_mail_is_sent_about_a_decision_that_rolled_back(
    people, django_capture_on_commit_callbacks
):
    answer = AnswerFactory(expert=people.expert, pending=True)
    writes = dry_run(lambda: Answer.objects.get(pk=answer.pk).approve(by=people.moderator))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with connection.execute_wrapper(FaultAfterWrites(len(writes))), pytest.raises(Fault):
            Answer.objects.get(pk=answer.pk).approve(by=people.moderator)
    assert callbacks == []
    assert mail.outbox == []
    assert Answer.objects.get(pk=answer.pk).status == Answer.Status.PENDING


def test_a_failing_mail_server_does_not_undo_an_approval(
    people, django_capture_on_commit_callbacks
):
    answer = AnswerFactory(expert=people.expert, pending=True)
    refuse = mock.patch(
        "django.core.mail.EmailMessage.send", side_effect=smtplib.SMTPException("down")
    )
    with refuse as send, django_capture_on_commit_callbacks(execute=True):
        Answer.objects.get(pk=answer.pk).approve(by=people.moderator, note="Good.")
    assert send.called
    answer.refresh_from_db()
    assert answer.status == Answer.Status.APPROVED
    assert ModerationEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(Answer), object_id=answer.pk,
        action="approve",
    ).exists()  # fmt: skip


# --- Admin saves and admin actions -------------------------------------------------------------


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def form_data(response):
    """The POST data of an admin change page as rendered, inlines included."""
    data = {}

    def add(form):
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False or isinstance(value, FieldFile):
                continue
            if isinstance(value, list | tuple):
                data[form.add_prefix(name)] = [str(v) for v in value]
            else:
                data[form.add_prefix(name)] = "on" if value is True else value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        for form in inline.formset.initial_forms:
            add(form)
    return data


def inline_prefix(response, model):
    for inline in response.context["inline_admin_formsets"]:
        if inline.formset.model is model:
            return inline.formset.prefix
    raise AssertionError(f"no {model.__name__} inline on the page")


def post_succeeds(client, url, data):
    """An admin POST that must succeed (a redirect), made once as a dry run."""

    def act():
        response = client.post(url, data)
        assert response.status_code == 302, response.content[:2000]

    return act


def test_question_change_form_with_inlines_is_all_or_nothing(client, editor):
    question = QuestionFactory(title="Why does my back hurt?")
    AnswerFactory(question=question)
    first, second = ArticleFactory(topic=question.topic), ArticleFactory(topic=question.topic)
    expert = ExpertFactory()
    client.force_login(editor)
    url = admin_url(Question, "change", question.pk)
    page = client.get(url)
    data = form_data(page)
    data["title"] = "Why does my lower back hurt?"
    data["slug"] = "why-does-my-lower-back-hurt"
    picks = inline_prefix(page, ContinueLearningPick)
    data.update({
        f"{picks}-TOTAL_FORMS": "2",
        f"{picks}-0-position": "1", f"{picks}-0-article": str(first.pk),
        f"{picks}-1-position": "2", f"{picks}-1-article": str(second.pk),
    })  # fmt: skip
    assignments = inline_prefix(page, Assignment)
    data.update({
        f"{assignments}-TOTAL_FORMS": "1",
        f"{assignments}-0-expert": str(expert.pk),
        f"{assignments}-0-status": Assignment.Status.OPEN,
        f"{assignments}-0-note": "Please answer.",
    })  # fmt: skip
    writes = assert_all_or_nothing(post_succeeds(client, url, data))
    assert wrote_to(writes, ContinueLearningPick._meta.db_table)
    assert wrote_to(writes, Question.history.model._meta.db_table)


def test_editing_an_approved_answer_in_the_admin_is_all_or_nothing(client, expert_user):
    answer = AnswerFactory(expert=expert_user.expert_profile)
    client.force_login(expert_user)
    url = admin_url(Answer, "change", answer.pk)
    data = form_data(client.get(url))
    data["body"] = "A clearer answer, with a source."
    writes = assert_all_or_nothing(post_succeeds(client, url, data))
    assert wrote_to(writes, "healthqa_answerrevision")


def test_adding_an_assignment_in_the_admin_is_all_or_nothing(client, editor):
    question, expert = QuestionFactory(draft=True), ExpertFactory()
    client.force_login(editor)
    data = {
        "question": question.pk,
        "expert": expert.pk,
        "due_at_0": (timezone.localdate() + timedelta(days=7)).isoformat(),
        "due_at_1": "12:00:00",
        "status": "open",
        "note": "Please answer.",
    }
    assert_all_or_nothing(post_succeeds(client, admin_url(Assignment, "add"), data))


def test_changing_an_expert_in_the_admin_is_all_or_nothing(client, editor):
    expert = ExpertFactory(verified=False, verified_at=None)
    client.force_login(editor)
    url = admin_url(Expert, "change", expert.pk)
    data = form_data(client.get(url))
    data["verified"] = "on"
    data["headline"] = "Physiotherapist"
    assert_all_or_nothing(post_succeeds(client, url, data))


def action(client, model, name, objects, **extra):
    url = admin_url(model, "changelist")
    data = {"action": name, ACTION_CHECKBOX_NAME: [obj.pk for obj in objects], **extra}
    return post_succeeds(client, url, data)


BULK_ACTIONS = [
    ("question publish", "editor", Question, "publish",
     lambda: QuestionFactory(draft=True), {}),
    ("question archive", "editor", Question, "archive", lambda: QuestionFactory(), {}),
    ("question accept submission", "editor", Question, "accept_submission",
     lambda: QuestionFactory(submitted=True), {}),
    ("article publish", "editor", Article, "publish", lambda: ArticleFactory(draft=True), {}),
    ("answer approve", "moderator", Answer, "approve",
     lambda: AnswerFactory(pending=True), {}),
    ("answer reject with a note", "moderator", Answer, "reject",
     lambda: AnswerFactory(pending=True), {"post": "yes", "note": "Off topic."}),
    ("flag dismiss", "moderator", Flag, "dismiss", lambda: FlagFactory(), {}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("role", "model", "name", "make", "extra"),
    [case[1:] for case in BULK_ACTIONS],
    ids=[case[0] for case in BULK_ACTIONS],
)
def test_a_bulk_action_on_one_item_is_all_or_nothing(
    client, people, role, model, name, make, extra
):
    obj = make()
    client.force_login(getattr(people, role))
    writes = assert_all_or_nothing(action(client, model, name, [obj], **extra))
    assert wrote_to(writes, ModerationEvent._meta.db_table)


def test_a_fault_in_a_bulk_action_leaves_each_item_done_or_untouched(client, editor):
    """Each item is its own transaction: a fault on one never leaves it half-published."""
    questions = [QuestionFactory(draft=True), QuestionFactory(draft=True)]
    client.force_login(editor)
    act = action(client, Question, "publish", questions)
    writes = dry_run(act)
    question_type = ContentType.objects.get_for_model(Question)
    for n in range(1, len(writes) + 1):
        with contextlib.suppress(Rollback), transaction.atomic():
            with connection.execute_wrapper(FaultAfterWrites(n)), pytest.raises(Fault):
                act()
            for question in questions:
                status = Question.objects.get(pk=question.pk).status
                published = status == Question.Status.PUBLISHED
                event = ModerationEvent.objects.filter(
                    content_type=question_type, object_id=question.pk, action="publish"
                ).exists()
                history = question.history.filter(status=Question.Status.PUBLISHED).exists()
                assert published == event == history, (
                    f"fault after write {n}: question #{question.pk} is {status}, "
                    f"event={event}, history={history}"
                )
            raise Rollback


def test_bulk_mark_verified_is_all_or_nothing(client, editor):
    expert = ExpertFactory(verified=False, verified_at=None)
    client.force_login(editor)
    assert_all_or_nothing(action(client, Expert, "mark_verified", [expert]))


# --- The moderation pages ----------------------------------------------------------------------


def test_a_moderation_queue_decision_is_all_or_nothing(client, moderator):
    answer = AnswerFactory(pending=True)
    client.force_login(moderator)
    data = {"answer": [answer.pk], "decision": "approve", "note": "Good."}
    assert_all_or_nothing(post_succeeds(client, reverse("admin:moderation_decide"), data))


def test_acting_on_a_report_from_the_flags_queue_is_all_or_nothing(client, moderator):
    answer = AnswerFactory()
    flag = FlagFactory(answer=answer)
    FlagFactory(answer=answer)
    client.force_login(moderator)
    url = reverse("admin:moderation_flag_decide", args=[flag.pk])
    data = {"decision": "act", "note": "Harmful advice."}
    writes = assert_all_or_nothing(post_succeeds(client, url, data))
    assert wrote_to(writes, "healthqa_flag")


def test_triage_accept_is_all_or_nothing(client, editor):
    submission = QuestionFactory(submitted=True)
    client.force_login(editor)
    url = reverse("admin:moderation_triage", args=[submission.pk])
    data = {"decision": "accept", "accept-title": "A clearer title", "accept-details": "More."}
    assert_all_or_nothing(post_succeeds(client, url, data))


def test_creating_a_preview_link_in_the_admin_is_all_or_nothing(client, editor):
    question = QuestionFactory(draft=True)
    client.force_login(editor)
    url = reverse("admin:healthqa_question_preview_links", args=[question.pk])
    writes = assert_all_or_nothing(post_succeeds(client, url, {"days": "7", "note": "Dr. Lee"}))
    assert wrote_to(writes, "healthqa_previewlink")


# --- The injector itself -----------------------------------------------------------------------


def test_the_injector_sees_a_write_made_outside_a_transaction(people):
    """Without this, every test above could pass without detecting anything."""
    question = QuestionFactory(draft=True)

    def two_separate_writes():
        Question.objects.filter(pk=question.pk).update(title="Changed")
        Question.objects.filter(pk=question.pk).update(featured=True)

    with pytest.raises(AssertionError, match="not all or nothing: a fault after write 1 of 2"):
        assert_all_or_nothing(two_separate_writes)
