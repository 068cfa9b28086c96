"""The admin's address is set by DJANGO_ADMIN_URL; its tools and schedule uploads move with it and
every link to them is reversed, never written out."""

import pathlib
import re

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from config import env
from config.urls import build_urlpatterns

urlpatterns = build_urlpatterns("office-7f3/")
handler400 = "config.errors.bad_request"

moved = pytest.mark.urls(__name__)


@moved
@pytest.mark.django_db
def test_the_admin_answers_only_at_its_configured_address(client, admin_user):
    assert client.get("/office-7f3/").url.startswith("/office-7f3/login/")
    client.force_login(admin_user)
    assert client.get("/office-7f3/").status_code == 200
    assert client.get("/admin/").status_code == 404
    assert client.get("/admin/tools/rollup/").status_code == 404


@moved
@pytest.mark.django_db
def test_the_admin_tools_and_schedules_follow_the_admin(client, admin_user, plan_year):
    client.force_login(admin_user)
    for name in ("portfolio_admin:rollup", "portfolio_admin:missing_reports", "schedules:import"):
        url = reverse(name)
        assert url.startswith("/office-7f3/"), url
        assert client.get(url).status_code == 200, url


@moved
@pytest.mark.django_db
def test_links_to_the_admin_point_at_the_configured_address(client, admin_user, plan_year):
    client.force_login(admin_user)
    for url in ("/", "/office-7f3/", reverse("portfolio_admin:rollup")):
        html = client.get(url, follow=True).content.decode()
        assert "/office-7f3/" in html, url
        assert not re.search(r"""(href|action|src)=["']/admin/""", html), url


def test_the_prefix_is_normalised_and_an_empty_one_refused(monkeypatch):
    monkeypatch.setenv("DJANGO_ADMIN_URL", "/gl-office/")
    assert env.env_path_prefix("DJANGO_ADMIN_URL", "admin/") == "gl-office/"
    monkeypatch.delenv("DJANGO_ADMIN_URL")
    assert env.env_path_prefix("DJANGO_ADMIN_URL", "admin/") == "admin/"
    for bad in ("/", "  ", "a b/"):
        monkeypatch.setenv("DJANGO_ADMIN_URL", bad)
        with pytest.raises(ImproperlyConfigured, match="DJANGO_ADMIN_URL"):
            env.env_path_prefix("DJANGO_ADMIN_URL", "admin/")


def test_no_template_or_script_writes_the_admin_address_out():
    base = pathlib.Path(settings.BASE_DIR)
    files = [
        *base.glob("templates/**/*.html"),
        *base.glob("*/templates/**/*.html"),
        *base.glob("static/portfolio/*.js"),
    ]
    assert files
    written_out = [str(f.relative_to(base)) for f in files if re.search(r"""["'`]/admin/""", f.read_text())]
    assert written_out == []
