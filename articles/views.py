from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.views.generic import ListView

from articles.models import Article
from healthqa.models import Correction
from healthqa.pagecache.keys import depends_on
from healthqa.public.previews import PreviewableDetailView


class ArticleListView(ListView):
    template_name = "articles/article_list.html"
    context_object_name = "articles"
    paginate_by = 12

    def get_queryset(self):
        depends_on("article@all")
        return Article.objects.public().for_cards()


class ArticleDetailView(PreviewableDetailView):
    model = Article
    template_name = "articles/article_detail.html"
    context_object_name = "article"
    preview_permission = "articles.change_article"

    def with_related(self, queryset):
        # Whether it has corrections, so that a page without any reads none (`corrections_of`).
        corrected = Correction.objects.filter(article=OuterRef("pk"))
        return (
            queryset.select_related("topic", "author", "reviewed_by")
            .prefetch_related("tags", "sources")
            .annotate(has_corrections=Exists(corrected))
        )

    def get_context_data(self, **kwargs):
        article = self.object
        depends_on("article@all", f"source@article:{article.pk}")
        related = Article.objects.public().exclude(pk=article.pk).for_cards()
        if article.topic_id:
            related = related.filter(topic_id=article.topic_id)
        crumbs = [("Articles", reverse("articles:list"))]
        if article.topic_id:
            crumbs.append((article.topic.name, article.topic.get_absolute_url()))
        return super().get_context_data(
            related_articles=related[:3],
            breadcrumbs=crumbs,
            sources=self.sources_of(article),
            corrections=self.corrections_of(article),
            tags=self.tags_of(article),
            **kwargs,
        )

    def sources_of(self, article):
        return article.sources.all()

    def corrections_of(self, article):
        """Newest first; none for an article not saved yet (the admin's live preview)."""
        if not article.pk or not getattr(article, "has_corrections", True):
            return []
        return list(article.corrections.all())

    def tags_of(self, article):
        return article.tags.all()
