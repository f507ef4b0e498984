"""A live preview beside the change form: the reader's page rendered from the unsaved form.

The change page posts its form (static/js/admin-live-preview.js) to `<object_id>/live-preview/`
or `add/live-preview/` as the editor types; the response is the public page, rendered by the
public detail view from the form's data (`PreviewableDetailView.render_unsaved`), or the form's
errors. Nothing is saved: the form is validated, never saved, and the page is rendered from
the unsaved instance (tests/admin/test_live_preview.py checks every place a save would reach).
"""

from copy import copy
from functools import reduce
from operator import or_

from csp.decorators import csp_replace
from django import forms
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.db.models import Q
from django.http import HttpResponseNotAllowed
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import capfirst
from django.views.decorators.clickjacking import xframe_options_sameorigin
from taggit.models import Tag

from articles.models import Source
from articles.views import ArticleDetailView
from healthqa.admin.versions import LOADED_FIELDS
from healthqa.core.permissions import own_expert
from healthqa.models import Answer, AnswerSource, Question
from healthqa.public.previews import PreviewableDetailView, answers_in_preview, mark_under_review
from healthqa.public.views import ANSWER_PEOPLE, QuestionDetailView

DELAY_MS = 500
NOT_APPROVED = "Not approved yet — readers do not see this answer."
EDIT_WAITS = "Your edit — once saved it waits for review; readers see the approved text until then."


def framable_by_us(view):
    """The response may be shown in a frame by our own pages, and by no other site."""
    return csp_replace({"frame-ancestors": ["'self'"]})(xframe_options_sameorigin(view))


def tags_named(names):
    """Tags for the names typed into a tags field: the stored ones, unsaved ones for new names
    (shown without a link), by name as on the page."""
    names = list(dict.fromkeys(name.strip() for name in names or () if name.strip()))
    if not names:
        return []
    stored = Tag.objects.filter(reduce(or_, (Q(name__iexact=name) for name in names)))
    known = {tag.name.lower(): tag for tag in stored}
    tags = [known.get(name.lower()) or Tag(name=name) for name in names]
    return sorted({tag.name.lower(): tag for tag in tags}.values(), key=lambda tag: tag.name)


def posted_rows(formset):
    """The inline rows a valid formset would keep, unsaved, in their order."""
    rows = [
        form.instance
        for form in formset.forms
        if not form.cleaned_data.get("DELETE")
        and (form.instance.pk is not None or form.has_changed())
    ]
    return sorted(rows, key=lambda row: (row.position, row.pk is None, row.pk or 0))


class LiveQuestionPage(QuestionDetailView):
    """The question page with the form's tags; Continue Learning from the saved picks."""

    posted_tags = None

    def tags_of(self, question):
        if self.posted_tags is not None:
            return self.posted_tags
        return super().tags_of(question) if question.pk else []

    def continue_learning_of(self, question, *, tags, **options):
        if question.pk is None:
            return []  # picks are read from the saved question
        return super().continue_learning_of(question, tags=[t for t in tags if t.pk], **options)


class LiveArticlePage(ArticleDetailView):
    """The article page with the form's tags and sources."""

    posted_tags = None
    posted_sources = None

    def sources_of(self, article):
        if self.posted_sources is not None:
            return self.posted_sources
        return super().sources_of(article) if article.pk else []

    def tags_of(self, article):
        if self.posted_tags is not None:
            return self.posted_tags
        return super().tags_of(article) if article.pk else []


class LivePreview:
    """For a ModelAdmin: the live preview panel and the Markdown toolbar of its change form.

    A subclass renders the page (`render_live_preview`) and names its Markdown fields.
    """

    change_form_template = "admin/edit_change_form.html"
    markdown_fields = ()
    # Inlines whose posted rows the page shows (others are shown as saved).
    live_inlines = ()

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view(framable_by_us(self.live_preview_view))
        return [
            path("add/live-preview/", view, name=f"{prefix}_add_live_preview"),
            path("<path:object_id>/live-preview/", view, name=f"{prefix}_live_preview"),
            *super().get_urls(),
        ]

    def may_live_preview(self, request, obj=None):
        """Whoever may edit the object (or add one) may preview it."""
        if obj is None:
            return self.has_add_permission(request)
        return self.has_change_permission(request, obj)

    def live_preview_help(self, obj):
        """Which parts of the page come from the form, and which are as saved."""
        return ""

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if not context.get("is_popup"):
            context["media"] = context["media"] + self.live_preview_media(request, obj)
            if self.may_live_preview(request, obj):
                prefix = f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}"
                if obj is None:
                    # The add form's query (?question=) fixes fields it then does not post.
                    query = request.GET.urlencode()
                    url = reverse(f"{prefix}_add_live_preview") + (f"?{query}" if query else "")
                else:
                    url = reverse(f"{prefix}_live_preview", args=(obj.pk,))
                context["live_preview_url"] = url
                context["live_preview_delay"] = DELAY_MS
                context["live_preview_help"] = self.live_preview_help(obj)
            context["markdown_fields"] = " ".join(f"id_{name}" for name in self.markdown_fields)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def live_preview_media(self, request, obj):
        scripts = ["js/admin-markdown-toolbar.js"]
        if self.may_live_preview(request, obj):
            scripts.append("js/admin-live-preview.js")
        return forms.Media(
            js=[forms.Script(script, defer=True) for script in scripts],
            css={"all": ["css/admin-live-preview.css"]},
        )

    def live_preview_view(self, request, object_id=None):
        """POST the change form: its page as readers would see it, or the form's errors."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        request.current_app = self.admin_site.name
        obj = None if object_id is None else self.get_object(request, unquote(object_id))
        if (object_id is not None and obj is None) or not self.may_live_preview(request, obj):
            raise PermissionDenied
        return self.live_preview(request, obj)

    def live_preview(self, request, obj):
        saved = copy(obj)
        fieldsets = self.get_fieldsets(request, obj)
        form_class = self.get_form(
            request, obj, change=obj is not None, fields=flatten_fieldsets(fieldsets)
        )
        form = form_class(request.POST, request.FILES, instance=obj or self.model())
        # An older loaded version is for the save to refuse; a preview shows the form as it is.
        for name in LOADED_FIELDS:
            form.fields.pop(name, None)
        formsets = self.live_formsets(request, obj, form.instance)
        valid = form.is_valid()
        valid = all([fs.is_valid() for fs in formsets.values()]) and valid
        if not valid:
            return self.live_preview_errors(request, form, formsets)
        return self.render_live_preview(request, form, formsets, saved)

    def live_formsets(self, request, obj, instance):
        """{model: bound formset} of the `live_inlines` the form posted."""
        formsets = {}
        for inline in self.get_inline_instances(request, obj):
            if inline.model not in self.live_inlines:
                continue
            formset_class = inline.get_formset(request, obj)
            prefix = formset_class.get_default_prefix()
            if f"{prefix}-TOTAL_FORMS" not in request.POST:
                continue
            formsets[inline.model] = formset_class(
                request.POST,
                request.FILES,
                instance=instance,
                prefix=prefix,
                queryset=inline.get_queryset(request),
            )
        return formsets

    def render_live_preview(self, request, form, formsets, saved):
        raise NotImplementedError

    def live_preview_errors(self, request, form, formsets=None, extra=()):
        """The form's errors, by field label, as a small page for the panel (status 422)."""
        errors = []
        for name, messages in form.errors.items():
            field = form.fields.get(name)
            if name == NON_FIELD_ERRORS:
                label = ""
            else:
                label = capfirst(field.label if field and field.label else name.replace("_", " "))
            errors.append((label, messages))
        for model, formset in (formsets or {}).items():
            noun = capfirst(model._meta.verbose_name)
            if formset.non_form_errors():
                plural = capfirst(model._meta.verbose_name_plural)
                errors.append((plural, formset.non_form_errors()))
            for number, form_errors in enumerate(formset.errors, start=1):
                for name, messages in form_errors.items():
                    errors.append((f"{noun} {number}: {name.replace('_', ' ')}", messages))
        errors += [("", [message]) for message in extra]
        context = {"errors": errors, "opts": self.opts}
        response = TemplateResponse(
            request, "admin/includes/live_preview_errors.html", context, status=422
        )
        return PreviewableDetailView.kept_private(response)

    @staticmethod
    def posted_tags(form):
        """The tags typed into the form, or None where it has no tags field."""
        if "tags" in form.fields:
            return tags_named(form.cleaned_data.get("tags"))
        return None


class QuestionLivePreview(LivePreview):
    markdown_fields = ("details",)

    def live_preview_help(self, obj):
        picks = (
            "Continue Learning shows once the question is saved."
            if obj is None
            else "Continue Learning uses the saved picks (save to see new ones)."
        )
        return (
            "From the form: title, details, topic and tags. Answers are the saved ones; those "
            f"readers do not see yet are marked. {picks}"
        )

    def render_live_preview(self, request, form, formsets, saved):
        question = form.instance
        if question.pk is None:
            question.approved_answers = []
        return LiveQuestionPage.render_unsaved(
            request, question, posted_tags=self.posted_tags(form)
        )


class AnswerLivePreview(LivePreview):
    markdown_fields = ("body",)
    live_inlines = (AnswerSource,)

    def may_live_preview(self, request, obj=None):
        allowed = super().may_live_preview(request, obj)
        return allowed and (obj is None or obj.can_write(request.user))

    def live_preview_help(self, obj):
        return (
            "From the form: this answer's text and sources, on its question's page. The "
            "question and its other answers are as saved; answers readers do not see yet are "
            "marked."
        )

    def render_live_preview(self, request, form, formsets, saved):
        answer = form.instance
        if answer.expert_id is None:
            answer.expert = own_expert(request.user)  # as `save_model` does for experts
        if answer.expert_id is None or answer.question_id is None:
            return self.live_preview_errors(request, form, extra=["Choose the question."])
        answer.render_body()
        sources = formsets.get(AnswerSource)
        if sources is not None:
            answer.source_list = posted_rows(sources)
        else:
            answer.source_list = list(answer.sources.all()) if answer.pk else []
        copies = [source.as_dict() for source in answer.source_list]
        if saved is None or saved.status != Answer.Status.APPROVED:
            answer.review_label = NOT_APPROVED
        elif answer.body != saved.body or copies != saved.approved_sources:
            answer.review_label = EDIT_WAITS
            answer.live_body = saved.body
        question = Question.objects.select_related("topic").get(pk=answer.question_id)
        others = answers_in_preview().filter(question=question).exclude(pk=answer.pk)
        answers = [*mark_under_review(list(others.select_related(*ANSWER_PEOPLE))), answer]
        for each in answers:
            each.question = question
        answers.sort(key=lambda each: (each.position, each.pk is None, each.pk or 0))
        question.approved_answers = answers
        return LiveQuestionPage.render_unsaved(request, question)


class ArticleLivePreview(LivePreview):
    markdown_fields = ("body",)
    live_inlines = (Source,)

    def live_preview_help(self, obj):
        return (
            "From the form: everything on the page, sources and tags included, except the "
            "image: a newly chosen image shows once saved."
        )

    def render_live_preview(self, request, form, formsets, saved):
        article = form.instance
        article.render_body()
        sources = formsets.get(Source)
        return LiveArticlePage.render_unsaved(
            request,
            article,
            posted_tags=self.posted_tags(form),
            posted_sources=posted_rows(sources) if sources is not None else None,
        )
