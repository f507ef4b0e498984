from django.urls import path

from articles import views
from healthqa.pagecache.middleware import cached_page

app_name = "articles"

urlpatterns = [
    path("", cached_page(views.ArticleListView.as_view()), name="list"),
    path("<slug:slug>/", cached_page(views.ArticleDetailView.as_view()), name="detail"),
]
