"""What an import may change: text is stored as written (normalisation only finds things), every
model limit is a row problem in the preview, a dry run writes nothing, an office's preview shows
nothing of another unit's projects, category headings in any usual form, and the export never
turns a name into a formula."""

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook, load_workbook

from portfolio.excel.importing import import_apply, import_preview
from portfolio.excel.writing import write_schedule
from projects import services
from projects.models import OwnerUnit, Project
from tests import factories
from tests.factories import row_of

from . import corpus


def workbook(rows, header):
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


PLAN_HEADER = [
    "项目代码",
    "项目名称",
    "项目类别",
    "总投资",
    "政府投资",
    "社会投资",
    "年度计划投资",
    "业主单位",
    "责任单位",
    "建设性质",
    "建设起止年限",
]
NEW = ["续建", "2021-2024"]


def no_writes(queries) -> list:
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE", "SAVEPOINT"))
    ]


def test_owner_names_are_stored_as_written_and_found_by_their_key(plan_year, categories, unit_a, admin_user):
    owner = OwnerUnit.objects.create(name="招商引资企业（名称未公开）")
    project = factories.ProjectFactory(
        plan_year=plan_year, category=categories[0], responsible_unit=unit_a, owner_unit=owner, code="YY2022-IND-001"
    )
    history = Project.history.count()
    buffer = io.BytesIO()
    write_schedule(buffer, plan_year=plan_year)
    result = import_apply(data=buffer.getvalue(), filename="s.xlsx", actor=admin_user)
    assert result.ok and result.counts["changed"] == 0, [str(p) for p in result.problems]
    assert list(OwnerUnit.objects.values_list("name", flat=True)) == ["招商引资企业（名称未公开）"]
    assert Project.history.count() == history
    # typed with half-width brackets and a space: the same unit, its name untouched
    data = workbook(
        [
            [
                project.code,
                project.name,
                categories[0].name,
                float(project.total_investment),
                float(project.government_investment),
                float(project.social_investment),
                float(row_of(project).annual_plan),
                "招商引资企业 (名称未公开)",
                unit_a.name,
            ]
        ],
        PLAN_HEADER,
    )
    result = import_apply(data=data, filename="p.xlsx", actor=admin_user)
    assert result.ok and result.counts["changed"] == 0
    assert OwnerUnit.objects.count() == 1


def test_a_new_owner_name_is_stored_exactly(plan_year, categories, unit_a, admin_user):
    row = ["YY2022-IND-009", "新项目", categories[0].name, 100, 60, 40, 10, "某某公司（筹）", unit_a.name, *NEW]
    data = workbook([row], PLAN_HEADER)
    assert import_apply(data=data, filename="p.xlsx", actor=admin_user).applied
    assert Project.objects.get(code="YY2022-IND-009").owner_unit.name == "某某公司（筹）"


def test_owner_name_over_the_column_is_a_row_problem_and_the_preview_writes_nothing(
    plan_year, categories, unit_a, admin_user
):
    data = workbook(
        [["YY2022-IND-009", "新项目", categories[0].name, 100, 60, 40, 10, "长" * 151, unit_a.name, *NEW]], PLAN_HEADER
    )
    with CaptureQueriesContext(connection) as queries:
        result = import_preview(data=data, filename="p.xlsx", actor=admin_user)
    assert no_writes(queries) == []
    [problem] = result.problems
    assert (problem.row, problem.column) == (2, "H") and "150" in problem.message


def test_money_over_the_columns_digits_in_the_plan_is_a_row_problem(plan_year, categories, unit_a, admin_user):
    big = 10**13
    row = ["YY2022-IND-009", "新项目", categories[0].name, big, big, 0, 10, "某公司", unit_a.name, *NEW]
    data = workbook([row], PLAN_HEADER)
    result = import_apply(data=data, filename="p.xlsx", actor=admin_user)
    assert not result.applied and result.problems
    assert {p.row for p in result.problems} == {2}
    assert not Project.objects.filter(code="YY2022-IND-009").exists()


def test_a_dry_run_of_a_new_plan_with_its_reports_writes_nothing(plan_year, categories, unit_a, admin_user):
    """The plan creates a project and the dispatch sheet of the same file reports on it: the
    preview checks both without writing either, even for a moment."""
    wb = Workbook()
    plan = wb.active
    plan.title = "计划"
    plan.append(PLAN_HEADER)
    plan.append(["YY2022-IND-009", "新项目", categories[0].name, 100, 60, 40, 10, "某公司", unit_a.name, *NEW])
    dispatch = wb.create_sheet("调度")
    dispatch.append(["项目代码", "填报月份", "本月完成投资", "累计形象进度（%）"])
    dispatch.append(["YY2022-IND-009", "2022-03", 5, 10])
    buffer = io.BytesIO()
    wb.save(buffer)
    with CaptureQueriesContext(connection) as queries:
        result = import_preview(data=buffer.getvalue(), filename="f.xlsx", actor=admin_user)
    assert result.ok, [str(p) for p in result.problems]
    assert no_writes(queries) == []
    assert result.counts == {"new": 2, "changed": 0, "unchanged": 0, "error": 0}
    applied = import_apply(data=buffer.getvalue(), filename="f.xlsx", actor=admin_user)
    assert applied.applied and applied.counts["new"] == 2
    assert row_of(Project.objects.get(code="YY2022-IND-009")).reports.count() == 1


def test_an_office_preview_does_not_show_another_units_project(tmp_path, project_a, project_b, office_a):
    data = workbook(
        [[project_b.code, "2022-03", 10, 20]], ["项目代码", "填报月份", "本月完成投资", "累计形象进度（%）"]
    )
    result = import_preview(data=data, filename="d.xlsx", actor=office_a)
    [row] = result.rows
    assert row.status == "error" and row.name == ""
    assert project_b.name not in " ".join(str(p) for p in result.problems)


@pytest.mark.parametrize("style", ["split", "paren"])
def test_category_headings_in_the_usual_forms(tmp_path, plan_year, categories, unit_a, admin_user, style):
    rows = [
        {
            "code": f"YY2022-IND-{i:03d}",
            "name": f"项目{i}",
            "category": categories[i % 2].name,
            "total": Decimal(100),
            "government": Decimal(60),
            "social": Decimal(40),
            "plan": Decimal(10),
            "owner": "某公司",
            "unit": unit_a.name,
        }
        for i in range(1, 5)
    ]
    path = corpus.plan_with_headings(tmp_path / f"{style}.xlsx", rows, style=style)
    result = import_apply(data=path.read_bytes(), filename=path.name, actor=admin_user)
    assert result.applied, [str(p) for p in result.problems]
    assert {p.code: row_of(p).category.name for p in Project.objects.all()} == {r["code"]: r["category"] for r in rows}


def test_a_project_row_without_code_is_still_a_problem_not_a_heading(plan_year, categories, unit_a, admin_user):
    data = workbook([["", "某产业园项目", "", 100, 60, 40, 10, "某公司", unit_a.name, *NEW]], PLAN_HEADER)
    result = import_preview(data=data, filename="p.xlsx", actor=admin_user)
    assert [(p.row, p.column) for p in result.problems] == [(2, "A")]


def test_a_category_name_starting_with_equals_is_text_in_the_rollup_sheet(plan_year, categories, unit_a):
    category = categories[0]
    category.name = '=HYPERLINK("http://x","y")'
    category.save()
    factories.ProjectFactory(plan_year=plan_year, category=category, responsible_unit=unit_a)
    buffer = io.BytesIO()
    write_schedule(buffer, plan_year=plan_year)
    ws = load_workbook(io.BytesIO(buffer.getvalue()))["分类汇总"]
    cells = [c for row in ws.iter_rows() for c in row if c.value == category.name]
    assert cells and all(c.data_type == "s" for c in cells)


def test_report_values_keep_their_text_exactly(tmp_path, project_a, office_a):
    data = workbook(
        [[project_a.code, "2022-03", 10, 20, "路基（K1+200）完成"]],
        ["项目代码", "填报月份", "本月完成投资", "累计形象进度（%）", "形象进度"],
    )
    assert import_apply(data=data, filename="d.xlsx", actor=office_a).applied
    assert row_of(project_a).reports.get().physical_narrative == "路基（K1+200）完成"
    assert services  # the services are the write path the import went through
