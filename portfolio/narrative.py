"""Sentences the overview writes from the data, in the report's own phrasing:
「1-9月完成投资X亿元，占年度计划Y%，低于序时进度Z个百分点」."""

from django.utils.translation import gettext as _

from projects import formatting
from projects.selectors import Period


def period_label(period: Period) -> str:
    """「1-9月」, or 「1月」 in January."""
    if period.month == 1:
        return _("January")
    return _("Months 1–%(month)s") % {"month": period.month}


def progress_sentence(row, period: Period) -> str:
    """One rollup row (a category or the total) as the report would say it. `row` needs
    completed_ytd (万元), completion_rate and behind_schedule_points (positive = behind)."""
    values = {
        "period": period_label(period),
        "amount": formatting.yi(row.completed_ytd),
    }
    rate = row.completion_rate
    if rate is None:  # nothing planned for the year: there is no rate to compare
        return _("%(period)s: %(amount)s hundred million yuan invested.") % values
    values["rate"] = formatting.points(rate)
    gap = formatting.one_decimal(row.behind_schedule_points)
    values["gap"] = formatting.points_abs(gap)
    if gap > 0:
        return (
            _(
                "%(period)s: %(amount)s hundred million yuan invested, %(rate)s%% of the annual plan, "
                "%(gap)s points behind the time-elapsed schedule."
            )
            % values
        )
    if gap < 0:
        return (
            _(
                "%(period)s: %(amount)s hundred million yuan invested, %(rate)s%% of the annual plan, "
                "%(gap)s points ahead of the time-elapsed schedule."
            )
            % values
        )
    return (
        _(
            "%(period)s: %(amount)s hundred million yuan invested, %(rate)s%% of the annual plan, "
            "level with the time-elapsed schedule."
        )
        % values
    )
