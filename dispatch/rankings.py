"""红黑榜: responsible units and townships ranked for the dispatch meeting by completion rate, points
behind 序时进度, reports filed on time and overdue problems. The figures come from the same rules
as every page (projects.selectors: progress, flag, overdue problems); this module only groups and
orders them, in three queries whatever the number of projects."""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Min, Q, QuerySet
from django.utils.translation import gettext as _

from projects import rules
from projects.models import ProgressReport, ReportAction, ReportStatus
from projects.rules import problem_overdue_q, report_due
from projects.selectors import Period, projects_with_progress

from .models import Problem

CENT = Decimal("0.01")


@dataclass
class Standing:
    name: str
    projects: int
    annual_plan: Decimal
    completed_ytd: Decimal
    completion_rate: Decimal | None
    behind_points: Decimal | None
    reports_due: int
    reports_on_time: int
    problems_overdue: int
    rank: int = 0

    @property
    def on_time_rate(self) -> Decimal | None:
        return rules.percent(self.reports_on_time, self.reports_due)


def _rank(rows: list[Standing]) -> list[Standing]:
    """Best first: highest completion rate; ties by more reports on time, then fewer overdue
    problems, then name. A unit with nothing planned for the year (no rate) goes last."""
    rows.sort(
        key=lambda s: (
            s.completion_rate is None,
            -(s.completion_rate or 0),
            -(s.on_time_rate or 0),
            s.problems_overdue,
            s.name,
        )
    )
    for n, row in enumerate(rows, start=1):
        row.rank = n
    return rows


def _count(names) -> dict[str, int]:
    counts: dict[str, int] = {}
    for name in names:
        counts[name] = counts.get(name, 0) + 1
    return counts


def rankings(*, plan_year, period: Period, project_years: QuerySet) -> dict[str, list[Standing]]:
    """{"units": [...], "townships": [...]} for the plan year up to the period's month, over
    `project_years` (already narrowed to what the user may see)."""
    rows = list(
        projects_with_progress(period, project_years.filter(plan_year=plan_year)).select_related(
            "project__responsible_unit"
        )
    )
    # Each project-month's first submission (a report returned and filed again counts from the first).
    first_submits = (
        ProgressReport.objects.filter(
            project_year__in=[r.pk for r in rows],
            year=period.year,
            month__lte=period.month,
            is_current=True,
        )
        .exclude(status=ReportStatus.DRAFT)
        .values("project_year", "month")
        .annotate(
            first=Min(
                "events__at",
                filter=Q(events__action__in=[ReportAction.SUBMIT, ReportAction.IMPORT]),
            )
        )
    )
    on_time: dict[int, int] = {}
    for r in first_submits:
        if r["first"] is not None and r["first"].date() <= report_due(period.year, r["month"]):
            on_time[r["project_year"]] = on_time.get(r["project_year"], 0) + 1
    # Overdue problems count against the unit that must solve them (not always the project's) and
    # against the township where the project is.
    overdue_rows = list(
        Problem.objects.filter(
            problem_overdue_q(period.as_of), project_id__in={r.project_id for r in rows}
        ).values_list("unit__name", "project__location")
    )
    overdue = {
        "units": _count(unit for unit, _place in overdue_rows),
        "townships": _count(place for _unit, place in overdue_rows),
    }

    def standings(kind, key) -> list[Standing]:
        groups: dict[str, list] = {}
        for r in rows:
            name = key(r)
            if name:
                groups.setdefault(name, []).append(r)
        result = []
        for name, members in groups.items():
            plan = sum((m.annual_plan for m in members), Decimal(0))
            done = sum((m.completed_ytd for m in members), Decimal(0)).quantize(CENT)
            rate = rules.completion_rate(done, plan)
            result.append(
                Standing(
                    name=name,
                    projects=len(members),
                    annual_plan=plan,
                    completed_ytd=done,
                    completion_rate=rate,
                    behind_points=rules.behind_schedule_points(period.time_elapsed, rate),
                    reports_due=len(members) * period.month,
                    reports_on_time=sum(on_time.get(m.pk, 0) for m in members),
                    problems_overdue=overdue[kind].get(name, 0),
                )
            )
        return _rank(result)

    return {
        "units": standings("units", lambda r: r.project.responsible_unit.name),
        "townships": standings("townships", lambda r: r.project.location),
    }


def ranking_rule() -> str:
    return _(
        "Ranked by completion rate (approved investment to date ÷ the year's plan), highest first; ties by "
        "the share of monthly reports first submitted by day %(day)s of the next month, then by fewer "
        "overdue problems. Points behind 序时进度 = 序时进度 − completion rate. Overdue problems count "
        "against the unit that must solve them and the township of the project."
    ) % {"day": settings.DISPATCH_REPORT_DUE_DAY}
