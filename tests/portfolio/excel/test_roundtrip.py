"""Export → import: an unchanged export reports no changes; importing twice changes nothing."""

import io
from decimal import Decimal

import pytest

from portfolio.excel.importing import import_apply, import_preview
from portfolio.excel.writing import write_schedule
from projects import services
from projects.models import ProgressReport, Project
from projects.roles import Role
from tests import factories


@pytest.fixture
def portfolio(plan_year, categories, unit_a, unit_b, office_a, reviewer):
    projects = []
    for i, category in enumerate(categories):
        for j in range(2):
            projects.append(
                factories.ProjectFactory(
                    plan_year=plan_year,
                    category=category,
                    responsible_unit=unit_a if j == 0 else unit_b,
                    code=f"YY2022-T{'ABCDEF'[i]}A-{j:03d}",
                    name=f"项目{i}-{j}",
                    scope="建设内容\n第二行",
                    government_investment=Decimal("1234.56") * (i + 1),
                    social_investment=Decimal("0.01") * j,
                    annual_plan=Decimal("999.99"),
                    remarks='=HYPERLINK("http://x","y")' if i == 0 else "",
                )
            )
    # 挂钩领导: one leader on some projects, two on others, none on the rest.
    zhang = factories.UserFactory(username="zhangsan", last_name="张", first_name="三", role=Role.LEADER)
    li = factories.UserFactory(username="lisi", last_name="李", first_name="四", role=Role.LEADER)
    for n, p in enumerate(projects):
        p.leaders.set([[zhang], [zhang, li], []][n % 3])
    mine = [p for p in projects if p.responsible_unit == unit_a]
    for month in (1, 2, 3):
        for p in mine:
            report = services.report_create(
                actor=office_a,
                project=p,
                year=2022,
                month=month,
                investment_completed=Decimal("10.10") * month,
                physical_percent=Decimal("5") * month,
                physical_narrative="进行中",
            )
            services.report_submit(actor=office_a, report=report)
            services.report_approve(actor=reviewer, report=report)
    return projects


def export(plan_year, **kwargs) -> bytes:
    buffer = io.BytesIO()
    write_schedule(buffer, plan_year=plan_year, **kwargs)
    return buffer.getvalue()


def test_unchanged_export_reports_no_changes(portfolio, plan_year, admin_user):
    data = export(plan_year, month=3, dispatch_month=3)
    result = import_preview(data=data, filename="schedule.xlsx", actor=admin_user)
    assert result.ok, [str(p) for p in result.problems]
    reported = ProgressReport.objects.filter(month=3).count()
    assert reported == len(portfolio) // 2
    # every project of the plan sheet, and the reports of the dispatch sheet (blank rows skipped)
    assert result.counts == {"new": 0, "changed": 0, "unchanged": len(portfolio) + reported, "error": 0}
    assert not result.has_changes


def test_import_twice_changes_nothing_second_time(portfolio, plan_year, admin_user):
    data = export(plan_year, month=3)
    Project.objects.filter(code=portfolio[0].code).update(
        name="改过的名字",
        total_investment=Decimal("1"),
        government_investment=Decimal("1"),
        social_investment=Decimal("0"),
    )
    first = import_apply(data=data, filename="schedule.xlsx", actor=admin_user)
    assert first.ok and first.applied, [str(p) for p in first.problems]
    assert first.counts["changed"] == 1
    assert Project.objects.get(code=portfolio[0].code).name == portfolio[0].name
    second = import_preview(data=data, filename="schedule.xlsx", actor=admin_user)
    assert second.ok and not second.has_changes


def test_user_formula_text_stays_text(portfolio, plan_year):
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(export(plan_year)))
    ws = wb["项目计划表"]
    texts = [c for row in ws.iter_rows() for c in row if c.value == '=HYPERLINK("http://x","y")']
    assert texts and all(c.data_type == "s" for c in texts)


def test_control_characters_are_dropped_not_fatal(plan_year, categories, unit_a):
    from openpyxl import load_workbook

    factories.ProjectFactory(
        plan_year=plan_year, category=categories[0], responsible_unit=unit_a, code="YY2022-CTL-001", name="响铃\x07项目"
    )
    ws = load_workbook(io.BytesIO(export(plan_year)))["项目计划表"]
    assert "响铃项目" in {c.value for row in ws.iter_rows() for c in row}


def test_a_plan_sheet_for_a_closed_year_is_refused_and_nothing_is_written(portfolio, plan_year, admin_user):
    from projects.models import PlanYearStatus, ProjectYear

    data = export(plan_year, month=3)
    plan_year.status = PlanYearStatus.CLOSED
    plan_year.save()
    before = list(ProjectYear.objects.order_by("pk").values())
    preview = import_preview(data=data, filename="schedule.xlsx", actor=admin_user)
    assert [str(p.message) for p in preview.problems] == [str(services.ServiceMsg.YEAR_CLOSED % {"year": 2022})]
    result = import_apply(data=data, filename="schedule.xlsx", actor=admin_user)
    assert not result.ok
    assert list(ProjectYear.objects.order_by("pk").values()) == before
