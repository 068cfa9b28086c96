"""End-to-end tests: Playwright drives Debian's chromium (/usr/bin/chromium) against pytest-django's
live server. No browser is downloaded; without /usr/bin/chromium these tests skip and say why."""

import os
import pathlib

import pytest

# The live server runs in a thread while Playwright's sync API holds an event loop in this one;
# Django's async-safety guard would otherwise refuse the test's own ORM calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = pathlib.Path("/usr/bin/chromium")
SCREENSHOTS = pathlib.Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
PASSWORD = "pw"  # tests.factories.UserFactory


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium (`make test` installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """new_page(viewport=…) → a page in a fresh context (its own cookies), closed after the test.
    Every journey also proves the Content-Security-Policy blocks nothing the pages need: a violation
    the browser reports on any page fails the test."""
    contexts, violations = [], []

    def make(*, console_errors_fail: bool = False, **kwargs):
        """console_errors_fail: any error in the console or uncaught in a script fails the test too."""
        kwargs.setdefault("viewport", {"width": 1366, "height": 900})
        kwargs.setdefault("locale", "zh-CN")
        context = browser.new_context(base_url=live_server.url, accept_downloads=True, **kwargs)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)

        def on_console(message):
            if "Content Security Policy" in message.text or (console_errors_fail and message.type == "error"):
                violations.append(f"{page.url}: {message.text}")

        page.on("console", on_console)
        if console_errors_fail:
            page.on("pageerror", lambda error: violations.append(f"{page.url}: uncaught {error}"))
        return page

    yield make
    for context in contexts:
        context.close()
    assert violations == [], "the Content-Security-Policy blocked something a page needs (or a script failed)"


def sign_in(page, username: str, password: str = PASSWORD, next_url: str = "/"):
    page.goto(f"/accounts/login/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("#login-form button[type=submit]")
    page.wait_for_load_state("networkidle")


def choose_in_autocomplete(page, field: str, search: str, option_text: str) -> None:
    """Pick a value in one of the admin's search-as-you-type fields (its vendored select2), as a
    user does: open it, type, click the matching option."""
    page.click(f".field-{field} .select2-selection")
    page.fill(".select2-search__field", search)
    option = page.locator(".select2-results__option", has_text=option_text)
    option.wait_for()
    option.click()


def screenshot(page, name: str):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def portfolio(plan_year, categories, unit_a, unit_b):
    from tests.portfolio.data import build_portfolio

    return build_portfolio(plan_year=plan_year, categories=categories, units=[unit_a, unit_b], per_category=2)
