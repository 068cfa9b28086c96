"""The monthly dispatch sheet: one row per project and month. Read here; checked and written in
bulk by projects.bulk."""

from projects import bulk
from projects.models import ProgressReport
from projects.permissions import owns_project

from ..headers import Header
from ..parsing import Problem, is_blank, parse_money, parse_month, parse_percent, parse_text
from ..reading import Sheet
from .limits import limit_check
from .result import RowPreview
from .sheets import ERROR, _Cell, _SheetReader, heading_category
from .vocabulary import _TITLE_MONTH, _TITLE_MONTHS, _TITLE_YEAR, REPORT_COLUMN, ImportMsg


def _title_period(header: Header) -> tuple[int | None, int | None]:
    title = header.title
    year = _TITLE_YEAR.search(title)
    month = _TITLE_MONTHS.search(title) or _TITLE_MONTH.search(title)
    return (int(year.group(1)) if year else None), (int(month.group(1)) if month else None)


def _read_dispatch(sheet: Sheet, header: Header, problems: list, default_month, default_year, categories=()) -> list:
    reader = _SheetReader(sheet, header, problems)
    title_year, title_month = _title_period(header)
    # What the sheet's columns are is the same on every row: worked out once, not per cell.
    has_month = reader.has("month")
    month_index = header.columns["month"].index if has_month else None
    read_month = reader.cell_reader("month", parse_month)
    has_investment = reader.has("investment_month")
    read_investment = reader.cell_reader("investment_month", parse_money)
    # 1-N月 is read only when the month's own amount is not given (it is often a formula then).
    read_ytd = reader.cell_reader("completed_ytd", parse_money) if not has_investment else None
    has_percent = reader.has("physical_percent")
    read_percent = reader.cell_reader("physical_percent", parse_percent)
    texts = [
        (name, reader.cell_reader(name, parse_text))
        for name in ("physical_narrative", "problems", "next_month_plan", "percent_drop_reason")
        if reader.has(name)
    ]
    # The database's limits by value, with the column a problem names.
    limits = {
        name: (
            limit_check(ProgressReport, name),
            REPORT_COLUMN.get(name, name) if name != "investment_completed" or has_investment else "completed_ytd",
        )
        for name in ("investment_completed", "physical_percent", *(name for name, _read in texts))
    }
    rows = []
    for r, row, row_texts in reader.data_rows():
        if row is None:
            continue
        before = len(problems)
        code = reader.code(row)
        if not code:
            if heading_category(row_texts, categories):
                continue  # a category heading between the projects
            problems.append(_Cell(sheet, header, r).problem("code", ImportMsg.CODE_MISSING))
            continue
        year, month = None, None
        if has_month and not is_blank(row[month_index] if month_index < len(row) else None):
            period = read_month(r, row)
            if period not in (None, ERROR):
                year, month = period
        if month is None:
            month = default_month or title_month
        if year is None:
            year = default_year or title_year
        if month is None and len(problems) == before:
            problems.append(_Cell(sheet, header, r).problem("month", ImportMsg.MONTH_MISSING))
        values = {}
        if has_investment:
            values["investment_completed"] = read_investment(r, row)
        ytd = read_ytd(r, row) if read_ytd is not None else None
        if has_percent:
            values["physical_percent"] = read_percent(r, row)
        for name, read in texts:
            values[name] = read(r, row)
        failed = ytd is ERROR
        for name, value in [*values.items(), ("investment_completed", ytd)]:
            if value is ERROR:
                failed = True
            elif value is not None and not (isinstance(value, str) and not value):  # None or "": no limits
                check, field_name = limits[name]
                for message in check(value):
                    problems.append(_Cell(sheet, header, r).problem(field_name, message, value))
        if failed or len(problems) > before:
            continue
        if (ytd is None or has_investment) and all(
            v is None or (isinstance(v, str) and not v) for v in values.values()
        ):
            continue  # a project listed with nothing reported for the month
        if values.get("investment_completed") is None:
            values.pop("investment_completed", None)
        if values.get("physical_percent") is None:
            values.pop("physical_percent", None)
        rows.append(
            bulk.ReportRow(
                key=(sheet.name, r + 1, header.columns),
                code=code,
                year=year,
                month=month,
                values=values,
                ytd=ytd if "investment_completed" not in values else None,
            )
        )
    return rows


def _visible_name(actor, outcome, created: dict, owned: dict) -> str:
    """The project's name as the database has it, only for someone who may see the project (an
    office typing another unit's code learns nothing from the preview). `owned` remembers the
    answer per unit, which is all it depends on."""
    if outcome.project is None:
        return created.get(outcome.code, {}).get("name", "")
    unit = outcome.project.responsible_unit_id
    if unit not in owned:
        owned[unit] = owns_project(actor, outcome.project)
    return outcome.project.name if owned[unit] else ""


def _check_dispatch(*, actor, rows, problems, result, outcomes, created=None):
    labels, owned = {}, {}
    for outcome, row in zip(outcomes, rows, strict=True):
        sheet, excel_row, columns = row.key
        preview = RowPreview(
            sheet=sheet,
            row=excel_row,
            kind="dispatch",
            code=row.code,
            name=_visible_name(actor, outcome, created or {}, owned),
            month=row.month,
            status=outcome.status,
        )
        for name, messages in (outcome.errors or {}).items():
            column_name = REPORT_COLUMN.get(name, "")
            if name == "investment_completed" and "investment_month" not in columns:
                column_name = "completed_ytd"
            column = columns.get(column_name)
            value = row.values.get(name, row.code if name == "code" else (row.month if name == "month" else ""))
            for message in messages:
                problems.append(
                    Problem(
                        message=message,
                        sheet=sheet,
                        row=excel_row,
                        column=column.letter if column else "",
                        header=column.header if column else "",
                        value="" if value is None else str(value),
                    )
                )
        for name, old, new in outcome.field_changes():
            if name not in labels:
                labels[name] = services_field_label(name)
            label = labels[name]
            preview.changes.append((label, "" if old is None else str(old), "" if new is None else str(new)))
        result.add_row(preview)


def services_field_label(name: str) -> str:
    from projects.models import ProgressReport

    return str(ProgressReport._meta.get_field(name).verbose_name)
