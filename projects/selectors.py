"""Reads of the domain: projects annotated with their progress for a period, computed in the
database so a page's query count does not grow with its rows."""

import calendar
import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from . import progress, rules
from .models import MONEY, PERCENT, Milestone, PlanYear, PlanYearStatus, ProgressReport, ProjectYear, ReportStatus
from .params import as_object_id

ZERO_MONEY = Value(Decimal("0.00"), output_field=DecimalField(**MONEY))
Flag = rules.Flag  # re-exported: the pages and the admin filter on it


@dataclass(frozen=True)
class Period:
    """The reporting period a rollup speaks of: months 1..month of the plan year."""

    year: int
    month: int

    @property
    def as_of(self) -> datetime.date:
        return datetime.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def time_elapsed(self) -> Decimal:
        """序时进度 in percent (rules.time_elapsed)."""
        return rules.time_elapsed(self.month)


def current_period(plan_year: PlanYear, month: int | None = None) -> Period:
    """The period asked for, else the plan's reporting month, else the month we are in (or
    December for a past year)."""
    if month is None:
        month = plan_year.reporting_month
    if month is None:
        today = timezone.localdate()
        month = today.month if plan_year.year == today.year else 12
    return Period(year=plan_year.year, month=month)


def published_plan_years() -> QuerySet:
    """The plans leaders' pages and rollups count: adopted and closed ones, newest first. A draft
    (made by the rollover, still being filled in) is not shown until it is adopted."""
    return PlanYear.objects.exclude(status=PlanYearStatus.DRAFT).order_by("-year")


def default_plan_year() -> PlanYear | None:
    """The year a page shows when none is asked for: the latest adopted plan (the one being
    reported on), else the latest closed one."""
    years = published_plan_years()
    return years.filter(status=PlanYearStatus.ADOPTED).first() or years.first()


def with_version_plan(qs: QuerySet, plan_version) -> QuerySet:
    """Rows annotated with `plan_amount`: the year's planned investment in `plan_version` (one
    LEFT JOIN on that version's copy), or the current figure when plan_version is None."""
    if plan_version is None:
        return qs.annotate(plan_amount=F("annual_plan"))
    return qs.annotate(
        in_version=FilteredRelation("versions", condition=Q(versions__plan_version=plan_version))
    ).annotate(plan_amount=Coalesce(F("in_version__annual_plan"), ZERO_MONEY))


def projects_with_progress(
    period: Period, qs: QuerySet | None = None, plan_version=None, *, plan_year: PlanYear | None = None
) -> QuerySet:
    """Projects' rows in a plan (ProjectYear) annotated with completed_ytd, plan_amount (the year's
    plan in the current version, or in `plan_version`), completion_rate (percent) against it,
    behind_schedule_points (positive = behind), latest_percent (the project's works, whatever year
    reported it), overdue_milestones, overdue_problems (on the dispatch ledger) and flag — the rules
    of projects.rules.

    `plan_year` (the period's year) narrows the rows to that plan; then every row speaks of the
    period's year and its figures are the summary's columns as they are, without the expression
    for rows of other years below — the same figures in a shorter query that Django builds and
    PostgreSQL plans faster on every page that lists one year."""
    qs = ProjectYear.objects.all() if qs is None else qs
    if plan_year is not None:
        if plan_year.year != period.year:
            raise ValueError(f"The period is of {period.year}, the plan of {plan_year.year}.")
        qs = qs.filter(plan_year=plan_year)
    qs = with_version_plan(qs, plan_version)
    # The summary row (ProjectYearProgress, one LEFT JOIN) holds the month's figures; no report is
    # read. It speaks of its own plan year: rows that may be of another year take _any_year_columns.
    completed_column, percent_column, _on_time = progress.month_columns(period.month)
    if plan_year is not None:
        completed = Coalesce(F(f"progress__{completed_column}"), ZERO_MONEY)
        latest_percent = F(f"progress__{percent_column}")
    else:
        completed, latest_percent = _any_year_columns(period, completed_column, percent_column)
    overdue = (
        Milestone.objects.filter(project_year=OuterRef("pk"), due_date__lt=period.as_of)
        .filter(Q(met_on__isnull=True) | Q(met_on__gt=F("due_date")) & Q(met_on__gt=period.as_of))
        .order_by()
        .values("project_year")
        .annotate(n=Count("pk"))
    )
    # The counts (shown, sorted by) and, for the flag, the level each gives (0 / 1 / 2), computed in
    # the same subquery so the flag runs it once per row.
    milestone_level = overdue.annotate(level=rules.overdue_milestone_level_expression("n")).values("level")
    return (
        qs.annotate(
            completed_ytd=completed,
            latest_percent=latest_percent,
            overdue_milestones=Coalesce(Subquery(overdue.values("n"), output_field=IntegerField()), Value(0)),
            overdue_problems=_overdue_problems(period.as_of),
            overdue_milestone_level=Coalesce(Subquery(milestone_level, output_field=IntegerField()), Value(0)),
            overdue_problem_level=_overdue_problems(period.as_of, level=True),
        )
        .annotate(completion_rate=rules.completion_rate_expression("completed_ytd", "plan_amount"))
        .annotate(
            behind_schedule_points=rules.behind_schedule_points_expression(period.time_elapsed, "completion_rate")
        )
        .annotate(
            flag=rules.warning_level_expression(
                "behind_schedule_points", "overdue_milestone_level", "overdue_problem_level"
            )
        )
    )


def _any_year_columns(period: Period, completed_column: str, percent_column: str):
    """completed_ytd and latest_percent for rows of any plan year (the admin's list of every
    year): the summary's columns on a row of the period's year; on another year's row nothing
    completed in the period's year, and the project's percent as of the period read from its
    reports (only those rows run that subquery)."""
    in_period = Q(plan_year__year=period.year)
    completed = Case(
        When(in_period, then=Coalesce(F(f"progress__{completed_column}"), ZERO_MONEY)),
        default=ZERO_MONEY,
        output_field=DecimalField(**MONEY),
    )
    latest_percent = Case(
        When(in_period, then=F(f"progress__{percent_column}")),
        default=Subquery(
            ProgressReport.objects.filter(
                project_year__project=OuterRef("project"), status=ReportStatus.APPROVED, is_current=True
            )
            .filter(Q(year__lt=period.year) | Q(year=period.year, month__lte=period.month))
            .order_by("-year", "-month")
            .values("physical_percent")[:1]
        ),
        output_field=DecimalField(**PERCENT),
    )
    return completed, latest_percent


def _overdue_problems(as_of: datetime.date, *, level: bool = False):
    """The number of the project's overdue problems on `as_of` (or, with `level`, the flag's level
    that number gives), as an annotation; 0 when the dispatch app (which keeps the ledger) is not
    installed. The ledger's model is reached through the reverse relation Project.problems, so the
    arrow between the apps stays one way."""
    try:
        problem_model = ProjectYear._meta.get_field("project").related_model._meta.get_field("problems").related_model
    except FieldDoesNotExist:
        return Value(0)
    counted = (
        problem_model.objects.filter(rules.problem_overdue_q(as_of), project=OuterRef("project"))
        .order_by()
        .values("project")
        .annotate(n=Count("pk"))
    )
    if level:
        counted = counted.annotate(level=rules.overdue_problem_level_expression("n")).values("level")
    else:
        counted = counted.values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def project_list(*, plan_year: PlanYear, period: Period, qs: QuerySet | None = None) -> QuerySet:
    """What the project browser and exports list: the projects' rows in one plan year, with
    progress and relations (the identity joined, not fetched per row)."""
    qs = ProjectYear.objects.all() if qs is None else qs
    return projects_with_progress(
        period,
        qs.select_related("plan_year", "category", "project", "project__responsible_unit", "project__owner_unit"),
        plan_year=plan_year,
    ).order_by("category__order", "project__code")


def milestones_with_status(qs: QuerySet | None = None, *, as_of: datetime.date | None = None) -> QuerySet:
    """Milestones annotated with `overdue`: due before `as_of` (default today) and not met by
    then — the same test projects_with_progress counts for a project's flag."""
    qs = Milestone.objects.all() if qs is None else qs
    as_of = as_of or timezone.localdate()
    return qs.annotate(
        overdue=Case(
            When(Q(due_date__lt=as_of) & (Q(met_on__isnull=True) | Q(met_on__gt=as_of)), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


REPORTED_STATUSES = (ReportStatus.SUBMITTED, ReportStatus.APPROVED)


def missing_reports(*, plan_year: PlanYear, month: int | None = None, projects: QuerySet | None = None) -> QuerySet:
    """The plan year's projects with no submitted or approved report for the period's month, each
    with `draft_status` (the status of a draft or returned report, else None), ordered by
    responsible unit so a reviewer can go down the list unit by unit. One query."""
    period = current_period(plan_year, month)
    base = (ProjectYear.objects.all() if projects is None else projects).filter(plan_year=plan_year)
    month_reports = ProgressReport.objects.filter(project_year=OuterRef("pk"), year=period.year, month=period.month)
    return (
        base.exclude(Exists(month_reports.filter(status__in=REPORTED_STATUSES)))
        .annotate(draft_status=Subquery(month_reports.order_by("-revision").values("status")[:1]))
        .select_related("project", "project__responsible_unit", "category")
        .order_by("project__responsible_unit__name", "category__order", "project__code")
    )


def listed(read: Callable[[int], Iterable]) -> list | None:
    """What a filter offers as a list: the choices `read(limit)` gives, read with one more than
    settings.LIST_MAX_CHOICES, or None when there are more than that (the filter then takes typed
    text). One bounded read, however many choices the data holds."""
    rows = list(read(settings.LIST_MAX_CHOICES + 1))
    return None if len(rows) > settings.LIST_MAX_CHOICES else rows


def listed_units(units: QuerySet) -> list[tuple[int, str]] | None:
    """The units a filter offers as a list (`listed`), (id, name) in the order of their names; None
    beyond the bound, where the filter takes part of a unit's name (units_named)."""
    return listed(lambda limit: units.order_by("name", "pk").values_list("pk", "name")[:limit])


def units_named(units: QuerySet, value: str) -> QuerySet:
    """The units a unit filter's value means: the unit of that id (a choice from the list, a link),
    else every unit whose name contains the text."""
    pk = as_object_id(value)
    return units.filter(name__icontains=value.strip()) if pk is None else units.filter(pk=pk)
