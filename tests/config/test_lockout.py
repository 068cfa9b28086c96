"""Repeated failed sign-ins lock the account out (django-axes), even with the right password."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse


@pytest.mark.parametrize("login_url", ["login", "admin:login"])
@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_three_failures_lock_the_account_out(leader, login_url):
    client = Client(REMOTE_ADDR="10.0.0.7")
    for _ in range(3):
        response = client.post(reverse(login_url), {"username": "leader", "password": "wrong"})
    assert response.status_code == 429
    response = client.post(reverse(login_url), {"username": "leader", "password": "pw"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "登录失败次数过多" in response.content.decode()  # the page says why, in Chinese


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_a_success_before_the_limit_resets_the_count(leader):
    client = Client(REMOTE_ADDR="10.0.0.8")
    for _ in range(2):
        client.post("/accounts/login/", {"username": "leader", "password": "wrong"})
    assert client.post("/accounts/login/", {"username": "leader", "password": "pw"}).status_code == 302
