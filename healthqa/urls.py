from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from healthqa import views

healthqa_patterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("topics/", views.TopicListView.as_view(), name="topic_list"),
    path("topics/<slug:slug>/", views.TopicDetailView.as_view(), name="topic_detail"),
    path("questions/", views.QuestionListView.as_view(), name="question_list"),
    path("questions/<slug:slug>/", views.QuestionDetailView.as_view(), name="question_detail"),
    path("tags/<slug:slug>/", views.TagDetailView.as_view(), name="tag_detail"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("answers/<int:pk>/helpful/", views.answer_helpful, name="answer_helpful"),
    path("answers/<int:pk>/report/", views.answer_report, name="answer_report"),
    path("healthz", views.healthz, name="healthz"),
]

urlpatterns = [
    path("", include((healthqa_patterns, "healthqa"))),
    path("experts/", include("experts.urls")),
    path("articles/", include("articles.urls")),
    path("admin/", admin.site.urls),
]

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(
            rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]

handler404 = "healthqa.views.page_not_found"
handler500 = "healthqa.views.server_error"
