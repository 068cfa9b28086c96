"""The progress summary (ProjectYearProgress): each project-year's approved investment to date, last
approved percent and reports on time, month by month, kept in the transaction of every write that
changes them so rollups read one row per project-year instead of scanning reports.

`computed` is the one definition of the figures, from the reports; `refresh` writes it for the
project-years a write touched (and the same projects' other years: a percent approved in 2022 is
2023's until 2023 reports one); `rebuild` recomputes everything and says how many rows were wrong.
Work goes in chunks of CHUNK project-years, so memory does not grow with the table."""

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.db.models import Min, Q

from .models import ProgressReport, ProjectYear, ProjectYearProgress, ReportAction, ReportStatus
from .rules import report_due

CHUNK = 2000  # project-years per read and per upsert
MONTHS = range(1, 13)
CENT = Decimal("0.01")


def month_columns(month: int) -> tuple[str, str, str]:
    """The summary's columns for months 1..`month`: (completed, percent, on_time)."""
    if not 1 <= month <= 12:
        raise ValueError(f"month {month} is not 1..12")
    return f"completed_m{month:02d}", f"percent_m{month:02d}", f"on_time_m{month:02d}"


COLUMNS = [name for month in MONTHS for name in month_columns(month)]


def _chunks(items: list, size: int = CHUNK):
    for i in range(0, len(items), size):
        yield items[i : i + size]


def computed(project_year_ids: Iterable[int]) -> dict[int, dict[str, object]]:
    """{project-year pk: {column: value}} computed from the reports, the same rules the pages used
    to read from them directly: approved current revisions of the plan year for the money; the
    project's latest approved current percent up to the month's end, in any year; a month's current,
    non-draft report counted on time when its first submission or import is on or before
    rules.report_due. Reads only."""
    result = {}
    for chunk in _chunks(sorted(set(project_year_ids))):
        result.update(_computed_chunk(chunk))
    return result


def _computed_chunk(ids: list[int], *, models=None) -> dict[int, dict[str, object]]:
    """`models`: (ProjectYear, ProgressReport) of a migration's state; the live ones by default."""
    project_year_model, report_model = models or (ProjectYear, ProgressReport)
    rows = list(project_year_model.objects.filter(pk__in=ids).values_list("pk", "project_id", "plan_year__year"))
    if not rows:
        return {}
    project_ids = sorted({project_id for _pk, project_id, _year in rows})
    last_year = max(year for _pk, _project_id, year in rows)
    # The projects' approved, current reports up to the last plan year read (every year: the
    # percent carries over from one plan to the next).
    approved = defaultdict(list)  # project → [(year, month, percent)]
    amounts = defaultdict(dict)  # (project-year, year) → {month: amount}
    for project_id, project_year_id, year, month, percent, amount in (
        report_model.objects.filter(
            project_year__project_id__in=project_ids, status=ReportStatus.APPROVED, is_current=True, year__lte=last_year
        )
        .order_by()
        .values_list(
            "project_year__project_id", "project_year_id", "year", "month", "physical_percent", "investment_completed"
        )
    ):
        approved[project_id].append((year, month, percent))
        months = amounts[(project_year_id, year)]
        months[month] = months.get(month, Decimal("0")) + amount
    for entries in approved.values():
        entries.sort()
    # Each month's first submission (a report returned and filed again counts from the first).
    on_time = defaultdict(set)  # (project-year, year) → months on time
    for row in (
        report_model.objects.filter(project_year_id__in=ids, is_current=True)
        .exclude(status=ReportStatus.DRAFT)
        .order_by()
        .values("project_year", "year", "month")
        .annotate(first=Min("events__at", filter=Q(events__action__in=[ReportAction.SUBMIT, ReportAction.IMPORT])))
    ):
        if row["first"] is not None and row["first"].date() <= report_due(row["year"], row["month"]):
            on_time[(row["project_year"], row["year"])].add(row["month"])

    result = {}
    for pk, project_id, year in rows:
        values: dict[str, object] = {}
        months = amounts.get((pk, year), {})
        timely = on_time.get((pk, year), set())
        history = approved.get(project_id, [])
        completed, counted, position, percent = Decimal("0.00"), 0, 0, None
        for month in MONTHS:
            completed += months.get(month, Decimal("0"))
            counted += month in timely
            # The latest approved percent at the end of the month, in this year or an earlier one.
            while position < len(history) and history[position][:2] <= (year, month):
                percent = history[position][2]
                position += 1
            completed_column, percent_column, on_time_column = month_columns(month)
            values[completed_column] = completed.quantize(CENT)
            values[percent_column] = percent
            values[on_time_column] = counted
        result[pk] = values
    return result


def _upsert(figures: dict[int, dict[str, object]]) -> None:
    ProjectYearProgress.objects.bulk_create(
        [ProjectYearProgress(project_year_id=pk, **values) for pk, values in figures.items()],
        batch_size=CHUNK,
        update_conflicts=True,
        unique_fields=["project_year"],
        update_fields=COLUMNS,
    )


@transaction.atomic
def refresh(project_year_ids: Iterable[int]) -> None:
    """Recompute and write the summary of these project-years and of every other year of the same
    projects, inside the caller's transaction. The project-years are locked first (in pk order), so
    two writes to one project take turns and the second computes from what the first committed."""
    ids = sorted(set(project_year_ids))
    if not ids:
        return
    expanded = []
    for chunk in _chunks(ids):
        projects = ProjectYear.objects.filter(pk__in=chunk).values("project_id")
        expanded += ProjectYear.objects.filter(project_id__in=projects).values_list("pk", flat=True)
    expanded = sorted(set(expanded))
    for chunk in _chunks(expanded):
        list(ProjectYear.objects.select_for_update().filter(pk__in=chunk).order_by("pk").values_list("pk", flat=True))
        _upsert(_computed_chunk(chunk))


def _stored(ids: list[int]) -> dict[int, dict[str, object]]:
    return {
        row.pop("project_year_id"): row
        for row in ProjectYearProgress.objects.filter(project_year_id__in=ids).values("project_year_id", *COLUMNS)
    }


def rebuild(plan_year: int | None = None) -> int:
    """Recompute the summary of every project-year (or those of one plan year) from the reports;
    returns how many rows differed (missing ones included) and were rewritten. Each chunk is its own
    transaction, so a rebuild of a large table does not hold every lock at once."""
    qs = ProjectYear.objects.order_by("pk")
    if plan_year is not None:
        qs = qs.filter(plan_year__year=plan_year)
    differed = 0
    for chunk in _chunks(list(qs.values_list("pk", flat=True))):
        with transaction.atomic():
            list(ProjectYear.objects.select_for_update().filter(pk__in=chunk).order_by("pk").values_list("pk"))
            figures = _computed_chunk(chunk)
            stored = _stored(chunk)
            wrong = {pk: values for pk, values in figures.items() if stored.get(pk) != values}
            if wrong:
                _upsert(wrong)
        differed += len(wrong)
    return differed


def fill_from_migration(apps) -> None:
    """Migration 0012's data step: the summary of every existing project-year, from the historical
    models (the table is new and empty)."""
    project_year_model = apps.get_model("projects", "ProjectYear")
    report_model = apps.get_model("projects", "ProgressReport")
    summary_model = apps.get_model("projects", "ProjectYearProgress")
    ids = list(project_year_model.objects.order_by("pk").values_list("pk", flat=True))
    for chunk in _chunks(ids):
        figures = _computed_chunk(chunk, models=(project_year_model, report_model))
        summary_model.objects.bulk_create(
            [summary_model(project_year_id=pk, **values) for pk, values in figures.items()], batch_size=CHUNK
        )
