"""The meeting's problem list (问题清单) as an .xlsx sheet in the county's layout: a title row, the
month, then one row per problem with its project, what is wrong, who must solve it, the leader,
the deadline and how far it has got. Text is written as text, never as a formula."""

from io import BytesIO

from django.http import HttpResponse
from django.utils import translation
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Alignment, Border, Font, Side

from .selectors import person

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_TITLE = "问题清单"
# The county's columns, in its order and words, with widths that print on A4 landscape.
COLUMNS = [
    ("序号", 6),
    ("项目名称", 28),
    ("项目责任单位", 16),
    ("问题类型", 10),
    ("存在问题", 40),
    ("责任单位", 16),
    ("协调领导", 10),
    ("完成时限", 12),
    ("办理状态", 10),
    ("办理情况", 36),
    ("是否逾期", 8),
]
THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def _text(cell, value) -> None:
    cell.value = "" if value is None else str(value)
    cell.data_type = TYPE_STRING  # a description beginning with "=" stays text


def problem_row(n: int, p) -> list:
    """One problem's row of the 问题清单, in COLUMNS' order (the schedule workbook writes it too)."""
    with translation.override("zh-hans"):  # the county's sheet, whoever downloads it
        return [
            n,
            p.project.name,
            p.project.responsible_unit.name,
            str(p.get_type_display()),
            p.description,
            p.unit.name if p.unit else "",
            person(p.leader),
            p.deadline.isoformat() if p.deadline else "",
            str(p.get_state_display()),
            p.resolution,
            "是" if p.overdue else "",
        ]


def problem_sheet(wb: Workbook, problems, *, title: str) -> None:
    """Add the 问题清单 sheet to `wb` for `problems` (annotated with `overdue`)."""
    ws = wb.create_sheet(SHEET_TITLE)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    _text(ws.cell(row=1, column=1), title)
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    for col, (header, width) in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=2, column=col)
        _text(cell, header)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = BORDER
        ws.column_dimensions[cell.column_letter].width = width
    for n, p in enumerate(problems, start=1):
        row = n + 2
        values = problem_row(n, p)
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=col)
            if col == 1:
                cell.value = value
            else:
                _text(cell, value)
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            cell.border = BORDER
    ws.freeze_panes = "C3"
    ws.print_title_rows = "2:2"
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToHeight = 0


def problem_workbook_response(problems, *, title: str, filename: str) -> HttpResponse:
    wb = Workbook()
    wb.remove(wb.active)
    problem_sheet(wb, problems, title=title)
    out = BytesIO()
    wb.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


RANKING_COLUMNS = [
    ("名次", 6),
    ("名称", 22),
    ("项目数", 8),
    ("年度计划（万元）", 16),
    ("累计完成（万元）", 16),
    ("完成率（%）", 11),
    ("低于序时进度（百分点）", 14),
    ("按时报送", 10),
    ("应报", 8),
    ("逾期问题", 10),
]


def ranking_sheet(wb: Workbook, standings: dict, *, title: str, rule: str) -> None:
    """The 红黑榜 sheet: units, then townships, each ranked, with the rule under the title."""
    ws = wb.create_sheet("红黑榜")
    _text(ws.cell(row=1, column=1), title)
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    _text(ws.cell(row=2, column=1), rule)
    ws.cell(row=2, column=1).alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(RANKING_COLUMNS))
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(RANKING_COLUMNS))
    ws.row_dimensions[2].height = 48
    row = 4
    for heading, rows in (
        ("责任单位", standings["units"]),
        ("乡镇（街道）", standings["townships"]),
    ):
        _text(ws.cell(row=row, column=1), heading)
        ws.cell(row=row, column=1).font = Font(bold=True)
        row += 1
        for col, (header, width) in enumerate(RANKING_COLUMNS, start=1):
            cell = ws.cell(row=row, column=col)
            _text(cell, header)
            cell.font = Font(bold=True)
            cell.border = BORDER
            ws.column_dimensions[cell.column_letter].width = width
        for s in rows:
            row += 1
            values = [
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
            ]
            for col, value in enumerate(values, start=1):
                cell = ws.cell(row=row, column=col)
                if col == 2:
                    _text(cell, value)
                else:
                    cell.value = value
                    if col in (4, 5):
                        cell.number_format = "#,##0.00"
                    elif col in (6, 7):
                        cell.number_format = "0.00"
                cell.border = BORDER
        row += 2
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToHeight = 0


def workbook_response(wb: Workbook, filename: str) -> HttpResponse:
    out = BytesIO()
    wb.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
