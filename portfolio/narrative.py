"""Sentences the overview writes from the data, in the report's own phrasing:
「1-9月完成投资X亿元，占年度计划Y%，低于序时进度Z个百分点」."""

from django.utils.translation import gettext as _

from projects.selectors import Period

from .units import number, one_decimal, to_yi


def period_label(period: Period) -> str:
    """「1-9月」, or 「1月」 in January."""
    if period.month == 1:
        return _("January")
    return _("Months 1–%(month)s") % {"month": period.month}


def progress_sentence(row, period: Period) -> str:
    """One rollup row (a category or the total) as the report would say it. `row` needs
    completed_ytd (万元), completion_rate and gap_points (percent points, positive = behind)."""
    values = {
        "period": period_label(period),
        "amount": number(to_yi(row.completed_ytd), 1),
    }
    rate = row.completion_rate
    if rate is None:  # nothing planned for the year: there is no rate to compare
        return _("%(period)s: %(amount)s hundred million yuan invested.") % values
    values["rate"] = number(one_decimal(rate), 1)
    gap = one_decimal(row.gap_points)
    values["gap"] = number(abs(gap), 1)
    if gap > 0:
        return _(
            "%(period)s: %(amount)s hundred million yuan invested, %(rate)s%% of the annual plan, "
            "%(gap)s points behind the time-elapsed schedule."
        ) % values
    if gap < 0:
        return _(
            "%(period)s: %(amount)s hundred million yuan invested, %(rate)s%% of the annual plan, "
            "%(gap)s points ahead of the time-elapsed schedule."
        ) % values
    return _(
        "%(period)s: %(amount)s hundred million yuan invested, %(rate)s%% of the annual plan, "
        "level with the time-elapsed schedule."
    ) % values
