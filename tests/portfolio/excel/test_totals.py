"""The schedule's subtotal and total rows carry the rollup's figures as values (no formula in the
workbook: what a user sees is what the pages show), and they add up to the project rows."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from portfolio.excel.writing import schedule_columns, write_schedule
from portfolio.selectors import category_rollup
from projects import services
from tests import factories


@pytest.fixture
def schedule(plan_year, categories, unit_a, office_a, reviewer):
    for i, category in enumerate(categories[:4]):  # two categories stay empty
        for j in range(i + 1):
            project = factories.ProjectFactory(
                plan_year=plan_year,
                category=category,
                responsible_unit=unit_a,
                code=f"YY2022-TOT-{i}{j:02d}",
                government_investment=Decimal("1000.25") * (j + 1),
                social_investment=Decimal("7.75") * i,
                annual_plan=Decimal("333.33") * (i + 1),
            )
            report = services.report_create(
                actor=office_a,
                project=project,
                year=2022,
                month=2,
                investment_completed=Decimal("12.34") * (i + j + 1),
                physical_percent=Decimal("10"),
            )
            services.report_submit(actor=office_a, report=report)
            services.report_approve(actor=reviewer, report=report)
    buffer = io.BytesIO()
    write_schedule(buffer, plan_year=plan_year, month=3)
    return load_workbook(io.BytesIO(buffer.getvalue()))


def test_subtotals_are_the_rollups_values_and_add_up(schedule, plan_year):
    rollup = category_rollup(plan_year=plan_year, month=3)
    ws = schedule["项目计划表"]
    letters = {c.key: get_column_letter(i + 1) for i, c in enumerate(schedule_columns(2022, 3))}
    fields = ("total_investment", "government_investment", "social_investment", "annual_plan", "completed_ytd")
    assert not [c.coordinate for row in schedule.worksheets for r in row.iter_rows() for c in r if c.data_type == "f"]
    # Row 5 is the total; each category line follows the previous category's projects.
    assert ws["A5"].value == "合计"
    group_rows = [r for r in range(6, ws.max_row + 1) if str(ws[f"A{r}"].value or "").find("、") == 1]
    assert len(group_rows) == len(rollup.rows)
    ends = [*group_rows[1:], ws.max_row]  # the last group runs to the foot note
    for row_no, end, expected in zip(group_rows, ends, rollup.rows, strict=False):
        for key in fields:
            assert Decimal(str(ws[f"{letters[key]}{row_no}"].value)) == getattr(expected, key), (row_no, key)
            projects = [Decimal(str(ws[f"{letters[key]}{r}"].value)) for r in range(row_no + 1, end)]
            assert sum(projects, Decimal(0)) == getattr(expected, key)
        rate = ws[f"{letters['completion_rate']}{row_no}"].value
        assert (None if rate is None else Decimal(str(rate))) == expected.completion_rate
    for key in fields:
        assert Decimal(str(ws[f"{letters[key]}5"].value)) == getattr(rollup.total, key)
    assert Decimal(str(ws[f"{letters['completion_rate']}5"].value)) == rollup.total.completion_rate


def test_rollup_sheet_matches_the_rollup(schedule, plan_year):
    rollup = category_rollup(plan_year=plan_year, month=3)
    ws = schedule["分类汇总"]
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    assert [r[0] for r in rows] == [r.name for r in rollup.rows] + ["合计"]
    for values, expected in zip(rows, [*rollup.rows, rollup.total], strict=False):
        assert Decimal(str(values[2])) == expected.total_investment
        assert Decimal(str(values[4])) == expected.completed_ytd


def test_sheet_setup(schedule):
    ws = schedule["项目计划表"]
    assert ws.freeze_panes == "D5"
    assert ws.print_title_rows == "$3:$4"
    assert ws.page_setup.orientation == "landscape"
    # fitToWidth left out means its default, 1 page wide; fitToHeight 0: as many pages as it takes
    assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert {"A1:T1", "I3:J3", "L3:N3", "A5:B5"} <= {str(m) for m in ws.merged_cells.ranges}
    assert ws["A3"].value == "序号" and ws["A4"].value is None  # a single column's header stands above
    assert ws["H7"].number_format == "#,##0.00"
    assert 30 <= ws.column_dimensions["C"].width < 31  # 30 characters (XlsxWriter adds the cell padding)
