"""The schedule's subtotal and total rows are SUM formulas; recalculated (here by evaluating the
formulas over the cells, as Excel would), they equal the rollup."""

import io
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter

from portfolio.excel.writing import schedule_columns, write_schedule
from portfolio.selectors import category_rollup
from projects import services
from tests import factories

REF = re.compile(r"^([A-Z]+)(\d+)$")
SUM = re.compile(r"^=SUM\((.*)\)$")
RATE = re.compile(r'^=IF\(([A-Z]+\d+)=0,"",ROUND\(([A-Z]+\d+)/([A-Z]+\d+)\*100,2\)\)$')


class Sheet:
    """Evaluates the two kinds of formula the schedule writes: SUM over ranges and cells, and the
    completion rate IF(plan=0,"",ROUND(done/plan*100,2))."""

    def __init__(self, ws):
        self.ws = ws

    def value(self, ref: str):
        raw = self.ws[ref].value
        if isinstance(raw, str) and raw.startswith("=") and self.ws[ref].data_type == "f":
            return self.evaluate(raw)
        if raw is None or raw == "":
            return Decimal(0)
        return Decimal(str(raw))

    def cells(self, argument: str):
        if ":" in argument:
            start, end = argument.split(":")
            (c1, r1), (c2, r2) = REF.match(start).groups(), REF.match(end).groups()
            for r in range(int(r1), int(r2) + 1):
                for c in range(column_index_from_string(c1), column_index_from_string(c2) + 1):
                    yield f"{get_column_letter(c)}{r}"
        else:
            yield argument

    def evaluate(self, formula: str):
        match = SUM.match(formula)
        if match:
            return sum((self.value(ref) for arg in match.group(1).split(",") for ref in self.cells(arg)), Decimal(0))
        match = RATE.match(formula)
        if match:
            plan, done, plan2 = match.groups()
            assert plan == plan2
            if self.value(plan) == 0:
                return None
            return (self.value(done) / self.value(plan) * 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
        raise AssertionError(f"unexpected formula {formula}")


@pytest.fixture
def schedule(plan_year, categories, unit_a, office_a, reviewer):
    for i, category in enumerate(categories[:4]):  # two categories stay empty
        for j in range(i + 1):
            project = factories.ProjectFactory(
                plan_year=plan_year, category=category, responsible_unit=unit_a, code=f"YY2022-TOT-{i}{j:02d}",
                government_investment=Decimal("1000.25") * (j + 1), social_investment=Decimal("7.75") * i,
                annual_plan=Decimal("333.33") * (i + 1),
            )
            report = services.report_create(actor=office_a, project=project, year=2022, month=2,
                                            investment_completed=Decimal("12.34") * (i + j + 1),
                                            physical_percent=Decimal("10"))
            services.report_submit(actor=office_a, report=report)
            services.report_approve(actor=reviewer, report=report)
    buffer = io.BytesIO()
    write_schedule(buffer, plan_year=plan_year, month=3)
    return load_workbook(io.BytesIO(buffer.getvalue()))


def test_formulas_recalculate_to_the_rollup(schedule, plan_year):
    rollup = category_rollup(plan_year=plan_year, month=3)
    ws = schedule["项目计划表"]
    sheet = Sheet(ws)
    letters = {c.key: get_column_letter(i + 1) for i, c in enumerate(schedule_columns(2022, 3))}
    fields = {"total_investment": "total_investment", "government_investment": "government_investment",
              "social_investment": "social_investment", "annual_plan": "annual_plan", "completed_ytd": "completed_ytd"}
    # Row 5 is the total; each category line follows the previous category's projects.
    assert ws["A5"].value == "合计"
    group_rows = [r for r in range(6, ws.max_row + 1) if str(ws[f"A{r}"].value or "").find("、") == 1]
    assert len(group_rows) == len(rollup.rows)
    for row_no, expected in [(5, rollup.total), *zip(group_rows, rollup.rows, strict=True)]:
        for column, attribute in fields.items():
            cell = ws[f"{letters[column]}{row_no}"]
            if expected.projects:
                assert cell.data_type == "f"
            assert sheet.value(cell.coordinate) == getattr(expected, attribute), (row_no, column)
        assert sheet.value(f"{letters['completion_rate']}{row_no}") == expected.completion_rate


def test_rollup_sheet_matches_the_rollup(schedule, plan_year):
    rollup = category_rollup(plan_year=plan_year, month=3)
    ws = schedule["分类汇总"]
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    assert [r[0] for r in rows] == [r.name for r in rollup.rows] + ["合计"]
    for values, expected in zip(rows, [*rollup.rows, rollup.total], strict=True):
        assert Decimal(str(values[2])) == expected.total_investment
        assert Decimal(str(values[4])) == expected.completed_ytd


def test_sheet_setup(schedule):
    ws = schedule["项目计划表"]
    assert ws.freeze_panes == "D5"
    assert ws.print_title_rows == "$3:$4"
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert {"I3:J3", "L3:N3", "A3:A4"} <= {str(m) for m in ws.merged_cells.ranges}
    assert ws["H7"].number_format == "#,##0.00"
    assert ws.column_dimensions["C"].width == 30
