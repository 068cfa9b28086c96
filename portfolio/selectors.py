"""The rollup leaders read first: the plan by category, plan vs. completed to date, and how far
each category is behind 序时进度. Sums come from the database, in a fixed number of queries."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, DecimalField, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from projects import progress, rules
from projects.history import field_changes
from projects.models import (
    MONEY,
    Category,
    Milestone,
    PlanVersion,
    PlanYear,
    ProgressReport,
    Project,
    ProjectYear,
    ReportEvent,
    ReportStatus,
)
from projects.rules import Flag
from projects.selectors import (
    ZERO_MONEY,
    Period,
    current_period,
    missing_reports,  # noqa: F401  (read here by the admin's missing-reports page and the overview)
    project_list,
    projects_with_progress,
)

CENT = Decimal("0.01")


def _money(value) -> Decimal:
    # SQLite hands back sums that may carry float noise; quantize once, here.
    return Decimal(value or 0).quantize(CENT)


@dataclass
class RollupRow:
    projects: int
    total_investment: Decimal
    government_investment: Decimal
    social_investment: Decimal
    annual_plan: Decimal
    completed_ytd: Decimal
    time_elapsed: Decimal
    flags: dict = field(default_factory=dict)
    category: Category | None = None  # None on the totals row

    @property
    def completion_rate(self) -> Decimal | None:
        return rules.completion_rate(self.completed_ytd, self.annual_plan)

    @property
    def behind_schedule_points(self) -> Decimal | None:
        """Points behind 序时进度 (positive = behind, negative = ahead)."""
        return rules.behind_schedule_points(self.time_elapsed, self.completion_rate)

    @property
    def code(self) -> str | None:
        return self.category.code if self.category else None

    @property
    def name(self) -> str | None:
        return self.category.name if self.category else None


@dataclass
class Rollup:
    plan_year: PlanYear
    period: Period
    rows: list[RollupRow]
    total: RollupRow
    plan_version: PlanVersion | None = None  # None: the current figures


def category_rollup(
    *,
    plan_year: PlanYear,
    month: int | None = None,
    projects: QuerySet | None = None,
    plan_version: PlanVersion | None = None,
) -> Rollup:
    """Two queries, whatever the number of projects: the categories, and the sums and flag counts
    grouped by category and flag (each row's flag, and the overdue subqueries under it, evaluated
    once; the flags' sums are added up here). `projects` narrows the rollup (an office's own
    projects, a filter); `plan_version` measures against that version's annual figures (调整前)
    instead of the current."""
    period = current_period(plan_year, month)
    money = DecimalField(**MONEY)
    sums = {"total": "total_investment", "government": "government_investment", "social": "social_investment"}
    grouped: dict = {}
    for row in (
        projects_with_progress(period, projects, plan_version, plan_year=plan_year)
        .order_by()
        .values("category", "flag")
        .annotate(
            n=Count("pk"),
            plan=Coalesce(Sum("plan_amount"), ZERO_MONEY, output_field=money),
            completed=Sum("completed_ytd"),
            **{key: Coalesce(Sum(column), ZERO_MONEY, output_field=money) for key, column in sums.items()},
        )
    ):
        entry = grouped.setdefault(row["category"], {"n": 0, "completed": Decimal("0"), "plan": Decimal("0")})
        entry["n"] += row["n"]
        entry["completed"] += row["completed"] or 0
        entry["plan"] += row["plan"]
        for key in sums:
            entry[key] = entry.get(key, Decimal("0")) + row[key]
        entry[row["flag"]] = row["n"]
    rows = []
    for category in Category.objects.order_by("order"):
        g = grouped.get(category.pk, {})
        rows.append(
            RollupRow(
                category=category,
                projects=g.get("n", 0),
                total_investment=_money(g.get("total")),
                government_investment=_money(g.get("government")),
                social_investment=_money(g.get("social")),
                annual_plan=_money(g.get("plan")),
                completed_ytd=_money(g.get("completed")),
                time_elapsed=period.time_elapsed,
                flags={flag: g.get(flag, 0) for flag in (Flag.GREEN, Flag.YELLOW, Flag.RED)},
            )
        )
    total = RollupRow(
        projects=sum(r.projects for r in rows),
        total_investment=sum((r.total_investment for r in rows), Decimal("0.00")),
        government_investment=sum((r.government_investment for r in rows), Decimal("0.00")),
        social_investment=sum((r.social_investment for r in rows), Decimal("0.00")),
        annual_plan=sum((r.annual_plan for r in rows), Decimal("0.00")),
        completed_ytd=sum((r.completed_ytd for r in rows), Decimal("0.00")),
        time_elapsed=period.time_elapsed,
        flags={flag: sum(r.flags[flag] for r in rows) for flag in (Flag.GREEN, Flag.YELLOW, Flag.RED)},
    )
    return Rollup(plan_year=plan_year, period=period, rows=rows, total=total, plan_version=plan_version)


def rollup_as_json(rollup: Rollup) -> dict:
    """The rollup for other tools: amounts as decimal strings in 万元, categories in order;
    `behind_schedule_points` is 序时进度 − completion rate (positive = behind)."""

    def amounts(row: RollupRow) -> dict:
        completion, behind = row.completion_rate, row.behind_schedule_points
        return {
            "projects": row.projects,
            "total_investment": str(row.total_investment),
            "government_investment": str(row.government_investment),
            "social_investment": str(row.social_investment),
            "annual_plan": str(row.annual_plan),
            "completed_ytd": str(row.completed_ytd),
            "completion_rate": str(completion) if completion is not None else None,
            "behind_schedule_points": str(behind) if behind is not None else None,
        }

    return {
        "year": rollup.plan_year.year,
        "month": rollup.period.month,
        "unit": "万元",
        "time_elapsed": str(rollup.period.time_elapsed),
        "categories": [{"code": r.code, "name": r.name, **amounts(r)} for r in rollup.rows],
        "total": amounts(rollup.total),
    }


# A month counts as reported once its report is on the reviewer's desk or approved.


@dataclass
class MonthPoint:
    month: int
    completed: Decimal  # approved investment reported for this month, 万元
    cumulative: Decimal  # months 1..month, 万元
    cumulative_rate: Decimal | None  # cumulative / annual plan, percent
    time_elapsed: Decimal  # 序时进度 at the end of this month, percent


def monthly_completion(
    *, plan_year: PlanYear, annual_plan: Decimal, month: int | None = None, projects: QuerySet | None = None
) -> list[MonthPoint]:
    """Completed investment by month (approved, current revisions) for the plan year, cumulated,
    against the time-elapsed line. One query; `annual_plan` is the rollup's total, so the rate
    here and the overview's completion rate agree. `projects` narrows like category_rollup."""
    period = current_period(plan_year, month)
    base = (ProjectYear.objects.all() if projects is None else projects).filter(plan_year=plan_year)
    # The summary's running totals (ProjectYearProgress), summed over the projects: one row each.
    columns = {m: progress.month_columns(m)[0] for m in range(1, period.month + 1)}
    sums = base.aggregate(**{column: Sum(f"progress__{column}") for column in columns.values()})
    cumulative_by_month = {m: _money(sums[column]) for m, column in columns.items()}
    points, cumulative = [], Decimal("0.00")
    for m in range(1, period.month + 1):
        completed = cumulative_by_month[m] - cumulative
        cumulative = cumulative_by_month[m]
        points.append(
            MonthPoint(
                month=m,
                completed=completed,
                cumulative=cumulative,
                cumulative_rate=rules.completion_rate(cumulative, annual_plan),
                time_elapsed=Period(year=period.year, month=m).time_elapsed,
            )
        )
    return points


def project_months(reports: list[ProgressReport], period: Period) -> list[dict]:
    """A project's months 1..N for its chart: the approved investment and percent of each month
    (None where no report was approved, a gap rather than a zero) and the running total. Empty
    when nothing is approved yet, so one report does not fill a chart alone."""
    approved = {r.month: r for r in reports if r.status == ReportStatus.APPROVED and r.month <= period.month}
    if not approved:
        return []
    cumulative, months = Decimal("0.00"), []
    for month in range(1, period.month + 1):
        report = approved.get(month)
        if report is not None:
            cumulative += report.investment_completed
        months.append(
            {
                "month": month,
                "investment": None if report is None else str(report.investment_completed),
                "cumulative": str(cumulative),
                "percent": None if report is None else str(report.physical_percent),
            }
        )
    return months


def years_of_project(project: Project, plan_years: QuerySet) -> QuerySet:
    """The project's rows in `plan_years`, newest first, with `completed_in_year` (approved,
    current reports of that year) and `year_end_percent` (% of works in the year's last approved
    report). One query."""
    approved = ProgressReport.objects.filter(project_year=OuterRef("pk"), status=ReportStatus.APPROVED, is_current=True)
    return (
        ProjectYear.objects.filter(project=project, plan_year__in=plan_years)
        .select_related("plan_year", "category")
        .annotate(
            completed_in_year=Coalesce(
                Subquery(
                    approved.order_by().values("project_year").annotate(s=Sum("investment_completed")).values("s"),
                    output_field=DecimalField(**MONEY),
                ),
                ZERO_MONEY,
            ),
            year_end_percent=Subquery(approved.order_by("-month").values("physical_percent")[:1]),
        )
        .order_by("-plan_year__year")
    )


HISTORY_LIMIT = 60


def _person(user) -> str:
    if user is None:  # a change made by a script or the importer
        return "—"
    return user.get_full_name() or user.get_username()


def _pairs_by_row(records: list) -> list[tuple]:
    """(record, the same row's previous record among those read, or None), newest first."""
    previous, pairs = {}, []
    for record in reversed(records):
        pairs.append((record, previous.get(record.id)))
        previous[record.id] = record
    return list(reversed(pairs))


def project_history(project: Project) -> list[dict]:
    """The project's changes (its identity and its rows in every year's plan, each naming its plan
    year and, in its fields, the plan version of a figure), its milestones' changes and its
    reports' workflow steps, newest first: four queries, whatever their length (each capped)."""
    entries = []
    project_records = list(
        project.history.select_related("history_user").order_by("-history_date", "-history_id")[:HISTORY_LIMIT]
    )
    # Each record with the one before it; a project with no history row (loaded by SQL, or from
    # before history was kept) has no pairs — strict would refuse [] against [None].
    pairs = list(zip(project_records, project_records[1:] + [None], strict=False))
    for (newer, _older), changes in zip(pairs, field_changes(Project, pairs), strict=True):
        entries.append(
            {
                "at": newer.history_date,
                "who": _person(newer.history_user),
                "kind": "project",
                "what": newer.get_history_type_display(),
                "subject": project.name,
                "detail": newer.history_change_reason or "",
                "changes": changes,
            }
        )
    year_records = list(
        ProjectYear.history.model.objects.filter(project_id=project.pk)
        .select_related("history_user", "plan_year")
        .order_by("-history_date", "-history_id")[:HISTORY_LIMIT]
    )
    pairs = _pairs_by_row(year_records)
    for (record, _older), changes in zip(pairs, field_changes(ProjectYear, pairs), strict=True):
        year = record.plan_year.year if record.plan_year else ""
        entries.append(
            {
                "at": record.history_date,
                "who": _person(record.history_user),
                "kind": "plan",
                "what": record.get_history_type_display(),
                "subject": f"{project.name} {year}",
                "detail": record.history_change_reason or "",
                "changes": changes,
            }
        )
    milestone_records = list(
        Milestone.history.model.objects.filter(project_year__project_id=project.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:HISTORY_LIMIT]
    )
    # Each milestone's row against its own previous one (when that is among the rows read).
    previous, pairs = {}, []
    for record in reversed(milestone_records):
        pairs.append((record, previous.get(record.id)))
        previous[record.id] = record
    for (record, _older), changes in zip(pairs, field_changes(Milestone, pairs), strict=True):
        entries.append(
            {
                "at": record.history_date,
                "who": _person(record.history_user),
                "kind": "milestone",
                "what": record.get_history_type_display(),
                "subject": record.title,
                "detail": record.history_change_reason or "",
                "changes": changes,
            }
        )
    for event in (
        ReportEvent.objects.filter(report__project_year__project=project)
        .select_related("actor", "report")
        .order_by("-at")[:HISTORY_LIMIT]
    ):
        entries.append(
            {
                "at": event.at,
                "who": _person(event.actor),
                "kind": "report",
                "what": event.get_action_display(),
                "subject": f"{event.report.year}-{event.report.month:02d}",
                "detail": event.comment,
                "changes": [],
            }
        )
    entries.sort(key=lambda e: e["at"], reverse=True)
    return entries[:HISTORY_LIMIT]


def attention_projects(*, plan_year: PlanYear, period: Period, projects: QuerySet) -> QuerySet:
    """需重点调度: the red projects, furthest behind 序时进度 first, then the most overdue milestones;
    the overview shows the first few, its print and .xlsx list all of them."""
    return (
        project_list(plan_year=plan_year, period=period, qs=projects)
        .filter(flag=Flag.RED)
        .order_by(F("behind_schedule_points").desc(nulls_last=True), "-overdue_milestones", "project__code")
    )


# Up to this many rows in scope (a county's list), the head is read as whole rows in one query: the
# ids-first plan below pays for its second query only when thousands of rows are sorted.
ATTENTION_WHOLE_ROWS_UP_TO = 2000


def attention_head(
    *, plan_year: PlanYear, period: Period, projects: QuerySet, limit: int, rows_in_scope: int | None = None
) -> list:
    """The first `limit` rows of attention_projects, without working out every project's flag.

    A project at least PORTFOLIO_FLAG_RED_POINTS behind is red whatever its overdue counts, and
    sorts before every project red only by its overdue milestones or problems (those are less
    behind, or have no plan). So the head is first sought among the rows that far behind — the
    database then skips the overdue subqueries for every other row — and only when they are too
    few is the rest of the list read after them. Same rows, same order (tested against the
    plain slice)."""
    rows = attention_projects(plan_year=plan_year, period=period, projects=projects)
    far_behind = Q(behind_schedule_points__gte=settings.PORTFOLIO_FLAG_RED_POINTS)
    if rows_in_scope is not None and rows_in_scope <= ATTENTION_WHOLE_ROWS_UP_TO:
        head = list(rows.filter(far_behind)[:limit])
        if len(head) < limit:
            head += list(rows.exclude(far_behind)[: limit - len(head)])
        return head
    # The ids first (the sort needs no unit or owner joined), then those few rows whole.
    ids = list(rows.filter(far_behind).values_list("pk", flat=True)[:limit])
    if len(ids) < limit:
        ids += list(rows.exclude(far_behind).values_list("pk", flat=True)[: limit - len(ids)])
    whole = {row.pk: row for row in rows.filter(pk__in=ids)} if ids else {}
    return [whole[pk] for pk in ids]
