"""SPEC §5 as a permission matrix: every role against every admin page, admin action, review
page and public form, one test per cell.

The expected results below are written from the role table of SPEC §5 (Editors, Moderators,
Experts), not from the code under test. A superuser may do everything the admin offers, except
where the product says nobody may (records nobody edits, the single site-settings row). Where the
SPEC is silent, the row says what we decided, in a one-line comment.

A cell is "allowed" when the page opens (200, or a redirect to somewhere other than the login
page or the admin home) or, for a POST, when the change it asks for happened. It is "denied"
when the POST changed nothing and the answer was not an error; for GETs, a 403, 404 or 405, a
redirect to the login page (how the admin turns away people who are not staff), or the admin's
"does not exist" redirect to its home page (what it answers for a row outside the user's
queryset, the same as for a missing id). Anonymous visitors must be sent to the login page.
"""

import itertools
from dataclasses import dataclass
from datetime import timedelta
from html.parser import HTMLParser
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.db import transaction
from django.test import Client
from django.urls import resolve, reverse
from django.utils import timezone
from taggit.models import Tag

from healthqa import search
from healthqa.models import (
    AnswerRevision,
    ContentChange,
    ModerationEvent,
    PartnerKey,
    PreviewLink,
    PublisherPage,
    SearchDocument,
    SiteSettings,
    SlugRedirect,
)
from tests.factories import (
    AdPlacementFactory,
    AnswerFactory,
    ArticleFactory,
    AssignmentFactory,
    ExpertFactory,
    FlagFactory,
    QuestionFactory,
    TopicFactory,
    UserFactory,
    make_corrected_answer,
    make_public_question,
)

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "reader", "expert", "moderator", "editor", "superuser")
STAFF = "expert moderator editor superuser"
EVERYONE = " ".join(ROLES)
NOBODY = ""


# --- Reading a rendered admin form ------------------------------------------------------------


class FormInputs(HTMLParser):
    """The values a browser would post from the admin's change or add form, as rendered.

    Reads the HTML rather than the view's context so hidden fields added to the template
    (a version number for lost-update checks, say) are posted back as a browser would.
    """

    SKIPPED_TYPES = {"submit", "button", "reset", "image", "file"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.data = {}
        self.depth = 0
        self.in_form = False
        self.done = False
        self.select = None
        self.textarea = None

    def add(self, name, value):
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and not self.done and attrs.get("method", "").lower() == "post":
            self.in_form = (attrs.get("id") or "").endswith("_form")
            return
        if not self.in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type", "text") not in self.SKIPPED_TYPES:
            kind = attrs.get("type", "text")
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self.add(name, attrs.get("value", "on"))
            elif "disabled" not in attrs:
                self.add(name, attrs.get("value") or "")
        elif tag == "select" and name and "disabled" not in attrs:
            self.select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self.select and "selected" in attrs:
            self.add(self.select, attrs.get("value", ""))
        elif tag == "textarea" and name and "disabled" not in attrs:
            self.textarea = name
            self.add(name, "")

    def handle_endtag(self, tag):
        if tag == "form" and self.in_form:
            self.in_form, self.done = False, True
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.data[self.textarea][-1] += data


def rendered_form_data(response):
    """POST data for the admin form in `response`: one value per field, lists for multiples."""
    assert response.status_code == 200, f"the form page answered {response.status_code}"
    parser = FormInputs()
    parser.feed(response.content.decode())
    data = {}
    for name, values in parser.data.items():
        # Browsers drop the newline that follows <textarea>; the admin template writes one.
        values = [v[1:] if v.startswith("\n") else v for v in values]
        data[name] = values if len(values) != 1 else values[0]
    return data


# --- The world every cell runs against ---------------------------------------------------------


def make_users():
    """One user per role; the expert and a second expert have their own Expert profiles."""
    expert_user = UserFactory(username="expert", is_staff=True, groups=["Experts"])
    ExpertFactory(user=expert_user, name="Dr. Dana Expert")
    other_expert_user = UserFactory(username="other-expert", is_staff=True, groups=["Experts"])
    ExpertFactory(user=other_expert_user, name="Dr. Sam Other")
    return {
        "anonymous": None,
        "reader": UserFactory(username="reader"),
        "expert": expert_user,
        "other_expert": other_expert_user,
        "moderator": UserFactory(username="moderator", is_staff=True, groups=["Moderators"]),
        "editor": UserFactory(username="editor", is_staff=True, groups=["Editors"]),
        "superuser": UserFactory(username="admin", is_staff=True, is_superuser=True),
    }


def make_world(users):
    """One row of every model the admin shows; "own" rows belong to the `expert` role."""
    expert = users["expert"].expert_profile
    other_expert_user, superuser = users["other_expert"], users["superuser"]
    other_expert = other_expert_user.expert_profile
    topic = TopicFactory(name="Back Pain")
    own_assignment = AssignmentFactory(expert=expert, question__topic=topic)
    assigned = own_assignment.question
    unassigned = QuestionFactory(draft=True, topic=topic, title="Not for the expert")
    other_assignment = AssignmentFactory(expert=other_expert, question=unassigned)
    own_answer = AnswerFactory(expert=expert, question=assigned, draft=True, body="My draft.")
    other_answer = AnswerFactory(expert=other_expert, question=unassigned, pending=True)
    public_question = make_public_question(topic=topic, tags=["push-ups"])
    public_answer = public_question.answers.get()
    due_answer = AnswerFactory(
        question=public_question, reviewed_at=timezone.now() - timedelta(days=500)
    )
    if not SearchDocument.objects.exists():
        search.index_question(public_question)
    SlugRedirect.remember(public_question, old_slug="an-old-address")
    attempt = {"user_agent": "pytest", "ip_address": "10.0.0.9", "username": "mallory"}
    # A live answer with an edit waiting for review (approving it may mark a correction).
    revised_answer = make_public_question(topic=topic).answers.get()
    revised_answer.revise(body="A clearer, revised answer.", by=UserFactory(is_superuser=True))
    return SimpleNamespace(
        users=users,
        topic=topic,
        assigned=assigned,
        unassigned=unassigned,
        public_question=public_question,
        submission=QuestionFactory(submitted=True, title="Can I run with shin splints?"),
        own_answer=own_answer,
        other_answer=other_answer,
        public_answer=public_answer,
        due_answer=due_answer,
        revised_answer=revised_answer,
        correction=make_corrected_answer(topic=topic),
        publisher_page=PublisherPage.objects.create(slug="about", title="About", body="Us."),
        clinician=ExpertFactory(name="Dr. Clinician", is_clinician=True),
        verified_expert=ExpertFactory(
            name="Verified Person", verified=True, verified_at=timezone.now() - timedelta(days=400)
        ),
        own_revision=AnswerRevision.objects.create(
            answer=own_answer, body="Older draft.", created_by=expert.user, status="superseded"
        ),
        other_revision=AnswerRevision.objects.create(
            answer=other_answer, body="Older.", created_by=other_expert_user, status="superseded"
        ),
        event=ModerationEvent.record(other_answer, actor=superuser, action="submit"),
        own_assignment=own_assignment,
        other_assignment=other_assignment,
        flag=FlagFactory(answer=public_answer),
        settings=SiteSettings.load(),
        ad=AdPlacementFactory(),
        redirect=SlugRedirect.objects.get(old_slug="an-old-address"),
        preview_link=PreviewLink.share(unassigned, by=superuser, note="For Dr. Lee"),
        partner_key=PartnerKey.issue(name="City Health App", by=superuser)[0],
        search_document=SearchDocument.objects.first(),
        content_change=ContentChange.objects.first(),
        expert=ExpertFactory(name="Unverified Person", verified=False),
        article=ArticleFactory(topic=topic, title="Ease back pain"),
        draft_article=ArticleFactory(draft=True, topic=topic, title="Draft article"),
        tag=Tag.objects.get(name="push-ups"),
        user=users["reader"],
        group=Group.objects.get(name="Editors"),
        attempt=AccessAttempt.objects.create(
            **attempt,
            get_data="",
            post_data="",
            http_accept="*/*",
            path_info="/admin/login/",
            failures_since_start=1,
        ),  # fmt: skip
        access_log=AccessLog.objects.create(**attempt, http_accept="*/*", path_info="/"),
        failure_log=AccessFailureLog.objects.create(**attempt, http_accept="*/*", path_info="/"),
    )


@pytest.fixture(scope="module")
def shared(django_db_setup, django_db_blocker):
    """The users and rows, made once for the module's ~1,400 cells.

    Each test runs in a savepoint inside this transaction (pytest-django's `db`) and is rolled
    back, so every cell starts from the same rows; the whole transaction is rolled back at the
    end of the module.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        users = make_users()
        yield users, make_world(users)
        transaction.set_rollback(True)


@pytest.fixture
def users(db, shared):
    return shared[0]


@pytest.fixture
def world(db, shared):
    return shared[1]


# Rows a delete removes, made fresh so that nothing protects them.
SPARE_NUMBERS = itertools.count()
SPARES = {
    "healthqa.topic": lambda w: TopicFactory(),
    "healthqa.question": lambda w: make_public_question(topic=w.topic),
    "healthqa.answer": lambda w: AnswerFactory(
        expert=w.own_answer.expert, question=w.assigned, draft=True
    ),
    "healthqa.answerrevision": lambda w: AnswerRevision.objects.create(
        answer=w.own_answer, body="Spare.", created_by=w.users["expert"], status="superseded"
    ),
    "healthqa.moderationevent": lambda w: ModerationEvent.record(
        w.own_answer, actor=w.users["expert"], action="edit"
    ),
    "healthqa.assignment": lambda w: AssignmentFactory(expert=w.own_answer.expert),
    "healthqa.flag": lambda w: FlagFactory(answer=w.public_answer),
    "healthqa.sitesettings": lambda w: w.settings,
    "healthqa.adplacement": lambda w: AdPlacementFactory(),
    "healthqa.slugredirect": lambda w: SlugRedirect.objects.create(
        content_type=w.redirect.content_type,
        object_id=w.public_question.pk,
        old_slug=f"spare-{next(SPARE_NUMBERS)}",
    ),
    "healthqa.previewlink": lambda w: PreviewLink.share(w.unassigned, by=w.users["superuser"]),
    "healthqa.partnerkey": lambda w: PartnerKey.issue(name="Spare", by=w.users["superuser"])[0],
    "healthqa.searchdocument": lambda w: w.search_document,
    "healthqa.contentchange": lambda w: w.content_change,
    "healthqa.correction": lambda w: w.correction,
    "healthqa.publisherpage": lambda w: PublisherPage.objects.create(
        slug=next(
            slug
            for slug in PublisherPage.Kind.values
            if not PublisherPage.objects.filter(slug=slug).exists()
        ),
        title="Spare",
        body="Spare.",
    ),
    "experts.expert": lambda w: ExpertFactory(),
    "articles.article": lambda w: ArticleFactory(topic=w.topic),
    "taggit.tag": lambda w: Tag.objects.create(name=f"spare-{next(SPARE_NUMBERS)}"),
    "auth.user": lambda w: UserFactory(),
    "auth.group": lambda w: Group.objects.create(name=f"Spare {next(SPARE_NUMBERS)}"),
    "axes.accessattempt": lambda w: AccessAttempt.objects.create(
        user_agent="x",
        ip_address="10.0.0.8",
        username=f"eve-{next(SPARE_NUMBERS)}",
        get_data="",
        post_data="",
        http_accept="*/*",
        path_info="/",
        failures_since_start=1,
    ),  # fmt: skip
    "axes.accesslog": lambda w: AccessLog.objects.create(
        user_agent="x", ip_address="10.0.0.8", http_accept="*/*", path_info="/"
    ),
    "axes.accessfailurelog": lambda w: AccessFailureLog.objects.create(
        user_agent="x", ip_address="10.0.0.8", http_accept="*/*", path_info="/"
    ),
}


# --- Cells ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    name: str
    allowed: str  # the roles allowed, space-separated
    url: Any  # world -> address
    method: str = "GET"
    data: Any = None  # (world, superuser client) -> POST data
    state: Any = None  # world -> what the POST should change; judged by whether it changed
    ran: Any = None  # response -> whether it ran, for actions that change no row
    prepare: Any = None  # world -> None, run first (makes a spare row to delete)

    def expects(self, role):
        return "allowed" if role in self.allowed.split() else "denied"


def admin_url(label, view, *args):
    app_label, model_name = label.split(".")
    return reverse(f"admin:{app_label}_{model_name}_{view}", args=args)


def target_pk(world, attr):
    return getattr(world, attr).pk


def refreshed(attr, *fields):
    """A state reader: the object's `fields` now (or None once it is deleted)."""

    def read(world):
        obj = getattr(world, attr)
        row = type(obj)._default_manager.filter(pk=obj.pk).values(*fields).first()
        return row

    return read


# Model pages: label -> [(object in the world, {view: roles allowed})]. "history" defaults to
# "change". Every model registered on the admin site must have a row (see the coverage tests).
def pages(changelist, add, change, delete, history=None):
    return {
        "changelist": changelist,
        "add": add,
        "change": change,
        "delete": delete,
        "history": change if history is None else history,
    }


MODEL_PAGES = {
    "healthqa.topic": [("topic", pages("moderator editor superuser", "editor superuser",
                                       "moderator editor superuser", "superuser"))],
    # Experts read the questions assigned to them, not the others; editors archive rather
    # than delete (SPEC silent on deleting: we keep published URLs and their history).
    "healthqa.question": [
        ("assigned", pages(STAFF, "editor superuser", STAFF, "superuser")),
        ("unassigned", pages(STAFF, "editor superuser", "moderator editor superuser",
                             "superuser")),
    ],
    # Only experts write answers; nobody but a superuser deletes one ("no version is lost").
    "healthqa.answer": [
        ("own_answer", pages(STAFF, "expert superuser", STAFF, "superuser")),
        ("other_answer", pages(STAFF, "expert superuser", "moderator editor superuser",
                               "superuser")),
    ],
    # Revisions are records: read-only for everyone, experts see their own.
    "healthqa.answerrevision": [
        ("own_revision", pages(STAFF, NOBODY, STAFF, NOBODY)),
        ("other_revision", pages(STAFF, NOBODY, "moderator editor superuser", NOBODY)),
    ],
    # Moderation records are never deleted (SPEC §3); experts see their own history on the
    # answer page, not the site-wide log.
    "healthqa.moderationevent": [
        ("event", pages("moderator editor superuser", NOBODY, "moderator editor superuser",
                        NOBODY)),
    ],
    # Editors assign; experts see their own assignments; moderators read them.
    "healthqa.assignment": [
        ("own_assignment", pages(STAFF, "editor superuser", STAFF, "editor superuser")),
        ("other_assignment", pages(STAFF, "editor superuser", "moderator editor superuser",
                                   "editor superuser")),
    ],
    # Reports come from readers (nobody but a superuser files one in the admin); editors read
    # them, moderators resolve them, experts do not see them (SPEC silent).
    "healthqa.flag": [
        ("flag", pages("moderator editor superuser", "superuser",
                       "moderator editor superuser", "superuser")),
    ],
    # One row, made on first use: nobody adds a second or deletes it.
    "healthqa.sitesettings": [
        ("settings", pages("editor superuser", NOBODY, "editor superuser", NOBODY)),
    ],
    # Ad placements are part of site settings (SPEC §3): editors run them, removal included.
    "healthqa.adplacement": [
        ("ad", pages("editor superuser", "editor superuser", "editor superuser",
                     "editor superuser")),
    ],
    # Old addresses are kept by the models; editors may read and remove them (SPEC silent).
    "healthqa.slugredirect": [
        ("redirect", pages("editor superuser", NOBODY, "editor superuser",
                           "editor superuser")),
    ],
    # Links are made from the "Share a preview" page and revoked, never deleted (SPEC silent).
    "healthqa.previewlink": [
        ("preview_link", pages("editor superuser", NOBODY, "editor superuser", NOBODY)),
    ],
    # Editors issue, edit and revoke the API's partner keys (issue 16); nobody deletes one.
    "healthqa.partnerkey": [
        ("partner_key", pages("editor superuser", "editor superuser", "editor superuser",
                              NOBODY)),
    ],
    # The search index is internal, written by saves: only superusers look at it, and may drop
    # a row (rebuild_search_index writes it again), as deleting its question or article does.
    "healthqa.searchdocument": [
        ("search_document", pages("superuser", NOBODY, "superuser", "superuser")),
    ],
    # The page cache's change log is written by database triggers: superusers read it.
    "healthqa.contentchange": [
        ("content_change", pages("superuser", NOBODY, "superuser", NOBODY)),
    ],
    # Corrections are made by approving or saving, and never edited or deleted (issue 15);
    # staff who decide answers or edit articles read them.
    "healthqa.correction": [
        ("correction", pages("moderator editor superuser", NOBODY, "moderator editor superuser",
                             NOBODY)),
    ],
    # The publisher's pages are editors'; each address is linked from every page's footer, so
    # nobody deletes one.
    "healthqa.publisherpage": [
        ("publisher_page", pages("editor superuser", "editor superuser", "editor superuser",
                                 NOBODY)),
    ],
    # Moderators read experts but may not edit them; experts do not browse profiles in the
    # admin; editors deactivate rather than delete (SPEC silent on deleting).
    "experts.expert": [
        ("expert", pages("moderator editor superuser", "editor superuser",
                         "moderator editor superuser", "superuser")),
    ],
    "articles.article": [
        ("article", pages("moderator editor superuser", "editor superuser",
                          "moderator editor superuser", "superuser")),
    ],
    # Tags are editors' (SPEC §5); deleting one would untag content silently, so only a
    # superuser does (SPEC silent).
    "taggit.tag": [
        ("tag", pages("editor superuser", "editor superuser", "editor superuser",
                      "superuser")),
    ],
    # Accounts and groups are administered by superusers only (no role in SPEC §5).
    "auth.user": [("user", pages("superuser", "superuser", "superuser", "superuser"))],
    "auth.group": [("group", pages("superuser", "superuser", "superuser", "superuser"))],
    # The login guard's records: superusers read and clear them; nobody writes them by hand.
    "axes.accessattempt": [("attempt", pages("superuser", NOBODY, "superuser", "superuser"))],
    "axes.accesslog": [("access_log", pages("superuser", NOBODY, "superuser", "superuser"))],
    "axes.accessfailurelog": [
        ("failure_log", pages("superuser", NOBODY, "superuser", "superuser")),
    ],
}  # fmt: skip

HISTORY_ADMINS = {"healthqa.topic", "healthqa.question", "healthqa.answer", "experts.expert",
                  "articles.article", "healthqa.publisherpage"}  # fmt: skip


def make_spare(label):
    def prepare(world):
        world.spare = SPARES[label](world)

    return prepare


def page_of(label, view, attr=None):
    """world -> the admin address of `view` for `label` (of the world's `attr` row, if any)."""

    def url(world):
        return admin_url(label, view, *([target_pk(world, attr)] if attr else []))

    return url


def version_page_of(label, attr):
    """world -> the page of the latest history version of the world's `attr` row."""

    def url(world):
        obj = getattr(world, attr)
        name = f"admin:{label.replace('.', '_')}_simple_history"
        return reverse(name, args=(obj.pk, obj.history.first().history_id))

    return url


def model_page_cells():
    cells = []
    for label, rows in MODEL_PAGES.items():
        first = rows[0][0]
        for attr, views in rows:
            for view, allowed in views.items():
                if view in {"changelist", "add"}:
                    if attr == first:
                        cells.append(Cell(f"{label} {view}", allowed, page_of(label, view)))
                    continue
                cells.append(Cell(f"{label} {view} [{attr}]", allowed, page_of(label, view, attr)))
                if view == "delete" and attr == first:
                    cells.append(
                        Cell(
                            f"{label} delete POST [spare]",
                            allowed,
                            page_of(label, "delete", "spare"),
                            method="POST",
                            data=lambda w, su: {"post": "yes"},
                            state=refreshed("spare", "pk"),
                            prepare=make_spare(label),
                        )
                    )
                if view == "change" and label in HISTORY_ADMINS:
                    # The "someone else is editing this" heartbeat: whoever may open the page.
                    cells.append(
                        Cell(
                            f"{label} editing POST [{attr}]",
                            allowed,
                            page_of(label, "editing", attr),
                            method="POST",
                            data=lambda w, su: {"version": ""},
                            ran=lambda response: response.status_code == 200,
                        )
                    )
                if view == "history" and label in HISTORY_ADMINS:
                    cells.append(
                        Cell(
                            f"{label} history version [{attr}]",
                            allowed,
                            version_page_of(label, attr),
                        )
                    )
    return cells


# Change form POSTs: the superuser's rendered form with one field changed, posted by the role.
# (label, object, field, new value, roles allowed)
CHANGE_POSTS = [
    ("healthqa.topic", "topic", "name", "Renamed topic", "editor superuser"),
    # Moderators triage and may correct a question's text (not in their SPEC "may not" list).
    ("healthqa.question", "assigned", "title", "Retitled question", "moderator editor superuser"),
    # Only the answering expert writes an answer's text (a superuser may stand in).
    ("healthqa.answer", "own_answer", "body", "Rewritten answer.", "expert superuser"),
    ("healthqa.answer", "other_answer", "body", "Rewritten answer.", "superuser"),
    ("healthqa.assignment", "own_assignment", "note", "Rewritten note", "editor superuser"),
    # Moderators record how they resolved a report.
    ("healthqa.flag", "flag", "resolution_note", "Handled", "moderator superuser"),
    ("healthqa.sitesettings", "settings", "tagline", "New tagline", "editor superuser"),
    ("healthqa.adplacement", "ad", "name", "Renamed ad", "editor superuser"),
    ("healthqa.previewlink", "preview_link", "note", "For Dr. Kay", "editor superuser"),
    ("healthqa.partnerkey", "partner_key", "note", "Syncs nightly", "editor superuser"),
    ("healthqa.publisherpage", "publisher_page", "title", "About HealthQA", "editor superuser"),
    ("experts.expert", "expert", "name", "Renamed expert", "editor superuser"),
    ("articles.article", "article", "title", "Retitled article", "editor superuser"),
    ("taggit.tag", "tag", "name", "renamed-tag", "editor superuser"),
    ("auth.user", "user", "first_name", "Renamed", "superuser"),
    ("auth.group", "group", "name", "Renamed group", "superuser"),
]


def change_post_cells():
    cells = []
    for label, attr, name, value, allowed in CHANGE_POSTS:

        def url(w, label=label, attr=attr):
            return admin_url(label, "change", target_pk(w, attr))

        def data(w, su, url=url, name=name, value=value):
            posted = rendered_form_data(su.get(url(w)))
            posted[name] = value
            return posted

        cells.append(
            Cell(
                f"{label} change POST [{attr}] {name}",
                allowed,
                url,
                method="POST",
                data=data,
                state=refreshed(attr, name),
            )
        )
    return cells


# Admin actions: (label, action, object it is tried on, extra POST data, roles allowed).
# delete_selected is tried on every model with the roles of its delete page.
ACTIONS = [
    ("healthqa.question", "publish", "unassigned", {}, "editor superuser"),
    ("healthqa.question", "archive", "public_question", {}, "editor superuser"),
    ("healthqa.question", "accept_submission", "submission", {}, "moderator editor superuser"),
    ("healthqa.question", "reject_submission", "submission", {}, "moderator editor superuser"),
    # Readers ask those who triage their submissions to erase their details (privacy notice).
    ("healthqa.question", "erase_reader_details", "submission", {}, "moderator editor superuser"),
    # The author submits (a superuser may stand in); nobody submits another expert's answer.
    ("healthqa.answer", "submit_for_review", "own_answer", {}, "expert superuser"),
    ("healthqa.answer", "approve", "other_answer", {}, "moderator superuser"),
    ("healthqa.answer", "request_changes", "other_answer", {"post": "yes", "note": "Cite."},
     "moderator superuser"),
    ("healthqa.answer", "reject", "other_answer", {"post": "yes", "note": "Off topic."},
     "moderator superuser"),
    # Editors assign questions, so they also withdraw (decline) an open assignment.
    ("healthqa.assignment", "decline", "own_assignment", {}, "editor superuser"),
    ("healthqa.flag", "dismiss", "flag", {}, "moderator superuser"),
    ("healthqa.flag", "mark_actioned", "flag", {}, "moderator superuser"),
    ("healthqa.previewlink", "revoke", "preview_link", {}, "editor superuser"),
    ("healthqa.partnerkey", "revoke", "partner_key", {}, "editor superuser"),
    # Verifying an expert is part of editing experts.
    ("experts.expert", "mark_verified", "expert", {}, "editor superuser"),
    ("experts.expert", "reverify", "verified_expert", {}, "editor superuser"),
    ("articles.article", "publish", "draft_article", {}, "editor superuser"),
    ("articles.article", "archive", "article", {}, "editor superuser"),
    # Merging tags is curating them; the action only opens the merge page.
    ("taggit.tag", "render_tag_form", "tag", {}, "editor superuser"),
    ("axes.accessattempt", "cleanup_expired_attempts", "attempt", {}, "superuser"),
]  # fmt: skip

ACTION_STATE = {
    "publish": ("status",),
    "archive": ("status",),
    "accept_submission": ("status",),
    "reject_submission": ("status",),
    "submit_for_review": ("status",),
    "approve": ("status",),
    "request_changes": ("status",),
    "reject": ("status",),
    "dismiss": ("status",),
    "mark_actioned": ("status",),
    "decline": ("status",),
    "revoke": ("revoked_at",),
    "mark_verified": ("verified",),
    "reverify": ("verified_at",),
    "erase_reader_details": ("submitted_by_email",),
    "delete_selected": ("pk",),
}


def action_outcome_by_response(action):
    """For actions that change nothing in the database: the response tells whether it ran."""

    def judge(response):
        if action == "render_tag_form":
            return response.status_code == 302 and response["Location"].endswith("merge-tags/")
        return any("Cleaned up" in str(m) for m in get_messages(response.wsgi_request))

    return judge


def action_cells():
    cells = []
    rows = list(ACTIONS)
    for label, views in MODEL_PAGES.items():
        rows.append((label, "delete_selected", "spare", {"post": "yes"}, views[0][1]["delete"]))
    for label, action, attr, extra, allowed in rows:

        def data(w, su, action=action, attr=attr, extra=extra):
            return {"action": action, ACTION_CHECKBOX_NAME: [target_pk(w, attr)], **extra}

        state = refreshed(attr, *ACTION_STATE[action]) if action in ACTION_STATE else None
        cells.append(
            Cell(
                f"{label} action {action} [{attr}]",
                allowed,
                page_of(label, "changelist"),
                method="POST",
                data=data,
                state=state,
                ran=None if state else action_outcome_by_response(action),
                prepare=make_spare(label) if attr == "spare" else None,
            )
        )
    return cells


def live_preview_cells():
    """The live preview beside a change form renders a POST and changes nothing: it ran when
    it answered with the page (200) or the form's errors (422)."""

    def cell(name, allowed, label, view, attr, data):
        return Cell(
            f"live preview {name}",
            allowed,
            page_of(label, view, attr),
            method="POST",
            data=lambda w, su: data,
            ran=lambda response: response.status_code in {200, 422},
        )

    return [
        cell("question", "moderator editor superuser", "healthqa.question", "live_preview",
             "unassigned", {"title": "Previewed"}),
        cell("new question", "editor superuser", "healthqa.question", "add_live_preview",
             None, {"title": "Previewed"}),
        cell("own answer", "expert superuser", "healthqa.answer", "live_preview",
             "own_answer", {"body": "Previewed"}),
        cell("other answer", "superuser", "healthqa.answer", "live_preview",
             "other_answer", {"body": "Previewed"}),
        cell("new answer", "expert superuser", "healthqa.answer", "add_live_preview",
             None, {"body": "Previewed"}),
        cell("article", "editor superuser", "articles.article", "live_preview",
             "draft_article", {"title": "Previewed"}),
        cell("new article", "editor superuser", "articles.article", "add_live_preview",
             None, {"title": "Previewed"}),
    ]  # fmt: skip


def review_page_cells():
    def named(name, *args):
        return lambda w: reverse(f"admin:{name}", args=[a(w) for a in args])

    def pk(attr):
        return lambda w: target_pk(w, attr)

    def preview_links_of(label, attr):
        return lambda w: admin_url(label, "preview_links", target_pk(w, attr))

    return [
        Cell("admin index", STAFF, named("index")),
        # The app pages list what each role may read.
        Cell("admin app healthqa", STAFF, lambda w: "/admin/healthqa/"),
        Cell("admin app articles", "moderator editor superuser", lambda w: "/admin/articles/"),
        Cell("admin app experts", "moderator editor superuser", lambda w: "/admin/experts/"),
        Cell("admin app taggit", "editor superuser", lambda w: "/admin/taggit/"),
        Cell("admin app auth", "superuser", lambda w: "/admin/auth/"),
        Cell("admin app axes", "superuser", lambda w: "/admin/axes/"),
        Cell("moderation queue", "moderator superuser", named("moderation_queue")),
        Cell(
            "moderation decide POST approve",
            "moderator superuser",
            named("moderation_decide"),
            method="POST",
            data=lambda w, su: {"answer": w.other_answer.pk, "decision": "approve"},
            state=refreshed("other_answer", "status"),
        ),
        Cell("flags queue", "moderator superuser", named("moderation_flags")),
        Cell(
            "flags queue POST dismiss",
            "moderator superuser",
            named("moderation_flag_decide", pk("flag")),
            method="POST",
            data=lambda w, su: {"decision": "dismiss", "note": "Not wrong."},
            state=refreshed("flag", "status"),
        ),
        Cell("submissions", "moderator editor superuser", named("moderation_submissions")),
        Cell(
            "triage",
            "moderator editor superuser",
            named("moderation_triage", pk("submission")),
        ),
        Cell(
            "triage POST accept",
            "moderator editor superuser",
            named("moderation_triage", pk("submission")),
            method="POST",
            data=lambda w, su: {"decision": "accept", "accept-title": w.submission.title},
            state=refreshed("submission", "status"),
        ),
        # Answers are due for moderators, articles for editors: both read the report.
        Cell("review due", "moderator editor superuser", named("moderation_review_due")),
        Cell(
            "review due POST confirm",
            "moderator superuser",
            named("moderation_review_confirm", pk("due_answer")),
            method="POST",
            data=lambda w, su: {"note": "Still right."},
            state=refreshed("due_answer", "reviewed_at"),
        ),
        Cell(
            "moderation decide POST approve as a correction",
            "moderator superuser",
            named("moderation_decide"),
            method="POST",
            data=lambda w, su: {
                "answer": w.revised_answer.pk,
                "decision": "approve",
                "is_correction": "on",
                "correction_note": "The dose was wrong.",
            },
            state=lambda w: w.revised_answer.corrections.count(),
        ),
        Cell(
            "article change POST marked as a correction",
            "editor superuser",
            lambda w: admin_url("articles.article", "change", w.article.pk),
            method="POST",
            data=lambda w, su: {
                **rendered_form_data(su.get(admin_url("articles.article", "change", w.article.pk))),
                "is_correction": "on",
                "correction_note": "The figure was wrong.",
            },
            state=lambda w: w.article.corrections.count(),
        ),
        # Editors name an answer's medical reviewer (a clinician); moderators approve instead.
        Cell(
            "answer medical review page",
            "editor superuser",
            lambda w: admin_url("healthqa.answer", "medical_review", w.public_answer.pk),
        ),
        Cell(
            "answer medical review POST",
            "editor superuser",
            lambda w: admin_url("healthqa.answer", "medical_review", w.public_answer.pk),
            method="POST",
            data=lambda w, su: {
                "reviewer": w.clinician.pk,
                "reviewed_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
                "version": type(w.public_answer).objects.get(pk=w.public_answer.pk).version,
            },
            state=refreshed("public_answer", "medical_reviewer"),
        ),
        # Cited addresses the link checker found broken: for those who fix pages.
        Cell("sources to fix", "moderator editor superuser", named("moderation_sources_to_fix")),
        *live_preview_cells(),
        Cell(
            "question preview links",
            "editor superuser",
            preview_links_of("healthqa.question", "unassigned"),
        ),
        Cell(
            "question preview links POST",
            "editor superuser",
            preview_links_of("healthqa.question", "unassigned"),
            method="POST",
            data=lambda w, su: {"days": "7", "note": "For Dr. Kay"},
            state=lambda w: PreviewLink.objects.count(),
        ),
        Cell(
            "article preview links",
            "editor superuser",
            preview_links_of("articles.article", "draft_article"),
        ),
        Cell(
            "preview link revoke POST",
            "editor superuser",
            lambda w: admin_url("healthqa.previewlink", "revoke", w.preview_link.pk),
            method="POST",
            data=lambda w, su: {},
            state=refreshed("preview_link", "revoked_at"),
        ),
        Cell(
            "partner key issue POST",
            "editor superuser",
            lambda w: admin_url("healthqa.partnerkey", "add"),
            method="POST",
            data=lambda w, su: {"name": "New partner", "rate_limit": "100"},
            state=lambda w: PartnerKey.objects.count(),
        ),
        Cell(
            "partner key revoke page",
            "editor superuser",
            lambda w: admin_url("healthqa.partnerkey", "revoke", w.partner_key.pk),
        ),
        Cell(
            "partner key revoke POST",
            "editor superuser",
            lambda w: admin_url("healthqa.partnerkey", "revoke", w.partner_key.pk),
            method="POST",
            data=lambda w, su: {"note": "Partner closed"},
            state=refreshed("partner_key", "revoked_at"),
        ),
        Cell(
            "partner key history version",
            "editor superuser",
            version_page_of("healthqa.partnerkey", "partner_key"),
        ),
        Cell("tag merge page", "editor superuser", lambda w: admin_url("taggit.tag", "merge_tags")),
        Cell(
            "user password page",
            "superuser",
            lambda w: reverse("admin:auth_user_password_change", args=[w.user.pk]),
        ),
        # Autocomplete lists only what the role may read: questions, for those who list them.
        Cell(
            "autocomplete question for answer",
            STAFF,
            lambda w: (
                reverse("admin:autocomplete")
                + "?app_label=healthqa&model_name=answer&field_name=question&term="
            ),
        ),
    ]


def public_cells():
    def public(name, *args):
        return lambda w: reverse(name, args=[a(w) for a in args])

    return [
        Cell("home", EVERYONE, public("healthqa:home")),
        Cell(
            "question page",
            EVERYONE,
            lambda w: w.public_question.get_absolute_url(),
        ),
        # Draft previews: staff who may edit questions (SPEC §3 "staff with the right
        # permission"); experts read assigned drafts in the admin, not on the site.
        Cell(
            "draft question preview",
            "moderator editor superuser",
            lambda w: w.unassigned.get_absolute_url(),
        ),
        # Moderators do not work on articles, so they do not preview them (SPEC silent).
        Cell(
            "draft article preview",
            "editor superuser",
            lambda w: w.draft_article.get_absolute_url(),
        ),
        Cell("signed preview link", EVERYONE, lambda w: w.preview_link.get_absolute_url()),
        Cell("search", EVERYONE, lambda w: reverse("healthqa:search") + "?q=back"),
        Cell("search suggest", EVERYONE, lambda w: reverse("healthqa:search_suggest") + "?q=back"),
        Cell(
            "ask POST",
            EVERYONE,
            public("healthqa:ask"),
            method="POST",
            data=lambda w, su: {"title": "Is it safe to run every day?", "details": "Knees."},
            state=lambda w: w.submission.__class__.objects.filter(status="submitted").count(),
        ),
        Cell(
            "report POST",
            EVERYONE,
            public("healthqa:answer_report", lambda w: w.public_answer.pk),
            method="POST",
            data=lambda w, su: {"reason": "inaccurate", "details": "Outdated."},
            state=lambda w: w.flag.__class__.objects.count(),
        ),
        Cell(
            "helpful POST",
            EVERYONE,
            public("healthqa:answer_helpful", lambda w: w.public_answer.pk),
            method="POST",
            data=lambda w, su: {"vote": "yes"},
            state=refreshed("public_answer", "helpful_yes"),
        ),
        # Readers act only on what they can read: not on a draft, whoever they are.
        Cell(
            "helpful POST on a draft answer",
            NOBODY,
            public("healthqa:answer_helpful", lambda w: w.own_answer.pk),
            method="POST",
            data=lambda w, su: {"vote": "yes"},
            state=refreshed("own_answer", "helpful_yes"),
        ),
        Cell(
            "report POST on a draft answer",
            NOBODY,
            public("healthqa:answer_report", lambda w: w.own_answer.pk),
            method="POST",
            data=lambda w, su: {"reason": "spam", "details": "x"},
            state=lambda w: w.flag.__class__.objects.count(),
        ),
    ]


CELLS = model_page_cells() + change_post_cells() + action_cells() + review_page_cells()
CELLS += public_cells()

# Known bugs, (cell name, role) -> reason: each is xfail(strict=True) until the code is fixed.
KNOWN_BUGS = {}


def parametrized_cells():
    params = []
    for cell in CELLS:
        for role in ROLES:
            reason = KNOWN_BUGS.get((cell.name, role))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            params.append(pytest.param(cell, role, id=f"{cell.name} | {role}", marks=marks))
    return params


# --- Running a cell ------------------------------------------------------------------------------


def signed_in(user):
    """A client for `user` (None: anonymous) that reports a server error as its 500 answer."""
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def login_redirect(response):
    if response.status_code not in {301, 302}:
        return False
    return urlsplit(response["Location"]).path == reverse("admin:login")


def page_outcome(response):
    status = response.status_code
    if status in {200}:
        return "allowed"
    if status in {403, 404, 405}:
        return "denied"
    if status in {301, 302}:
        location = urlsplit(response["Location"]).path
        if login_redirect(response) or location == reverse("admin:index"):
            return "denied"
        return "allowed"
    return f"HTTP {status}"


def run_cell(cell, role, users, world):
    if cell.prepare:
        cell.prepare(world)
    superuser_client = signed_in(users["superuser"])
    client = signed_in(users[role])
    url = cell.url(world)
    if cell.method == "GET":
        response = client.get(url)
        got = page_outcome(response)
    else:
        data = cell.data(world, superuser_client)
        before = cell.state(world) if cell.state else None
        response = client.post(url, data)
        if response.status_code >= 500:
            got = f"HTTP {response.status_code}"
        elif cell.ran:
            got = "allowed" if cell.ran(response) else "denied"
        else:
            got = "allowed" if cell.state(world) != before else "denied"
    if (
        role == "anonymous"
        and got == "denied"
        and url.startswith("/admin/")
        and not login_redirect(response)
    ):
        got = f"denied without the login redirect (HTTP {response.status_code})"
    return url, response, got


def describe(response):
    where = f" -> {response['Location']}" if response.has_header("Location") else ""
    return f"HTTP {response.status_code}{where}"


@pytest.mark.parametrize("cell, role", parametrized_cells())
def test_role_gets_what_spec_section_5_says(cell, role, users, world):
    url, response, got = run_cell(cell, role, users, world)
    expected = cell.expects(role)
    assert got == expected, (
        f"MISMATCH role={role} {cell.method} {url} [{cell.name}]: expected {expected}, "
        f"got {got} ({describe(response)})"
    )


def registered_admins():
    """{model: its ModelAdmin} for every model registered on the admin site (public API)."""
    return {
        model: admin.site.get_model_admin(model)
        for model in apps.get_models(include_auto_created=True)
        if admin.site.is_registered(model)
    }


# --- The matrix covers the whole admin ---------------------------------------------------------


def test_every_registered_admin_has_a_row():
    registered = {model._meta.label_lower for model in registered_admins()}
    assert registered == set(MODEL_PAGES), (
        f"missing rows: {sorted(registered - set(MODEL_PAGES))}; "
        f"rows for unregistered models: {sorted(set(MODEL_PAGES) - registered)}"
    )


def test_every_admin_action_has_a_row(rf, users):
    request = rf.get("/admin/")
    request.user = users["superuser"]
    covered = {(cell.name.split(" action ")[0], cell.name.split(" action ")[1].split(" [")[0])
               for cell in CELLS if " action " in cell.name}  # fmt: skip
    offered = {
        (model._meta.label_lower, name)
        for model, model_admin in registered_admins().items()
        for name in model_admin.get_actions(request)
    }
    assert offered <= covered, f"actions without a row: {sorted(offered - covered)}"


# Admin pages every signed-in staff member has, whatever their role.
NOT_ROLE_PAGES = {
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "jsi18n",
    "view_on_site",
    "app_list",
}


def test_every_named_admin_url_has_a_cell(users, world):
    named = {
        pattern.name
        for pattern in admin.site.get_urls()
        if getattr(pattern, "name", None) and pattern.name not in NOT_ROLE_PAGES
    }
    for model_admin in registered_admins().values():
        named |= {p.name for p in model_admin.urls if getattr(p, "name", None)}
    covered = set()
    for cell in CELLS:
        if cell.prepare:
            cell.prepare(world)
        covered.add(resolve(urlsplit(cell.url(world)).path).url_name)
    assert named - covered == set(), f"admin URLs without a cell: {sorted(named - covered)}"
