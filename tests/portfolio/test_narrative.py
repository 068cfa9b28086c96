"""The sentences the overview writes, in the report's phrasing (amount formats: tests/projects/test_formatting.py)."""

from decimal import Decimal

import pytest
from django.utils import translation

from portfolio.narrative import progress_sentence
from portfolio.selectors import RollupRow
from projects.selectors import Period


def row(completed, plan, month=9):
    return RollupRow(
        projects=1,
        total_investment=Decimal("0"),
        government_investment=Decimal("0"),
        social_investment=Decimal("0"),
        annual_plan=Decimal(plan),
        completed_ytd=Decimal(completed),
        time_elapsed=Period(2022, month).time_elapsed,
    )


@pytest.mark.parametrize(
    ("completed", "plan", "month", "expected"),
    [
        # 150 亿元 of 222 = 67.57 % → 67.6; 75.00 − 67.57 = 7.43 → 7.4 points behind
        ("1500000.00", "2220000.00", 9, "1-9月完成投资150.0亿元，占年度计划67.6%，低于序时进度7.4个百分点"),
        ("1800000.00", "2220000.00", 9, "1-9月完成投资180.0亿元，占年度计划81.1%，高于序时进度6.1个百分点"),
        ("1665000.00", "2220000.00", 9, "1-9月完成投资166.5亿元，占年度计划75.0%，与序时进度持平"),
        ("100000.00", "1200000.00", 1, "1月完成投资10.0亿元，占年度计划8.3%，与序时进度持平"),
        ("5000.00", "0.00", 9, "1-9月完成投资0.5亿元"),
    ],
)
def test_progress_sentence_in_the_reports_words(completed, plan, month, expected):
    with translation.override("zh-hans"):
        assert progress_sentence(row(completed, plan, month), Period(2022, month)) == expected


def test_progress_sentence_in_english():
    with translation.override("en"):
        text = progress_sentence(row("1500000.00", "2220000.00"), Period(2022, 9))
    assert text == (
        "Months 1–9: 150.0 hundred million yuan invested, 67.6% of the annual plan, "
        "7.4 points behind the time-elapsed schedule."
    )
