"""The rollup and missing-reports admin pages: figures against a hand computation after a set
of approvals, links to the projects behind each figure, narrowing for an office, and query
counts that do not grow with the data."""

import io
from decimal import Decimal
from urllib.parse import parse_qs, urlparse

import openpyxl
import pytest
from django.test import Client

from portfolio.admin_views import _units
from portfolio.excel.call_lists import streamed_units
from projects.models import ReportStatus
from projects.selectors import missing_reports
from tests.factories import ProjectFactory, UserFactory, row_of
from tests.projects.admin_support import make_report

D = Decimal
ROLLUP, MISSING = "/admin/tools/rollup/", "/admin/tools/missing-reports/"


@pytest.fixture
def portfolio(plan_year, categories, unit_a, unit_b, office_a, office_b, reviewer):
    """Four projects in three categories; reporting month 9 (序时进度 75.00 %)."""
    industry, urban, regional = categories[0], categories[2], categories[5]
    p1 = ProjectFactory(plan_year=plan_year, category=industry, responsible_unit=unit_a, annual_plan=D("1000.00"))
    p2 = ProjectFactory(plan_year=plan_year, category=industry, responsible_unit=unit_b, annual_plan=D("3000.00"))
    p3 = ProjectFactory(plan_year=plan_year, category=urban, responsible_unit=unit_a, annual_plan=D("2000.00"))
    p4 = ProjectFactory(plan_year=plan_year, category=regional, responsible_unit=unit_b, annual_plan=D("500.00"))
    approved = {"status": ReportStatus.APPROVED, "reviewer": reviewer}
    make_report(p1, office_a, month=1, amount="200.00", **approved)
    make_report(p1, office_a, month=2, amount="300.00", percent="20", **approved)
    make_report(p1, office_a, month=3, amount="100.00", percent="30", status=ReportStatus.SUBMITTED)  # not counted
    make_report(p2, office_b, month=1, amount="2400.00", **approved)
    make_report(p3, office_a, month=1, amount="100.00", **approved)
    make_report(p3, office_a, month=2, amount="900.00", percent="20")  # draft, not counted
    return {"p1": p1, "p2": p2, "p3": p3, "p4": p4, "categories": categories}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def figures(row) -> tuple:
    return (
        row.projects,
        row.annual_plan,
        row.completed_ytd,
        row.completion_rate,
        row.time_elapsed,
        row.behind_schedule_points,
        row.flags["yellow"],
        row.flags["red"],
    )


def test_rollup_figures_match_a_hand_computation(portfolio, leader):
    response = client_for(leader).get(ROLLUP)
    assert response.status_code == 200
    rows = {item["row"].code: figures(item["row"]) for item in response.context["rows"]}
    # industry: plan 1000 + 3000 = 4000; approved 200 + 300 + 2400 = 2900; 2900 / 4000 = 72.50 %;
    #   75.00 − 72.50 = 2.50 points. p1 at 50 % is 25 points behind → yellow; p2 at 80 % → green.
    assert rows["industry"] == (2, D("4000.00"), D("2900.00"), D("72.50"), D("75.00"), D("2.50"), 1, 0)
    # urban: 100 / 2000 = 5.00 %, 70.00 behind → p3 red (≥ 30 points).
    assert rows["urban"] == (1, D("2000.00"), D("100.00"), D("5.00"), D("75.00"), D("70.00"), 0, 1)
    # regional: nothing approved: 0.00 %, 75.00 behind → p4 red.
    assert rows["regional"] == (1, D("500.00"), D("0.00"), D("0.00"), D("75.00"), D("75.00"), 0, 1)
    # categories without projects: no plan, no rate.
    assert rows["rural"] == (0, D("0.00"), D("0.00"), None, D("75.00"), None, 0, 0)
    # totals: plan 6500, completed 3000, 3000 / 6500 = 46.1538 → 46.15 %, 28.85 behind; 1 yellow, 2 red.
    total = response.context["total"]["row"]
    assert figures(total) == (4, D("6500.00"), D("3000.00"), D("46.15"), D("75.00"), D("28.85"), 1, 2)
    html = response.content.decode()
    assert '<tr class="total"' in html and ">46.2<" in html and ">28.9<" in html  # one decimal, as every page shows it


def test_rollup_counts_only_up_to_the_chosen_month(portfolio, leader):
    response = client_for(leader).get(ROLLUP, {"month": "1"})
    total = response.context["total"]["row"]
    # Month 1: approved 200 + 2400 + 100 = 2700 (p1's month-2 report is later); 序时进度 1/12 = 8.33 %.
    assert total.completed_ytd == D("2700.00")
    assert total.time_elapsed == D("8.33")


def _changelist_pks(client, link) -> set[int]:
    query = parse_qs(urlparse(link).query)
    response = client.get(urlparse(link).path, {k: v[0] for k, v in query.items()})
    assert response.status_code == 200
    return {p.pk for p in response.context["cl"].result_list}


def test_each_figure_links_to_the_projects_behind_it(portfolio, reviewer):
    client = client_for(reviewer)
    response = client.get(ROLLUP)
    items = {item["row"].code: item for item in response.context["rows"]}
    p = portfolio
    assert _changelist_pks(client, items["industry"]["link"]) == {row_of(p["p1"]).pk, row_of(p["p2"]).pk}
    assert _changelist_pks(client, items["industry"]["yellow_link"]) == {row_of(p["p1"]).pk}
    assert _changelist_pks(client, items["industry"]["red_link"]) == set()
    assert _changelist_pks(client, response.context["total"]["red_link"]) == {row_of(p["p3"]).pk, row_of(p["p4"]).pk}
    assert _changelist_pks(client, response.context["total"]["link"]) == {
        row_of(p[k]).pk for k in ("p1", "p2", "p3", "p4")
    }
    # The project list shows the same figures the rollup counted.
    listed = client.get("/admin/projects/projectyear/", {"month": "9"}).context["cl"].result_list
    assert sum((row.completed_ytd for row in listed), D("0")) == D("3000.00")
    html = response.content.decode()
    assert items["industry"]["yellow_link"].replace("&", "&amp;") in html


def test_office_rollup_covers_its_own_projects_only(portfolio, office_a):
    response = client_for(office_a).get(ROLLUP)
    total = response.context["total"]["row"]
    # p1 and p3: plan 1000 + 2000; approved 500 + 100.
    assert (total.projects, total.annual_plan, total.completed_ytd) == (2, D("3000.00"), D("600.00"))


def test_admin_index_links_to_the_tools(portfolio, leader):
    html = client_for(leader).get("/admin/").content.decode()
    assert f'href="{ROLLUP}"' in html and f'href="{MISSING}"' in html


def test_missing_reports_by_unit(portfolio, reviewer, office_a, office_b):
    p = portfolio
    make_report(p["p1"], office_a, month=9, amount="10.00", percent="30", status=ReportStatus.SUBMITTED)
    make_report(p["p2"], office_b, month=9, amount="10.00")  # a draft is not a report yet
    make_report(p["p3"], office_a, month=9, amount="10.00", status=ReportStatus.RETURNED, reviewer=reviewer)
    response = client_for(reviewer).get(MISSING)
    assert response.status_code == 200
    units = {
        item["unit"].code: ([pr.pk for pr in item["projects"]], [u.username for u in item["contacts"]])
        for item in response.context["units"]
    }
    assert units == {
        "jtj": ([row_of(p["p3"]).pk], ["office_a"]),
        "slj": (sorted([row_of(p["p2"]).pk, row_of(p["p4"]).pk]), ["office_b"]),
    }
    statuses = {pr.pk: pr.draft_status for item in response.context["units"] for pr in item["projects"]}
    assert statuses == {row_of(p["p2"]).pk: "draft", row_of(p["p3"]).pk: "returned", row_of(p["p4"]).pk: None}
    # Another month, another list: month 1 every project but p4 has an approved report.
    response = client_for(reviewer).get(MISSING, {"month": "1"})
    assert [pr.pk for item in response.context["units"] for pr in item["projects"]] == [row_of(p["p4"]).pk]


def test_office_sees_its_own_missing_reports_only(portfolio, office_a):
    response = client_for(office_a).get(MISSING)
    shown = {pr.pk for item in response.context["units"] for pr in item["projects"]}
    assert shown == {portfolio["p1"].pk, portfolio["p3"].pk}


# --- Query counts --------------------------------------------------------------------------------


def _more_projects(plan_year, categories, unit_a, office_a, reviewer, n):
    for i in range(n):
        project = ProjectFactory(plan_year=plan_year, category=categories[i % 6], responsible_unit=unit_a)
        make_report(project, office_a, month=1, amount="10.00", status=ReportStatus.APPROVED, reviewer=reviewer)
        make_report(project, office_a, month=2, amount="10.00", percent="12")


@pytest.mark.parametrize("url", [ROLLUP, MISSING])
def test_tool_pages_query_count_does_not_grow(
    url, portfolio, plan_year, categories, unit_a, office_a, reviewer, leader, django_assert_num_queries
):
    client = client_for(leader)
    # Queries: session, user, the user's groups (role), plan year; for the rollup the sums,
    # progress and flags grouped by category and flag in one query (they were two, each building
    # the annotated rows), and the categories; for the missing reports the
    # count (the page is paged: one COUNT over the same anti-join), the page's projects and the
    # contacts; then the admin's sidebar asks for the user's and the groups'
    # permissions (auth's Group admin), 2 more.
    expected = {ROLLUP: 8, MISSING: 9}[url]
    client.get(url)  # warm up anything cached per process (content types, translations)
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200
    _more_projects(plan_year, categories, unit_a, office_a, reviewer, 12)
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200


def test_pages_speak_chinese_by_default(portfolio, leader, office_a):
    html = client_for(leader).get(ROLLUP).content.decode()
    assert "合计" in html and "低于序时进度（百分点）" in html
    report = row_of(portfolio["p3"]).reports.get(status=ReportStatus.DRAFT)
    html = client_for(office_a).get(f"/admin/projects/progressreport/{report.pk}/change/").content.decode()
    assert "保存并提交审核" in html and "月度进度报告" in html


def test_missing_reports_are_paged_in_unit_order(portfolio, reviewer, plan_year, categories, unit_a):
    # Four missing projects at three a page: the unit-by-unit order runs on across the pages, the
    # count is the whole list's, and the .xlsx still lists every one.
    client = client_for(reviewer)
    whole = client.get(MISSING)
    order = [pr.pk for item in whole.context["units"] for pr in item["projects"]]
    assert whole.context["missing_count"] == len(order) == 4
    first = client.get(MISSING, {"per_page": "3"})
    second = client.get(MISSING, {"per_page": "3", "page": "2"})
    assert first.context["missing_count"] == second.context["missing_count"] == 4
    paged = [pr.pk for r in (first, second) for item in r.context["units"] for pr in item["projects"]]
    assert paged == order
    assert 'rel="next"' in first.content.decode() and 'rel="prev"' in second.content.decode()
    # The pager's links keep the page size (else page 2 of 3-a-page would be rows 101–200).
    assert "page=2&amp;per_page=3" in first.content.decode()
    assert client.get(MISSING, {"per_page": "100000"}).status_code == 400
    assert client.get(MISSING, {"per_page": "2", "_export": "xlsx"}).status_code == 200


def test_the_missing_reports_download_is_streamed_unit_by_unit(reviewer, categories, unit_a, unit_b, plan_year):
    """The call list is written from the database into a temporary file and sent from it; its rows
    are grouped by unit even where a unit's rows straddle two chunks of the stream."""
    for unit, n in ((unit_a, 3), (unit_b, 2)):
        for i in range(n):
            ProjectFactory(plan_year=plan_year, category=categories[0], responsible_unit=unit, code=f"{unit.code}-{i}")
    UserFactory(username="jtj-office", unit=unit_a)
    rows = list(missing_reports(plan_year=plan_year))
    whole = [(item["unit"], [r.pk for r in item["projects"]], item["contacts"]) for item in _units(rows)]
    for size in (1, 2, 5):
        streamed = [
            (item["unit"], [r.pk for r in item["projects"]], item["contacts"])
            for item in streamed_units(iter(rows), chunk_size=size)
        ]
        assert streamed == whole and len(whole) == 2
    response = Client(raise_request_exception=True)
    response.force_login(reviewer)
    download = response.get(MISSING, {"_export": "xlsx"})
    assert download.status_code == 200 and download.streaming
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).worksheets[0]
    assert sheet["A2"].value == "共5个项目"
    assert [r[3] for r in sheet.iter_rows(min_row=4, values_only=True)] == [r.project.code for r in rows]


def test_a_large_missing_reports_download_is_a_background_job(settings, reviewer, office_a, portfolio, unit_a):
    """Past EXPORT_SYNC_MAX_ROWS the call list is not written in the request: a POST queues a job,
    whose worker writes the same workbook, offered to the one who asked."""
    from portfolio import jobs
    from portfolio.models import ExportJob, ExportStatus

    settings.EXPORT_SYNC_MAX_ROWS = 1
    settings.EXPORT_JOBS_IN_THREAD = False
    client = client_for(reviewer)
    page = client.get(MISSING, {"_export": "xlsx"})
    assert page.status_code == 200 and 'id="prepare-export"' in page.content.decode()
    assert not ExportJob.objects.exists()  # a link makes no job
    response = client.post(f"{MISSING}?_export=xlsx")
    job = ExportJob.objects.get()
    assert response.status_code == 302 and job.kind == "missing" and job.rows_total > 1
    assert jobs.run_pending() == 1
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE
    download = client.get(f"/admin/schedules/export/jobs/{job.pk}/download/")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).worksheets[0]
    assert sheet["A2"].value == f"共{job.rows_total}个项目"
    assert len([r for r in sheet.iter_rows(min_row=4, values_only=True) if r[3]]) == job.rows_total
    assert client_for(office_a).get(f"/admin/schedules/export/jobs/{job.pk}/download/").status_code == 404
