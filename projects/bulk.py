"""Monthly reports written in bulk (the spreadsheet import). The same rules as report_create and
report_update in services.py — who may report for which project, the month, the year, amounts,
percents, the fall of the percent below the last approved one, which statuses may change — but
checked against data preloaded in a handful of queries, and written in bulk with simple-history's
bulk_create_with_history / bulk_update_with_history (their history rows name the user and reason)
and their ReportEvent rows (action IMPORT), in one transaction.

An imported report is a draft, created by the importer: the office still submits it and a reviewer
still approves it, so an import never bypasses approval. A report already submitted or approved is
not changed by an import; a row that would change one is an error (return it or open a revision)."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Lookup, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from . import progress, services
from .models import PlanYearStatus, ProgressReport, ProjectYear, ReportAction, ReportEvent, ReportStatus, User

BATCH = 2000  # rows per INSERT; Django splits further where the database caps a statement's parameters
IN_CHUNK = 900  # stay under SQLite's variable limit on old builds
PG_CHUNK = 10_000  # projects per round of preloading on PostgreSQL (one array parameter each)


class BulkReportMsg:
    NOT_ALLOWED = _("Your role may not import monthly reports.")
    UNKNOWN_PROJECT = _("There is no project with this code.")
    LOCKED = _(
        "This month's report is %(status)s and cannot be changed by an import; ask a reviewer to "
        "return it, or open a revision."
    )
    DUPLICATE_ROW = _("This project and month already appear in row %(row)s of this file.")
    PERCENT_REQUIRED = _("A new report needs the cumulative percent of works.")
    INVESTMENT_REQUIRED = _("A new report needs the investment completed in the month.")
    YTD_BELOW = _("The year-to-date amount (%(ytd)s) is below what the earlier months already report (%(before)s).")


@dataclass(slots=True)
class ProjectRef:
    """What the report rules need of a project's row in a year's plan, loaded as plain values:
    building ten thousand model instances would cost more than the checks themselves. `pk` is the
    row's (ProjectYear), `project_id` the project's."""

    pk: int
    project_id: int
    code: str
    name: str
    responsible_unit_id: int
    plan_year: SimpleNamespace


class ImportRejected(Exception):
    """Raised inside the transaction when any row has an error, so nothing is written."""

    def __init__(self, outcomes):
        super().__init__("import rejected")
        self.outcomes = outcomes


@dataclass(slots=True)
class ReportRow:
    key: Any  # where the row came from (sheet, row); handed back untouched
    code: str
    year: int | None
    month: int
    values: dict  # a subset of services.REPORT_FIELDS, already parsed
    ytd: Decimal | None = None  # 1-N月 completed, when the month's amount is not given


def _blank(value) -> bool:
    """None or "": what `value in ("", None)` says, without comparing a Decimal with "" (which
    goes through the numbers ABCs, per value of every row)."""
    return value is None or (isinstance(value, str) and not value)


@dataclass(slots=True)
class ReportOutcome:
    key: Any
    code: str
    year: int | None
    month: int
    status: str = "unchanged"  # new / changed / unchanged / error
    changes: Any = ()  # (field, old, new) of a changed row; a new row's are its values (field_changes)
    errors: dict | None = None  # field ("" for the row) → [messages]; None (no dict per row) without
    report: ProgressReport | None = None
    project: ProjectRef | None = None
    values: dict = field(default_factory=dict)
    report_id: int | None = None

    def error(self, field_name: str, message) -> None:
        if self.errors is None:
            self.errors = {}
        self.errors.setdefault(field_name, []).append(str(message))
        self.status = "error"

    def field_changes(self) -> list:
        """(field, old, new) for every field the row sets or changes."""
        if self.status == "new" and not self.changes:
            values = self.values
            return [(f, None, v) for f in services.REPORT_FIELDS if not _blank(v := values.get(f))]
        return list(self.changes)


@dataclass(slots=True)
class CurrentReport:
    """A month's current report as the checks and the write need it, loaded as plain values (a
    model instance per row would cost more memory than the whole file)."""

    pk: int
    project_year_id: int
    year: int
    month: int
    status: str
    version: int
    investment_completed: Decimal | None
    physical_percent: Decimal | None
    physical_narrative: str
    problems: str
    next_month_plan: str
    percent_drop_reason: str


_CURRENT_COLUMNS = ("pk", "project_year_id", "year", "month", "status", "version", *services.REPORT_FIELDS)


class _AnyOf(Lookup):
    """`column = ANY(%s)` with the values as one array parameter (PostgreSQL): a chunk of ten
    thousand codes is one parameter, instead of ten thousand placeholders that Django builds and
    psycopg splits and adapts one by one."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        field = self.lhs.output_field
        array = (field.cast_db_type(connection) or field.db_type(connection)).split("(")[0] + "[]"
        return f"{lhs} = ANY(%s::{array})", [*params, list(self.rhs)]


def _among(field_name: str, values: list):
    """The filter `field_name__in=values`: one array parameter on PostgreSQL, IN elsewhere."""
    if connection.vendor == "postgresql":
        return _AnyOf(F(field_name), values)
    return Q(**{f"{field_name}__in": values})


def _chunks(items: list, size: int = IN_CHUNK):
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _chunk_size() -> int:
    """Projects checked per round of preloading: memory stays bounded by the chunk, not the file.
    SQLite builds may cap a statement at 999 parameters; PostgreSQL takes far more."""
    return PG_CHUNK if connection.vendor == "postgresql" else IN_CHUNK


def reports_check(*, actor: User, rows: list[ReportRow], lock: bool = False) -> list[ReportOutcome]:
    """Every row's fate (new, changed, unchanged or its errors), without writing. The rows are
    checked a chunk of projects at a time; per chunk, queries: the projects, the current reports
    of the file's months (of every month up to them when the file gives year-to-date figures),
    and the approved reports before them. Only what the file touches is loaded, as values."""
    # The same role rule as a report filed by form (projects.roles.can_report).
    try:
        services.check_may_report(actor)
    except ValidationError as exc:
        raise ValidationError(BulkReportMsg.NOT_ALLOWED, code="not_allowed") from exc
    by_code: dict[str, list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        by_code[row.code].append(i)
    outcomes: list[ReportOutcome | None] = [None] * len(rows)
    today = timezone.localdate()
    need_ytd = any(row.ytd is not None for row in rows)
    plan_years: dict[int, SimpleNamespace] = {}
    for codes in _chunks(sorted(by_code), _chunk_size()):
        indexes = sorted(i for code in codes for i in by_code[code])
        chunk_rows = [rows[i] for i in indexes]
        checked = _check_chunk(
            actor=actor, rows=chunk_rows, codes=codes, lock=lock, need_ytd=need_ytd, today=today, plan_years=plan_years
        )
        for i, outcome in zip(indexes, checked, strict=True):
            outcomes[i] = outcome
    return outcomes


def _check_chunk(*, actor, rows, codes, lock, need_ytd, today, plan_years) -> list[ReportOutcome]:
    refs: dict[tuple, ProjectRef] = {}  # (code, year) → the project's row in that year's plan
    default_year: dict[str, int] = {}  # a row without a year reports on the project's current plan
    for pk, project_id, code, name, unit_id, year, status in (
        ProjectYear.objects.filter(_among("project__code", codes))
        .order_by("plan_year__year")
        .values_list(
            "pk",
            "project_id",
            "project__code",
            "project__name",
            "project__responsible_unit_id",
            "plan_year__year",
            "plan_year__status",
        )
    ):
        plan_year = plan_years.setdefault(year, SimpleNamespace(year=year, status=status))
        refs[(code, year)] = ProjectRef(
            pk=pk, project_id=project_id, code=code, name=name, responsible_unit_id=unit_id, plan_year=plan_year
        )
        if status != PlanYearStatus.DRAFT or code not in default_year:
            default_year[code] = year
    for row in rows:
        if row.year is None and row.code in default_year:
            row.year = default_year[row.code]
    ids = sorted({p.pk for p in refs.values()})
    months_by_year: dict[int, set] = defaultdict(set)
    for row in rows:
        if row.year:
            months_by_year[row.year].add(row.month)
    current: dict[tuple, CurrentReport] = {}
    approved: dict[int, list] = defaultdict(list)  # project (identity) → [(year, month, percent, pk)]
    amounts_before: dict[tuple, list] = defaultdict(list)  # (project row, year) → [(month, amount)]
    if ids and months_by_year:
        period = Q()
        for year, months in months_by_year.items():
            # Year-to-date figures need the earlier months' amounts too; otherwise only the file's months.
            period |= Q(year=year, month__lte=max(months)) if need_ytd else Q(year=year, month__in=sorted(months))
        qs = ProgressReport.objects.filter(period, _among("project_year_id", ids), is_current=True).order_by()
        if lock:
            qs = qs.select_for_update()
        for values in qs.values_list(*_CURRENT_COLUMNS):
            report = CurrentReport(*values)
            if need_ytd:
                amounts_before[(report.project_year_id, report.year)].append(
                    (report.month, report.investment_completed)
                )
            if report.month in months_by_year[report.year]:
                current[(report.project_year_id, report.year, report.month)] = report
    # The works carry on across plans: the last approved percent may be last year's. `ids` holds
    # every plan year's row of the chunk's projects, so the project's reports are those of `ids`.
    if ids and months_by_year:
        project_of = {p.pk: p.project_id for p in refs.values()}
        qs = ProgressReport.objects.filter(
            _among("project_year_id", ids), status=ReportStatus.APPROVED, is_current=True, year__lte=max(months_by_year)
        ).order_by()  # the model's ordering joins three tables for nothing here
        periods = {(row.year, row.month) for row in rows if row.year}
        if len(periods) == 1:
            # A month's file (the usual one): only the two latest approved reports up to that month
            # can be "the last approved" (the first may be the row's own report, which is skipped).
            # The two latest of each plan year's row hold the project's two latest.
            ((year, month),) = periods
            qs = (
                qs.filter(Q(year__lt=year) | Q(year=year, month__lte=month))
                .annotate(
                    rank=Window(
                        RowNumber(),
                        partition_by=[F("project_year_id")],
                        order_by=[F("year").desc(), F("month").desc(), F("physical_percent").desc(), F("pk").desc()],
                    )
                )
                .filter(rank__lte=2)
            )
        for project_year_id, *values in qs.values_list("project_year_id", "year", "month", "physical_percent", "pk"):
            approved[project_of[project_year_id]].append(tuple(values))
    for entries in approved.values():
        entries.sort(reverse=True)

    seen: dict[tuple, Any] = {}
    refusal_by_unit: dict[int, str | None] = {}
    outcomes = []
    for row in rows:
        outcome = ReportOutcome(key=row.key, code=row.code, year=row.year, month=row.month)
        outcomes.append(outcome)
        project = refs.get((row.code, row.year))
        if project is None:
            if row.code in default_year:
                outcome.error("year", services.ServiceMsg.NOT_IN_PLAN % {"year": row.year})
            else:
                outcome.error("code", BulkReportMsg.UNKNOWN_PROJECT)
            continue
        outcome.project = project
        # Whether the actor may act for a project depends on its unit only: asked once per unit.
        unit = project.responsible_unit_id
        if unit not in refusal_by_unit:
            try:
                services.check_owner(actor, project)
                refusal_by_unit[unit] = None
            except ValidationError as exc:
                refusal_by_unit[unit] = exc.messages[0]
        if refusal_by_unit[unit] is not None:
            outcome.error("code", refusal_by_unit[unit])
            continue
        ident = (project.pk, row.year, row.month)
        if ident in seen:
            outcome.error("month", BulkReportMsg.DUPLICATE_ROW % {"row": seen[ident]})
            continue
        seen[ident] = row.key[1] if isinstance(row.key, tuple) else row.key
        values = dict(row.values)
        if row.ytd is not None and "investment_completed" not in values:
            before = sum(
                (amount for month, amount in amounts_before.get((project.pk, row.year), ()) if month < row.month),
                Decimal("0.00"),
            )
            if row.ytd < before:
                outcome.error("investment_completed", BulkReportMsg.YTD_BELOW % {"ytd": row.ytd, "before": before})
                continue
            values["investment_completed"] = row.ytd - before
        report = current.get(ident)
        merged = {f: values.get(f, getattr(report, f) if report else "") for f in services.REPORT_FIELDS}
        if report is None:
            if values.get("physical_percent") is None:
                outcome.error("physical_percent", BulkReportMsg.PERCENT_REQUIRED)
            if values.get("investment_completed") is None:
                outcome.error("investment_completed", BulkReportMsg.INVESTMENT_REQUIRED)
            if outcome.errors:
                continue
        else:
            for f in services.REPORT_FIELDS:
                if merged[f] is None:
                    merged[f] = getattr(report, f)
        last = None
        for year, month, percent, pk in approved.get(project.project_id, ()):
            if (year, month) <= (row.year, row.month) and (report is None or pk != report.pk):
                last = percent
                break
        try:
            services.check_report_values(
                project=project,
                year=row.year,
                month=row.month,
                values=merged,
                exclude_pk=report.pk if report else None,
                last_approved=last,
                today=today,
            )
        except ValidationError as exc:
            # By field, or for the row (a draft or closed plan year)
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"year": exc.messages}
            for field_name, messages in errors.items():
                for message in messages:
                    outcome.error(field_name, message)
            continue
        if report is None:
            outcome.status = "new"  # its changes are its values (field_changes): not kept twice
            outcome.values = merged
            continue
        changes = [
            (f, getattr(report, f), merged[f]) for f in services.REPORT_FIELDS if merged[f] != getattr(report, f)
        ]
        if not changes:
            continue
        if report.status not in services.EDITABLE:
            outcome.error("", BulkReportMsg.LOCKED % {"status": ReportStatus(report.status).label})
            continue
        outcome.status = "changed"
        outcome.changes = changes
        outcome.values = merged
        outcome.report = report  # kept only where the write needs it
    return outcomes


def set_based_default() -> bool:
    """Whether reports_import writes with set-based statements: on PostgreSQL, unless the
    IMPORT_SET_BASED setting turns it off (tests compare both paths on the same file)."""
    return connection.vendor == "postgresql" and getattr(settings, "IMPORT_SET_BASED", True)


@transaction.atomic
def reports_import(
    *, actor: User, rows: list[ReportRow], reason: str = "", set_based: bool | None = None
) -> list[ReportOutcome]:
    """Check again under lock and write all rows, or raise ImportRejected and write nothing.
    `set_based` (default: set_based_default()) picks the PostgreSQL path: a handful of statements
    whatever the number of rows; otherwise the portable path through the ORM and simple-history.
    Both write the same reports, history rows and events."""
    outcomes = reports_check(actor=actor, rows=rows, lock=True)
    if any(o.status == "error" for o in outcomes):
        raise ImportRejected(outcomes)
    reason = reason or str(ReportAction.IMPORT.label)
    now = timezone.now()
    new = [o for o in outcomes if o.status == "new"]
    changed = [o for o in outcomes if o.status == "changed"]
    if set_based if set_based is not None else set_based_default():
        from . import bulk_pg

        bulk_pg.write(actor=actor, new=new, changed=changed, reason=reason, now=now)
    else:
        _write_portable(actor=actor, new=new, changed=changed, reason=reason, now=now)
    # The per-project-year summary, recomputed in the same transaction for the project-years this
    # import can change. progress.computed counts approved reports and the first submission (or
    # import) of current reports that are not drafts; an import writes drafts and edits drafts or
    # returned reports without changing their status, so only a returned report's import event
    # can count (when the report has no earlier submission). tests/projects/test_bulk_paths.py
    # checks the stored summary equals progress.computed after an import, on both paths.
    progress.refresh({o.project.pk for o in changed if o.report.status != ReportStatus.DRAFT})
    return outcomes


PORTABLE_CHUNK = 10_000  # rows whose model instances (report, history row, event) exist at once


def _write_portable(*, actor, new, changed, reason, now) -> None:
    for start in range(0, max(len(new), len(changed)), PORTABLE_CHUNK):
        end = start + PORTABLE_CHUNK
        _write_portable_chunk(actor=actor, new=new[start:end], changed=changed[start:end], reason=reason, now=now)


def _write_portable_chunk(*, actor, new, changed, reason, now) -> None:
    events = []
    if new:
        # simple-history's own bulk helper writes the reports and their "+" history rows; every
        # supported database returns the new ids from the bulk INSERT, so nothing is re-read.
        created = bulk_create_with_history(
            [
                ProgressReport(
                    project_year_id=o.project.pk,
                    year=o.year,
                    month=o.month,
                    created_by_id=actor.pk,
                    created_at=now,
                    **o.values,
                )
                for o in new
            ],
            ProgressReport,
            batch_size=BATCH,
            default_user=actor,
            default_change_reason=reason,
            default_date=now,
        )
        for o, report in zip(new, created, strict=True):
            o.report_id = report.pk
        events += [
            ReportEvent(
                report_id=o.report_id,
                action=ReportAction.IMPORT,
                actor_id=actor.pk,
                at=now,
                from_status="",
                to_status=ReportStatus.DRAFT,
                comment=reason,
            )
            for o in new
        ]
    for chunk in _chunks(changed, 500):
        # The history rows copy every field, so the reports changed (only those) are read whole.
        instances = ProgressReport.objects.in_bulk([o.report.pk for o in chunk])
        reports = []
        for o in chunk:
            report = instances[o.report.pk]
            for f, value in o.values.items():
                setattr(report, f, value)
            report.version = o.report.version + 1
            o.report_id = report.pk
            reports.append(report)
            events.append(
                ReportEvent(
                    report_id=report.pk,
                    action=ReportAction.IMPORT,
                    actor_id=actor.pk,
                    at=now,
                    from_status=o.report.status,
                    to_status=report.status,
                    comment=reason,
                )
            )
        bulk_update_with_history(
            reports,
            ProgressReport,
            fields=[*services.REPORT_FIELDS, "version"],
            batch_size=500,
            default_user=actor,
            default_change_reason=reason,
            default_date=now,
        )
    ReportEvent.objects.bulk_create(events, batch_size=BATCH)
