"""The reviewer's queue (「待审核」): each submitted report with the context a reviewer needs —
the year's plan, the year to date before and after it, the last approved percent, this month's
share of the plan, the flag the project would carry once it is approved — and the plausibility
flags (shown, never blocking). A fixed number of queries whatever the queue's length."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import DecimalField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from projects import rules
from projects.models import MONEY, ProgressReport, ReportStatus
from projects.selectors import ZERO_MONEY, Period, projects_with_progress

CENT = Decimal("0.01")


class Check:
    """The plausibility checks, by code; the labels are what the reviewer reads."""

    MONTH_SHARE = "month_share"
    MONEY_WITHOUT_PROGRESS = "money_without_progress"
    PROGRESS_WITHOUT_MONEY = "progress_without_money"
    PERCENT_JUMP = "percent_jump"
    OVER_PLAN = "over_plan"
    LABELS = {
        MONTH_SHARE: _("One month is %(share)s%% of the year's plan (more than %(limit)s%%)."),
        MONEY_WITHOUT_PROGRESS: _("Money reported but the works' percent did not move."),
        PROGRESS_WITHOUT_MONEY: _("The works' percent moved but no money is reported."),
        PERCENT_JUMP: _("The works' percent jumps %(jump)s points in one month (more than %(limit)s)."),
        OVER_PLAN: _("The year to date (%(ytd)s 万元) is over the year's plan (%(plan)s 万元)."),
    }


@dataclass
class QueueItem:
    report: ProgressReport
    annual_plan: Decimal
    ytd_before: Decimal
    ytd_after: Decimal
    last_percent: Decimal | None
    month_share: Decimal | None
    flag_now: str
    flag_after: str
    checks: list = field(default_factory=list)  # [(code, message)]

    @property
    def check_codes(self) -> list[str]:
        return [code for code, _message in self.checks]


def _pct(part, whole) -> Decimal | None:
    return rules.percent(part, whole)


def plausibility(
    *,
    amount: Decimal,
    percent: Decimal,
    last_percent: Decimal | None,
    annual_plan: Decimal,
    ytd_after: Decimal,
) -> list[tuple[str, str]]:
    """The checks a report trips, each with the sentence the reviewer reads."""
    checks = []
    share = _pct(amount, annual_plan)
    limit = settings.DISPATCH_FLAG_MONTH_SHARE
    if share is not None and share > limit:
        checks.append(
            (
                Check.MONTH_SHARE,
                Check.LABELS[Check.MONTH_SHARE] % {"share": share, "limit": limit},
            )
        )
    previous = last_percent if last_percent is not None else Decimal(0)
    if amount > 0 and last_percent is not None and percent <= last_percent:
        checks.append(
            (
                Check.MONEY_WITHOUT_PROGRESS,
                str(Check.LABELS[Check.MONEY_WITHOUT_PROGRESS]),
            )
        )
    if amount == 0 and percent > previous:
        checks.append(
            (
                Check.PROGRESS_WITHOUT_MONEY,
                str(Check.LABELS[Check.PROGRESS_WITHOUT_MONEY]),
            )
        )
    jump = percent - previous
    if jump > settings.DISPATCH_FLAG_PERCENT_JUMP:
        checks.append(
            (
                Check.PERCENT_JUMP,
                Check.LABELS[Check.PERCENT_JUMP] % {"jump": jump, "limit": settings.DISPATCH_FLAG_PERCENT_JUMP},
            )
        )
    if annual_plan and ytd_after > annual_plan:
        checks.append(
            (
                Check.OVER_PLAN,
                Check.LABELS[Check.OVER_PLAN] % {"ytd": ytd_after, "plan": annual_plan},
            )
        )
    return checks


def review_queue(reports: QuerySet, *, limit: int | None = None) -> list[QueueItem]:
    """`reports` (already narrowed to what the user sees) that wait for review, oldest first, with
    their context: one query for the reports and their figures, one per month for the flags.
    `limit`: the oldest so many only (the page shows a batch; a decision takes a report out)."""
    money = DecimalField(**MONEY)
    approved = ProgressReport.objects.filter(status=ReportStatus.APPROVED, is_current=True)
    ytd_before = (
        approved.filter(
            project_year=OuterRef("project_year"),
            year=OuterRef("year"),
            month__lte=OuterRef("month"),
        )
        .exclude(month=OuterRef("month"))
        .order_by()
        .values("project_year")
        .annotate(total=Sum("investment_completed"))
        .values("total")
    )
    last_percent = (
        approved.filter(project_year__project=OuterRef("project_year__project"))
        .filter(Q(year__lt=OuterRef("year")) | Q(year=OuterRef("year"), month__lt=OuterRef("month")))
        .order_by("-year", "-month")
        .values("physical_percent")[:1]
    )
    waiting = (
        reports.filter(status=ReportStatus.SUBMITTED)
        .select_related(
            "project_year__project__responsible_unit",
            "project_year__plan_year",
            "submitted_by",
        )
        .annotate(
            ytd_before=Coalesce(Subquery(ytd_before, output_field=money), ZERO_MONEY),
            last_percent=Subquery(last_percent, output_field=DecimalField(max_digits=5, decimal_places=2)),
        )
        .order_by("submitted_at", "pk")
    )
    rows = list(waiting if limit is None else waiting[:limit])
    # The project's standing at the report's month (overdue milestones and problems count too).
    standing = {}
    for year, month in {(r.year, r.month) for r in rows}:
        ids = [r.project_year_id for r in rows if (r.year, r.month) == (year, month)]
        for row in projects_with_progress(Period(year=year, month=month)).filter(pk__in=ids):
            standing[(row.pk, year, month)] = row
    items = []
    for r in rows:
        plan = r.project_year.annual_plan
        before = Decimal(r.ytd_before).quantize(CENT)
        after = before + r.investment_completed
        row = standing[(r.project_year_id, r.year, r.month)]
        elapsed = Period(year=r.year, month=r.month).time_elapsed
        rate_after = rules.completion_rate(after, plan)
        items.append(
            QueueItem(
                report=r,
                annual_plan=plan,
                ytd_before=before,
                ytd_after=after,
                last_percent=r.last_percent,
                month_share=_pct(r.investment_completed, plan),
                flag_now=row.flag,
                flag_after=rules.warning_level(
                    rules.behind_schedule_points(elapsed, rate_after),
                    row.overdue_milestones,
                    row.overdue_problems,
                ),
                checks=plausibility(
                    amount=r.investment_completed,
                    percent=r.physical_percent,
                    last_percent=r.last_percent,
                    annual_plan=plan,
                    ytd_after=after,
                ),
            )
        )
    return items
