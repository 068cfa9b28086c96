"""projects.formatting: money in 亿元 / 万元 and percentages, the one way every channel writes them."""

from decimal import Decimal

import pytest
from django.utils import translation

from projects import formatting


@pytest.mark.parametrize(
    ("wan", "yi", "wan_text"),
    [
        (Decimal("3262000.00"), "326.2", "3,262,000.00"),
        (
            Decimal("0.10") + Decimal("0.20"),
            "0.0",
            "0.30",
        ),  # the float artefact 0.30000000000000004 never appears
        (
            Decimal("1050.00"),
            "0.1",
            "1,050.00",
        ),  # half-up, as the report rounds: 0.105 → 0.1
        (
            Decimal("1500.00"),
            "0.2",
            "1,500.00",
        ),  # 0.15 → 0.2 (banker's rounding would give 0.2 too)
        (
            Decimal("2500.00"),
            "0.3",
            "2,500.00",
        ),  # 0.25 → 0.3 (banker's rounding would give 0.2)
        (Decimal("-0.001"), "0.0", "0.00"),  # never "-0.0"
    ],
)
def test_amount_formats(wan, yi, wan_text):
    assert formatting.yi(wan) == yi
    assert formatting.wan(wan) == wan_text


@pytest.mark.parametrize(
    ("wan", "page", "table", "prose"),
    [
        # the page groups thousands; the report's tables do not; its prose drops a trailing ".0"
        (Decimal("11545000.00"), "1,154.5", "1154.5", "1154.5"),
        (Decimal("2220000.00"), "222.0", "222.0", "222"),
        (Decimal("110000.00"), "11.0", "11.0", "11"),
        (Decimal("0"), "0.0", "0.0", "0"),
    ],
)
def test_the_three_styles_of_yi_come_from_one_conversion(wan, page, table, prose):
    assert formatting.yi(wan) == page
    assert formatting.yi(wan, grouping=False) == table
    assert formatting.yi(wan, grouping=False, trim=True) == prose


def test_amounts_carry_their_unit():
    with translation.override("zh-hans"):
        assert formatting.yi_text(Decimal("11544999.99")) == "1,154.5 亿元"
        assert formatting.wan_text(Decimal("12.5")) == "12.50 万元"
        assert formatting.yi_text(None) == "—"


def test_percentages_and_points():
    assert formatting.points(Decimal("67.57")) == "67.6"
    assert formatting.points(Decimal("-6.05")) == "-6.1"  # half away from zero
    assert formatting.points_abs(Decimal("-6.05")) == "6.1"
    assert formatting.points(Decimal("-0.04")) == "0.0"  # never "-0.0"
    assert formatting.points(None) == "—"
    assert formatting.points(Decimal("50.00"), trim=True) == "50"
    assert formatting.percent_text(Decimal("75")) == "75.0%"
