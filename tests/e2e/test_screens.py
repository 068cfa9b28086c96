import pytest

from tests.e2e.conftest import screenshot, sign_in

pytestmark = pytest.mark.e2e


def test_tmp(new_page, leader, portfolio):
    page = new_page()
    sign_in(page, "leader")
    screenshot(page, "tmp-overview")
    page.goto("/projects/")
    screenshot(page, "tmp-list")
    page.goto(f"/projects/{portfolio[0].code}/")
    screenshot(page, "tmp-detail")
