"""Chinese is the default whatever the browser asks for; English only when the user picks it."""

from django.conf import settings
from django.urls import reverse


def test_an_english_browser_still_gets_chinese(client, leader, plan_year):
    client.force_login(leader)
    html = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-hans"' in html


def test_the_switcher_cookie_selects_english(client, leader, plan_year):
    client.force_login(leader)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("admin:index")).content.decode()
    assert '<html lang="en"' in html


def test_an_unknown_cookie_falls_back_to_chinese(client, leader, plan_year):
    client.force_login(leader)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    assert '<html lang="zh-hans"' in client.get(reverse("admin:index")).content.decode()
