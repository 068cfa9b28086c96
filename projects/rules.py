"""The portfolio's rules, written once: 序时进度 (time elapsed), completion rate, points behind
序时进度 and the warning flag. Every channel uses them — the selectors' SQL annotations, the rollup,
the `rollup` command, the pages, the admin and the workbook.

Each rule comes twice, as a Python function on Decimals and as an ORM expression builder for
annotations, side by side so they cannot drift (tests/projects/test_rules.py checks they agree). It
lives in `projects/` because projects.selectors annotates projects with these figures and `portfolio`
imports `projects`, never the reverse.

One sign convention: points behind 序时进度 = 序时进度 − completion rate, so positive = behind and
negative = ahead; one label, BEHIND_SCHEDULE_LABEL (「低于序时进度（百分点）」). Percentages are
rounded half up to two places before they are compared or subtracted, in Python and in SQL alike,
so a figure a reader can check (75.00 − 12.35 = 62.65) is the figure the flag is decided on."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import (
    Case,
    CharField,
    DecimalField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    Value,
    When,
)
from django.db.models.functions import Cast, Greatest, Round
from django.utils.translation import gettext_lazy as _

CENT = Decimal("0.01")
HUNDRED = Decimal("100")
RATE = DecimalField(max_digits=12, decimal_places=4)

# The figure's name wherever a person reads it. The workbook is a Chinese document and uses the
# Chinese text itself; tests/projects/test_rules.py checks the catalogue translates the msgid to it.
BEHIND_SCHEDULE_LABEL = _("Behind 序时进度 (points)")
BEHIND_SCHEDULE_LABEL_ZH = "低于序时进度（百分点）"
COMPLETION_RATE_LABEL_ZH = "完成率（%）"
TIME_ELAPSED_LABEL_ZH = "序时进度（%）"


class Flag:
    """The warning level a project carries: green, yellow (behind) or red (needs attention)."""

    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"
    CHOICES = [
        (GREEN, _("On track")),
        (YELLOW, _("Behind")),
        (RED, _("Needs attention")),
    ]
    ORDER = (GREEN, YELLOW, RED)


def _percent(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


# --- Python --------------------------------------------------------------------------------------


def time_elapsed(month: int) -> Decimal:
    """序时进度 in percent: month N is N/12 of the year (9 → 75.00)."""
    return _percent(Decimal(month) * HUNDRED / 12)


def percent(part, whole) -> Decimal | None:
    """part / whole in percent, two places, half up; None where there is no whole to measure against."""
    if not whole:
        return None
    return _percent(Decimal(part) * HUNDRED / Decimal(whole))


def completion_rate(completed, annual_plan) -> Decimal | None:
    """Completed to date ÷ the plan for the year, in percent; None when nothing is planned."""
    return percent(completed, annual_plan)


def behind_schedule_points(elapsed: Decimal, rate: Decimal | None) -> Decimal | None:
    """Points behind 序时进度: positive = behind, negative = ahead; None without a rate."""
    return None if rate is None else _percent(elapsed - rate)


def warning_level(points: Decimal | None, overdue_milestones: int, overdue_problems: int = 0) -> str:
    """Red at PORTFOLIO_FLAG_RED_POINTS behind, …_RED_OVERDUE_MILESTONES overdue milestones or
    …_RED_OVERDUE_PROBLEMS overdue problems on the dispatch ledger; yellow at the yellow
    thresholds; else green."""

    def reaches(limit_points, limit_overdue, limit_problems) -> bool:
        return (
            (points is not None and points >= limit_points)
            or overdue_milestones >= limit_overdue
            or overdue_problems >= limit_problems
        )

    if reaches(
        settings.PORTFOLIO_FLAG_RED_POINTS,
        settings.PORTFOLIO_FLAG_RED_OVERDUE_MILESTONES,
        settings.PORTFOLIO_FLAG_RED_OVERDUE_PROBLEMS,
    ):
        return Flag.RED
    if reaches(
        settings.PORTFOLIO_FLAG_YELLOW_POINTS,
        settings.PORTFOLIO_FLAG_YELLOW_OVERDUE_MILESTONES,
        settings.PORTFOLIO_FLAG_YELLOW_OVERDUE_PROBLEMS,
    ):
        return Flag.YELLOW
    return Flag.GREEN


def problem_overdue_q(as_of, prefix: str = "") -> Q:
    """A problem on the dispatch ledger is overdue on `as_of` when it was handed out (not merely
    raised), its deadline has passed and its unit had not reported it solved by then. The ledger's
    red rows, the project's flag (overdue_problems), the rankings and the reminders use it. Written
    on the problem's field names, so this module need not import the dispatch app."""
    return (
        ~Q(**{f"{prefix}state": "raised"})
        & Q(**{f"{prefix}deadline__lt": as_of})
        & (Q(**{f"{prefix}solved_on__isnull": True}) | Q(**{f"{prefix}solved_on__gt": as_of}))
    )


# --- SQL (ORM expressions) ----------------------------------------------------------------------


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


def completion_rate_expression(completed: str, annual_plan: str):
    """completion_rate() in SQL over two fields or annotations: NULL when the plan is not positive.
    ROUND is half away from zero on both databases, i.e. half up for these non-negative rates."""
    return Case(
        When(
            **{f"{annual_plan}__gt": 0},
            then=Round(
                Ratio(F(completed) * Value(HUNDRED), F(annual_plan), output_field=RATE),
                2,
                output_field=RATE,
            ),
        ),
        default=Value(None, output_field=RATE),
        output_field=RATE,
    )


def behind_schedule_points_expression(elapsed: Decimal, rate: str):
    """behind_schedule_points() in SQL: 序时进度 minus the (rounded) rate annotation; NULL without one
    (SQL's arithmetic on NULL is NULL, so no CASE is needed: the rate's expression, inlined wherever
    the points are used — twice in the flag — is written once here, not twice). Rounded again
    because SQLite subtracts in floating point (41.67 − 31.67 = 9.999…96), and the flag must not
    miss its threshold by a float's last bit."""
    return Round(
        ExpressionWrapper(Value(elapsed, output_field=RATE) - F(rate), output_field=RATE),
        2,
        output_field=RATE,
    )


def overdue_level_expression(count: str, yellow: int, red: int):
    """2 when `count` (an aggregate in a subquery) reaches `red`, 1 when it reaches `yellow`, else 0:
    the level one kind of overdue item gives the flag (warning_level_expression), computed where
    the items are counted, so the flag reads it once per row."""
    return Case(
        When(**{f"{count}__gte": red}, then=Value(2)),
        When(**{f"{count}__gte": yellow}, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )


def overdue_milestone_level_expression(count: str):
    return overdue_level_expression(
        count, settings.PORTFOLIO_FLAG_YELLOW_OVERDUE_MILESTONES, settings.PORTFOLIO_FLAG_RED_OVERDUE_MILESTONES
    )


def overdue_problem_level_expression(count: str):
    return overdue_level_expression(
        count, settings.PORTFOLIO_FLAG_YELLOW_OVERDUE_PROBLEMS, settings.PORTFOLIO_FLAG_RED_OVERDUE_PROBLEMS
    )


class _FlagOfLevel(Func):
    """A level 0 / 1 / 2 as green / yellow / red, by a simple CASE (`CASE level WHEN 2 …`): the
    level, and the overdue subqueries under it, is evaluated once, where a searched CASE would
    evaluate it once per WHEN."""

    output_field = CharField()

    def as_sql(self, compiler, connection, **extra_context):
        level, params = compiler.compile(self.source_expressions[0])
        return f"CASE {level} WHEN 2 THEN %s WHEN 1 THEN %s ELSE %s END", (*params, Flag.RED, Flag.YELLOW, Flag.GREEN)


def _warning_levels(points: str, milestone_level: str, problem_level: str | None) -> list:
    points_level = Case(
        When(**{f"{points}__gte": settings.PORTFOLIO_FLAG_YELLOW_POINTS}, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    return [points_level, F(milestone_level)] + ([F(problem_level)] if problem_level else [])


def warning_level_expression(points: str, milestone_level: str, problem_level: str | None = None):
    """warning_level() in SQL over the points annotation and the overdue levels
    (overdue_level_expression) of the milestones and, when given, of the problems. A row at least
    PORTFOLIO_FLAG_RED_POINTS behind is red without its overdue subqueries being run; any other
    runs each of them once: the flag is the highest of the three levels."""
    return Case(
        When(**{f"{points}__gte": settings.PORTFOLIO_FLAG_RED_POINTS}, then=Value(Flag.RED)),
        default=_FlagOfLevel(Greatest(*_warning_levels(points, milestone_level, problem_level))),
        output_field=CharField(),
    )


def warning_rank_expression(points: str, milestone_level: str, problem_level: str | None = None):
    """The same flag as its rank, 0 / 1 / 2 for green / yellow / red: what a list sorted by the flag
    orders by. Comparing the flag's name with each colour instead would run the flag, and the
    overdue subqueries under it, once per comparison."""
    return Case(
        When(**{f"{points}__gte": settings.PORTFOLIO_FLAG_RED_POINTS}, then=Value(2)),
        default=Greatest(*_warning_levels(points, milestone_level, problem_level)),
        output_field=IntegerField(),
    )


def report_due(year: int, month: int) -> datetime.date:
    """A month's report is due on DISPATCH_REPORT_DUE_DAY of the next month (the 5th by default); one
    first submitted (or imported) on or before that day is on time. The progress summary stores the
    count, so after changing the setting run `manage.py rebuild_progress`."""
    if month == 12:
        return datetime.date(year + 1, 1, settings.DISPATCH_REPORT_DUE_DAY)
    return datetime.date(year, month + 1, settings.DISPATCH_REPORT_DUE_DAY)
