"""Cells as people type them, and headers as they write them."""

import datetime
from decimal import Decimal

import pytest

from portfolio.excel.headers import detect_header, match_header, row_kind
from portfolio.excel.parsing import CellError, CellMsg, parse_money, parse_month, parse_percent, parse_period


@pytest.mark.parametrize(
    "raw, scale, expected",
    [
        (1234.5, 1, Decimal("1234.50")),
        ("1,234.5", 1, Decimal("1234.50")),
        ("１２３４．５", 1, Decimal("1234.50")),
        ("1 234,5".replace(",", "."), 1, Decimal("1234.50")),
        (326.2, 10000, Decimal("3262000.00")),
        ("3.5亿元", 1, Decimal("35000.00")),
        ("-", 1, None),
        ("", 1, None),
        (0.1 + 0.2, 1, Decimal("0.30")),  # float noise quantized once, here
    ],
)
def test_money(raw, scale, expected):
    assert parse_money(raw, scale=Decimal(scale)) == expected


@pytest.mark.parametrize(
    "raw, message", [("一千", CellMsg.NOT_A_NUMBER), (-5, CellMsg.NEGATIVE), ("1.2.3", CellMsg.NOT_A_NUMBER)]
)
def test_money_errors(raw, message):
    with pytest.raises(CellError) as exc:
        parse_money(raw)
    assert exc.value.message == message


@pytest.mark.parametrize(
    "raw, fraction, expected",
    [
        (58, False, Decimal("58.00")),
        ("58%", False, Decimal("58.00")),
        ("５８％", False, Decimal("58.00")),
        (0.58, True, Decimal("58.00")),
        ("58%", True, Decimal("58.00")),
        (100, False, Decimal("100.00")),
    ],
)
def test_percent(raw, fraction, expected):
    assert parse_percent(raw, fraction=fraction) == expected


def test_percent_out_of_range():
    with pytest.raises(CellError) as exc:
        parse_percent("120%")
    assert exc.value.message == CellMsg.PERCENT_RANGE


@pytest.mark.parametrize(
    "raw, expected",
    [
        (datetime.date(2022, 3, 1), (2022, 3)),
        (datetime.datetime(2022, 3, 31, 12), (2022, 3)),
        (44635, (2022, 3)),
        (44635.0, (2022, 3)),
        ("2022.03", (2022, 3)),
        (2022.03, (2022, 3)),
        (2022.1, (2022, 10)),
        ("2022年3月", (2022, 3)),
        ("2022-03", (2022, 3)),
        ("2022/3", (2022, 3)),
        ("202203", (2022, 3)),
        ("2022年３月份", (2022, 3)),
        (3, (None, 3)),
        ("9月", (None, 9)),
    ],
)
def test_month(raw, expected):
    assert parse_month(raw) == expected


@pytest.mark.parametrize("raw", ["2022-13", "三月", "next month"])
def test_month_errors(raw):
    with pytest.raises(CellError):
        parse_month(raw)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("2021-2024", (2021, 2024)),
        ("2021—2024年", (2021, 2024)),
        ("2021年至2024年", (2021, 2024)),
        ("2022", (2022, 2022)),
    ],
)
def test_period(raw, expected):
    assert parse_period(raw) == expected


@pytest.mark.parametrize(
    "text, field, unit",
    [
        ("总投资（亿元）", "total_investment", "亿元"),
        ("总投资(万元)", "total_investment", "万元"),
        ("2022年计划投资", "annual_plan", ""),
        ("1-9月完成投资", "completed_ytd", ""),
        ("1—9月完成", "completed_ytd", ""),
        ("其中：政府投资", "government_investment", ""),
        ("累计形象进度（%）", "physical_percent", "%"),
        ("形象进度", "physical_narrative", ""),
        ("形象进度(%)", "physical_percent", "%"),
        ("统一项目代码", "code", ""),
        ("所在乡镇（街道）", "location", ""),
        ("项 目 名 称", "name", ""),
    ],
)
def test_header_vocabulary(text, field, unit):
    assert match_header(text) == (field, unit)


def test_two_row_header_under_a_title_and_a_unit_line():
    rows = [
        ["云阳县2022年县级重大项目计划表", None, None, None, None],
        ["单位：亿元", None, None, None, None],
        ["序号", "项目名称", "项目代码", "其中", None],
        [None, None, None, "政府性投资", "社会性投资（万元）"],
        [1, "江龙高速", "YY2022-REG-001", 1.5, 300],
    ]
    header = detect_header(rows, merges=[((2, 3), (2, 4))])
    assert header.first_data_row == 4
    assert {k: c.letter for k, c in header.columns.items()} == {
        "row_no": "A",
        "name": "B",
        "code": "C",
        "government_investment": "D",
        "social_investment": "E",
    }
    assert header.scale == Decimal(10000)
    assert header.scale_of(header.columns["social_investment"]) == Decimal(1)


@pytest.mark.parametrize(
    "texts, kind",
    [
        (["合计", "", ""], "total"),
        (["", "小计"], "total"),
        (["一、重大产业项目（65个）"], "total"),
        (["注：本表单位为万元"], "note"),
        (["", ""], "blank"),
        (["1", "江龙高速"], "data"),
    ],
)
def test_row_kinds(texts, kind):
    assert row_kind(texts) == kind
