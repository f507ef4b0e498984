"""No lost update (Hardening §7): two tabs, two moderators or two threads working on one row.

Every content model edited in the admin carries a `version`; a change based on an older version
is refused with a clear message, the first change is kept and the second person's input is not
thrown away.
"""

import os
import sqlite3
import threading
import time

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from healthqa.core.bases import EditConflict
from healthqa.models import Answer, ModerationEvent, Question, SiteSettings, Topic
from tests.admin.test_admin import messages_of, run_action, url_for
from tests.admin.test_history import page_data
from tests.browser.test_browser import pytestmark as BROWSER_MARKS
from tests.factories import (
    PASSWORD,
    AdPlacementFactory,
    AnswerFactory,
    ArticleFactory,
    AssignmentFactory,
    ContinueLearningPickFactory,
    ExpertFactory,
    FlagFactory,
    QuestionFactory,
    TopicFactory,
    UserFactory,
    role_group,
)

TRIALS = int(os.environ.get("HEALTHQA_CONCURRENCY_TRIALS", "100"))
QUEUE = reverse("admin:moderation_queue")
DECIDE = reverse("admin:moderation_decide")


def browser_test(func):
    """The marks of the browser tests (needs Debian's chromium), on one test of this module."""
    for mark in BROWSER_MARKS:
        func = mark(func)
    return func


def errors_of(response):
    return " ".join(response.context["adminform"].form.non_field_errors())


def open_tab(client, obj):
    """The POST data of `obj`'s change page as it was rendered now."""
    page = client.get(url_for(obj))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'type="hidden" name="loaded_version"' in html  # the form really carries it
    return page_data(page, obj)


# --- Two admin tabs ----------------------------------------------------------------------------

EDITED = [
    pytest.param(lambda: TopicFactory(), "description", id="topic"),
    pytest.param(lambda: QuestionFactory(draft=True), "details", id="question"),
    pytest.param(lambda: ArticleFactory(draft=True), "body", id="article"),
    pytest.param(lambda: ExpertFactory(), "bio", id="expert"),
    pytest.param(lambda: SiteSettings.load(), "disclaimer", id="site-settings"),
    pytest.param(lambda: AdPlacementFactory(), "image_alt", id="ad-placement"),
    pytest.param(lambda: AssignmentFactory(), "note", id="assignment"),
    pytest.param(lambda: FlagFactory(), "resolution_note", id="flag"),
]


@pytest.mark.parametrize(("make", "field"), EDITED)
def test_second_tab_is_refused_and_keeps_its_input(client, superuser, make, field):
    obj = make()
    model = type(obj)
    client.force_login(superuser)
    first, second = open_tab(client, obj), open_tab(client, obj)
    version = model.objects.get(pk=obj.pk).version

    first[field] = "Saved from the first tab."
    assert client.post(url_for(obj), first).status_code == 302
    second[field] = "Typed in the second tab."
    response = client.post(url_for(obj), second)

    assert response.status_code == 200
    message = errors_of(response)
    assert "changed after you opened it" in message
    assert superuser.username in message
    label = str(model._meta.get_field(field).verbose_name)
    changed = message.split("Changed since: ", 1)[1].split(".", 1)[0].split(", ")
    assert f"{label[0].upper()}{label[1:]}" in changed
    saved = model.objects.get(pk=obj.pk)
    assert getattr(saved, field) == "Saved from the first tab."
    assert saved.version == version + 1
    assert response.context["adminform"].form[field].value() == "Typed in the second tab."
    assert "Typed in the second tab." in response.content.decode()


def test_saving_again_after_reading_the_conflict_replaces_the_newer_version(client, editor):
    topic = TopicFactory(description="Before.")
    client.force_login(editor)
    first, second = open_tab(client, topic), open_tab(client, topic)
    first["description"] = "The first editor's text."
    client.post(url_for(topic), first)
    second["description"] = "The second editor's text."
    refused = client.post(url_for(topic), second)

    again = page_data(refused, topic)  # the form as re-shown, version moved on
    response = client.post(url_for(topic), again)

    assert response.status_code == 302
    assert Topic.objects.get(pk=topic.pk).description == "The second editor's text."


def test_a_change_to_the_inline_picks_alone_refuses_the_other_tab(client, editor):
    question = QuestionFactory(draft=True)
    pick = ContinueLearningPickFactory(question=question, position=1)
    client.force_login(editor)
    first, second = open_tab(client, question), open_tab(client, question)

    first["article_picks-0-position"] = "7"
    assert client.post(url_for(question), first).status_code == 302
    second["title"] = "A better title"
    response = client.post(url_for(question), second)

    assert response.status_code == 200
    assert "Continue Learning picks" in errors_of(response)
    pick.refresh_from_db()
    assert pick.position == 7
    assert Question.objects.get(pk=question.pk).title == question.title


def test_the_other_tab_is_refused_after_a_state_change(client, editor):
    question = QuestionFactory(draft=True)
    client.force_login(editor)
    tab = open_tab(client, question)
    question.publish(by=editor)

    tab["details"] = "Edited in a tab opened before publication."
    response = client.post(url_for(question), tab)

    assert response.status_code == 200
    assert "Status" in errors_of(response)
    assert Question.objects.get(pk=question.pk).details == "It only hurts during push-ups."


def test_a_form_without_its_version_is_refused_not_saved(client, editor):
    topic = TopicFactory(description="Before.")
    client.force_login(editor)
    data = open_tab(client, topic)
    data.pop("loaded_version")
    data["description"] = "Blind overwrite."

    response = client.post(url_for(topic), data)

    assert response.status_code == 200
    assert "does not say which version" in errors_of(response)
    assert Topic.objects.get(pk=topic.pk).description == "Before."


def test_a_junk_version_gets_a_form_error_not_a_server_error(client, editor):
    topic = TopicFactory(description="Before.")
    client.force_login(editor)
    data = open_tab(client, topic)
    data.update(loaded_version="1; DROP TABLE", loaded_state="not-signed", description="Junk")

    response = client.post(url_for(topic), data)

    assert response.status_code == 200
    assert errors_of(response)
    assert Topic.objects.get(pk=topic.pk).description == "Before."


def test_an_experts_second_tab_does_not_replace_the_first_edit(client, expert_user, expert):
    answer = AnswerFactory(expert=expert, draft=True, body="First draft.")
    client.force_login(expert_user)
    first, second = open_tab(client, answer), open_tab(client, answer)

    first["body"] = "Second draft, from tab one."
    assert client.post(url_for(answer), first).status_code == 302
    second["body"] = "Another draft, from tab two."
    response = client.post(url_for(answer), second)

    assert response.status_code == 200
    assert "Body" in errors_of(response)
    assert Answer.objects.get(pk=answer.pk).body == "Second draft, from tab one."
    assert "Another draft, from tab two." in response.content.decode()


def test_restoring_a_version_from_a_stale_page_is_refused(client, editor):
    topic = TopicFactory(description="One.")
    client.force_login(editor)
    first = open_tab(client, topic)
    first["description"] = "Two."
    client.post(url_for(topic), first)
    oldest = topic.history.earliest("history_date", "history_id")
    version_url = reverse("admin:healthqa_topic_simple_history", args=[topic.pk, oldest.pk])
    page = client.get(version_url)
    assert 'type="hidden" name="loaded_version"' in page.content.decode()
    restore_page = page_data(page, topic)
    latest = open_tab(client, topic)
    latest["description"] = "Three."
    client.post(url_for(topic), latest)

    response = client.post(version_url, restore_page)

    assert response.status_code == 200
    assert Topic.objects.get(pk=topic.pk).description == "Three."


@pytest.mark.parametrize(
    "make",
    [
        TopicFactory,
        QuestionFactory,
        AnswerFactory,
        ExpertFactory,
        ArticleFactory,
        AdPlacementFactory,
        AssignmentFactory,
        FlagFactory,
        SiteSettings.load,
    ],
)
def test_every_saved_change_moves_the_version_on(db, make):
    obj = make()
    before = type(obj).objects.get(pk=obj.pk).version
    obj.save()
    obj.save(update_fields=["created_at"] if hasattr(obj, "created_at") else None)
    assert type(obj).objects.get(pk=obj.pk).version == obj.version == before + 2


def test_a_save_based_on_an_old_version_raises_edit_conflict(db):
    topic = TopicFactory(description="Kept.")
    stale = Topic.objects.get(pk=topic.pk)
    topic.description = "Newer."
    topic.save()

    stale.description = "Older."
    stale.expected_version = stale.version
    with pytest.raises(EditConflict):
        stale.save()

    assert Topic.objects.get(pk=topic.pk).description == "Newer."


@browser_test
def test_two_browser_tabs_the_second_save_is_refused_and_keeps_its_text(
    browser, live_server, transactional_db
):
    editor = UserFactory(username="editor", is_staff=True)
    editor.groups.add(role_group("Editors"))
    topic = TopicFactory(name="Knee Pain", description="Before.")
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    first = context.new_page()
    first.goto(live_server.url + "/admin/")
    first.fill("#id_username", "editor")
    first.fill("#id_password", PASSWORD)
    first.click("input[type=submit]")
    second = context.new_page()
    for tab in (first, second):
        tab.goto(live_server.url + url_for(topic))

    first.fill("#id_description", "Saved in the first tab.")
    first.locator("input[name=_save]").click()
    expect(first.locator(".messagelist")).to_contain_text("was changed successfully")
    second.fill("#id_description", "Typed in the second tab.")
    second.locator("input[name=_save]").click()

    expect(second.locator(".errornote")).to_be_visible()
    expect(second.locator(".errorlist")).to_contain_text("changed after you opened it")
    expect(second.locator(".errorlist")).to_contain_text("Description")
    expect(second.locator("#id_description")).to_have_value("Typed in the second tab.")
    assert Topic.objects.get(pk=topic.pk).description == "Saved in the first tab."
    context.close()


# --- The moderation queue and the moderation methods -------------------------------------------


@pytest.fixture
def live_with_revision(expert, expert_user, moderator):
    answer = AnswerFactory(expert=expert, draft=True, body="Stretch every morning.")
    answer.submit(by=expert_user)
    answer.approve(by=moderator)
    answer.revise(body="Stretch every evening.", by=expert_user)
    return answer


def queue_post(response, answer, decision, note=""):
    """What pressing a decision button of `answer`'s queue item posts."""
    item = next(i for i in response.context["items"] if i.answer.pk == answer.pk)
    html = response.content.decode()
    assert f'name="version-{answer.pk}" value="{item.answer.version}"' in html
    return {
        "answer": answer.pk,
        "decision": decision,
        "note": note,
        f"seen-{answer.pk}": item.seen,
        f"version-{answer.pk}": item.answer.version,
    }


@pytest.mark.parametrize("sent", ["seen and version", "version only"])
def test_queue_approval_of_text_revised_since_is_refused(
    client, moderator, expert_user, live_with_revision, sent
):
    client.force_login(moderator)
    data = queue_post(client.get(QUEUE), live_with_revision, "approve")
    if sent == "version only":
        del data[f"seen-{live_with_revision.pk}"]
    live_with_revision.revise(body="Never read by anyone.", by=expert_user)

    response = client.post(DECIDE, data, follow=True)

    answer = Answer.objects.get(pk=live_with_revision.pk)
    assert answer.body == "Stretch every morning."
    assert answer.pending_revision().body == "Never read by anyone."
    assert any("changed after you opened the queue" in m for m in messages_of(response))


def test_a_second_queue_tab_cannot_approve_a_resubmitted_answer_unread(
    client, moderator, expert_user, expert
):
    answer = AnswerFactory(expert=expert, draft=True, body="Rest for a week.")
    answer.submit(by=expert_user)
    client.force_login(moderator)
    first_tab, second_tab = client.get(QUEUE), client.get(QUEUE)
    send_back = queue_post(first_tab, answer, "request_changes", note="Cite a source.")
    approve = queue_post(second_tab, answer, "approve")
    del approve[f"seen-{answer.pk}"]  # the version alone must tell

    client.post(DECIDE, send_back, follow=True)
    answer.refresh_from_db()
    answer.revise(body="Rest for a week (NHS, 2024).", by=expert_user)
    answer.submit(by=expert_user)
    response = client.post(DECIDE, approve, follow=True)

    answer.refresh_from_db()
    assert answer.status == Answer.Status.PENDING
    assert any("changed after you opened the queue" in m for m in messages_of(response))
    assert expert_user.username in " ".join(messages_of(response))  # who changed it last


def test_a_stale_approve_is_refused_by_the_model(db, moderator, expert_user, expert):
    answer = AnswerFactory(expert=expert, pending=True, body="What the moderator read.")
    seen_by_moderator = Answer.objects.get(pk=answer.pk)
    answer.revise(body="Rewritten after the moderator opened it.", by=expert_user)

    with pytest.raises(EditConflict):
        seen_by_moderator.approve(by=moderator)
    with pytest.raises(EditConflict):
        answer.approve(by=moderator, version=seen_by_moderator.version)

    answer.refresh_from_db()
    assert answer.status == Answer.Status.PENDING
    assert answer.body == "Rewritten after the moderator opened it."


@pytest.mark.parametrize(
    ("method", "kwargs"),
    [
        ("request_changes", {"note": "Cite it."}),
        ("reject", {"note": "No."}),
        ("revise", {"body": "Changed."}),
    ],
)
def test_every_moderation_method_refuses_a_stale_view(
    db, moderator, expert_user, expert, method, kwargs
):
    answer = AnswerFactory(expert=expert, pending=True)
    stale = Answer.objects.get(pk=answer.pk)
    answer.revise(body="Newer text.", by=expert_user)
    actor = expert_user if method == "revise" else moderator

    with pytest.raises(EditConflict):
        getattr(stale, method)(by=actor, **kwargs)

    assert Answer.objects.get(pk=answer.pk).version == answer.version


def test_bulk_approve_of_a_decided_answer_is_not_applied_twice(client, moderator):
    answer = AnswerFactory(pending=True)
    client.force_login(moderator)
    run_action(client, "healthqa.answer", "approve", [answer])
    version = Answer.objects.get(pk=answer.pk).version

    response = run_action(client, "healthqa.answer", "approve", [answer])

    assert Answer.objects.get(pk=answer.pk).version == version
    assert any("Nothing to approve" in m for m in messages_of(response))


# --- Real concurrency ---------------------------------------------------------------------------


@pytest.fixture
def shared_database(transactional_db, tmp_path):
    """A database that threads can share the way web workers do.

    PostgreSQL needs nothing. pytest-django's SQLite test database lives in memory with a
    shared cache, whose table locks fail at once ("database table is locked") instead of
    waiting like the file a site runs on: for these tests the data so far is copied into a
    file, with the project's SQLite options (WAL, IMMEDIATE transactions, busy timeout).
    """
    connection = connections["default"]
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    connection.ensure_connection()
    memory = connection.connection
    path = tmp_path / "shared.sqlite3"
    copy = sqlite3.connect(path)
    memory.backup(copy)
    copy.close()
    settings_dict = connection.settings_dict  # shared with the threads' connections
    name = settings_dict["NAME"]
    settings_dict["NAME"] = str(path)
    connection.connection = None
    try:
        yield
    finally:
        connections.close_all()
        settings_dict["NAME"] = name
        connection.connection = memory


def race(*jobs):
    """Run each job in its own thread and connection, released together; their outcomes."""
    barrier = threading.Barrier(len(jobs))
    outcomes = [None] * len(jobs)

    def run(index, job):
        try:
            prepared = job(None)  # read what the actor sees, before anyone writes
            barrier.wait(timeout=30)
            job(prepared)
            outcomes[index] = "saved"
        except EditConflict:
            outcomes[index] = "refused"
        except Exception as exc:  # noqa: BLE001 - reported by the test
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def two_step(read, write):
    """A job for race(): `read()` before the barrier, `write(what_was_read)` after it."""
    return lambda prepared: read() if prepared is None else write(prepared)


@pytest.mark.django_db(transaction=True)
def test_concurrent_edit_and_approve_never_lose_an_update(
    moderator, expert_user, expert, shared_database
):
    started = time.monotonic()
    saved_total = increments = 0
    for trial in range(TRIALS):
        answer = AnswerFactory(expert=expert, pending=True, body=f"Read by the moderator {trial}.")
        start_version = answer.version
        edit = f"Edited by the expert {trial}."

        def load(pk=answer.pk):
            return Answer.objects.get(pk=pk)

        outcomes = race(
            two_step(load, lambda seen, edit=edit: seen.revise(body=edit, by=expert_user)),
            two_step(load, lambda seen: seen.approve(by=moderator)),
        )

        assert all(o in {"saved", "refused"} for o in outcomes), outcomes
        edited, approved = (o == "saved" for o in outcomes)
        final = Answer.objects.get(pk=answer.pk)
        saved = edited + approved
        assert saved == 1, outcomes  # both read the same version: exactly one may win
        assert final.version - start_version == saved
        if edited:
            assert (final.status, final.body) == (Answer.Status.PENDING, edit)
            assert final.pending_revision().body == edit
        else:
            assert (final.status, final.body) == (Answer.Status.APPROVED, answer.body)
            assert final.pending_revision() is None
        saved_total += saved
        increments += final.version - start_version
    assert saved_total == increments == TRIALS
    assert time.monotonic() - started < 60


@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_of_one_row_never_lose_an_update(shared_database):
    topic = TopicFactory(description="Start.")
    started = time.monotonic()
    saved_total = 0
    for trial in range(TRIALS):
        start_version = Topic.objects.get(pk=topic.pk).version

        def editor_tab(text):
            def write(seen):
                seen.description = text
                seen.expected_version = seen.version
                seen.save()

            return two_step(lambda: Topic.objects.get(pk=topic.pk), write)

        texts = [f"Editor A, trial {trial}.", f"Editor B, trial {trial}."]
        outcomes = race(*(editor_tab(text) for text in texts))

        assert all(o in {"saved", "refused"} for o in outcomes), outcomes
        winners = [text for text, o in zip(texts, outcomes, strict=True) if o == "saved"]
        final = Topic.objects.get(pk=topic.pk)
        assert len(winners) == 1, outcomes
        assert final.description == winners[0]
        assert final.version == start_version + len(winners)
        saved_total += len(winners)
    assert Topic.objects.get(pk=topic.pk).version == 1 + saved_total
    assert time.monotonic() - started < 60


@pytest.mark.django_db(transaction=True)
def test_concurrent_bulk_approvals_are_applied_once(moderator, superuser, shared_database):
    clients = []
    for user in (moderator, superuser):
        client = Client()
        client.force_login(user)
        clients.append(client)
    trials = max(1, TRIALS // 4)
    started = time.monotonic()
    for _ in range(trials):
        answer = AnswerFactory(pending=True)

        def approve(prepared, client, answer=answer):
            if prepared is None:
                return True
            response = run_action(client, "healthqa.answer", "approve", [answer])
            assert response.status_code == 200

        outcomes = race(*(lambda p, c=client: approve(p, c) for client in clients))

        assert outcomes == ["saved", "saved"], outcomes
        final = Answer.objects.get(pk=answer.pk)
        approvals = ModerationEvent.objects.filter(object_id=answer.pk, action="approve")
        assert final.status == Answer.Status.APPROVED
        assert approvals.count() == 1
        assert final.version == answer.version + 1
    assert time.monotonic() - started < 60
