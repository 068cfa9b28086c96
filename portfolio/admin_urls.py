"""Admin tool pages (under /admin/tools/), behind the admin's staff login."""

from django.contrib import admin
from django.urls import path

from . import admin_views

app_name = "portfolio_admin"
urlpatterns = [
    path("rollup/", admin.site.admin_view(admin_views.rollup), name="rollup"),
    path("missing-reports/", admin.site.admin_view(admin_views.missing), name="missing_reports"),
]
