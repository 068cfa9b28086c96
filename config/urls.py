from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path

from config.health import healthz, whoami


def favicon(request):
    # Resolved per request: the hashed name exists only once collectstatic has run.
    return HttpResponsePermanentRedirect(static("portfolio/favicon.svg"))


def build_urlpatterns(admin_url: str) -> list:
    """The site's addresses with the admin (its tools and schedule uploads too) under admin_url."""
    return [
        path("healthz", healthz, name="healthz"),
        # Browsers ask for /favicon.ico on their own; without it every first page logs a 404.
        path("favicon.ico", favicon),
        path("i18n/", include("django.conf.urls.i18n")),
        path(f"{admin_url}tools/", include("portfolio.admin_urls")),
        path(f"{admin_url}schedules/", include("portfolio.excel.urls")),
        path(admin_url, admin.site.urls),
        path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
        path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
        path("accounts/whoami", whoami, name="whoami"),
        path("", include("dispatch.urls")),
        path("", include("portfolio.urls")),
    ]


urlpatterns = build_urlpatterns(settings.ADMIN_URL)

handler400 = "config.errors.bad_request"
