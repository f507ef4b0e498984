"""The demo site (`manage.py load_demo`): the reference page of the spec and a site around it.

Idempotent. Rows are keyed on slug or username: content fields are restored on every run (a row
is saved only when something differs, so re-runs add no history records), but workflow state
(statuses, publication dates, verification, reviews) is set only when a row is first created,
through the model methods that write the audit trail, so a later run never undoes an editor's or
a moderator's decision.
"""

import os
import secrets
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Source
from experts.models import Expert
from healthqa import search
from healthqa.demo import content
from healthqa.demo.pages import load_publisher_pages
from healthqa.demo.pictures import ad_image, avatar_image, landscape_image, save_image
from healthqa.models import (
    AdPlacement,
    Answer,
    Assignment,
    ContinueLearningPick,
    Flag,
    Question,
    SiteSettings,
    Topic,
)


class DemoLoader:
    def __init__(self):
        # Whole seconds, as the admin forms store them (see `whole_seconds`).
        self.now = timezone.now().replace(microsecond=0)
        self.messages = []
        self.counts = {}

    def run(self):
        self.users = self.load_users()
        self.topics = self.load_topics()
        self.experts = self.load_experts()
        self.articles = self.load_articles()
        self.questions = self.load_questions()
        self.load_workflow_extras()
        self.load_site_settings()
        self.load_ad()
        self.counts["publisher pages"] = load_publisher_pages()
        # Saves keep the index current; a rebuild also covers a database indexed before.
        search.rebuild()

    # -- people -------------------------------------------------------------------------------

    def load_users(self):
        """Demo users per role. Passwords: DEMO_PASSWORD, else a new random one for new users."""
        env_password = os.environ.get("DEMO_PASSWORD") or ""
        new_password = env_password or secrets.token_urlsafe(12)
        hashed = None
        self.groups = {group.name: group for group in Group.objects.all()}
        missing = {spec["group"] for spec in content.DEMO_USERS} - set(self.groups)
        if missing:
            raise CommandError(
                f"The groups {', '.join(sorted(missing))} are missing; run `manage.py migrate`."
            )
        users, created_names = {}, []
        for spec in content.DEMO_USERS:
            user, created = upsert(
                get_user_model(),
                {"username": spec["username"]},
                {
                    "first_name": spec["first_name"],
                    "last_name": spec["last_name"],
                    "email": spec["email"],
                    "is_staff": True,
                    "is_active": True,
                },
            )
            if created or env_password:
                # Hashing is slow on purpose: do it once for all the demo users.
                hashed = hashed or make_password(new_password)
                user.password = hashed
                user.save(update_fields=["password"])
            if created:
                created_names.append(user.username)
            user.groups.add(self.groups[spec["group"]])
            users[user.username] = user

        all_names = ", ".join(users)
        if env_password:
            self.messages.append(f"Demo users {all_names} — password set from DEMO_PASSWORD.")
        elif created_names:
            self.messages.append(
                f"Demo users {', '.join(created_names)} — password: {new_password}"
            )
            kept = [name for name in users if name not in created_names]
            if kept:
                self.messages.append(f"Demo users {', '.join(kept)} kept their existing passwords.")
        else:
            self.messages.append(f"Demo users {all_names} kept their existing passwords.")
        self.counts["demo users"] = len(users)
        return users

    def load_topics(self):
        topics = {}
        for spec in content.TOPICS:
            topics[spec["slug"]], _ = upsert(
                Topic,
                {"slug": spec["slug"]},
                {
                    "name": spec["name"],
                    "description": spec["description"],
                    "parent": topics[spec["parent"]] if spec.get("parent") else None,
                    "is_demo": True,
                },
            )
        self.counts["topics"] = len(topics)
        return topics

    def load_experts(self):
        experts = {}
        for spec in content.EXPERTS:
            values = {
                "name": spec["name"],
                "kind": spec["kind"],
                "credentials": spec["credentials"],
                "headline": spec["headline"],
                "bio": spec["bio"],
                "website": spec.get("website", ""),
                "is_clinician": spec.get("is_clinician", False),
                "user": self.users[spec["user"]] if spec.get("user") else self.author_account(spec),
                "is_demo": spec.get("is_demo", True),
            }
            expert, _ = upsert(
                Expert,
                {"slug": spec["slug"]},
                values,
                {
                    "verified": True,
                    "verified_by": self.users["editor"],
                    "is_active": True,
                },
            )
            expert.specialties.set([self.topics[slug] for slug in spec["specialties"]])
            if not has_file(expert.photo):
                image = avatar_image(
                    spec["monogram"], spec["palette"], organization=expert.is_organization
                )
                save_image(expert.photo, f"{expert.slug}.png", image)
            experts[spec["slug"]] = expert
        self.counts["experts"] = len(experts)
        return experts

    def author_account(self, spec):
        """An account nobody can sign in with, so that the expert can submit answers as themselves.

        Answers are only ever submitted by their own expert; an editor may later give the account
        a password.
        """
        first_name, _, last_name = spec["name"].partition(" ")
        if spec["kind"] == Expert.Kind.ORGANIZATION:
            first_name, last_name = spec["name"], ""
        user, created = upsert(
            get_user_model(),
            {"username": f"demo-{spec['slug']}"},
            {
                "first_name": first_name[:150],
                "last_name": last_name[:150],
                "email": f"{spec['slug']}@example.com",
                "is_active": True,
            },
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        user.groups.add(self.groups["Experts"])
        return user

    # -- articles -----------------------------------------------------------------------------

    def load_articles(self):
        articles = {}
        for spec in content.ARTICLES:
            author = self.experts[spec["author"]]
            values = {
                "title": spec["title"],
                "excerpt": spec["excerpt"],
                "body": spec["body"],
                "image_alt": content.landscape_alt(spec["palette"]),
                "topic": self.topics[spec["topic"]],
                "author": author,
                "is_demo": True,
            }
            if "scheduled_in_days" in spec:
                published_at = self.now + timedelta(days=spec["scheduled_in_days"])
            else:
                published_at = self.now - timedelta(days=spec["days_ago"])
            # A clinician other than the author checked the medical content of some articles.
            reviewer = self.experts.get(spec.get("medical_reviewer"))
            reviewed_at = published_at - timedelta(days=2) if reviewer else None
            article, _ = upsert(
                Article,
                {"slug": spec["slug"]},
                values,
                {
                    "status": Article.Status.PUBLISHED,
                    "published_at": published_at,
                    "reviewed_at": reviewed_at,
                    "reviewed_by": reviewer,
                },
            )
            article.tags.set(spec["tags"])
            for position, source in enumerate(spec["sources"]):
                upsert(Source, {"article": article, "position": position}, source)
            if not has_file(article.image):
                image = landscape_image(spec["palette"], seed=article.slug)
                save_image(article.image, f"{article.slug}.jpg", image)
            articles[spec["slug"]] = article
        self.counts["articles"] = len(articles)
        return articles

    # -- questions and answers ----------------------------------------------------------------

    def load_questions(self):
        questions, answer_count = {}, 0
        for spec in content.QUESTIONS:
            question = self.load_question(spec)
            for position, answer_spec in enumerate(spec["answers"]):
                self.load_answer(question, answer_spec, position)
            answer_count += len(spec["answers"])
            for position, slug in enumerate(spec.get("picks", [])):
                upsert(
                    ContinueLearningPick,
                    {"question": question, "article": self.articles[slug]},
                    {"position": position},
                )
            questions[spec["slug"]] = question
        self.counts["questions"] = len(questions)
        self.counts["answers"] = answer_count
        return questions

    def load_question(self, spec):
        values = {
            "title": spec["title"],
            "details": spec.get("details", ""),
            "topic": self.topics[spec["topic"]] if spec["topic"] else None,
            "featured": spec.get("featured", False),
            "submitted_by_name": spec.get("submitted_by_name", ""),
            "submitted_by_email": spec.get("submitted_by_email", ""),
            "is_demo": spec.get("is_demo", True),
        }
        # A question to publish starts as a draft dated in the past, then goes through publish().
        publish = spec["status"] == Question.Status.PUBLISHED
        question, created = upsert(
            Question,
            {"slug": spec["slug"]},
            values,
            {
                "status": Question.Status.DRAFT if publish else spec["status"],
                "published_at": self.now - timedelta(days=spec["days_ago"]) if publish else None,
            },
        )
        question.tags.set(spec["tags"])
        if created and publish:
            question.publish(by=self.users["editor"])
        return question

    def load_answer(self, question, spec, position):
        expert = self.experts[spec["expert"]]
        values = {"position": position, "is_demo": spec.get("is_demo", True)}
        answer, created = upsert(
            Answer, {"question": question, "expert": expert}, values, {"body": spec["body"]}
        )
        if not created:
            return
        for number, source in enumerate(spec.get("sources", [])):
            accessed = source.get("accessed_on")
            answer.sources.create(
                **{**source, "accessed_on": date.fromisoformat(accessed) if accessed else None},
                position=number,
            )
        if "first_body_error" in spec:
            # Approved first with a mistake, which a reviewed revision then corrects.
            right, wrong = spec["first_body_error"]
            answer.body = spec["body"].replace(right, wrong)
            answer.save(update_fields=["body"])
        answer.submit(by=expert.user)
        if spec["status"] == Answer.Status.APPROVED:
            answer.approve(by=self.users["moderator"])
        if "correction" in spec:
            answer.revise(body=spec["body"], by=expert.user)
            answer.approve(by=self.users["moderator"], correction=spec["correction"])

    def load_workflow_extras(self):
        for spec in content.ASSIGNMENTS:
            question, expert = self.questions[spec["question"]], self.experts[spec["expert"]]
            # Any earlier assignment, even one the expert declined, counts as already made.
            if not Assignment.objects.filter(question=question, expert=expert).exists():
                Assignment.objects.create(
                    question=question,
                    expert=expert,
                    assigned_by=self.users["editor"],
                    due_at=self.now + timedelta(days=spec["due_in_days"]),
                    note=spec["note"],
                )
        for spec in content.FLAGS:
            answer = Answer.objects.get(
                question=self.questions[spec["question"]], expert=self.experts[spec["expert"]]
            )
            Flag.objects.get_or_create(
                answer=answer, reason=spec["reason"], details=spec["details"]
            )

    # -- site -------------------------------------------------------------------------------

    def load_site_settings(self):
        """Create the settings row if missing; an editor's changes survive later runs."""
        SiteSettings.objects.get_or_create(pk=1, defaults={"disclaimer": content.SEED_DISCLAIMER})

    def load_ad(self):
        spec = content.AD_PLACEMENT
        values = {
            "slot": spec["slot"],
            "image_alt": spec["image_alt"],
            "link": reverse("articles:list"),
        }
        ad, _ = upsert(AdPlacement, {"name": spec["name"]}, values, {"is_active": True})
        if not has_file(ad.image):
            save_image(ad.image, "house-ad-articles.png", ad_image(spec["palette"]))
        self.counts["house ad"] = 1


def upsert(model, lookup, values, create_only=None):
    """Like update_or_create(), but an existing row is saved only when one of `values` differs.

    `create_only` holds the values a new row starts with that later runs leave alone.
    """
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        return model._default_manager.create(**lookup, **values, **(create_only or {})), True
    changed = False
    for name, value in values.items():
        field = model._meta.get_field(name)
        if field.is_relation:
            differs = getattr(obj, field.attname) != (value.pk if value is not None else None)
        else:
            differs = getattr(obj, name) != value
        if differs:
            setattr(obj, name, value)
            changed = True
    if changed:
        obj.save()
    return obj, False


# --- Generated images ----------------------------------------------------------------------------


def has_file(field_file):
    return bool(field_file) and field_file.storage.exists(field_file.name)
