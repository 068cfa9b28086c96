"""The sentences the overview writes, in the report's phrasing, and the amount formats."""

from decimal import Decimal

import pytest
from django.utils import translation

from portfolio import units
from portfolio.narrative import progress_sentence
from portfolio.selectors import RollupRow
from projects.selectors import Period


def row(completed, plan, month=9):
    return RollupRow(projects=1, total_investment=Decimal("0"), government_investment=Decimal("0"),
                     social_investment=Decimal("0"), annual_plan=Decimal(plan), completed_ytd=Decimal(completed),
                     time_elapsed=Period(2022, month).time_elapsed)


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
    assert text == ("Months 1–9: 150.0 hundred million yuan invested, 67.6% of the annual plan, "
                    "7.4 points behind the time-elapsed schedule.")


@pytest.mark.parametrize(
    ("wan", "yi", "wan_text"),
    [
        (Decimal("3262000.00"), "326.2", "3,262,000.00"),
        (Decimal("0.10") + Decimal("0.20"), "0.0", "0.30"),  # the float artefact 0.30000000000000004 never appears
        (Decimal("1050.00"), "0.1", "1,050.00"),  # half-up, as the report rounds: 0.105 → 0.1
        (Decimal("1500.00"), "0.2", "1,500.00"),  # 0.15 → 0.2 (banker's rounding would give 0.2 too)
        (Decimal("2500.00"), "0.3", "2,500.00"),  # 0.25 → 0.3 (banker's rounding would give 0.2)
        (Decimal("-0.001"), "0.0", "0.00"),  # never "-0.0"
    ],
)
def test_amount_formats(wan, yi, wan_text):
    assert units.number(units.to_yi(wan), 1) == yi
    assert units.number(units.to_wan(wan), 2) == wan_text


def test_amounts_carry_their_unit():
    with translation.override("zh-hans"):
        assert units.yi_text(Decimal("11544999.99")) == "1,154.5 亿元"
        assert units.wan_text(Decimal("12.5")) == "12.50 万元"
        assert units.yi_text(None) == "—"
