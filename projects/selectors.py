"""Reads of the domain: projects annotated with their progress for a period, computed in the
database so a page's query count does not grow with its rows."""

import calendar
import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db.models import (
    Exists,
    BooleanField,
    Case,
    CharField,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    FilteredRelation,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import MONEY, Milestone, PlanYear, PlanYearStatus, ProgressReport, ProjectYear, ReportStatus

ZERO_MONEY = Value(Decimal("0.00"), output_field=DecimalField(**MONEY))
RATE = DecimalField(max_digits=12, decimal_places=4)


class Ratio(Func):
    """numerator / denominator. Exact decimal division on PostgreSQL; SQLite keeps whole amounts
    as integers and would divide them as integers (150 * 100 / 2000 = 7, not 7.5), so there the
    numerator is made REAL first (SQLite's decimals are floating point in any case)."""

    arg_joiner = " / "
    template = "(%(expressions)s)"

    def as_sqlite(self, compiler, connection, **extra_context):
        numerator, denominator = self.get_source_expressions()
        clone = self.copy()
        clone.set_source_expressions([Cast(numerator, FloatField()), denominator])
        return super(Ratio, clone).as_sqlite(compiler, connection, **extra_context)


class Flag:
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"
    CHOICES = [(GREEN, _("On track")), (YELLOW, _("Behind")), (RED, _("Needs attention"))]


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
        """序时进度 in percent: month N is N/12 of the year."""
        return (Decimal(self.month) * 100 / 12).quantize(Decimal("0.01"))


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


def approved_reports(period: Period) -> QuerySet:
    """The reports that count: approved, current revision, in the year up to the period."""
    return ProgressReport.objects.filter(
        year=period.year, month__lte=period.month, status=ReportStatus.APPROVED, is_current=True
    )


def with_version_plan(qs: QuerySet, plan_version) -> QuerySet:
    """Rows annotated with `plan_amount`: the year's planned investment in `plan_version` (one
    LEFT JOIN on that version's copy), or the current figure when plan_version is None."""
    if plan_version is None:
        return qs.annotate(plan_amount=F("annual_plan"))
    return qs.annotate(
        in_version=FilteredRelation("versions", condition=Q(versions__plan_version=plan_version))
    ).annotate(plan_amount=Coalesce(F("in_version__annual_plan"), ZERO_MONEY))


def projects_with_progress(period: Period, qs: QuerySet | None = None, plan_version=None) -> QuerySet:
    """Projects' rows in a plan (ProjectYear) annotated with completed_ytd, plan_amount (the year's
    plan in the current version, or in `plan_version`), completion_rate (percent) against it,
    gap_points (behind 序时进度, positive = behind), latest_percent (the project's works, whatever
    year reported it), overdue_milestones, overdue_problems (on the dispatch ledger) and flag."""
    qs = with_version_plan(ProjectYear.objects.all() if qs is None else qs, plan_version)
    completed = (
        approved_reports(period)
        .filter(project_year=OuterRef("pk"))
        .order_by()
        .values("project_year")
        .annotate(total=Sum("investment_completed"))
        .values("total")
    )
    latest_percent = (
        ProgressReport.objects.filter(
            project_year__project=OuterRef("project"), status=ReportStatus.APPROVED, is_current=True,
        )
        .filter(Q(year__lt=period.year) | Q(year=period.year, month__lte=period.month))
        .order_by("-year", "-month")
        .values("physical_percent")[:1]
    )
    overdue = (
        Milestone.objects.filter(project_year=OuterRef("pk"), due_date__lt=period.as_of)
        .filter(Q(met_on__isnull=True) | Q(met_on__gt=F("due_date")) & Q(met_on__gt=period.as_of))
        .order_by()
        .values("project_year")
        .annotate(n=Count("pk"))
        .values("n")
    )
    yellow, red = settings.PORTFOLIO_FLAG_YELLOW_POINTS, settings.PORTFOLIO_FLAG_RED_POINTS
    yellow_overdue = settings.PORTFOLIO_FLAG_YELLOW_OVERDUE_MILESTONES
    red_overdue = settings.PORTFOLIO_FLAG_RED_OVERDUE_MILESTONES
    yellow_problems = settings.PORTFOLIO_FLAG_YELLOW_OVERDUE_PROBLEMS
    red_problems = settings.PORTFOLIO_FLAG_RED_OVERDUE_PROBLEMS
    return (
        qs.annotate(
            completed_ytd=Coalesce(Subquery(completed, output_field=DecimalField(**MONEY)), ZERO_MONEY),
            latest_percent=Subquery(latest_percent, output_field=DecimalField(max_digits=5, decimal_places=2)),
            overdue_milestones=Coalesce(Subquery(overdue, output_field=IntegerField()), Value(0)),
            overdue_problems=_overdue_problems(period.as_of),
        )
        .annotate(
            completion_rate=Case(
                When(plan_amount__gt=0, then=Ratio(
                    F("completed_ytd") * Value(Decimal("100")), F("plan_amount"), output_field=RATE)),
                default=Value(None, output_field=RATE),
                output_field=RATE,
            )
        )
        .annotate(
            gap_points=Case(
                When(plan_amount__gt=0, then=ExpressionWrapper(
                    Value(period.time_elapsed, output_field=RATE) - F("completion_rate"), output_field=RATE)),
                default=Value(None, output_field=RATE),
                output_field=RATE,
            )
        )
        .annotate(
            flag=Case(
                When(Q(gap_points__gte=red) | Q(overdue_milestones__gte=red_overdue)
                     | Q(overdue_problems__gte=red_problems), then=Value(Flag.RED)),
                When(Q(gap_points__gte=yellow) | Q(overdue_milestones__gte=yellow_overdue)
                     | Q(overdue_problems__gte=yellow_problems), then=Value(Flag.YELLOW)),
                default=Value(Flag.GREEN),
                output_field=CharField(),
            )
        )
    )


def warning_level(points: Decimal | None, overdue_milestones: int = 0, overdue_problems: int = 0) -> str:
    """The flag of projects_with_progress for figures computed in Python (a report's effect before
    it is approved): the same settings, the same comparisons as the SQL Case above."""
    def reaches(limit_points, limit_milestones, limit_problems) -> bool:
        return ((points is not None and points >= limit_points) or overdue_milestones >= limit_milestones
                or overdue_problems >= limit_problems)

    if reaches(settings.PORTFOLIO_FLAG_RED_POINTS, settings.PORTFOLIO_FLAG_RED_OVERDUE_MILESTONES,
               settings.PORTFOLIO_FLAG_RED_OVERDUE_PROBLEMS):
        return Flag.RED
    if reaches(settings.PORTFOLIO_FLAG_YELLOW_POINTS, settings.PORTFOLIO_FLAG_YELLOW_OVERDUE_MILESTONES,
               settings.PORTFOLIO_FLAG_YELLOW_OVERDUE_PROBLEMS):
        return Flag.YELLOW
    return Flag.GREEN


def problem_overdue_q(as_of: datetime.date, prefix: str = "") -> Q:
    """A problem on the dispatch ledger is overdue on `as_of` when it was handed out (not merely
    raised), its deadline has passed and its unit had not reported it solved by then. The one
    definition: the ledger's red rows, the project's flag, the rankings and the reminders use it.
    Written on the problem's field names so this module need not import the dispatch app."""
    return (
        ~Q(**{f"{prefix}state": "raised"})
        & Q(**{f"{prefix}deadline__lt": as_of})
        & (Q(**{f"{prefix}solved_on__isnull": True}) | Q(**{f"{prefix}solved_on__gt": as_of}))
    )


def _overdue_problems(as_of: datetime.date):
    """The number of the project's overdue problems on `as_of`, as an annotation; 0 when the
    dispatch app (which keeps the ledger) is not installed. The ledger's model is reached through
    the reverse relation Project.problems, so the arrow between the apps stays one way."""
    try:
        problem_model = ProjectYear._meta.get_field("project").related_model._meta.get_field("problems").related_model
    except FieldDoesNotExist:
        return Value(0)
    counted = (
        problem_model.objects.filter(problem_overdue_q(as_of), project=OuterRef("project"))
        .order_by()
        .values("project")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def project_list(*, plan_year: PlanYear, period: Period, qs: QuerySet | None = None) -> QuerySet:
    """What the project browser and exports list: the projects' rows in one plan year, with
    progress and relations (the identity joined, not fetched per row)."""
    qs = ProjectYear.objects.all() if qs is None else qs
    return projects_with_progress(
        period,
        qs.filter(plan_year=plan_year).select_related(
            "plan_year", "category", "project", "project__responsible_unit", "project__owner_unit"
        ),
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
