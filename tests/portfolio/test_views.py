"""The leaders' pages: sign-in, who sees what, the overview's figures against the rollup, the
project browser's filters, totals and export, the project page, and pinned query counts."""

import datetime
import io
import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from portfolio.selectors import category_rollup, rollup_as_json
from projects import services
from projects.history import FieldChange
from projects.models import Project, ProjectYear
from projects.selectors import current_period, projects_with_progress
from tests import factories
from tests.factories import row_of
from tests.plan_2022 import REPORT_PARAGRAPH
from tests.portfolio.data import build_portfolio

OVERVIEW = "/"
PROJECTS = "/projects/"


def json_script(response, element_id: str):
    match = re.search(
        rf'<script id="{element_id}" type="application/json">(.*?)</script>', response.content.decode(), re.S
    )
    assert match, f"no json_script #{element_id}"
    return json.loads(match.group(1))


def listed_codes(response) -> list[str]:
    return [row.record.project.code for row in response.context["table"].paginated_rows]


# --- sign-in and visibility -------------------------------------------------------------------


@pytest.mark.parametrize("url", [OVERVIEW, PROJECTS, "/projects/YY2022-REG-001/", "/projects/?_export=xlsx"])
def test_every_page_needs_sign_in(client, project_a, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_renders_in_chinese(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "登录" in response.content.decode()


@pytest.mark.parametrize("role", ["leader", "reviewer", "finance", "admin_user"])
def test_roles_that_see_everything_see_every_project(client, request, role, project_a, project_b):
    client.force_login(request.getfixturevalue(role))
    assert sorted(listed_codes(client.get(PROJECTS))) == [project_a.code, project_b.code]
    assert client.get(f"/projects/{project_b.code}/").status_code == 200


def test_an_office_sees_only_its_units_projects(client, office_a, project_a, project_b):
    client.force_login(office_a)
    response = client.get(PROJECTS)
    assert listed_codes(response) == [project_a.code]
    assert list(response.context["filter"].form.fields["responsible_unit"].queryset) == [office_a.unit]
    assert client.get(f"/projects/{project_a.code}/").status_code == 200
    assert client.get(f"/projects/{project_b.code}/").status_code == 404
    # Its overview counts only its own projects, and its export too.
    figures = json_script(client.get(OVERVIEW), "overview-figures")
    assert figures["total"]["projects"] == 1
    wb = load_workbook(io.BytesIO(client.get(PROJECTS + "?_export=xlsx").content))
    assert [row[0] for row in wb.active.iter_rows(min_row=2, max_row=2, values_only=True)] == [project_a.code]


def test_a_user_without_a_role_sees_nothing(client, project_a):
    nobody = factories.UserFactory(username="nobody")
    client.force_login(nobody)
    assert listed_codes(client.get(PROJECTS)) == []
    assert client.get(f"/projects/{project_a.code}/").status_code == 404


def test_unknown_year_is_404_a_bad_one_400_and_no_plan_year_renders_an_empty_page(client, leader, db):
    client.force_login(leader)
    response = client.get(OVERVIEW)
    assert response.status_code == 200
    assert "尚无年度计划" in response.content.decode()
    factories.PlanYearFactory(year=2022)
    for url in (OVERVIEW, PROJECTS):  # a plan year without projects yet
        assert client.get(url).status_code == 200
    assert client.get(OVERVIEW + "?year=1999").status_code == 404
    assert client.get(OVERVIEW + "?year=abc").status_code == 400  # not a year at all: projects.params refuses it


# --- the overview ------------------------------------------------------------------------------


def test_overview_figures_equal_the_rollup_json(client, leader, plan_year, portfolio):
    client.force_login(leader)
    response = client.get(OVERVIEW)
    expected = rollup_as_json(category_rollup(plan_year=plan_year))
    assert json_script(response, "overview-figures") == expected
    html = response.content.decode()
    # The figures shown are the same ones, in 亿元 with one decimal.
    total = category_rollup(plan_year=plan_year).total
    completed_yi = (total.completed_ytd / 10000).quantize(Decimal("0.1"))
    assert re.search(rf'id="kpi-completed">{completed_yi}<', html)
    assert re.search(rf'id="kpi-projects">{total.projects}<', html)
    for row in expected["categories"]:
        assert f'data-category="{row["code"]}"' in html


def test_overview_figures_equal_the_rollup_command(client, leader, plan_year, portfolio):
    from django.core.management import call_command

    out = io.StringIO()
    call_command("rollup", year=plan_year.year, format="json", stdout=out)
    client.force_login(leader)
    assert json_script(client.get(OVERVIEW), "overview-figures") == json.loads(out.getvalue())


def test_overview_links_the_schedule_for_the_reporting_month(client, leader, plan_year, portfolio):
    client.force_login(leader)
    html = client.get(OVERVIEW).content.decode()
    period = current_period(plan_year)
    link = f"{reverse('schedules:export')}?year={plan_year.year}&amp;month={period.month}"
    assert f'id="schedule-xlsx" href="{link}"' in html
    response = client.get(link.replace("&amp;", "&"))
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    # schedule, rollup, milestones, the month's dispatch sheet, its problem list and ranking
    assert workbook.sheetnames[3:] == ["9月调度", "问题清单", "红黑榜"]


def test_overview_writes_the_progress_sentence_and_flag_counts(client, leader, plan_year, portfolio):
    client.force_login(leader)
    response = client.get(OVERVIEW)
    rollup = category_rollup(plan_year=plan_year)
    t = rollup.total
    sentence = (
        f"1-9月完成投资{(t.completed_ytd / 10000).quantize(Decimal('0.1'))}亿元，"
        f"占年度计划{t.completion_rate.quantize(Decimal('0.1'))}%，"
        f"低于序时进度{t.behind_schedule_points.quantize(Decimal('0.1'))}个百分点"
    )
    html = response.content.decode()
    assert sentence in html
    assert html.count("亿元，占年度计划") == 7  # the total and one per category
    flags = projects_with_progress(current_period(plan_year)).values_list("flag", flat=True)
    assert t.flags == {f: list(flags).count(f) for f in ("green", "yellow", "red")}
    assert all(t.flags.values())  # the data has every colour, so the counts can be wrong
    assert f'?flag=red" title="重点关注"><span class="dot"></span>{t.flags["red"]}<' in html


def test_overview_lists_the_red_projects_furthest_behind_first(client, leader, plan_year, categories, unit_a, unit_b):
    build_portfolio(plan_year=plan_year, categories=categories, units=[unit_a, unit_b], per_category=6)
    client.force_login(leader)
    response = client.get(OVERVIEW)
    attention = response.context["data"].attention
    red = projects_with_progress(current_period(plan_year)).filter(flag="red")
    assert red.count() > len(attention) == 10
    assert all(p.flag == "red" for p in attention)
    gaps = [p.behind_schedule_points for p in attention]
    assert gaps == sorted(gaps, reverse=True)
    assert gaps[0] == max(p.behind_schedule_points for p in red)
    html = response.content.decode()
    assert f'href="/projects/{attention[0].project.code}/?year=2022"' in html
    assert f"全部 {red.count()} 个重点关注项目" in html


def test_overview_charts_data(client, leader, plan_year, portfolio):
    client.force_login(leader)
    charts = json_script(client.get(OVERVIEW), "overview-charts")
    rollup = category_rollup(plan_year=plan_year)
    assert [c["completed_ytd"] for c in charts["categories"]] == [str(r.completed_ytd) for r in rollup.rows]
    assert [m["month"] for m in charts["months"]] == list(range(1, 10))
    assert charts["months"][-1]["cumulative"] == str(rollup.total.completed_ytd)
    assert charts["months"][2]["time_elapsed"] == "25.00"


def test_overview_in_english_when_the_language_cookie_says_so(client, leader, plan_year, portfolio, settings):
    client.force_login(leader)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(OVERVIEW).content.decode()
    assert '<html lang="en">' in html
    assert "Overview" in html and "By category" in html
    assert "points behind the time-elapsed schedule" in html
    assert "Major industrial projects" in html  # the category's English name
    assert "总览" not in html


def test_switching_language_posts_to_set_language(client, leader, plan_year):
    client.force_login(leader)
    response = client.post("/i18n/setlang/", {"language": "en", "next": OVERVIEW})
    assert response.status_code == 302
    assert "<h2>By category</h2>" in client.get(OVERVIEW).content.decode()


def test_overview_shows_the_plan_paragraph_generated_from_the_data(client, leader, plan_2022):
    client.force_login(leader)
    assert REPORT_PARAGRAPH in client.get(OVERVIEW).content.decode()


def test_overview_marks_where_the_data_does_not_reproduce_the_plan_document(
    client, leader, plan_year, categories, portfolio
):
    from projects.models import CategoryPlan

    rollup = category_rollup(plan_year=plan_year)
    industry, rural = rollup.rows[0], rollup.rows[1]
    CategoryPlan.objects.create(
        plan_year=plan_year,
        category=categories[0],
        declared_projects=industry.projects,
        declared_total_investment=industry.total_investment,
        declared_annual_plan=industry.annual_plan,
    )
    CategoryPlan.objects.create(
        plan_year=plan_year,
        category=categories[1],
        declared_projects=18,
        declared_total_investment=Decimal("844000.00"),
        declared_annual_plan=Decimal("110000.00"),
    )
    client.force_login(leader)
    html = client.get(OVERVIEW).content.decode()
    assert html.count('class="declared small"') == 1  # the matching category is not marked
    assert "计划文件：18个项目，84.4 / 11.0（亿元）" in html
    assert rural.projects != 18


@override_settings(PORTFOLIO_FLAG_YELLOW_POINTS=Decimal("5"), PORTFOLIO_FLAG_RED_POINTS=Decimal("20"))
def test_legend_states_the_thresholds_in_the_settings(client, leader, plan_year):
    client.force_login(leader)
    html = client.get(OVERVIEW).content.decode()
    assert "低于序时进度20个百分点及以上" in html
    assert "低于序时进度5个百分点及以上" in html


# --- the project browser -------------------------------------------------------------------------


def test_filters_narrow_the_list(client, leader, plan_year, categories, portfolio, unit_b):
    client.force_login(leader)
    annotated = {p.project.code: p for p in projects_with_progress(current_period(plan_year))}
    rows = {p.code: row_of(p) for p in portfolio}
    red = sorted(code for code, p in annotated.items() if p.flag == "red")
    assert red and len(red) < len(annotated)
    assert sorted(listed_codes(client.get(PROJECTS + "?flag=red"))) == red
    assert sorted(listed_codes(client.get(PROJECTS + f"?category={categories[2].pk}"))) == sorted(
        p.code for p in portfolio if rows[p.code].category == categories[2]
    )
    assert sorted(listed_codes(client.get(PROJECTS + f"?responsible_unit={unit_b.pk}"))) == sorted(
        p.code for p in portfolio if p.responsible_unit == unit_b
    )
    assert sorted(listed_codes(client.get(PROJECTS + "?location=南溪镇"))) == sorted(
        p.code for p in portfolio if p.location == "南溪镇"
    )
    assert listed_codes(client.get(PROJECTS + f"?q={portfolio[3].name}")) == [portfolio[3].code]
    assert sorted(listed_codes(client.get(PROJECTS + "?q=YY2022-ECO"))) == sorted(
        p.code for p in portfolio if p.code.startswith("YY2022-ECO")
    )
    ProjectYear.objects.filter(project=portfolio[0]).update(stage="new")
    assert listed_codes(client.get(PROJECTS + "?stage=new")) == [portfolio[0].code]


def test_footer_totals_every_filtered_row_from_the_database(client, leader, plan_year, categories, unit_a, unit_b):
    # 30 projects, more than the 25 of a page
    build_portfolio(plan_year=plan_year, categories=categories, units=[unit_a, unit_b], per_category=5)
    client.force_login(leader)
    response = client.get(PROJECTS + "?flag=green")
    table = response.context["table"]
    green = projects_with_progress(current_period(plan_year)).filter(flag="green")
    assert table.paginator.count == green.count()
    expected_completed = sum((p.completed_ytd for p in green), Decimal("0"))
    assert table.totals["completed_ytd"] == expected_completed.quantize(Decimal("0.01"))
    assert table.totals["n"] == green.count()
    html = response.content.decode()
    assert f"合计 {green.count()} 个项目" in html
    assert f"{expected_completed:,.2f}" in html
    # All 30 on two pages; the footer on page 2 still totals all 30.
    page2 = client.get(PROJECTS + "?page=2")
    assert len(listed_codes(page2)) == 5
    assert page2.context["table"].totals["n"] == 30
    assert page2.context["table"].totals["total_investment"] == Decimal("300000.00")


def test_footer_totals_read_the_progress_summary_not_the_reports(client, leader, plan_year, portfolio):
    # The footer sums every filtered row (100,000 at province scale): one aggregate over the rows and
    # their summary, never the reports (nor the rules' per-row subqueries when no flag is filtered).
    client.force_login(leader)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(PROJECTS).status_code == 200
    (totals,) = [q["sql"] for q in queries if '"sum_completed_ytd"' in q["sql"]]
    assert "projectyearprogress" in totals
    assert "progressreport" not in totals and "milestone" not in totals and "problem" not in totals


def test_location_choices_are_the_projects_locations_an_office_its_own(
    client, leader, office_a, plan_year, categories, unit_a, unit_b
):
    for code, unit, location in (
        ("L-1", unit_a, "南溪镇"),
        ("L-2", unit_b, "北城街道"),
        ("L-3", unit_a, ""),
        ("L-4", unit_b, "南溪镇"),
    ):
        factories.ProjectFactory(
            plan_year=plan_year, category=categories[0], responsible_unit=unit, code=code, location=location
        )

    def choices(user):
        client.force_login(user)
        html = client.get(PROJECTS).content.decode()
        select = re.search(r'<select name="location".*?</select>', html, re.S).group(0)
        return [value for value in re.findall(r'<option value="([^"]*)"', select) if value]

    assert choices(leader) == sorted(["北城街道", "南溪镇"])  # each once, no empty one, in order
    assert choices(office_a) == ["南溪镇"]  # never another unit's


def test_columns_sort(client, leader, plan_year, portfolio):
    client.force_login(leader)
    codes = listed_codes(client.get(PROJECTS + "?sort=-completed_ytd"))
    completed = {p.project.code: p.completed_ytd for p in projects_with_progress(current_period(plan_year))}
    assert [completed[c] for c in codes] == sorted(completed.values(), reverse=True)
    flags = {p.project.code: p.flag for p in projects_with_progress(current_period(plan_year))}
    by_flag = [flags[c] for c in listed_codes(client.get(PROJECTS + "?sort=-flag"))]
    rank = {"red": 0, "yellow": 1, "green": 2}
    assert [rank[f] for f in by_flag] == sorted(rank[f] for f in by_flag)  # by severity, not alphabet


def test_export_has_the_filtered_rows_as_numbers(client, finance, plan_year, categories, portfolio):
    evil = factories.ProjectFactory(
        plan_year=plan_year,
        category=categories[0],
        code="YY2022-IND-099",
        name='=HYPERLINK("http://x","点我")',
        location="南溪镇",
    )
    client.force_login(finance)
    response = client.get(PROJECTS + f"?category={categories[0].pk}&_export=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith('attachment; filename="projects-2022-')
    ws = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in ws[1]]
    assert header[:3] == ["项目代码", "项目", "类别"]
    rows = list(ws.iter_rows(min_row=2, max_row=ws.max_row))
    data = [r for r in rows if r[0].value and r[0].value.startswith("YY")]
    expected = (
        projects_with_progress(current_period(plan_year)).filter(category=categories[0]).order_by("project__code")
    )
    assert [r[0].value for r in data] == [p.project.code for p in expected]
    completed_col = header.index("累计完成投资（万元）")
    for row, project in zip(data, expected, strict=True):
        cell = row[completed_col]
        assert cell.data_type == "n" and cell.number_format == "#,##0.00"
        assert Decimal(str(cell.value)) == project.completed_ytd
    name_cell = next(r[1] for r in data if r[0].value == evil.code)
    assert name_cell.data_type == "s" and name_cell.value == evil.name  # text, not a formula
    totals = next(r for r in rows if r[0].value and r[0].value.startswith("合计"))
    assert Decimal(str(totals[completed_col].value)) == sum((p.completed_ytd for p in expected), Decimal("0"))


def test_export_keeps_the_sort(client, finance, plan_year, portfolio):
    client.force_login(finance)
    ws = load_workbook(io.BytesIO(client.get(PROJECTS + "?sort=-code&_export=xlsx").content)).active
    codes = [r[0] for r in ws.iter_rows(min_row=2, values_only=True) if r[0] and r[0].startswith("YY")]
    assert codes == sorted((p.code for p in portfolio), reverse=True)


# --- the project page ----------------------------------------------------------------------------


def test_project_page_shows_facts_milestones_progress_and_history(
    client, leader, admin_user, office_a, reviewer, plan_year, project_a
):
    due = factories.MilestoneFactory(
        project_year=row_of(project_a), title="完成总工程量的58%", due_date=datetime.date(2022, 12, 31)
    )
    overdue = factories.MilestoneFactory(
        project_year=row_of(project_a),
        title="主体完工",
        kind="event",
        event="main_works",
        target_percent=None,
        due_date=datetime.date(2022, 6, 30),
    )
    met = factories.MilestoneFactory(
        project_year=row_of(project_a),
        title="开工建设",
        kind="event",
        event="start",
        target_percent=None,
        due_date=datetime.date(2022, 3, 31),
        met_on=datetime.date(2022, 3, 15),
    )
    report = services.report_create(
        actor=office_a,
        project=project_a,
        year=2022,
        month=3,
        investment_completed=Decimal("300.00"),
        physical_percent=Decimal("45"),
        physical_narrative="桥梁桩基完成",
        problems="征地滞后",
    )
    services.report_submit(actor=office_a, report=report)
    services.report_approve(actor=reviewer, report=report)
    old_plan = row_of(project_a).annual_plan
    services.project_year_update(
        actor=admin_user,
        project_year=row_of(project_a),
        expected_version=1,
        reason="调整年度计划",
        annual_plan=Decimal("1500.00"),
    )
    services.milestone_update(
        actor=admin_user, milestone=due, expected_version=due.version, due_date=datetime.date(2022, 11, 30)
    )
    client.force_login(leader)
    response = client.get(f"/projects/{project_a.code}/")
    html = response.content.decode()
    states = {m.title: state for m, state in response.context["data"].milestones}
    assert states == {due.title: "due", overdue.title: "overdue", met.title: "met"}
    assert "已逾期" in html and "2022-03-15 已完成" in html
    assert 'id="project-completed">300.00<' in html
    assert "6,000.00 万元 (60.0%)" in html  # government share of 10,000
    assert "桥梁桩基完成" in html and "征地滞后" in html
    months = json_script(response, "project-chart")["months"]
    assert [m["month"] for m in months] == list(range(1, 10))
    assert months[2] == {"month": 3, "investment": "300.00", "cumulative": "300.00", "percent": "45.00"}
    assert months[1] == {"month": 2, "investment": None, "cumulative": "0.00", "percent": None}
    assert months[8]["cumulative"] == "300.00"
    history = response.context["data"].history
    # Each change says what it was and what it became.
    plan_change = FieldChange(field="年度计划投资（万元）", old=str(old_plan), new="1500.00")
    assert any(e["detail"] == "调整年度计划" and e["changes"] == [plan_change] for e in history)
    assert f"{old_plan} → 1500.00" in html
    due_change = [e["changes"] for e in history if e["kind"] == "milestone" and e["subject"] == due.title]
    assert due_change[0] == [FieldChange(field="计划完成日期", old="2022-12-31", new="2022-11-30")]
    assert any(e["kind"] == "report" and e["what"] == "已审核" for e in history)


def test_project_chart_leaves_out_reports_not_yet_approved(client, leader, office_a, project_a, plan_year):
    services.report_create(
        actor=office_a,
        project=project_a,
        year=2022,
        month=2,
        investment_completed=Decimal("80.00"),
        physical_percent=Decimal("20"),
    )
    client.force_login(leader)
    response = client.get(f"/projects/{project_a.code}/")
    assert json_script(response, "project-chart")["months"] == []
    assert "草稿" in response.content.decode()  # the draft is listed with its status


# --- query counts --------------------------------------------------------------------------------


def same_page(a, b) -> bool:
    """The same HTML but for the CSRF token of the page's forms (masked afresh on every request)."""
    token = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')
    return token.sub(b"", a.content) == token.sub(b"", b.content)


@pytest.fixture(params=[1, 4], ids=["6-projects", "24-projects"])
def sized_portfolio(request, plan_year, categories, unit_a, unit_b):
    return build_portfolio(
        plan_year=plan_year, categories=categories, units=[unit_a, unit_b], per_category=request.param
    )


def test_overview_query_count(client, leader, sized_portfolio, django_assert_num_queries):
    client.force_login(leader)
    # session, user, plan year, the user's groups (role), rollup ×2 (sums, progress and flags
    # grouped by category and flag in one query — once two, each building the annotated rows —
    # and the categories), the declared category figures, completion by month, the red projects
    # to call about (two, a county's few rows read whole: those far behind, then — fewer than ten
    # here — the rest; attention_head), the open problems (待协调问题) and their counts, the plan
    # paragraph's sums; and the data token (portfolio/freshness.py), read first
    with django_assert_num_queries(14):
        first = client.get(OVERVIEW)
    # Again, nothing changed: the user's own copy of the page (page_cache.cached_page). Session,
    # user, the token.
    with django_assert_num_queries(3):
        again = client.get(OVERVIEW)
    assert same_page(again, first)


def test_project_list_query_count(client, leader, categories, sized_portfolio, django_assert_num_queries):
    client.force_login(leader)
    # session, user, plan year, groups, the category filter's chosen row, the footer's totals
    # (which count the rows for the pages too), category / unit / location choices, the page of
    # rows; and the data token, first
    query = f"?category={categories[0].pk}&flag=yellow&q=测试&sort=-behind_schedule_points"
    with django_assert_num_queries(11):
        response = client.get(PROJECTS + query)
    assert response.status_code == 200
    assert listed_codes(response)  # the filters match rows at both sizes, so the page query runs
    # The same list again: the user's copy (session, user, the token).
    with django_assert_num_queries(3):
        again = client.get(PROJECTS + query)
    assert same_page(again, response)
    # No category chosen: one query fewer; sorted by stored columns (the default order), the page
    # is two queries, its ids then its rows with their progress (portfolio/paging.py): one more;
    # the plan years and the user's groups are in the cache now: two fewer.
    with django_assert_num_queries(9):
        assert client.get(PROJECTS + "?page=1").status_code == 200


def test_project_list_pages_by_ids_in_the_sorted_order(client, leader, sized_portfolio):
    # Page 2 of 5 a page, by code descending (stored: ids first, then the rows) and by points
    # behind (computed: one ORDER BY … LIMIT query) is the same slice of the whole sorted list.
    client.force_login(leader)
    for sort in ("-code", "behind_schedule_points", "name"):
        whole = listed_codes(client.get(PROJECTS, {"sort": sort, "per_page": "100"}))
        paged = listed_codes(client.get(PROJECTS, {"sort": sort, "per_page": "5", "page": "2"}))
        assert paged == whole[5:10], sort


def test_project_list_refuses_a_page_deeper_than_the_bound(client, leader, settings, sized_portfolio):
    client.force_login(leader)
    settings.LIST_MAX_OFFSET = 10
    assert client.get(PROJECTS, {"per_page": "5", "page": "2"}).status_code == 200
    assert client.get(PROJECTS, {"per_page": "5", "page": "3"}).status_code == 400


def test_export_query_count(client, finance, sized_portfolio, django_assert_num_queries):
    client.force_login(finance)
    # session, user, the data token, plan year, groups, totals (shared with the page; their count
    # bounds the download), all rows: the export does not page (no page count) and is not cached
    with django_assert_num_queries(7):
        assert client.get(PROJECTS + "?flag=green&_export=xlsx").status_code == 200


def test_project_page_query_count(client, leader, admin_user, plan_year, sized_portfolio, django_assert_num_queries):
    project = sized_portfolio[0]
    size = len(sized_portfolio) // 6
    for i in range(size * 2):  # more milestones, history rows and report events on the larger size
        factories.MilestoneFactory(
            project_year=row_of(project), title=f"节点{i}", due_date=datetime.date(2022, 5, 1 + i)
        )
        project = services.project_update(
            actor=admin_user, project=project, expected_version=project.version, reason=f"修改{i}", location=f"地点{i}"
        )
    client.force_login(leader)
    # session, user, groups, the project (visibility), its latest published year's row, that row
    # with its progress, milestones, reports, project history, its plan rows' history, milestone
    # history, report events, its open problems, its linked leaders; and the data token, first
    with django_assert_num_queries(15):
        first = client.get(f"/projects/{project.code}/")
    # Again: the user's own copy of the page (who may see the project was checked when it was made,
    # under the same data); session, user, the token.
    with django_assert_num_queries(3):
        again = client.get(f"/projects/{project.code}/")
    assert same_page(again, first)


def test_project_page_of_a_project_without_history(client, leader, project_a):
    # Rows written without simple-history (SQL, a bulk load, data from before history was kept)
    # have no baseline row: the page shows the project with an empty history, not a server error.
    Project.history.model.objects.filter(id=project_a.pk).delete()
    client.force_login(leader)
    response = client.get(reverse("portfolio:project", args=[project_a.code]))
    assert response.status_code == 200
    assert project_a.name in response.content.decode()


def test_project_list_export_past_the_bound_asks_to_narrow(client, finance, settings, sized_portfolio):
    client.force_login(finance)
    settings.EXPORT_SYNC_MAX_ROWS = 2
    response = client.get(PROJECTS, {"flag": "", "_export": "xlsx"})
    assert response.status_code == 302 and "_export" not in response["Location"]
    page = client.get(response["Location"])
    assert "narrow the filters" in page.content.decode() or "缩小" in page.content.decode()


def test_list_rows_carry_each_columns_cell_attributes_and_an_empty_list_says_so(client, leader, project_a, project_b):
    # The table body is written by portfolio_tables.table_body_rows, not django-tables2's loop:
    # each cell keeps its column's attributes and its rendering (link, badge, money), and a filter
    # matching nothing shows the empty text across every column.
    client.force_login(leader)
    html = client.get(PROJECTS).content.decode()
    body = html[html.index("<tbody") : html.index("</tbody>")]
    assert body.count("<tr ") == 2
    assert f'<td class="code">{project_a.code}</td>' in body
    assert f'href="/projects/{project_a.code}/?year=' in body
    assert '<td class="num">' in body and 'class="flag flag-' in body
    html = client.get(PROJECTS, {"q": "no such project"}).content.decode()
    body = html[html.index("<tbody") : html.index("</tbody>")]
    assert '<tr><td colspan="14">没有符合筛选条件的项目。</td></tr>' in body
