"""The healthqa app's models: topics, questions, answers and their moderation, publishing, site
settings and ads, and the search index's rows.

Visibility has one definition: `Question.objects.public()`, `Answer.objects.approved()` (and
`Article.objects.public()` in the articles app). Everything readers see goes through them.

Each submodule imports its siblings directly, never this package, so the models import in one
direction: moderation ← publishing ← questions ← answers ← flags, topics, citations, corrections.
"""

from healthqa.models.answers import Answer, AnswerQuerySet, AnswerRevision
from healthqa.models.changes import ContentChange
from healthqa.models.citations import AnswerSource, Citation, CitedWork, LinkCheck, cited_works
from healthqa.models.corrections import Correction
from healthqa.models.flags import Flag
from healthqa.models.moderation import Assignment, ModerationEvent, StatusChanges
from healthqa.models.pages import PublisherPage
from healthqa.models.partners import PartnerKey
from healthqa.models.publishing import KeepsOldSlugs, PreviewLink, PublishingMixin, SlugRedirect
from healthqa.models.questions import ContinueLearningPick, Question, QuestionQuerySet
from healthqa.models.retention import erase_personal_data
from healthqa.models.search_index import SearchDocument
from healthqa.models.site import DEFAULT_DISCLAIMER, AdPlacement, SiteSettings, validate_link
from healthqa.models.topics import Topic, TopicQuerySet

__all__ = [
    "DEFAULT_DISCLAIMER",
    "AdPlacement",
    "Answer",
    "AnswerQuerySet",
    "AnswerRevision",
    "AnswerSource",
    "Citation",
    "CitedWork",
    "Correction",
    "LinkCheck",
    "PartnerKey",
    "PublisherPage",
    "cited_works",
    "erase_personal_data",
    "Assignment",
    "ContentChange",
    "ContinueLearningPick",
    "Flag",
    "KeepsOldSlugs",
    "ModerationEvent",
    "PreviewLink",
    "PublishingMixin",
    "Question",
    "QuestionQuerySet",
    "SearchDocument",
    "SiteSettings",
    "SlugRedirect",
    "StatusChanges",
    "Topic",
    "TopicQuerySet",
    "validate_link",
]
