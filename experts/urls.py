from django.urls import path

from experts import views

app_name = "experts"

urlpatterns = [
    path("", views.ExpertListView.as_view(), name="list"),
    path("<slug:slug>/", views.ExpertDetailView.as_view(), name="detail"),
]
