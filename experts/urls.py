from django.urls import path

from experts import views
from healthqa.pagecache.middleware import cached_page

app_name = "experts"

urlpatterns = [
    path("", cached_page(views.ExpertListView.as_view()), name="list"),
    path("<slug:slug>/", cached_page(views.ExpertDetailView.as_view()), name="detail"),
]
