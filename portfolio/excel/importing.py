"""Importing the project plan (by project code) and the monthly dispatch report (by project code
and month) from the workbooks people have: preview first — every row new, changed (field by
field) or unchanged, every problem with its sheet, row and column — then apply all or nothing.

Plan rows go through projects.services.project_create/project_update, one by one (a county has a
few hundred projects); dispatch rows, which come by the thousand, go through projects.bulk, which
applies the same report rules to preloaded data and writes in bulk."""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from projects import bulk, services
from projects.models import PROJECT_CODE_RE, Category, OwnerUnit, PlanYear, Project, ResponsibleUnit, Stage
from projects.permissions import owns_project
from projects.roles import can_edit_plan, can_import, is_office

from .headers import Header, detect_header, row_kind
from .parsing import (
    CellError,
    CellMsg,
    Problem,
    column_letter,
    is_blank,
    normalize_text,
    parse_money,
    parse_month,
    parse_percent,
    parse_period,
    parse_text,
)
from .reading import FileRefused, Sheet, read_workbook


class ImportMsg:
    NOT_ALLOWED = _("Your role may not import schedules.")
    NOT_ALLOWED_PLAN = _("Your role may not change the project plan.")
    NO_DATA = _("No sheet of this workbook has a project plan or a monthly dispatch header (项目代码, 项目名称, …).")
    CODE_MISSING = _("The project code is missing.")
    UNKNOWN_CATEGORY = _("Unknown category; use one of: %(names)s.")
    CATEGORY_MISSING = _("The category is missing: add a 项目类别 column or put the row under its category line.")
    UNKNOWN_STAGE = _("Unknown stage; use one of: %(names)s.")
    UNKNOWN_UNIT = _("Unknown responsible unit; use one of the units set up in the system.")
    DUPLICATE_CODE = _("This project code already appears in row %(row)s of this file.")
    MONTH_MISSING = _(
        "The reporting month is missing: add a 填报月份 column, write it in the title (e.g. 2022年1-9月), "
        "or choose the month."
    )
    NO_PLAN_YEAR = _("There is no plan year %(year)s in the system.")
    WHOLE_SHEET_FORMULAS = _(
        "This sheet holds formulas in cells that cannot be located; paste the values and import again."
    )


STAGE_WORDS = {
    "前期": Stage.PRELIMINARY, "前期工作": Stage.PRELIMINARY,
    "新开工": Stage.NEW, "新建": Stage.NEW,
    "续建": Stage.CONTINUING,
    "竣工": Stage.COMPLETING, "完工": Stage.COMPLETING,
    "建成投产": Stage.IN_PRODUCTION, "投产": Stage.IN_PRODUCTION,
    "储备": Stage.RESERVE,
}
STAGE_LABELS = {Stage.PRELIMINARY: "前期", Stage.NEW: "新开工", Stage.CONTINUING: "续建", Stage.COMPLETING: "竣工",
                Stage.IN_PRODUCTION: "建成投产", Stage.RESERVE: "储备"}

PLAN_TEXT = {"name": 200, "scope": None, "location": 100, "annual_target": None, "leader": 50, "remarks": None}
PLAN_MONEY = ("total_investment", "government_investment", "social_investment", "completed_before_year", "annual_plan")
PLAN_FIELDS_ORDER = (
    "name", "category", "stage", "scope", "location", "start_year", "end_year", "owner_unit", "responsible_unit",
    "leader", "total_investment", "government_investment", "social_investment", "completed_before_year",
    "annual_plan", "annual_target", "remarks",
)
DISPATCH_MARKERS = ("investment_month", "month")
PLAN_MARKERS = ("total_investment", "category", "stage", "government_investment", "annual_plan", "owner_unit",
                "responsible_unit", "period", "scope", "location", "annual_target", "leader", "completed_before_year")
# report field → the column that carries it
REPORT_COLUMN = {"investment_completed": "investment_month", "physical_percent": "physical_percent",
                 "physical_narrative": "physical_narrative", "problems": "problems",
                 "next_month_plan": "next_month_plan", "percent_drop_reason": "percent_drop_reason",
                 "month": "month", "year": "month", "code": "code"}
_CODE = re.compile(PROJECT_CODE_RE)
_TITLE_YEAR = re.compile(r"(20\d{2})\s*年")
_TITLE_MONTHS = re.compile(r"(?:1|一)\s*[-—~至到]\s*(\d{1,2})\s*月")
_TITLE_MONTH = re.compile(r"(?:20\d{2}\s*年\s*)(\d{1,2})\s*月")


@dataclass
class RowPreview:
    sheet: str
    row: int
    kind: str  # "plan" or "dispatch"
    code: str
    name: str = ""
    month: int | None = None
    status: str = "unchanged"  # new / changed / unchanged / error
    changes: list = field(default_factory=list)  # (label, old, new) as text


@dataclass
class ImportResult:
    filename: str
    rows: list[RowPreview] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def counts(self) -> dict:
        counts = {"new": 0, "changed": 0, "unchanged": 0, "error": 0}
        for row in self.rows:
            counts[row.status] += 1
        return counts

    @property
    def has_changes(self) -> bool:
        return any(row.status in ("new", "changed") for row in self.rows)


# --- reading the sheets into rows -------------------------------------------------------------

@dataclass
class _Cell:
    sheet: Sheet
    header: Header
    row: int  # 0-based

    def problem(self, field_name: str, message, value=None) -> Problem:
        column = self.header.columns.get(field_name)
        return Problem(
            message=str(message), sheet=self.sheet.name, row=self.row + 1,
            column=column.letter if column else "", header=column.header if column else "",
            value="" if value is None else normalize_text(value),
        )


class _SheetReader:
    def __init__(self, sheet: Sheet, header: Header, problems: list):
        self.sheet, self.header, self.problems = sheet, header, problems
        self.fraction_columns = self._fraction_columns()

    def _fraction_columns(self) -> set:
        """Percent columns holding 0.58 for 58 %: cells formatted as percents are known one by
        one; for the rest, a column whose header does not say (%) and whose every number is
        between 0 and 1, some with decimals, is read as fractions."""
        result = set()
        for name, column in self.header.columns.items():
            if name not in ("physical_percent", "completion_rate") or column.unit == "%":
                continue
            numbers = [
                row[column.index] for row in self.sheet.rows[self.header.first_data_row:]
                if column.index < len(row) and isinstance(row[column.index], (int, float))
                and not isinstance(row[column.index], bool)
            ]
            if numbers and all(0 <= n <= 1 for n in numbers) and any(not float(n).is_integer() for n in numbers):
                result.add(column.index)
        return result

    def code(self, row: list) -> str:
        """The row's project code with spaces removed; "" when blank."""
        return normalize_text(self.value(row, "code")).replace(" ", "")

    def value(self, row: list, field_name: str):
        column = self.header.columns.get(field_name)
        if column is None or column.index >= len(row):
            return None
        return row[column.index]

    def has(self, field_name: str) -> bool:
        return field_name in self.header.columns

    def read(self, r: int, row: list, field_name: str, parser, **kwargs):
        """Parse one cell; on failure record the problem and return the sentinel ERROR."""
        column = self.header.columns.get(field_name)
        if column is None:
            return None
        value = row[column.index] if column.index < len(row) else None
        if (r, column.index) in self.sheet.formula_cells and not is_blank(value):
            self.problems.append(_Cell(self.sheet, self.header, r).problem(field_name, CellMsg.FORMULA, value))
            return ERROR
        if (r, column.index) in self.sheet.formula_cells:
            self.problems.append(_Cell(self.sheet, self.header, r).problem(field_name, CellMsg.FORMULA, "="))
            return ERROR
        try:
            if parser is parse_money:
                return parse_money(value, scale=self.header.scale_of(column))
            if parser is parse_percent:
                fraction = (r, column.index) in self.sheet.percent_cells or column.index in self.fraction_columns
                return parse_percent(value, fraction=fraction)
            return parser(value, **kwargs)
        except CellError as exc:
            self.problems.append(_Cell(self.sheet, self.header, r).problem(field_name, exc.message, value))
            return ERROR

    def data_rows(self):
        """(row index, row, texts) of the rows that may be projects; category lines are handed
        back as ("category", text)."""
        key_columns = [c.index for c in self.header.columns.values()]
        for r in range(self.header.first_data_row, len(self.sheet.rows)):
            row = self.sheet.rows[r]
            texts = [normalize_text(v) for v in row]
            code_index = self.header.columns["code"].index if self.has("code") else None
            if code_index is not None and code_index < len(texts) and _CODE.match(texts[code_index].replace(" ", "")):
                kind = "data"  # a project code makes it a project row, whatever its name says
            else:
                kind = row_kind([texts[i] for i in sorted(key_columns) if i < len(texts)] or texts)
            if kind == "total":
                yield r, None, " ".join(t for t in texts if t)
                continue
            if kind in ("blank", "note"):
                continue
            code = texts[self.header.columns["code"].index] if self.has("code") and self.header.columns[
                "code"].index < len(texts) else ""
            name = texts[self.header.columns["name"].index] if self.has("name") and self.header.columns[
                "name"].index < len(texts) else ""
            if not code and not name:
                continue  # a note or a stray figure beside the table
            yield r, row, texts


class _Error:
    def __repr__(self):
        return "ERROR"


ERROR = _Error()


def _sheet_kind(header: Header) -> str | None:
    columns = header.columns
    if "code" not in columns:
        return None
    if any(m in columns for m in DISPATCH_MARKERS) or (
        "physical_percent" in columns and not any(m in columns for m in PLAN_MARKERS)
    ):
        return "dispatch"
    if any(m in columns for m in PLAN_MARKERS):
        return "plan"
    return None


def _category_in(text: str, categories: list[Category]) -> Category | None:
    text = normalize_text(text).replace(" ", "")
    for category in sorted(categories, key=lambda c: -len(c.name)):
        if category.name in text or category.code == text.lower():
            return category
    for category in sorted(categories, key=lambda c: -len(c.name)):
        core = category.name.removeprefix("重大").removesuffix("项目")
        if core and core in text:
            return category
    return None


# --- the plan ---------------------------------------------------------------------------------

@dataclass
class _PlanRow:
    sheet: str
    row: int
    code: str
    values: dict
    columns: dict  # model field → Column for problems


def _read_plan(sheet: Sheet, header: Header, problems: list, refs: dict) -> list[_PlanRow]:
    reader = _SheetReader(sheet, header, problems)
    categories = refs["categories"]
    current_category = None
    rows = []
    for r, row, texts in reader.data_rows():
        if row is None:
            found = _category_in(texts, categories)
            if found:
                current_category = found
            continue
        cell = _Cell(sheet, header, r)
        before = len(problems)
        code = reader.code(row)
        if not code:
            problems.append(cell.problem("code", ImportMsg.CODE_MISSING))
            continue
        values = {}
        for name, max_length in PLAN_TEXT.items():
            if reader.has(name):
                values[name] = reader.read(r, row, name, parse_text, max_length=max_length)
        for name in PLAN_MONEY:
            if reader.has(name):
                amount = reader.read(r, row, name, parse_money)
                values[name] = Decimal("0.00") if amount is None else amount
        if reader.has("period"):
            period = reader.read(r, row, "period", parse_period)
            if period not in (None, ERROR):
                values["start_year"], values["end_year"] = period
        if reader.has("category") and not is_blank(reader.value(row, "category")):
            category = _category_in(normalize_text(reader.value(row, "category")), categories)
            if category is None:
                problems.append(cell.problem("category", ImportMsg.UNKNOWN_CATEGORY % {
                    "names": "、".join(c.name for c in categories)}, reader.value(row, "category")))
            else:
                values["category"] = category
        elif current_category is not None:
            values["category"] = current_category
        if reader.has("stage") and not is_blank(reader.value(row, "stage")):
            text = normalize_text(reader.value(row, "stage"))
            stage = STAGE_WORDS.get(text) or (text if text in Stage.values else None)
            if stage is None:
                problems.append(cell.problem("stage", ImportMsg.UNKNOWN_STAGE % {
                    "names": "、".join(STAGE_LABELS.values())}, text))
            else:
                values["stage"] = stage
        if reader.has("responsible_unit") and not is_blank(reader.value(row, "responsible_unit")):
            text = normalize_text(reader.value(row, "responsible_unit"))
            unit = refs["units"].get(text)
            if unit is None:
                problems.append(cell.problem("responsible_unit", ImportMsg.UNKNOWN_UNIT, text))
            else:
                values["responsible_unit"] = unit
        if reader.has("owner_unit") and not is_blank(reader.value(row, "owner_unit")):
            values["owner_unit"] = normalize_text(reader.value(row, "owner_unit"))  # a name; resolved later
        if len(problems) > before or any(v is ERROR for v in values.values()):
            continue
        rows.append(_PlanRow(sheet=sheet.name, row=r + 1, code=code, values=values, columns=header.columns))
    return rows


_PLAN_FIELD_COLUMN = {"start_year": "period", "end_year": "period"}


def _plan_problem(row: _PlanRow, field_name: str, message) -> Problem:
    column = row.columns.get(_PLAN_FIELD_COLUMN.get(field_name, field_name))
    value = row.values.get(field_name, "")
    return Problem(message=str(message), sheet=row.sheet, row=row.row, column=column.letter if column else "",
                   header=column.header if column else "", value="" if value is None else str(value))


def _display(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (OwnerUnit, ResponsibleUnit, Category)):
        return value.name
    if value in STAGE_LABELS:
        return STAGE_LABELS[value]
    return str(value)


def _check_plan(*, actor, plan_year: PlanYear, rows: list[_PlanRow], problems: list, result: ImportResult,
                owners: dict):
    """Every row's fate without writing; (project or None, values) for the rows to apply."""
    existing = {p.code: p for p in Project.objects.filter(code__in=[r.code for r in rows]).select_related(
        "category", "owner_unit", "responsible_unit", "plan_year")}
    seen = {}
    todo = []
    for row in rows:
        preview = RowPreview(sheet=row.sheet, row=row.row, kind="plan", code=row.code,
                             name=row.values.get("name", ""))
        result.rows.append(preview)
        if row.code in seen:
            problems.append(_plan_problem(row, "code", ImportMsg.DUPLICATE_CODE % {"row": seen[row.code]}))
            preview.status = "error"
            continue
        seen[row.code] = row.row
        values = dict(row.values)
        if "owner_unit" in values:
            name = values["owner_unit"]
            values["owner_unit"] = owners.get(name) or OwnerUnit(name=name)
        project = existing.get(row.code)
        errors: dict = {}
        candidate = Project(plan_year=plan_year, code=row.code) if project is None else Project(
            **{f.attname: getattr(project, f.attname) for f in Project._meta.concrete_fields})
        for name, value in values.items():
            setattr(candidate, name, value)
        if project is not None and not owns_project(actor, project):
            errors["code"] = [services.ServiceMsg.NOT_YOURS]
        elif is_office(actor) and candidate.responsible_unit_id != actor.unit_id:
            errors["responsible_unit" if "responsible_unit" in values else "code"] = [services.ServiceMsg.NOT_YOURS]
        else:
            exclude = ["version"]
            if candidate.owner_unit_id is None and "owner_unit" in values:
                exclude.append("owner_unit")
            try:
                if candidate.government_investment + candidate.social_investment != candidate.total_investment:
                    raise ValidationError({"social_investment": [services.ServiceMsg.FUNDING_SPLIT]})
                candidate.full_clean(exclude=exclude, validate_constraints=False, validate_unique=False)
            except (ValidationError, TypeError) as exc:
                errors = exc.message_dict if isinstance(exc, ValidationError) and hasattr(exc, "error_dict") else {
                    "": [str(m) for m in getattr(exc, "messages", [str(exc)])]}
        if errors:
            preview.status = "error"
            for name, messages in errors.items():
                for message in messages:
                    problems.append(_plan_problem(row, name if name != "__all__" else "", message))
            continue
        if project is None and "category" not in values:
            preview.status = "error"
            problems.append(_plan_problem(row, "category", ImportMsg.CATEGORY_MISSING))
            continue
        if project is None:
            preview.status = "new"
            preview.changes = [(str(Project._meta.get_field(n).verbose_name), "", _display(values[n]))
                               for n in PLAN_FIELDS_ORDER if n in values]
            todo.append((row, None, {**values, "code": row.code}))
            continue
        changed = {}
        for name in PLAN_FIELDS_ORDER:
            if name not in values:
                continue
            old, new = getattr(project, name), values[name]
            if isinstance(new, OwnerUnit):
                same = new.pk is not None and new.pk == project.owner_unit_id
            elif hasattr(old, "pk"):
                same = getattr(new, "pk", None) == old.pk
            else:
                same = old == new
            if not same:
                changed[name] = new
                preview.changes.append((str(Project._meta.get_field(name).verbose_name), _display(old), _display(new)))
        if changed:
            preview.status = "changed"
            todo.append((row, project, changed))
    return todo


# --- the dispatch report ----------------------------------------------------------------------

def _title_period(header: Header) -> tuple[int | None, int | None]:
    title = header.title
    year = _TITLE_YEAR.search(title)
    month = _TITLE_MONTHS.search(title) or _TITLE_MONTH.search(title)
    return (int(year.group(1)) if year else None), (int(month.group(1)) if month else None)


def _read_dispatch(sheet: Sheet, header: Header, problems: list, default_month, default_year) -> list:
    reader = _SheetReader(sheet, header, problems)
    title_year, title_month = _title_period(header)
    rows = []
    for r, row, _texts in reader.data_rows():
        if row is None:
            continue
        cell = _Cell(sheet, header, r)
        before = len(problems)
        code = reader.code(row)
        if not code:
            problems.append(cell.problem("code", ImportMsg.CODE_MISSING))
            continue
        year, month = None, None
        if reader.has("month") and not is_blank(reader.value(row, "month")):
            period = reader.read(r, row, "month", parse_month)
            if period not in (None, ERROR):
                year, month = period
        if month is None:
            month = default_month or title_month
        if year is None:
            year = default_year or title_year
        if month is None and len(problems) == before:
            problems.append(cell.problem("month", ImportMsg.MONTH_MISSING))
        values = {}
        if reader.has("investment_month"):
            values["investment_completed"] = reader.read(r, row, "investment_month", parse_money)
        # 1-N月 is read only when the month's own amount is not given (it is often a formula then).
        ytd = reader.read(r, row, "completed_ytd", parse_money) if reader.has("completed_ytd") and not reader.has(
            "investment_month") else None
        if reader.has("physical_percent"):
            values["physical_percent"] = reader.read(r, row, "physical_percent", parse_percent)
        for name in ("physical_narrative", "problems", "next_month_plan", "percent_drop_reason"):
            if reader.has(name):
                values[name] = reader.read(r, row, name, parse_text)
        if len(problems) > before or ytd is ERROR or any(v is ERROR for v in values.values()):
            continue
        if all(v in (None, "") for v in values.values()) and (ytd is None or reader.has("investment_month")):
            continue  # a project listed with nothing reported for the month
        if values.get("investment_completed") is None:
            values.pop("investment_completed", None)
        if values.get("physical_percent") is None:
            values.pop("physical_percent", None)
        rows.append(bulk.ReportRow(key=(sheet.name, r + 1, header.columns), code=code, year=year, month=month,
                                   values=values, ytd=ytd if "investment_completed" not in values else None))
    return rows


def _check_dispatch(*, actor, rows, problems, result, outcomes):
    labels = {}
    for outcome, row in zip(outcomes, rows, strict=True):
        sheet, excel_row, columns = row.key
        preview = RowPreview(sheet=sheet, row=excel_row, kind="dispatch", code=row.code,
                             name=outcome.project.name if outcome.project else "", month=row.month,
                             status=outcome.status)
        result.rows.append(preview)
        for name, messages in outcome.errors.items():
            column_name = REPORT_COLUMN.get(name, "")
            if name == "investment_completed" and "investment_month" not in columns:
                column_name = "completed_ytd"
            column = columns.get(column_name)
            value = row.values.get(name, row.code if name == "code" else (row.month if name == "month" else ""))
            for message in messages:
                problems.append(Problem(message=message, sheet=sheet, row=excel_row,
                                        column=column.letter if column else "",
                                        header=column.header if column else "",
                                        value="" if value is None else str(value)))
        for name, old, new in outcome.changes:
            if name not in labels:
                labels[name] = services_field_label(name)
            label = labels[name]
            preview.changes.append((label, "" if old is None else str(old), "" if new is None else str(new)))


def services_field_label(name: str) -> str:
    from projects.models import ProgressReport

    return str(ProgressReport._meta.get_field(name).verbose_name)


# --- the whole file ---------------------------------------------------------------------------

def _refs() -> dict:
    units = {}
    for unit in ResponsibleUnit.objects.all():
        units[unit.name] = unit
        units[unit.code] = unit
    return {"categories": list(Category.objects.order_by("order")), "units": units}


def _read(*, data: bytes, filename: str, actor, month: int | None, year: int | None, result: ImportResult):
    """Read and check the file; (plan rows, dispatch rows, refs) with every problem in result."""
    problems = result.problems
    if not can_import(actor):
        problems.append(Problem(message=str(ImportMsg.NOT_ALLOWED)))
        return [], [], None
    try:
        sheets = read_workbook(data, filename)
    except FileRefused as exc:
        problems.append(Problem(message=str(exc.message)))
        return [], [], None
    refs = _refs()
    plan_rows, dispatch_rows = [], []
    for sheet in sheets:
        header = detect_header(sheet.rows, sheet.merges)
        if header is None:
            continue
        kind = _sheet_kind(header)
        if kind is None:
            continue
        if (-1, -1) in sheet.formula_cells:
            problems.append(Problem(message=str(ImportMsg.WHOLE_SHEET_FORMULAS), sheet=sheet.name))
            continue
        if kind == "plan":
            plan_rows += _read_plan(sheet, header, problems, refs)
        else:
            dispatch_rows += _read_dispatch(sheet, header, problems, month, year)
    if not plan_rows and not dispatch_rows and not problems:
        problems.append(Problem(message=str(ImportMsg.NO_DATA)))
    if plan_rows and not can_edit_plan(actor):
        problems.append(Problem(message=str(ImportMsg.NOT_ALLOWED_PLAN)))
        plan_rows = []
    return plan_rows, dispatch_rows, refs


def _plan_year(year: int | None) -> PlanYear | None:
    qs = PlanYear.objects.all()
    return qs.filter(year=year).first() if year else qs.order_by("-year").first()


def _run(*, data, filename, actor, month=None, year=None, apply=False, reason="") -> ImportResult:
    result = ImportResult(filename=filename)
    plan_rows, dispatch_rows, refs = _read(data=data, filename=filename, actor=actor, month=month, year=year,
                                           result=result)
    plan_year = None
    if plan_rows:
        plan_year = _plan_year(year)
        if plan_year is None:
            result.problems.append(Problem(message=str(ImportMsg.NO_PLAN_YEAR % {"year": year or ""})))
            return result
    reason = reason or gettext("Imported from %(file)s") % {"file": filename}

    def run(lock: bool) -> None:
        owners = {o.name: o for o in OwnerUnit.objects.filter(
            name__in={r.values["owner_unit"] for r in plan_rows if "owner_unit" in r.values})}
        todo = _check_plan(actor=actor, plan_year=plan_year, rows=plan_rows, problems=result.problems,
                           result=result, owners=owners) if plan_rows else []
        if todo and not result.problems:
            # Applied now (and rolled back after a preview), so that the dispatch rows of the same
            # file see the projects the plan creates.
            _apply_plan_rows(actor=actor, plan_year=plan_year, todo=todo, problems=result.problems, reason=reason)
        if not dispatch_rows:
            return
        try:
            if lock and not result.problems:
                try:
                    outcomes = bulk.reports_import(actor=actor, rows=dispatch_rows, reason=reason)
                except bulk.ImportRejected as exc:
                    outcomes = exc.outcomes
            else:
                outcomes = bulk.reports_check(actor=actor, rows=dispatch_rows)
        except ValidationError as exc:
            result.problems.extend(Problem(message=str(m)) for m in exc.messages)
            return
        _check_dispatch(actor=actor, rows=dispatch_rows, problems=result.problems, result=result, outcomes=outcomes)

    class Rollback(Exception):
        pass

    write = apply and not result.problems
    try:
        with transaction.atomic():
            run(lock=write)
            if not write or result.problems:
                raise Rollback  # a preview, or a file with errors: nothing stays written
    except Rollback:
        return result
    result.applied = True
    return result


def _apply_plan_rows(*, actor, plan_year, todo, problems, reason):
    for row, project, values in todo:
        values = dict(values)
        owner = values.get("owner_unit")
        if isinstance(owner, OwnerUnit) and owner.pk is None:
            values["owner_unit"], _ = OwnerUnit.objects.get_or_create(name=owner.name)
        try:
            with transaction.atomic():
                if project is None:
                    services.project_create(actor=actor, plan_year=plan_year, reason=reason, **values)
                else:
                    services.project_update(actor=actor, project=project, expected_version=project.version,
                                            reason=reason, **values)
        except ValidationError as exc:  # a rule only the service sees (a concurrent change, a lock)
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
            for name, messages in errors.items():
                for message in messages:
                    problems.append(_plan_problem(row, name if name != "__all__" else "", message))


def import_preview(*, data: bytes, filename: str, actor, month: int | None = None, year: int | None = None
                   ) -> ImportResult:
    """What importing the file would do; writes nothing."""
    return _run(data=data, filename=filename, actor=actor, month=month, year=year)


def import_apply(*, data: bytes, filename: str, actor, month: int | None = None, year: int | None = None,
                 reason: str = "") -> ImportResult:
    """Re-read and re-check the file, then apply every row in one transaction — or, if anything
    is wrong, nothing (result.applied is False and result.problems says why)."""
    return _run(data=data, filename=filename, actor=actor, month=month, year=year, apply=True, reason=reason)


__all__ = ["ImportResult", "RowPreview", "import_apply", "import_preview", "column_letter"]
