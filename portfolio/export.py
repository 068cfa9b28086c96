"""The project browser's rows as an .xlsx workbook. Amounts are numbers with number formats, in
万元 as the database holds them; text is always written as text, so a name that begins with "="
never becomes a formula in the reader's spreadsheet."""

import tempfile
from decimal import Decimal
from io import BytesIO

from django.http import FileResponse, HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from projects import formatting
from projects.rules import BEHIND_SCHEDULE_LABEL

from .tables import FLAG_LABELS, category_label

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_download(write, filename: str) -> FileResponse:
    """`write(handle)` writes a workbook (XlsxWriter's constant memory, rows streamed from the
    database) into a temporary file, which is then sent in blocks: memory stays flat however many
    rows. Every streamed .xlsx download goes through here."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it once sent)
    try:
        write(handle)
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX)


MONEY_FORMAT = formatting.EXCEL_MONEY_FORMAT
PERCENT_FORMAT = formatting.EXCEL_PERCENT_FORMAT
HEADER_FILL = PatternFill("solid", fgColor="1F3A5F")


def _columns():
    """(header, width, number format or None for text, how to read the value off a row)."""
    return [
        (_("Code"), 26, None, lambda p: p.project.code),
        (_("Project"), 40, None, lambda p: p.project.name),
        (_("Category"), 22, None, lambda p: category_label(p.category)),
        (_("Stage"), 12, None, lambda p: p.get_stage_display()),
        (_("Responsible unit"), 18, None, lambda p: p.project.responsible_unit.name),
        (_("Owner unit"), 26, None, lambda p: p.project.owner_unit.name),
        (_("Location"), 12, None, lambda p: p.project.location),
        (_("Total investment (10k yuan)"), 16, MONEY_FORMAT, lambda p: p.total_investment),
        (_("Government investment (10k yuan)"), 16, MONEY_FORMAT, lambda p: p.government_investment),
        (_("Social investment (10k yuan)"), 16, MONEY_FORMAT, lambda p: p.social_investment),
        (_("Plan for the year (10k yuan)"), 16, MONEY_FORMAT, lambda p: p.annual_plan),
        (_("Completed to date (10k yuan)"), 16, MONEY_FORMAT, lambda p: p.completed_ytd),
        (_("Completion (%)"), 12, PERCENT_FORMAT, lambda p: p.completion_rate),
        (BEHIND_SCHEDULE_LABEL, 12, PERCENT_FORMAT, lambda p: p.behind_schedule_points),
        (_("Works (%)"), 10, PERCENT_FORMAT, lambda p: p.latest_percent),
        (_("Overdue milestones"), 10, "0", lambda p: p.overdue_milestones),
        (_("Flag"), 10, None, lambda p: str(FLAG_LABELS.get(p.flag, p.flag))),
    ]


def _put(ws, row: int, col: int, value, number_format: str | None):
    cell = ws.cell(row=row, column=col)
    if number_format is None:
        cell.value = "" if value is None else str(value)
        cell.data_type = TYPE_STRING  # openpyxl reads a leading "=" as a formula otherwise
    else:
        # openpyxl writes Decimal as a number; quantize so the cell holds exactly what the page shows.
        if isinstance(value, Decimal):
            value = value.quantize(Decimal("0.01") if number_format == MONEY_FORMAT else Decimal("0.0001"))
        cell.value = value
        cell.number_format = number_format
    return cell


def project_workbook(*, rows, totals: dict, plan_year, period) -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = str(plan_year.year)
    columns = _columns()
    for col, (header, width, _fmt, _get) in enumerate(columns, start=1):
        cell = _put(ws, 1, col, str(header), None)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "C2"
    r = 1
    for r, project in enumerate(rows, start=2):
        for col, (_header, _width, fmt, get) in enumerate(columns, start=1):
            _put(ws, r, col, get(project), fmt)
    # The totals row: the database's aggregate over the same filtered rows, as numbers.
    r += 1
    by_header = {
        _("Total investment (10k yuan)"): totals["total_investment"],
        _("Government investment (10k yuan)"): totals["government_investment"],
        _("Social investment (10k yuan)"): totals["social_investment"],
        _("Plan for the year (10k yuan)"): totals["annual_plan"],
        _("Completed to date (10k yuan)"): totals["completed_ytd"],
        _("Completion (%)"): totals["completion_rate"],
        BEHIND_SCHEDULE_LABEL: totals["behind_schedule_points"],
    }
    _put(ws, r, 1, _("Total of %(n)s projects") % {"n": totals["n"]}, None).font = Font(bold=True)
    for col, (header, _width, fmt, _get) in enumerate(columns, start=1):
        if header in by_header:
            _put(ws, r, col, by_header[header], fmt).font = Font(bold=True)
    note = ws.cell(row=r + 2, column=1)
    note.value = _("%(title)s — figures to the end of month %(month)s; amounts in 10k yuan (万元).") % {
        "title": plan_year.title,
        "month": period.month,
    }
    note.data_type = TYPE_STRING
    return wb


def project_workbook_response(*, rows, totals, plan_year, period, filename: str) -> HttpResponse:
    buffer = BytesIO()
    project_workbook(rows=rows, totals=totals, plan_year=plan_year, period=period).save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
