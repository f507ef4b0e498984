"""factory_boy factories for every model tests need. Defaults describe what readers may see:
published questions and articles in the past, approved answers by active experts."""

import io
import pkgutil
from datetime import timedelta
from importlib import import_module

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.text import slugify
from factory.django import DjangoModelFactory
from PIL import Image

from articles.models import Article, Source
from experts.models import Expert
from healthqa.models import (
    AdPlacement,
    Answer,
    Assignment,
    ContinueLearningPick,
    Flag,
    Question,
    Topic,
)

# Every factory-made user signs in with this password.
PASSWORD = "correct horse battery staple"


def role_group(name):
    """The role group `name` as the data migrations define it.

    Live-server tests flush the database, data migrations included; the group is rebuilt from
    the migrations' own role lists (ROLES / GRANTS) when one of them removed it.
    """
    group = Group.objects.filter(name=name).first()
    if group is not None:
        return group
    group = Group.objects.create(name=name)
    package = import_module("healthqa.migrations")
    for info in pkgutil.iter_modules(package.__path__):
        module = import_module(f"healthqa.migrations.{info.name}")
        wanted = [*getattr(module, "ROLES", {}).get(name, []),
                  *getattr(module, "GRANTS", {}).get(name, [])]  # fmt: skip
        for app_label, codename in wanted:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
    return group


def image_bytes(fmt="PNG", size=(4, 4), color=(40, 120, 200), mode="RGB"):
    """A small real image encoded in `fmt`, made with Pillow."""
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, fmt)
    return buffer.getvalue()


def image_file(name="image.png", fmt="PNG", size=(4, 4)):
    """An uploaded-file object holding a small real image, ready for an ImageField."""
    return SimpleUploadedFile(name, image_bytes(fmt, size), content_type=f"image/{fmt.lower()}")


def _days_ago(days=1):
    return lambda: timezone.now() - timedelta(days=days)


def _add_tags(obj, create, extracted, **kwargs):
    """`tags=["back-pain", ...]` adds taggit tags after the row is saved."""
    if create and extracted:
        obj.tags.add(*extracted)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    first_name = factory.Sequence(lambda n: f"First{n}")
    last_name = "Tester"
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        """`groups=["Editors"]` puts the user in the groups the role migration created."""
        if create and extracted:
            for group in extracted:
                self.groups.add(role_group(group) if isinstance(group, str) else group)


class TopicFactory(DjangoModelFactory):
    class Meta:
        model = Topic

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.LazyAttributeSequence(lambda o, n: f"{slugify(o.name)}-{n}")
    description = factory.LazyAttribute(lambda o: f"Questions and articles about {o.name}.")


class ExpertFactory(DjangoModelFactory):
    class Meta:
        model = Expert
        skip_postgeneration_save = True

    class Params:
        organization = factory.Trait(
            kind=Expert.Kind.ORGANIZATION,
            name=factory.Sequence(lambda n: f"National Academy of Health {n}"),
            credentials="",
            headline="A professional organization",
        )
        inactive = factory.Trait(is_active=False)

    name = factory.Sequence(lambda n: f"Dr. Alex Example {n}")
    slug = factory.LazyAttributeSequence(lambda o, n: f"{slugify(o.name)}-{n}")
    kind = Expert.Kind.PERSON
    credentials = "MD, FACSM"
    headline = "Sports medicine physician"
    bio = "Twenty years of practice."
    verified = True
    is_active = True

    @factory.post_generation
    def specialties(self, create, extracted, **kwargs):
        if create and extracted:
            self.specialties.add(*extracted)


class QuestionFactory(DjangoModelFactory):
    class Meta:
        model = Question
        skip_postgeneration_save = True

    class Params:
        draft = factory.Trait(status=Question.Status.DRAFT, published_at=None)
        submitted = factory.Trait(
            status=Question.Status.SUBMITTED,
            published_at=None,
            submitted_by_name="A reader",
            submitted_by_email="reader@example.com",
        )
        archived = factory.Trait(status=Question.Status.ARCHIVED)
        rejected = factory.Trait(status=Question.Status.REJECTED, published_at=None)
        scheduled = factory.Trait(
            published_at=factory.LazyFunction(lambda: timezone.now() + timedelta(days=1))
        )

    title = factory.Sequence(lambda n: f"Why does my back hurt after exercise {n}?")
    slug = factory.LazyAttributeSequence(lambda o, n: f"{slugify(o.title)}-{n}")
    details = "It only hurts during push-ups."
    topic = factory.SubFactory(TopicFactory)
    status = Question.Status.PUBLISHED
    published_at = factory.LazyFunction(_days_ago(1))
    tags = factory.PostGeneration(_add_tags)


class AnswerFactory(DjangoModelFactory):
    class Meta:
        model = Answer

    class Params:
        draft = factory.Trait(status=Answer.Status.DRAFT, submitted_at=None, reviewed_at=None)
        pending = factory.Trait(status=Answer.Status.PENDING, reviewed_at=None)
        changes_requested = factory.Trait(
            status=Answer.Status.CHANGES_REQUESTED, review_note="Please cite a source."
        )
        rejected = factory.Trait(status=Answer.Status.REJECTED, review_note="Off topic.")

    question = factory.SubFactory(QuestionFactory)
    expert = factory.SubFactory(ExpertFactory)
    body = factory.Sequence(
        lambda n: f"Determine whether you are feeling discomfort or pain ({n})."
    )
    status = Answer.Status.APPROVED
    submitted_at = factory.LazyFunction(_days_ago(2))
    reviewed_at = factory.LazyFunction(_days_ago(1))


class ArticleFactory(DjangoModelFactory):
    class Meta:
        model = Article
        skip_postgeneration_save = True

    class Params:
        draft = factory.Trait(status=Article.Status.DRAFT, published_at=None)
        archived = factory.Trait(status=Article.Status.ARCHIVED)
        scheduled = factory.Trait(
            published_at=factory.LazyFunction(lambda: timezone.now() + timedelta(days=1))
        )
        with_image = factory.Trait(
            image=factory.LazyFunction(lambda: image_file("article.png", size=(16, 9))),
            image_alt="A person stretching their back",
        )

    title = factory.Sequence(lambda n: f"Simple Things You Can Do to Ease Back Pain {n}")
    slug = factory.LazyAttributeSequence(lambda o, n: f"{slugify(o.title)}-{n}")
    excerpt = "Chances are you've experienced back pain at some point in your life."
    body = "Stretch gently every day.\n\nWalk more."
    topic = factory.SubFactory(TopicFactory)
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(_days_ago(3))
    tags = factory.PostGeneration(_add_tags)


class ContinueLearningPickFactory(DjangoModelFactory):
    class Meta:
        model = ContinueLearningPick

    question = factory.SubFactory(QuestionFactory)
    article = factory.SubFactory(ArticleFactory)
    position = factory.Sequence(lambda n: n)


class SourceFactory(DjangoModelFactory):
    class Meta:
        model = Source

    article = factory.SubFactory(ArticleFactory)
    title = factory.Sequence(lambda n: f"Back pain report {n}")
    container = "Centers for Disease Control and Prevention"
    url = factory.Sequence(lambda n: f"https://www.example.org/reports/{n}")
    position = factory.Sequence(lambda n: n)


class FlagFactory(DjangoModelFactory):
    """A reader's report on an answer; `on_question=True` reports the question instead."""

    class Meta:
        model = Flag

    class Params:
        on_question = factory.Trait(answer=None, question=factory.SubFactory(QuestionFactory))

    answer = factory.SubFactory(AnswerFactory)
    question = None
    reason = Flag.Reason.INACCURATE
    details = "The advice contradicts my physiotherapist."


class AssignmentFactory(DjangoModelFactory):
    class Meta:
        model = Assignment

    question = factory.SubFactory(QuestionFactory, draft=True)
    expert = factory.SubFactory(ExpertFactory)
    assigned_by = factory.SubFactory(UserFactory, is_staff=True)
    due_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    note = "Could you answer this one?"
    status = Assignment.Status.OPEN


class AdPlacementFactory(DjangoModelFactory):
    class Meta:
        model = AdPlacement

    name = factory.Sequence(lambda n: f"House ad {n}")
    slot = AdPlacement.Slot.QUESTION_PAGE
    image = factory.LazyFunction(lambda: image_file("ad.png", size=(30, 25)))
    image_alt = "Subscribe to our newsletter"
    link = factory.Sequence(lambda n: f"https://www.example.com/campaign/{n}")
    starts_at = None
    ends_at = None
    is_active = True


def make_public_question(answers=1, *, expert=None, **question_fields):
    """A published question with `answers` approved answers, as readers see it."""
    question = QuestionFactory(**question_fields)
    answer_fields = {"expert": expert} if expert is not None else {}
    for position in range(answers):
        AnswerFactory(question=question, position=position, **answer_fields)
    return question


def make_corrected_answer(note="The dose was wrong: it is 200 mg, not 2,000 mg.", **fields):
    """A public question whose live answer had a revision approved as a correction, as the
    moderator's approve button makes it. Returns the Correction."""
    question = make_public_question(**fields)
    answer = question.answers.get()
    answer.revise(body=f"{answer.body} (corrected)", by=UserFactory(is_superuser=True))
    answer.approve(by=UserFactory(groups=["Moderators"], is_staff=True), correction=note)
    return answer.corrections.get()


class AnswerSourceFactory(DjangoModelFactory):
    """A row of an answer's working list of sources (readers see `answer.approved_sources`)."""

    class Meta:
        model = "healthqa.AnswerSource"

    answer = factory.SubFactory(AnswerFactory, draft=True)
    title = factory.Sequence(lambda n: f"Exercise for low back pain {n}")
    authors = "Smith J, Jones K"
    container = "BMJ"
    year = 2021
    doi = factory.Sequence(lambda n: f"10.1136/bmj.n{1000 + n}")
    position = factory.Sequence(lambda n: n)
