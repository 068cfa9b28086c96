from django.urls import path

from . import views

app_name = "portfolio"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("attention.xlsx", views.attention_export, name="attention_export"),
    path("projects/", views.ProjectListView.as_view(), name="projects"),
    path("projects/<str:code>/", views.project_detail, name="project"),
]
