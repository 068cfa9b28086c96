"""The pages' cache (portfolio/page_cache.py) and the data token it is kept under
(portfolio/freshness.py): every write to the data changes the token, however it is made; a page
read after a write shows the write; rendered figures are shared only between users who see the same
rows; what belongs to one user is rendered for them on every request."""

import datetime
import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.test import override_settings

from dispatch import services as dispatch_services
from portfolio import freshness
from portfolio.models import DataVersion, ExportJob
from projects.models import Project, ReportStatus, ResponsibleUnit
from tests import factories
from tests.projects.admin_support import make_report

OVERVIEW = "/"
PROJECTS = "/projects/"


def token():
    return freshness.data_token()


# --- the token ---------------------------------------------------------------------------------


def test_every_tracked_table_carries_the_trigger(db):
    tables = freshness.tracked_tables(apps)
    # The tables the pages read, and who may see them, are among them; the history tables and the
    # app's own bookkeeping are not.
    for table in (
        "projects_progressreport",
        "projects_projectyearprogress",
        "dispatch_problem",
        "projects_user_groups",
    ):
        assert table in tables
    assert not [t for t in tables if "historical" in t or t.startswith("portfolio_")]
    assert "last_login" not in tables["projects_user"] and "unit_id" in tables["projects_user"]
    assert set(tables) <= freshness.installed_tables(connection)


def test_a_write_changes_the_token_however_it_is_made(project_a, unit_b):
    seen = [token()]

    def changed():
        now = token()
        assert now not in seen
        seen.append(now)

    Project.objects.filter(pk=project_a.pk).update(location="双江街道")  # no signal, no save()
    changed()
    ResponsibleUnit.objects.bulk_create([ResponsibleUnit(name="县林业局", code="lyj")])
    changed()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE projects_responsibleunit SET name = '县水利局（改）' WHERE id = %s", [unit_b.pk])
    changed()
    ResponsibleUnit.objects.filter(code="lyj").delete()
    changed()
    factories.UserFactory(username="someone").groups.add(Group.objects.get_or_create(name="领导")[0])
    changed()


def test_signing_in_keeps_the_token(client, leader):
    before = token()
    client.force_login(leader)  # sets last_login
    assert token() == before


def test_reading_and_the_apps_own_bookkeeping_keep_the_token(project_a, leader):
    before = token()
    list(Project.objects.all())
    job = ExportJob.objects.create(user=leader, year=2022, filename="x.xlsx")
    ExportJob.objects.filter(pk=job.pk).update(rows_done=10)  # a job's progress is no page's data
    assert token() == before


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the token set at COMMIT is PostgreSQL's")
def test_on_postgresql_the_token_changes_at_commit_not_before(categories):
    # Production's timing (the tests run with the token changed at the write itself).
    freshness.install(connection, freshness.tracked_tables(apps), at_commit=True)
    try:
        before = token()
        with transaction.atomic():
            ResponsibleUnit.objects.create(name="县林业局", code="lyj")
            # Inside the transaction the token is unchanged: nothing holds the version row yet,
            # and a reader elsewhere could not see the new row either.
            assert token() == before
        assert token() != before
        assert not DataVersion.objects.exclude(pk=1).exists()
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM portfolio_datachange")
            assert cursor.fetchone()[0] == 0  # each transaction's note is gone with its commit
    finally:
        freshness.install(connection, freshness.tracked_tables(apps), at_commit=False)


# --- pages after writes ------------------------------------------------------------------------


def approve(office, reviewer, project, amount):
    return make_report(project, office, month=9, amount=amount, status=ReportStatus.APPROVED, reviewer=reviewer)


def kpi_completed(html: str) -> str:
    return re.search(r'id="kpi-completed">([^<]*)<', html).group(1)


def test_the_overview_list_and_project_page_show_an_approval_at_once(
    client, leader, office_a, reviewer, project_a, project_b
):
    client.force_login(leader)
    pages = [OVERVIEW, PROJECTS, f"{PROJECTS}{project_a.code}/"]
    before = {url: client.get(url).content.decode() for url in pages}
    assert {url: client.get(url).content.decode() for url in pages}.keys() == before.keys()
    approve(office_a, reviewer, project_a, "12345.67")
    after = {url: client.get(url).content.decode() for url in pages}
    assert "12,345.67" not in before[PROJECTS] and "12,345.67" in after[PROJECTS]
    assert "12,345.67" in after[f"{PROJECTS}{project_a.code}/"]
    assert kpi_completed(after[OVERVIEW]) != kpi_completed(before[OVERVIEW])


def test_a_problem_raised_shows_on_the_overview_at_once(client, leader, office_a, project_a):
    client.force_login(leader)
    assert "没有未销号的问题。" in client.get(OVERVIEW).content.decode()
    dispatch_services.problem_raise(actor=office_a, project=project_a, type="land", description="征地拆迁未完成")
    assert "征地拆迁未完成" in client.get(OVERVIEW).content.decode()


# --- who sees what -----------------------------------------------------------------------------


def test_offices_never_see_each_others_cached_figures(client, office_a, office_b, project_a, project_b, leader):
    client.force_login(office_a)
    mine = client.get(PROJECTS).content.decode()
    assert project_a.name in mine and project_b.name not in mine
    client.force_login(office_b)
    theirs = client.get(PROJECTS).content.decode()
    assert project_b.name in theirs and project_a.name not in theirs
    assert 'id="office-scope"' in client.get(OVERVIEW).content.decode()
    assert client.get(f"{PROJECTS}{project_a.code}/").status_code == 404  # even once cached for a
    client.force_login(leader)
    everything = client.get(PROJECTS).content.decode()
    assert project_a.name in everything and project_b.name in everything
    assert 'id="office-scope"' not in client.get(OVERVIEW).content.decode()


def test_a_change_of_groups_shows_at_once(client, leader, unit_a, project_a, project_b):
    # The user's groups are kept under the token too: a leader made an office of one unit sees that
    # unit's projects on the next page, not the county's.
    client.force_login(leader)
    assert project_b.name in client.get(PROJECTS).content.decode()
    leader.groups.set([Group.objects.get_or_create(name="office")[0]])
    leader.unit = unit_a
    leader.save()
    page = client.get(PROJECTS).content.decode()
    assert project_a.name in page and project_b.name not in page


def test_users_who_see_the_same_rows_share_figures_but_not_their_own_parts(
    client, leader, reviewer, project_a, django_assert_max_num_queries
):
    client.force_login(leader)
    leaders_page = client.get(OVERVIEW).content.decode()
    assert 'id="work-queue"' not in leaders_page  # a leader has no review queue
    client.force_login(reviewer)
    with django_assert_max_num_queries(10):  # the figures are the leader's, from the cache
        page = client.get(OVERVIEW).content.decode()
    assert 'id="work-queue"' in page and 'id="queue-review"' in page  # the reviewer's own queue
    assert "reviewer" in page and kpi_completed(page) == kpi_completed(leaders_page)


def test_a_cached_page_keeps_its_forms_and_messages_its_own(client, leader, finance, project_a, settings):
    client.force_login(leader)
    client.get(PROJECTS)  # cached
    client.force_login(finance)
    settings.EXPORT_SYNC_MAX_ROWS = 0  # every export too large: a message, then the cached list
    response = client.get(PROJECTS, {"_export": "xlsx"}, follow=True)
    html = response.content.decode()
    assert "narrow the filters" in html or "缩小" in html
    token_in_page = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    assert token_in_page  # the sign-out form's token is made for this request, never cached


def test_the_language_is_part_of_the_key(client, leader, project_a):
    client.force_login(leader)
    chinese = client.get(PROJECTS).content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(PROJECTS).content.decode()
    assert "Filter" in english and "Filter" not in chinese.split("<main>")[1].split("</form>")[0]


def test_the_rules_settings_are_part_of_the_key(client, leader, office_a, reviewer, project_a):
    approve(office_a, reviewer, project_a, "1")  # far behind 序时进度: red at the default bounds
    client.force_login(leader)
    red = client.get(PROJECTS, {"flag": "red"}).content.decode()
    assert project_a.name in red
    with override_settings(PORTFOLIO_FLAG_RED_POINTS=Decimal("100"), PORTFOLIO_FLAG_YELLOW_POINTS=Decimal("99")):
        assert project_a.name not in client.get(PROJECTS, {"flag": "red"}).content.decode()


def test_tomorrow_is_another_key(project_a, monkeypatch):
    from portfolio import page_cache

    today = page_cache.PageKeys()("overview", "all")
    assert page_cache.PageKeys()("overview", "all") == today
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    monkeypatch.setattr(page_cache.timezone, "localdate", lambda: tomorrow)
    assert page_cache.PageKeys()("overview", "all") != today


@pytest.mark.django_db(transaction=True)
def test_the_triggers_are_back_after_migrating_away_and_back():
    # Going back before the data version drops its triggers and functions; coming back (and every
    # later table SQLite rebuilds to alter it) installs them again, as `migrate` does.
    from tests.migrating import latest, migrate_to

    migrate_to([("portfolio", "0005_export_kind"), ("projects", "0013_list_indexes")])
    migrate_to(latest())
    assert set(freshness.tracked_tables(apps)) <= freshness.installed_tables(connection)
    before = token()
    ResponsibleUnit.objects.create(name="县林业局", code="lyj")
    assert token() != before


def test_a_shared_project_page_offers_raising_a_problem_by_role(client, finance, office_a, project_a):
    raise_link = "/problems/new/?project="
    client.force_login(finance)  # finance reads, raises nothing
    assert raise_link not in client.get(f"{PROJECTS}{project_a.code}/").content.decode()
    client.force_login(office_a)  # the same figures from the cache, the office's own offer
    assert raise_link in client.get(f"{PROJECTS}{project_a.code}/").content.decode()


# --- a user's own page again -------------------------------------------------------------------

CSRF_IN_PAGE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def without_tokens(response) -> str:
    return CSRF_IN_PAGE.sub("", response.content.decode())


@pytest.fixture
def renders(monkeypatch):
    """How many times the leaders' pages (overview, list, project) were rendered."""
    from portfolio import views

    count = {"n": 0}
    render = views.render

    def counted(*args, **kwargs):
        count["n"] += 1
        return render(*args, **kwargs)

    monkeypatch.setattr(views, "render", counted)
    return count


@pytest.mark.parametrize("url", [OVERVIEW, PROJECTS + "?sort=-completed_ytd", "project"])
def test_the_same_page_again_is_the_users_own_copy(client, leader, project_a, url, renders, django_assert_num_queries):
    url = f"{PROJECTS}{project_a.code}/" if url == "project" else url
    client.force_login(leader)
    kept = client.get(url)
    assert renders["n"] == 1
    with django_assert_num_queries(3):  # session, user, the data token: nothing else is read
        again = client.get(url)
    assert renders["n"] == 1  # not rendered again: the copy
    assert again.status_code == 200 and without_tokens(again) == without_tokens(kept)
    assert again["Content-Type"] == kept["Content-Type"]


def test_a_kept_pages_forms_carry_a_token_made_for_the_request(leader, project_a):
    from django.conf import settings
    from django.test import Client

    from portfolio import page_cache

    client = Client(enforce_csrf_checks=True)
    client.force_login(leader)
    client.get(OVERVIEW)  # kept
    del client.cookies[settings.CSRF_COOKIE_NAME]  # a browser that lost its CSRF cookie (or never kept it)
    again = client.get(OVERVIEW)
    html = again.content.decode()
    assert page_cache._slot() not in html
    assert settings.CSRF_COOKIE_NAME in again.cookies  # issued with the copy, as with a fresh page
    tokens = set(CSRF_IN_PAGE.findall(html))
    assert len(tokens) == 1  # both forms (language, sign out), one token made for this answer
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": tokens.pop()})
    assert response.status_code == 302  # not 403: valid for the cookie just issued
    assert "Overview" in client.get(OVERVIEW).content.decode()  # and English is another copy


def test_no_slot_is_ever_sent(client, leader, office_a, project_a, project_b):
    from portfolio import page_cache

    client.force_login(office_a)
    for url in (OVERVIEW, PROJECTS, f"{PROJECTS}{project_a.code}/", f"{PROJECTS}{project_b.code}/", "/problems/"):
        for _ in range(2):  # rendered, then the copy; project_b is another unit's: a 404 page
            assert page_cache._slot() not in client.get(url).content.decode(), url


def test_users_of_one_scope_never_get_each_others_page(client, leader, finance, project_a):
    client.force_login(leader)
    client.get(OVERVIEW)
    client.force_login(finance)  # the county's rows too, another user and session
    page = client.get(OVERVIEW).content.decode()
    assert "finance" in page and ">leader<" not in page


def test_a_new_session_renders_its_own(client, leader, project_a, renders):
    client.force_login(leader)
    client.get(OVERVIEW)
    client.logout()
    client.force_login(leader)
    client.get(OVERVIEW)
    assert renders["n"] == 2


def test_waiting_messages_are_shown_and_never_kept(client, finance, project_a, settings):
    client.force_login(finance)
    client.get(PROJECTS)
    settings.EXPORT_SYNC_MAX_ROWS = 0  # every export too large: a message, then the list
    with_message = client.get(PROJECTS, {"_export": "xlsx"}, follow=True).content.decode()
    assert 'id="messages"' in with_message
    assert 'id="messages"' not in client.get(PROJECTS).content.decode()  # shown once, not kept


def test_downloads_are_never_kept(client, finance, project_a):
    client.force_login(finance)
    client.get(PROJECTS)
    for _ in range(3):
        response = client.get(PROJECTS, {"_export": "xlsx"})
        assert response.status_code == 200 and "attachment" in response["Content-Disposition"]


def test_a_write_between_two_views_is_shown(client, leader, office_a, reviewer, project_a):
    client.force_login(leader)
    kept = client.get(f"{PROJECTS}{project_a.code}/")
    client.get(f"{PROJECTS}{project_a.code}/")
    approve(office_a, reviewer, project_a, "12345.67")
    assert "12,345.67" not in kept.content.decode()
    assert "12,345.67" in client.get(f"{PROJECTS}{project_a.code}/").content.decode()
