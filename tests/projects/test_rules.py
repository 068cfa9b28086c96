"""projects.rules: 序时进度, completion rate, points behind 序时进度 (positive = behind) and the warning
level — the Python functions, their SQL twins (tests/portfolio/test_agreement.py compares them on
data), and the one label the catalogue gives the figure."""

from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils import translation

from projects import rules

D = Decimal


@pytest.mark.parametrize(
    ("month", "elapsed"),
    [(1, "8.33"), (2, "16.67"), (3, "25.00"), (9, "75.00"), (12, "100.00")],
)
def test_time_elapsed_is_n_twelfths(month, elapsed):
    assert rules.time_elapsed(month) == D(elapsed)


def test_completion_rate_rounds_half_up_and_has_none_without_a_plan():
    assert rules.completion_rate(D("1"), D("8")) == D("12.50")
    assert rules.completion_rate(D("1"), D("3")) == D("33.33")
    assert rules.completion_rate(D("2"), D("3")) == D("66.67")
    assert rules.completion_rate(D("0.0125"), D("1")) == D("1.25")
    assert rules.completion_rate(D("0.00125"), D("1")) == D("0.13")  # half up, not to even
    assert rules.completion_rate(D("5"), D("0")) is None


def test_points_behind_are_positive_when_behind_and_negative_when_ahead():
    assert rules.behind_schedule_points(D("75.00"), D("67.57")) == D("7.43")
    assert rules.behind_schedule_points(D("75.00"), D("81.08")) == D("-6.08")
    assert rules.behind_schedule_points(D("75.00"), None) is None


@override_settings(
    PORTFOLIO_FLAG_YELLOW_POINTS=D("10"),
    PORTFOLIO_FLAG_RED_POINTS=D("30"),
    PORTFOLIO_FLAG_YELLOW_OVERDUE_MILESTONES=1,
    PORTFOLIO_FLAG_RED_OVERDUE_MILESTONES=2,
)
def test_warning_level_thresholds():
    assert rules.warning_level(D("9.99"), 0) == rules.Flag.GREEN
    assert rules.warning_level(D("10.00"), 0) == rules.Flag.YELLOW
    assert rules.warning_level(D("29.99"), 0) == rules.Flag.YELLOW
    assert rules.warning_level(D("30.00"), 0) == rules.Flag.RED
    assert rules.warning_level(D("-50"), 1) == rules.Flag.YELLOW
    assert rules.warning_level(None, 2) == rules.Flag.RED
    assert rules.warning_level(None, 0) == rules.Flag.GREEN


def test_one_label_for_the_figure_in_every_language_it_is_read_in():
    with translation.override("zh-hans"):
        assert str(rules.BEHIND_SCHEDULE_LABEL) == rules.BEHIND_SCHEDULE_LABEL_ZH == "低于序时进度（百分点）"
    with translation.override("en"):
        assert str(rules.BEHIND_SCHEDULE_LABEL) == "Behind 序时进度 (points)"
