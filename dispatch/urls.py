from django.urls import path

from . import views

app_name = "dispatch"
urlpatterns = [
    path("problems/", views.ProblemListView.as_view(), name="problems"),
    path("problems/new/", views.problem_new, name="problem_new"),
    path("problems/<int:pk>/", views.problem_detail, name="problem"),
    path("problems/<int:pk>/<slug:step>/", views.problem_step, name="problem_step"),
    path("my/", views.my_projects, name="my"),
    path("review/", views.review, name="review"),
    path("rankings/", views.rankings_view, name="rankings"),
    path("review/<int:pk>/", views.review_step, name="review_step"),
    path("projects/<str:code>/leaders/", views.project_leaders, name="project_leaders"),
]
