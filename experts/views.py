from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import ListView

from articles.models import Article
from experts.models import Expert
from healthqa.models import Answer
from healthqa.pagecache.keys import depends_on


class ExpertListView(ListView):
    template_name = "experts/expert_list.html"
    context_object_name = "experts"
    paginate_by = 24

    def get_queryset(self):
        depends_on("expert@all", "question@all")
        return (
            Expert.objects.public()
            .with_answer_counts()
            .prefetch_related("specialties")
            .order_by("-verified", "name")
        )


class ExpertDetailView(ListView):
    """An expert's profile, with their answers readers may see, newest first."""

    template_name = "experts/expert_detail.html"
    context_object_name = "answers"
    paginate_by = 10

    def get_queryset(self):
        self.expert = get_object_or_404(
            Expert.objects.public().prefetch_related("specialties"), slug=self.kwargs["slug"]
        )
        depends_on(f"answer@expert:{self.expert.pk}", f"article@expert:{self.expert.pk}")
        depends_on("question@all")
        return (
            Answer.objects.public()
            .filter(expert=self.expert)
            .select_related("question", "question__topic")
            .order_by("-reviewed_at", "-pk")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            expert=self.expert,
            articles=Article.objects.public().filter(author=self.expert).for_cards()[:4],
            breadcrumbs=[("Experts", reverse("experts:list"))],
            **kwargs,
        )
