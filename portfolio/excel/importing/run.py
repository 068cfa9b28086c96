"""The whole file: read every sheet, check every row, and either report (preview) or apply all
rows in one transaction — or nothing."""

import gc
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from projects import bulk, plan_versions, services
from projects.models import Category, OwnerUnit, PlanYear, PlanYearStatus, ResponsibleUnit
from projects.roles import can_edit_plan, can_import, can_keep_year

from ..headers import detect_header
from ..parsing import Problem, match_key
from ..reading import FileRefused, read_workbook
from .monthly_rows import _check_dispatch, _read_dispatch
from .plan_rows import _apply_plan_rows, _check_plan, _read_plan
from .result import ImportResult
from .sheets import _sheet_kind
from .vocabulary import ImportMsg, leader_names


def _refs() -> dict:
    units = {}
    for unit in ResponsibleUnit.objects.all():
        units[match_key(unit.name)] = unit
        units[match_key(unit.code)] = unit
    return {"categories": list(Category.objects.order_by("order")), "units": units, "leaders": leader_names()}


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
            dispatch_rows += _read_dispatch(sheet, header, problems, month, year, refs["categories"])
    if not plan_rows and not dispatch_rows and not problems:
        problems.append(Problem(message=str(ImportMsg.NO_DATA)))
    if plan_rows and not can_edit_plan(actor):
        problems.append(Problem(message=str(ImportMsg.NOT_ALLOWED_PLAN)))
        plan_rows = []
    return plan_rows, dispatch_rows, refs


def _plan_year(year: int | None) -> PlanYear | None:
    qs = PlanYear.objects.all()
    return qs.filter(year=year).first() if year else qs.order_by("-year").first()


def _owners() -> dict:
    """Owner units by their matching key: a name typed with full-width brackets finds the unit
    stored with half-width ones, and the stored name is never rewritten."""
    return {match_key(name): OwnerUnit(pk=pk, name=name) for pk, name in OwnerUnit.objects.values_list("pk", "name")}


def _serialize_imports() -> None:
    """Imports apply one at a time: the first statement of an applying transaction locks the plan
    years' rows (a handful), so a second import waits, then checks against what the first wrote
    (no duplicate report, no stale "changed"). On SQLite the database lock does the same."""
    list(PlanYear.objects.select_for_update().order_by("pk").values_list("pk", flat=True))


def _adjustment_refusal(*, actor, plan_year, name) -> str:
    """Why this file cannot become version `name` of the year's plan, checked before any row so
    the preview says it at once (plan_adjust checks the same again when writing)."""
    Msg = plan_versions.PlanVersionMsg
    if not can_keep_year(actor):
        return str(Msg.NOT_ALLOWED)
    if plan_year.status != PlanYearStatus.ADOPTED:
        return str(Msg.NOT_ADOPTED % {"year": plan_year.year, "status": PlanYearStatus(plan_year.status).label})
    if plan_year.versions.filter(name=name).exists():
        return str(Msg.NAME_TAKEN % {"year": plan_year.year, "name": name})
    return ""


@contextmanager
def _collector_paused():
    """Python's cyclic garbage collector held off while a file is imported. The import makes a
    few containers per cell (rows, values, outcomes) and frees none until it ends; collections
    triggered by those allocations walk every one of them again and again: a third of a
    100,000-row month's time. Objects without cycles are freed as always; the collector runs
    again as soon as the import ends (also when it fails). A collector already off (another
    import in this process) is left to whoever turned it off."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _run(**kwargs) -> ImportResult:
    with _collector_paused():
        return _run_import(**kwargs)


def _run_import(
    *, data, filename, actor, month=None, year=None, apply=False, reason="", adjustment=None
) -> ImportResult:
    result = ImportResult(filename=filename)
    plan_rows, dispatch_rows, refs = _read(
        data=data, filename=filename, actor=actor, month=month, year=year, result=result
    )
    plan_year = None
    if plan_rows:
        plan_year = _plan_year(year)
        if plan_year is None:
            result.problems.append(Problem(message=str(ImportMsg.NO_PLAN_YEAR % {"year": year or ""})))
            return result
        if plan_year.status == PlanYearStatus.CLOSED:  # a closed year's plan never changes
            result.problems.append(Problem(message=str(services.ServiceMsg.YEAR_CLOSED % {"year": plan_year.year})))
            return result
        if adjustment is not None:
            refusal = _adjustment_refusal(actor=actor, plan_year=plan_year, name=adjustment[0])
            if refusal:
                result.adjustment_refused = refusal
                result.problems.append(Problem(message=refusal))
                return result
    reason = reason or gettext("Imported from %(file)s") % {"file": filename}

    def run(write: bool) -> None:
        if write:
            _serialize_imports()
        todo = (
            _check_plan(
                actor=actor,
                plan_year=plan_year,
                rows=plan_rows,
                problems=result.problems,
                result=result,
                owners=_owners(),
            )
            if plan_rows
            else []
        )
        if write and todo and not result.problems:
            # Applied first, so that the dispatch rows of the same file see the projects the plan creates.
            _apply_plan_rows(
                actor=actor,
                plan_year=plan_year,
                todo=todo,
                problems=result.problems,
                reason=reason,
                adjustment=adjustment,
            )
        if not dispatch_rows:
            return
        # In a preview nothing is written, not even for a moment: rows for projects this file's
        # plan creates are checked on their own values.
        created = (
            {}
            if write
            else {row.code: identity for row, _project, year_row, identity, _yearly in todo if year_row is None}
        )
        try:
            if write and not result.problems:
                try:
                    outcomes = bulk.reports_import(actor=actor, rows=dispatch_rows, reason=reason)
                except bulk.ImportRejected as exc:
                    outcomes = exc.outcomes
            else:
                existing = [r for r in dispatch_rows if r.code not in created]
                checked = iter(bulk.reports_check(actor=actor, rows=existing) if existing else [])
                outcomes = [
                    _pending_outcome(r, created[r.code], plan_year) if r.code in created else next(checked)
                    for r in dispatch_rows
                ]
        except ValidationError as exc:
            result.problems.extend(Problem(message=str(m)) for m in exc.messages)
            return
        _check_dispatch(
            actor=actor, rows=dispatch_rows, problems=result.problems, result=result, outcomes=outcomes, created=created
        )

    write = apply and not result.problems
    if not write:
        run(write=False)
        return result

    class Rollback(Exception):
        pass

    try:
        with transaction.atomic():
            run(write=True)
            if result.problems:
                raise Rollback  # a file with errors: nothing stays written
    except Rollback:
        return result
    except IntegrityError:
        # Another import wrote the same rows between our check and our write (the lock makes this
        # rare; a database without row locks can still get here). Nothing of ours stayed written.
        result.clear_rows()
        result.problems.append(Problem(message=str(ImportMsg.CHANGED_MEANWHILE)))
        return result
    result.applied = True
    return result


def _pending_outcome(row: bulk.ReportRow, project_values: dict, plan_year) -> bulk.ReportOutcome:
    """A report for a project the same file creates: nothing to compare it with yet."""
    outcome = bulk.ReportOutcome(
        key=row.key, code=row.code, year=row.year or (plan_year.year if plan_year else None), month=row.month
    )
    values = dict(row.values)
    if row.ytd is not None and "investment_completed" not in values:
        values["investment_completed"] = row.ytd
    if values.get("physical_percent") is None:
        outcome.error("physical_percent", bulk.BulkReportMsg.PERCENT_REQUIRED)
    if values.get("investment_completed") is None:
        outcome.error("investment_completed", bulk.BulkReportMsg.INVESTMENT_REQUIRED)
    if not outcome.errors:
        outcome.status = "new"
        outcome.changes = [(f, None, values[f]) for f in services.REPORT_FIELDS if values.get(f) not in ("", None)]
    return outcome


def import_preview(
    *,
    data: bytes,
    filename: str,
    actor,
    month: int | None = None,
    year: int | None = None,
    adjustment: tuple | None = None,
) -> ImportResult:
    """What importing the file would do; writes nothing."""
    return _run(data=data, filename=filename, actor=actor, month=month, year=year, adjustment=adjustment)


def import_apply(
    *,
    data: bytes,
    filename: str,
    actor,
    month: int | None = None,
    year: int | None = None,
    reason: str = "",
    adjustment: tuple | None = None,
) -> ImportResult:
    """Re-read and re-check the file, then apply every row in one transaction — or, if anything
    is wrong, nothing (result.applied is False and result.problems says why). `adjustment`
    (name, date) makes the file's annual figures a new version of the adopted plan (中期调整)
    instead of edits of the current one."""
    return _run(
        data=data,
        filename=filename,
        actor=actor,
        month=month,
        year=year,
        apply=True,
        reason=reason,
        adjustment=adjustment,
    )
