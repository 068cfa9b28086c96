"""A signed-in session ends after a working day of idleness and when the browser closes, and it
is not written on every request."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def clock(monkeypatch):
    """clock.now is what django.utils.timezone.now answers (sessions and the middleware ask it)."""

    class Clock:
        now = timezone.now()

        def advance(self, delta):
            self.now += delta

    c = Clock()
    monkeypatch.setattr(timezone, "now", lambda: c.now)
    return c


def _signed_in(response) -> bool:
    return response.status_code == 200


@pytest.mark.django_db
def test_a_session_idle_for_a_working_day_is_signed_out(client, leader, plan_year, clock):
    client.force_login(leader)
    assert _signed_in(client.get("/"))
    clock.advance(10 * HOUR + datetime.timedelta(minutes=1))
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


@pytest.mark.django_db
def test_a_session_in_use_outlives_a_working_day_from_sign_in(client, leader, plan_year, clock):
    client.force_login(leader)
    for _ in range(5):  # a page every three hours: 15 hours after signing in
        clock.advance(3 * HOUR)
        assert _signed_in(client.get("/"))
    clock.advance(10 * HOUR + datetime.timedelta(minutes=1))  # then a night away
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_the_session_cookie_ends_with_the_browser(client, leader, plan_year, clock):
    client.force_login(leader)
    clock.advance(HOUR)
    response = client.get("/")
    cookie = response.cookies["sessionid"]  # refreshed: an hour is past the refresh interval
    assert cookie["expires"] == "" and cookie["max-age"] == ""


@pytest.mark.django_db
def test_pages_in_quick_succession_do_not_write_the_session(client, leader, plan_year, clock):
    client.force_login(leader)
    for _ in range(3):
        clock.advance(datetime.timedelta(minutes=1))
        with CaptureQueriesContext(connection) as queries:
            assert _signed_in(client.get("/"))
        writes = [q["sql"] for q in queries if "django_session" in q["sql"] and not q["sql"].startswith("SELECT")]
        assert writes == []
    clock.advance(datetime.timedelta(minutes=5))
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    assert any("django_session" in q["sql"] and q["sql"].startswith("UPDATE") for q in queries)
