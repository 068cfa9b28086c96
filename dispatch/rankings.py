"""红黑榜: responsible units and townships ranked for the dispatch meeting by completion rate, points
behind 序时进度, reports filed on time and overdue problems. The figures come from the same rules
as every page (projects.selectors: progress, flag, overdue problems); this module only groups and
orders them as the rows stream, in two queries whatever the number of projects."""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import F, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from projects import progress, rules
from projects.rules import problem_overdue_q
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
    # Streamed as plain tuples and summed per unit and per township as they come: memory holds
    # the groups, not the rows (100,000 projects at province scale).
    scope = project_years.filter(plan_year=plan_year)
    # Reports first filed on time in months 1..N: the progress summary's count (projects.progress).
    on_time_column = progress.month_columns(period.month)[2]
    rows = (
        projects_with_progress(period, project_years, plan_year=plan_year)
        .annotate(reports_on_time=Coalesce(F(f"progress__{on_time_column}"), Value(0)))
        .order_by()
        .values_list(
            "project__responsible_unit__name", "project__location", "annual_plan", "completed_ytd", "reports_on_time"
        )
    )
    overdue_rows = list(
        Problem.objects.filter(problem_overdue_q(period.as_of), project_id__in=scope.values("project_id")).values_list(
            "unit__name", "project__location"
        )
    )
    overdue = {
        "units": _count(unit for unit, _place in overdue_rows),
        "townships": _count(place for _unit, place in overdue_rows),
    }
    # name → [projects, plan, completed, reports on time], per kind
    groups: dict[str, dict[str, list]] = {"units": {}, "townships": {}}
    for unit, place, plan, done, timely in rows.iterator(chunk_size=5000):
        for kind, name in (("units", unit), ("townships", place)):
            if not name:
                continue
            group = groups[kind].setdefault(name, [0, Decimal(0), Decimal(0), 0])
            group[0] += 1
            group[1] += plan
            group[2] += done
            group[3] += timely

    def standings(kind) -> list[Standing]:
        result = []
        for name, (n, plan, done, reports_on_time) in groups[kind].items():
            done = done.quantize(CENT)
            rate = rules.completion_rate(done, plan)
            result.append(
                Standing(
                    name=name,
                    projects=n,
                    annual_plan=plan,
                    completed_ytd=done,
                    completion_rate=rate,
                    behind_points=rules.behind_schedule_points(period.time_elapsed, rate),
                    reports_due=n * period.month,
                    reports_on_time=reports_on_time,
                    problems_overdue=overdue[kind].get(name, 0),
                )
            )
        return _rank(result)

    return {"units": standings("units"), "townships": standings("townships")}


@dataclass
class Shown:
    """What the page shows of one ranking: the best, how many between are left out, the worst."""

    head: list[Standing]
    left_out: int
    tail: list[Standing]

    @property
    def worst(self) -> Standing | None:
        """The last of more than two, marked on the page (the black list's first name)."""
        rows = self.tail or self.head
        return rows[-1] if len(self.head) + self.left_out + len(self.tail) > 2 else None


def shown_on_page(standings: list[Standing], limit: int) -> Shown:
    """All of `standings` when they are at most `limit`, else the first and the last limit/2."""
    if len(standings) <= limit:
        return Shown(standings, 0, [])
    half = max(1, limit // 2)
    return Shown(standings[:half], len(standings) - 2 * half, standings[-half:])


def ranking_rule() -> str:
    return _(
        "Ranked by completion rate (approved investment to date ÷ the year's plan), highest first; ties by "
        "the share of monthly reports first submitted by day %(day)s of the next month, then by fewer "
        "overdue problems. Points behind 序时进度 = 序时进度 − completion rate. Overdue problems count "
        "against the unit that must solve them and the township of the project."
    ) % {"day": settings.DISPATCH_REPORT_DUE_DAY}
