"""红黑榜 against a hand-computed case: two units and two townships, approved reports, one report
first submitted on time, one overdue problem handed to the other unit; and the page and sheet."""

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from dispatch.models import Problem
from dispatch.rankings import rankings
from projects import progress
from projects.models import ProjectYear, ReportAction, ReportEvent, ReportStatus
from projects.selectors import current_period
from tests.factories import ProjectFactory
from tests.projects.admin_support import make_report

from .conftest import assigned

D = Decimal


@pytest.fixture
def case(plan_year, categories, unit_a, unit_b, office_a, office_b, reviewer):
    def project(code, unit, plan, place):
        return ProjectFactory(
            plan_year=plan_year,
            category=categories[0],
            responsible_unit=unit,
            code=code,
            annual_plan=D(plan),
            location=place,
        )

    a1 = project("YY2022-TST-101", unit_a, "1000.00", "双江街道")
    a2 = project("YY2022-TST-102", unit_a, "1000.00", "双江街道")
    b1 = project("YY2022-TST-103", unit_b, "2000.00", "高阳镇")
    r_a1 = make_report(
        a1,
        office_a,
        month=9,
        amount="600.00",
        status=ReportStatus.APPROVED,
        reviewer=reviewer,
    )
    make_report(
        a2,
        office_a,
        month=9,
        amount="300.00",
        status=ReportStatus.APPROVED,
        reviewer=reviewer,
    )
    make_report(
        b1,
        office_b,
        month=9,
        amount="1800.00",
        status=ReportStatus.APPROVED,
        reviewer=reviewer,
    )
    # a1's September report was first submitted on 3 October: on time (due the 5th).
    ReportEvent.objects.filter(report=r_a1, action=ReportAction.SUBMIT).update(
        at=datetime.datetime(2022, 10, 3, 9, 0, tzinfo=datetime.UTC)
    )
    progress.rebuild()  # the date was changed raw, past the services: rebuild the progress summary
    # A problem of a1 handed to 县水利局, due 15 September: overdue at the end of September.
    problem = assigned(a1, office_a, reviewer, unit=unit_b)
    Problem.objects.filter(pk=problem.pk).update(deadline=datetime.date(2022, 9, 15))
    return plan_year


def test_rankings_match_the_hand_computation(case):
    period = current_period(case)  # month 9: 75.00 % elapsed
    result = rankings(plan_year=case, period=period, project_years=ProjectYear.objects.all())
    units = [
        (
            s.rank,
            s.name,
            s.projects,
            s.annual_plan,
            s.completed_ytd,
            s.completion_rate,
            s.behind_points,
            s.reports_on_time,
            s.reports_due,
            s.problems_overdue,
        )
        for s in result["units"]
    ]
    assert units == [
        # 1800 / 2000 = 90.00 %, 15 points ahead; 1 project × 9 months due, none on time; the overdue problem is its.
        (
            1,
            "县水利局",
            1,
            D("2000.00"),
            D("1800.00"),
            D("90.00"),
            D("-15.00"),
            0,
            9,
            1,
        ),
        # (600 + 300) / 2000 = 45.00 %, 30 points behind; 2 × 9 due, 1 on time.
        (2, "县交通局", 2, D("2000.00"), D("900.00"), D("45.00"), D("30.00"), 1, 18, 0),
    ]
    townships = [(s.rank, s.name, s.completion_rate, s.problems_overdue) for s in result["townships"]]
    assert townships == [(1, "高阳镇", D("90.00"), 0), (2, "双江街道", D("45.00"), 1)]


def test_ties_are_broken_by_reports_on_time(case, settings):
    period = current_period(case)
    settings.DISPATCH_REPORT_DUE_DAY = 2  # 3 October is now late: on-time counts all 0
    progress.rebuild()  # the on-time counts are stored: a new due day needs `rebuild_progress`
    result = rankings(plan_year=case, period=period, project_years=ProjectYear.objects.all())
    assert [s.reports_on_time for s in result["units"]] == [0, 0]


def test_the_page_shows_the_rule_and_an_office_sees_its_own(client, case, reviewer, office_a):
    client.force_login(reviewer)
    page = client.get("/rankings/")
    assert [s.name for s in page.context["standings"]["units"]] == [
        "县水利局",
        "县交通局",
    ]
    assert 'id="ranking-rule"' in page.content.decode()
    client.force_login(office_a)
    assert [s.name for s in client.get("/rankings/").context["standings"]["units"]] == ["县交通局"]


def test_the_rankings_sheet(client, case, reviewer):
    client.force_login(reviewer)
    response = client.get("/rankings/", {"_export": "xlsx"})
    ws = load_workbook(io.BytesIO(response.content))["红黑榜"]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    header = rows.index(
        [
            "名次",
            "名称",
            "项目数",
            "年度计划（万元）",
            "累计完成（万元）",
            "完成率（%）",
            "低于序时进度（百分点）",
            "按时报送",
            "应报",
            "逾期问题",
        ]
    )
    assert rows[header + 1][:2] == [1, "县水利局"] and rows[header + 1][5] == 90
    assert rows[header + 2][:2] == [2, "县交通局"] and rows[header + 2][6] == 30
    assert "完成率" in rows[1][0]  # the rule, under the title


def test_the_schedule_workbook_has_the_problem_list_and_the_rankings(case, tmp_path):
    """The month's schedule (export_schedule / the overview's download) carries the meeting's
    问题清单 and 红黑榜 sheets beside the dispatch sheet."""
    from portfolio.excel.writing import write_schedule

    path = tmp_path / "schedule.xlsx"
    write_schedule(path, plan_year=case, month=9, dispatch_month=9)
    wb = load_workbook(path)
    problems = [[c.value for c in r] for r in wb["问题清单"].iter_rows()]
    assert problems[2][0] == "序号" and problems[3][4] == "征地拆迁滞后，影响路基施工" and problems[3][10] == "是"
    ranking = [[c.value for c in r] for r in wb["红黑榜"].iter_rows()]
    names = [row[1] for row in ranking if isinstance(row[0], int)]
    assert names == ["县水利局", "县交通局", "高阳镇", "双江街道"]


def test_a_long_ranking_shows_its_best_and_worst_and_counts_the_rest(client, case, reviewer, categories, settings):
    # Five more units (no reports: 0 % done, ranked after the two of the case).
    from tests.factories import ResponsibleUnitFactory

    for i in range(5):
        unit = ResponsibleUnitFactory(name=f"县第{i}局", code=f"u{i}")
        code = f"YY2022-TST-2{i:02d}"
        ProjectFactory(plan_year=case, category=categories[0], responsible_unit=unit, code=code, location="高阳镇")
    settings.DISPATCH_RANKINGS_SHOWN = 4
    client.force_login(reviewer)
    page = client.get("/rankings/")
    ranked = [s.name for s in page.context["standings"]["units"]]
    assert len(ranked) == 7
    html = page.content.decode()
    units = html.split('id="ranking-units"')[1].split("</section>")[0]
    shown = [name for name in ranked if f">{name}<" in units]
    assert shown == ranked[:2] + ranked[-2:]  # the best two, the worst two
    assert "3" in units.split('class="left-out"')[1].split("</tr>")[0]  # and the three between, counted
    assert 'class="overdue"><td class="num">7</td>' in units  # the last is marked
    townships = html.split('id="ranking-townships"')[1].split("</section>")[0]
    assert 'class="left-out"' not in townships  # two townships: all shown
    sheet = load_workbook(io.BytesIO(client.get("/rankings/", {"_export": "xlsx"}).content))["红黑榜"]
    names = [row[1].value for row in sheet.iter_rows()]
    assert all(name in names for name in ranked)  # the sheet ranks every unit
