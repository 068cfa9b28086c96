"""What every response carries in production: a health endpoint for the load balancer, a strict
Content-Security-Policy, sessions that end with the working day, and error pages in the user's language."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError
from django.http import HttpResponse
from django.test import Client
from django.urls import path, reverse

from config import env


def _csp(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.strip() for part in header.split(";") if part.strip()}


# --- Health ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_health_answers_ok_without_signing_in_and_sets_no_cookie(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "sessionid" not in response.cookies
    assert "no-cache" in response.headers["Cache-Control"]


@pytest.mark.django_db
def test_health_is_503_when_the_database_cannot_be_reached(client, monkeypatch):
    class Unreachable:
        def cursor(self):
            raise DatabaseError("connection refused")

    monkeypatch.setattr("config.health.connection", Unreachable())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


@pytest.mark.django_db
def test_health_only_reads(client):
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_whoami_names_the_signed_in_user_and_sends_others_to_sign_in(client, django_user_model):
    response = client.get(reverse("whoami"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    user = django_user_model.objects.create_user("wang", first_name="Wu", last_name="Wang")
    client.force_login(user)
    response = client.get(reverse("whoami"))
    assert response.status_code == 200
    assert response.json() == {"username": "wang", "name": "Wu Wang"}
    assert "no-cache" in response.headers["Cache-Control"]


# --- Content-Security-Policy ------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["login", "portfolio:overview", "portfolio:projects", "admin:index"])
def test_every_page_forbids_foreign_and_inline_scripts(client, leader, plan_2022, url):
    client.force_login(leader)
    response = client.get(reverse(url), follow=True)
    assert response.status_code == 200
    policy = _csp(response)
    assert policy["script-src"] == "script-src 'self'"
    assert policy["object-src"] == "object-src 'none'"
    assert policy["frame-ancestors"] == "frame-ancestors 'none'"
    assert policy["form-action"] == "form-action 'self'"
    assert "http" not in response.headers["Content-Security-Policy"]  # no third-party origin anywhere


# --- Sessions -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_session_lasts_a_working_day_and_ends_with_the_browser(client, leader):
    client.force_login(leader)
    session = client.session
    assert session.get_expiry_age() == 10 * 60 * 60
    assert session.get_expire_at_browser_close() is True


def test_a_bad_session_length_in_the_environment_is_named(monkeypatch):
    monkeypatch.setenv("DJANGO_SESSION_HOURS", "٣")
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SESSION_HOURS"):
        env.env_int("DJANGO_SESSION_HOURS", 10)
    monkeypatch.setenv("DJANGO_SESSION_HOURS", "0")
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SESSION_HOURS"):
        env.env_int("DJANGO_SESSION_HOURS", 10)
    monkeypatch.setenv("DJANGO_SESSION_HOURS", "12")
    assert env.env_int("DJANGO_SESSION_HOURS", 10) == 12


# --- Error pages ----------------------------------------------------------------------------------------


def _boom(request):
    raise RuntimeError("a bug")


def _ok(request):
    return HttpResponse("ok")


urlpatterns = [path("boom/", _boom), path("ok/", _ok)]


@pytest.mark.django_db
def test_an_unknown_address_is_a_chinese_404_page(client, leader):
    client.force_login(leader)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.text and 'data-status="404"' in response.text
    assert "Not Found" not in response.text


@pytest.mark.django_db
def test_another_units_project_is_the_same_404_as_a_missing_one(client, office_a, project_b):
    client.force_login(office_a)
    theirs = client.get(f"/projects/{project_b.code}/")
    missing = client.get("/projects/NO-SUCH-CODE/")
    assert theirs.status_code == missing.status_code == 404
    assert project_b.name not in theirs.text
    assert theirs.text == missing.text


@pytest.mark.django_db
def test_a_refusal_is_a_chinese_403_page(client, leader, plan_2022):
    client.force_login(leader)  # leaders change nothing
    response = client.post(reverse("admin:projects_project_add"), {})
    assert response.status_code == 403
    assert "无权操作" in response.text


@pytest.mark.django_db
def test_a_stale_form_is_explained_not_a_technical_csrf_page(leader):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "leader", "password": "pw"})
    assert response.status_code == 403
    assert "表单已失效" in response.text and "CSRF" not in response.text


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_crash_is_a_chinese_500_page_that_says_nothing_was_saved():
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "服务器错误" in response.text and "未保存任何内容" in response.text
    assert "RuntimeError" not in response.text and "a bug" not in response.text


@pytest.mark.django_db
def test_english_users_get_english_error_pages(client, leader):
    client.force_login(leader)
    client.cookies["django_language"] = "en"
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and "Page not found" in response.text


def test_no_template_carries_inline_script_or_event_handlers():
    """The policy forbids them; this names the template before a browser test would."""
    import pathlib
    import re

    from django.conf import settings

    base = pathlib.Path(settings.BASE_DIR)
    inline = re.compile(r"""\son[a-z]+\s*=\s*["']|<script(?![^>]*(\bsrc=|type="application/json"))[^>]*>|javascript:""")
    files = [*base.glob("templates/**/*.html"), *base.glob("*/templates/**/*.html")]
    assert files
    assert [str(f.relative_to(base)) for f in files if inline.search(f.read_text())] == []
