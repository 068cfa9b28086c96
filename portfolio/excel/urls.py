from django.contrib import admin
from django.urls import path

from . import views

app_name = "schedules"
urlpatterns = [
    path("import/", admin.site.admin_view(views.import_view), name="import"),
    path("export/", admin.site.admin_view(views.export_view), name="export"),
    path("export/jobs/<int:pk>/", admin.site.admin_view(views.export_job_view), name="export_job"),
    path("export/jobs/<int:pk>/download/", admin.site.admin_view(views.export_download), name="export_download"),
    path("template/", admin.site.admin_view(views.template_view), name="template"),
]
