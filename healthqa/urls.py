from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap as sitemap_view
from django.urls import include, path, re_path
from django.views.decorators.cache import cache_control
from django.views.generic import RedirectView

from healthqa.api.docs import ApiDocsView
from healthqa.api.site import api
from healthqa.pagecache.middleware import cached_page
from healthqa.public import pages, previews, views
from healthqa.public.corrections import CorrectionListView, CorrectionsFeed
from healthqa.public.feeds import LatestArticlesFeed, LatestQuestionsFeed
from healthqa.public.media import serve_media
from healthqa.public.sitemaps import sitemaps

# The same for every reader, changed only by publishing: browsers and proxies may keep them a while.
for_five_minutes = cache_control(public=True, max_age=300)

healthqa_patterns = [
    path("", cached_page(views.HomeView.as_view()), name="home"),
    path("topics/", cached_page(views.TopicListView.as_view()), name="topic_list"),
    path("topics/<slug:slug>/", cached_page(views.TopicDetailView.as_view()), name="topic_detail"),
    path("questions/", cached_page(views.QuestionListView.as_view()), name="question_list"),
    path(
        "questions/<slug:slug>/",
        cached_page(views.QuestionDetailView.as_view()),
        name="question_detail",
    ),
    # taggit makes Unicode slugs ("ménières-disease"), which <slug:> would not match.
    re_path(
        r"^tags/(?P<slug>[-\w]+)/$",
        cached_page(views.TagDetailView.as_view()),
        name="tag_detail",
    ),
    path("corrections/", cached_page(CorrectionListView.as_view()), name="correction_list"),
    # The publisher's pages: six fixed addresses (`PublisherPage.Kind`).
    re_path(
        rf"^(?P<slug>{pages.SLUG_PATTERN})/$",
        cached_page(pages.PublisherPageView.as_view()),
        name="page",
    ),
    path("search/", views.SearchView.as_view(), name="search"),
    path("search/suggest/", views.search_suggest, name="search_suggest"),
    path("answers/<int:pk>/helpful/", views.answer_helpful, name="answer_helpful"),
    path("answers/<int:pk>/report/", views.answer_report, name="answer_report"),
    path(
        "answers/<int:pk>/report/thanks/",
        views.answer_report_thanks,
        name="answer_report_thanks",
    ),
    path("ask/", views.ask, name="ask"),
    path("ask/thanks/", views.ask_thanks, name="ask_thanks"),
    path("healthz", views.healthz, name="healthz"),
    path("preview/<str:token>/", previews.shared_preview, name="shared_preview"),
]

urlpatterns = [
    path("", include((healthqa_patterns, "healthqa"))),
    path("experts/", include("experts.urls")),
    path("articles/", include("articles.urls")),
    path("admin/", admin.site.urls),
    # The API's root sends people to its documentation.
    path("api/v1/", RedirectView.as_view(pattern_name="api_docs"), name="api_root"),
    path("api/v1/", api.urls),
    path("api/docs/", cached_page(ApiDocsView.as_view()), name="api_docs"),
    path("sitemap.xml", for_five_minutes(sitemap_view), {"sitemaps": sitemaps}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("feeds/questions/", for_five_minutes(LatestQuestionsFeed()), name="feed_questions"),
    path("feeds/articles/", for_five_minutes(LatestArticlesFeed()), name="feed_articles"),
    path("feeds/corrections/", for_five_minutes(CorrectionsFeed()), name="feed_corrections"),
]

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(
            rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$",
            serve_media,
            name="media",
        )
    ]

handler400 = "healthqa.public.views.bad_request"
handler404 = "healthqa.public.views.page_not_found"
handler500 = "healthqa.public.views.server_error"
