from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.decorators import method_decorator
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.generic import ListView, TemplateView
from taggit.models import Tag

from articles.models import Article
from experts.models import Expert
from healthqa import search
from healthqa.core.urgency import urgent_signs
from healthqa.models import (
    AdPlacement,
    Answer,
    Correction,
    Question,
    QuestionQuerySet,
    SearchDocument,
    Topic,
    cited_works,
)
from healthqa.pagecache.keys import depends_on
from healthqa.pagecache.shared import shared_objects, shared_part, shares_parts
from healthqa.public import seo
from healthqa.public.forms import AskForm, FlagForm, SearchForm
from healthqa.public.origin import same_origin_only
from healthqa.public.previews import (
    PreviewableDetailView,
    answers_in_preview,
    mark_under_review,
)
from healthqa.public.ratelimit import (
    client_ip,
    once_per_period,
    rate_limited,
    too_many_requests,
)

PAGE_SIZE = 20
RELATED_QUESTIONS = 5
CONTINUE_LEARNING = 4


# Who an answer shows: its expert, its medical reviewer, and the moderator who reviewed it with
# their profile.
ANSWER_PEOPLE = ("expert", "medical_reviewer", "reviewed_by__expert_profile")


def approved_answers():
    return Answer.objects.approved().select_related(*ANSWER_PEOPLE)


def question_cards(queryset):
    """Questions ready for a list: topic joined, approved answers' experts prefetched."""
    return queryset.select_related("topic").prefetch_related(
        Prefetch("answers", queryset=approved_answers(), to_attr="approved_answers")
    )


class HomeView(TemplateView):
    template_name = "healthqa/home.html"

    def get_context_data(self, **kwargs):
        depends_on("question@all", "article@all", "topic@all")
        public = Question.objects.public()
        featured = list(question_cards(public.filter(featured=True)).order_by("-published_at")[:3])
        latest = question_cards(public.exclude(pk__in=[q.pk for q in featured]))
        return super().get_context_data(
            featured_questions=featured,
            latest_questions=latest.order_by("-published_at", "-pk")[:8],
            topics=Topic.objects.with_public_counts().filter(public_question_count__gt=0)[:12],
            latest_articles=Article.objects.public().for_cards()[:4],
            search_form=SearchForm(),
            **kwargs,
        )


class TopicListView(ListView):
    template_name = "healthqa/topic_list.html"
    context_object_name = "topics"

    def get_queryset(self):
        depends_on("topic@all", "question@all")
        return Topic.objects.with_public_counts().select_related("parent")


class TopicDetailView(ListView):
    template_name = "healthqa/topic_detail.html"
    context_object_name = "questions"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        self.topic = get_object_or_404(
            Topic.objects.select_related("parent"), slug=self.kwargs["slug"]
        )
        topic = self.topic.pk
        depends_on(
            f"question@topic:{topic}",
            f"article@topic:{topic}",
            f"expert@topic:{topic}",
            "topic@all",
        )
        public = Question.objects.public().filter(topic=self.topic)
        return question_cards(public).order_by("-published_at", "-pk")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            topic=self.topic,
            articles=Article.objects.public().filter(topic=self.topic).for_cards()[:6],
            experts=Expert.objects.public().filter(specialties=self.topic).order_by("name")[:8],
            subtopics=self.topic.children.all(),
            breadcrumbs=[("Topics", reverse("healthqa:topic_list"))]
            + ([(parent.name, parent.get_absolute_url())] if (parent := self.topic.parent) else []),
            **kwargs,
        )


class QuestionListView(ListView):
    template_name = "healthqa/question_list.html"
    context_object_name = "questions"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        depends_on("question@all")
        return question_cards(Question.objects.public()).order_by("-published_at", "-pk")


class QuestionDetailView(PreviewableDetailView):
    model = Question
    template_name = "healthqa/question_detail.html"
    context_object_name = "question"
    preview_permission = "healthqa.change_question"

    def with_related(self, queryset):
        return queryset.select_related("topic")

    def find_public(self, lookup):
        """The public question, read faster than through `get_public_queryset()`.

        Question.objects.public() is "live, with an approved answer by an active expert": the
        question's approved answers, joined with it and its topic, are one query that finds
        the same question, checks the answer rule and reads the answers the page shows.
        """
        question_lookup = {f"question__{name}": value for name, value in lookup.items()}
        answers = self.with_people(
            Answer.objects.approved()
            .filter(QuestionQuerySet.live_condition("question__"), **question_lookup)
            .select_related("question__topic")
        )
        if not answers:
            return None
        question = answers[0].question
        for answer in answers:
            answer.question = question
        question.approved_answers = answers
        return question

    def answers_of(self, question):
        """The answers of a question found another way (a preview): the approved ones, and
        those waiting for review, marked as such (`answers_in_preview`)."""
        if not hasattr(question, "approved_answers"):
            if self.is_preview:
                answers = self.with_people(answers_in_preview().filter(question=question))
                question.approved_answers = mark_under_review(answers)
            else:
                question.approved_answers = self.with_people(
                    Answer.objects.approved().filter(question=question)
                )
        return question.approved_answers

    def tags_of(self, question):
        return question.tag_list()

    def continue_learning_of(self, question, **options):
        return Article.objects.continue_learning(question, CONTINUE_LEARNING, **options)

    def with_people(self, answers):
        """The answers with their experts, medical reviewers and (moderator) reviewers.

        Other renders join them in one query. A render for the page cache reads the answers
        alone: their experts and reviewers are a small set that every page repeats, read once
        per content generation by each worker (`shared_objects`).
        """
        # Whether each has corrections, so that a page without any reads none (`corrections_of`).
        corrected = Correction.objects.filter(answer=OuterRef("pk"))
        answers = answers.annotate(has_corrections=Exists(corrected))
        if not shares_parts(self.request):
            return list(answers.select_related(*ANSWER_PEOPLE))
        answers = list(answers)
        expert_ids = [answer.expert_id for answer in answers]
        expert_ids += [each.medical_reviewer_id for each in answers if each.medical_reviewer_id]
        experts = shared_objects(self.request, "experts", Expert.objects.all(), expert_ids)
        reviewers = shared_objects(
            self.request,
            "reviewers",
            get_user_model().objects.select_related("expert_profile"),
            [answer.reviewed_by_id for answer in answers if answer.reviewed_by_id],
        )
        for answer in answers:
            answer.expert = experts[answer.expert_id]
            if answer.medical_reviewer_id:
                answer.medical_reviewer = experts.get(answer.medical_reviewer_id)
            if answer.reviewed_by_id:
                answer.reviewed_by = reviewers.get(answer.reviewed_by_id)
        return answers

    @staticmethod
    def corrections_of(answers):
        """{answer pk: its corrections, newest first}: one query for all the answers, none when
        their rows say they have none (`has_corrections`, from `with_people`)."""
        pks = [a.pk for a in answers if a.pk and getattr(a, "has_corrections", True)]
        return Correction.objects.by_answer(pks)

    def get_context_data(self, **kwargs):
        question = self.object
        # What could enter the page: answers, votes, curated picks; the topic's questions and
        # articles (related, Continue Learning); articles sharing a tag; the house ad.
        # (The shared parts below name their own.)
        depends_on(
            f"answer@question:{question.pk}", f"votes@question:{question.pk}",
            f"pick@question:{question.pk}",
        )  # fmt: skip
        answers = self.answers_of(question)
        votes = self.request.session.get("helpful", {})
        corrections = self.corrections_of(answers)
        for answer in answers:
            answer.my_vote = votes.get(str(answer.pk))
            answer.correction_list = corrections.get(answer.pk, [])
            if not hasattr(answer, "source_list"):  # a preview may show a revision's sources
                answer.source_list = cited_works(answer.approved_sources)
        topic = question.topic
        # The same on every question page (of the topic): read again after a change to them.
        ad = shared_part(
            self.request,
            "ad:question-page",
            lambda: AdPlacement.objects.active(AdPlacement.Slot.QUESTION_PAGE).first(),
            depends=["adplacement@all"],
        )
        newest = (
            shared_part(
                self.request,
                f"newest-questions:{topic.pk}",
                lambda: list(
                    Question.objects.public()
                    .filter(topic=topic)
                    .order_by("-published_at", "-pk")[: RELATED_QUESTIONS + 1]
                ),
                depends=[f"question@topic:{topic.pk}"],
            )
            if topic
            else []
        )

        def newest_topic_articles():
            return shared_part(
                self.request,
                f"topic-articles:{topic.pk}",
                lambda: list(
                    Article.objects.public()
                    .filter(topic=topic)
                    .for_cards()[: 2 * CONTINUE_LEARNING]
                ),
                depends=[f"article@topic:{topic.pk}"],
            )

        tags = self.tags_of(question)
        depends_on(*(f"tagged@tag:{tag.pk}" for tag in tags))
        cards = Article.objects.select_related("topic")
        return super().get_context_data(
            answers=answers,
            description=seo.question_description(question, answers),
            tags=tags,
            continue_learning=self.continue_learning_of(
                question,
                tags=tags,
                topic_articles=newest_topic_articles if topic else None,
                articles_by_id=(
                    (lambda ids: shared_objects(self.request, "articles", cards, ids))
                    if shares_parts(self.request)
                    else None
                ),
            ),
            ad=ad,
            breadcrumbs=[(topic.name, topic.get_absolute_url())] if topic else [],
            related_questions=[q for q in newest if q.pk != question.pk][:RELATED_QUESTIONS],
            **kwargs,
        )


class TagDetailView(ListView):
    template_name = "healthqa/tag_detail.html"
    context_object_name = "questions"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        depends_on(f"tagged@tag:{self.tag.pk}", "question@all", "article@all")
        public = Question.objects.public().filter(tags=self.tag)
        return question_cards(public).order_by("-published_at", "-pk")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            tag=self.tag,
            articles=Article.objects.public().filter(tags=self.tag).for_cards()[:12],
            **kwargs,
        )


# Results are per query and change with every publication: no cache keeps them.
@method_decorator(cache_control(no_store=True), name="dispatch")
class SearchView(ListView):
    template_name = "healthqa/search.html"
    context_object_name = "results"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        self.form = SearchForm(self.request.GET or None)
        if not self.form.is_valid():
            return []
        data = self.form.cleaned_data
        return search.search(data["q"], topic=data["topic"], kind=data["type"] or None)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            form=self.form,
            topics=Topic.objects.order_by("name"),
            kinds=SearchDocument.Kind.choices,
            **kwargs,
        )
        # Known once the paginator has counted: more matches than search.COUNT_CAP.
        context["results_capped"] = getattr(self.object_list, "count_capped", False)
        return context


@require_GET
@cache_control(no_store=True)
def search_suggest(request):
    """Up to five public questions like the one being typed, as JSON for the /ask/ form."""
    form = SearchForm(request.GET)
    questions = search.suggest(form.cleaned_data["q"]) if form.is_valid() else []
    return JsonResponse({"results": [{"title": q.title, "url": q.url} for q in questions]})


@require_GET
@cache_control(public=True, max_age=3600)
def robots_txt(request):
    sitemap_url = request.build_absolute_uri(reverse("sitemap"))
    return render(
        request,
        "robots.txt",
        {"sitemap_url": sitemap_url},
        content_type="text/plain; charset=utf-8",
    )


@require_POST
@same_origin_only
def answer_helpful(request, pk):
    """Count one "Was this helpful?" vote per answer per browser session, and per client address
    per HEALTHQA_VOTE_PERIOD: a client without cookies has a new session on every post.

    Guarded by the browser's Origin headers rather than a CSRF token, so that the question page
    carries nothing per reader and one cached copy serves everyone (see healthqa/origin.py).
    """
    answer = get_object_or_404(Answer.objects.public(), pk=pk)
    vote = request.POST.get("vote")
    if vote not in {"yes", "no"}:
        return HttpResponseBadRequest("Choose yes or no.")
    votes = request.session.get("helpful", {})
    if str(answer.pk) not in votes:
        # A repeat from the address is thanked all the same: nothing tells a script it was
        # not counted. The session keeps the reader's choice so the page shows it.
        client = client_ip(request) or "unknown"
        if once_per_period("vote", f"{answer.pk}:{client}", settings.HEALTHQA_VOTE_PERIOD):
            answer.record_vote(helpful=vote == "yes")
        votes[str(answer.pk)] = vote
        request.session["helpful"] = votes
    messages.success(request, "Thank you for your feedback.")
    return redirect(f"{answer.question.get_absolute_url()}#answer-{answer.pk}")


class SeeOther(HttpResponseRedirect):
    """303: the browser follows with a GET, whatever the method of the post it answers."""

    status_code = 303


def posted_text(request, *names):
    """The words a reader typed into the fields `names`, as posted (valid or not)."""
    return "\n".join(request.POST.get(name, "") for name in names)


def refused_form(request, template_name, context, *text_fields):
    """A rate-limited post: its form again with what was typed, the wait, and the urgent-care
    notice that the thank-you page would have shown."""
    urgent = urgent_signs(posted_text(request, *text_fields))
    return too_many_requests(
        request,
        request.rate_limit_wait,
        template_name=template_name,
        context={**context, "urgent": urgent},
    )


# Post/Redirect/Get: the thank-you pages have addresses of their own, so that reloading them
# sends nothing again. They are this reader's alone: no cache keeps them.
@require_http_methods(["GET", "POST"])
@rate_limited("report", form_view=True)
def answer_report(request, pk):
    answer = get_object_or_404(Answer.objects.public().select_related("question", "expert"), pk=pk)
    form = FlagForm(request.POST or None)
    context = {"answer": answer, "form": form}
    if request.rate_limit_wait:
        return refused_form(request, "healthqa/report_form.html", context, "details")
    if request.method == "POST" and form.is_valid():
        if not form.is_bot:
            form.save(answer=answer)
        request.session["report_urgent"] = urgent_signs(form.cleaned_data["details"])
        return SeeOther(reverse("healthqa:answer_report_thanks", args=[answer.pk]))
    return render(request, "healthqa/report_form.html", context)


@require_GET
@cache_control(no_store=True)
def answer_report_thanks(request, pk):
    answer = get_object_or_404(Answer.objects.public().select_related("question"), pk=pk)
    urgent = request.session.pop("report_urgent", [])
    return render(request, "healthqa/report_thanks.html", {"answer": answer, "urgent": urgent})


@require_http_methods(["GET", "POST"])
@rate_limited("ask", form_view=True)
def ask(request):
    """A reader's question: stored for triage, never public as it is."""
    form = AskForm(request.POST or None)
    if request.rate_limit_wait:
        return refused_form(request, "healthqa/ask_form.html", {"form": form}, "title", "details")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not form.is_bot:
            Question.submit_from_reader(
                title=data["title"], details=data["details"], name=data["name"], email=data["email"]
            )
        request.session["ask_urgent"] = urgent_signs(f"{data['title']}\n{data['details']}")
        return redirect("healthqa:ask_thanks")
    return render(request, "healthqa/ask_form.html", {"form": form})


@require_GET
@cache_control(no_store=True)
def ask_thanks(request):
    urgent = request.session.pop("ask_urgent", [])
    return render(request, "healthqa/ask_thanks.html", {"urgent": urgent})


@require_GET
@cache_control(no_store=True)
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok"})


def not_stored(response):
    """An error page no cache keeps: the page may exist (or work) a moment later.

    Set on the response, not by @cache_control, which refuses anything but a request: an error
    handler must answer whatever it is given.
    """
    patch_cache_control(response, no_store=True)
    return response


def page_not_found(request, exception=None):
    return not_stored(render(request, "404.html", status=404))


def bad_request(request, exception=None):
    # Standalone: the request itself (its Host header, say) may be what is wrong.
    return not_stored(HttpResponse(loader.get_template("400.html").render({}), status=400))


def server_error(request):
    # Rendered without context processors: the database may be why we are here.
    return not_stored(HttpResponse(loader.get_template("500.html").render({}), status=500))
