"""The files people actually have: titles and unit lines above the header, two-row merged
headers, columns in any order, 亿元, subtotal/total/blank/note rows, numbers as text, full-width
digits, percents as 58 / 0.58 / "58%", months in every form, .xls and .ods."""

from decimal import Decimal

import pytest

from portfolio.excel.importing import import_apply, import_preview
from projects.models import ProgressReport, Project, ProjectYear, Stage
from tests import factories

from . import corpus


@pytest.fixture
def plan_rows(categories, unit_a, unit_b):
    rows = []
    for i, (category, stage) in enumerate(
        [(categories[0], "续建"), (categories[0], "新开工"), (categories[3], "前期"), (categories[5], "竣工")]
    ):
        government = Decimal("12345.67") * (i + 1)
        social = Decimal("100.00") * i
        rows.append(
            {
                "code": f"2021-500235-48-01-00000{i}",
                "name": f"杂乱项目{i}",
                "category": category.name,
                "stage": stage,
                "unit": (unit_a if i % 2 else unit_b).name,
                "owner": f"云阳县业主{i}",
                "total": government + social,
                "government": government,
                "social": social,
                "plan": Decimal("2500.00") + i,
            }
        )
    return rows


def test_messy_plan_in_yi_yuan_is_read_exactly(tmp_path, plan_year, plan_rows, admin_user, categories):
    path = corpus.messy_plan(tmp_path / "plan.xlsx", plan_rows, unit="亿元")
    result = import_apply(data=path.read_bytes(), filename=path.name, actor=admin_user)
    assert result.ok, [str(p) for p in result.problems]
    assert result.counts["new"] == len(plan_rows)
    for row in plan_rows:
        project = Project.objects.get(code=row["code"])
        year = project.years.get()
        assert project.name == row["name"]
        assert year.category.name == row["category"]
        assert (project.total_investment, project.government_investment, project.social_investment) == (
            row["total"],
            row["government"],
            row["social"],
        )
        assert year.annual_plan == row["plan"]
        assert (project.start_year, project.end_year) == (2021, 2024)
        assert project.responsible_unit.name == row["unit"]
        assert project.owner_unit.name == row["owner"]
    assert ProjectYear.objects.get(project__code=plan_rows[1]["code"]).stage == Stage.NEW
    # the same file again: nothing to do
    again = import_preview(data=path.read_bytes(), filename=path.name, actor=admin_user)
    assert again.ok and not again.has_changes


def test_messy_plan_in_wan_yuan(tmp_path, plan_year, plan_rows, admin_user):
    path = corpus.messy_plan(tmp_path / "plan.xlsx", plan_rows, unit="万元")
    result = import_apply(data=path.read_bytes(), filename=path.name, actor=admin_user)
    assert result.ok, [str(p) for p in result.problems]
    assert Project.objects.get(code=plan_rows[3]["code"]).total_investment == plan_rows[3]["total"]


@pytest.fixture
def dispatch_rows(plan_year, categories, unit_a):
    projects = [
        factories.ProjectFactory(plan_year=plan_year, responsible_unit=unit_a, code=f"YY2022-MSY-{i:03d}")
        for i in range(6)
    ]
    return [
        {
            "code": p.code,
            "month": 3 + (i % 2),
            "amount": Decimal("1234.50") + i,
            "percent": Decimal("58.00") + i,
            "narrative": f"主体施工{i}",
        }
        for i, p in enumerate(projects)
    ]


def _check_reports(rows):
    for row in rows:
        report = ProgressReport.objects.get(project_year__project__code=row["code"], year=2022, month=row["month"])
        assert report.investment_completed == row["amount"]
        assert report.physical_percent == row["percent"]
        assert report.status == "draft"


def test_messy_dispatch_months_and_percents(tmp_path, dispatch_rows, office_a):
    path = corpus.messy_dispatch(tmp_path / "dispatch.xlsx", dispatch_rows)
    result = import_apply(data=path.read_bytes(), filename=path.name, actor=office_a)
    assert result.ok, [str(p) for p in result.problems]
    assert result.counts["new"] == len(dispatch_rows)
    _check_reports(dispatch_rows)


def test_xls_dispatch(tmp_path, dispatch_rows, office_a):
    rows = [dict(r, month=3) for r in dispatch_rows]
    path = corpus.xls_dispatch(tmp_path / "dispatch.xls", rows)
    result = import_apply(data=path.read_bytes(), filename=path.name, actor=office_a)  # month from the title
    assert result.ok, [str(p) for p in result.problems]
    _check_reports(rows)


def test_ods_dispatch(tmp_path, dispatch_rows, office_a):
    rows = [dict(r, month=3) for r in dispatch_rows]
    path = corpus.ods_dispatch(tmp_path / "dispatch.ods", rows)
    result = import_apply(data=path.read_bytes(), filename=path.name, actor=office_a)
    assert result.ok, [str(p) for p in result.problems]
    _check_reports(rows)


def test_every_problem_is_listed_with_its_place(tmp_path, dispatch_rows, office_a):
    rows = [dict(r) for r in dispatch_rows]
    rows[0]["code"] = "YY2022-NON-999"  # no such project
    path = corpus.messy_dispatch(tmp_path / "dispatch.xlsx", rows)
    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb.active
    ws["D5"] = "一千"  # not a number
    ws["E6"] = "120%"  # out of range
    wb.save(path)
    result = import_apply(data=path.read_bytes(), filename=path.name, actor=office_a)
    assert not result.applied
    places = {(p.row, p.column) for p in result.problems}
    assert places == {(4, "A"), (5, "D"), (6, "E")}
    assert ProgressReport.objects.count() == 0
    texts = [str(p) for p in result.problems]
    assert all("月度调度" in t for t in texts)
