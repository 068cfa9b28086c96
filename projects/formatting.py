"""How money and percentages are written for people — pages, admin, `rollup`, the plan paragraph
and the workbook. Money is held in 万元 and written either in 亿元 with one decimal (as the county
report writes it: 326.2; in its prose a trailing ".0" is dropped: 222亿元) or in 万元 with two;
percentages and points with one decimal. Every conversion is Decimal arithmetic rounded half up, so
no float artefact reaches a reader. In `projects/` because the admin (projects.admin) formats
figures too and `projects` never imports `portfolio`."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

WAN_PER_YI = Decimal("10000")
ONE_DECIMAL = Decimal("0.1")
TWO_DECIMALS = Decimal("0.01")
NO_FIGURE = "—"

# The workbook's number formats: the same places as the pages (万元 two, percentages one).
EXCEL_MONEY_FORMAT = "#,##0.00"
EXCEL_PERCENT_FORMAT = "0.0"


def _quantize(value, exponent: Decimal) -> Decimal | None:
    if value is None or value == "":
        return None
    q = Decimal(value).quantize(exponent, rounding=ROUND_HALF_UP)
    return q.copy_abs() if q == 0 else q  # never "-0.0"


def to_yi(wan) -> Decimal | None:
    """万元 → 亿元, one decimal, half up (11545000.00 → 1154.5)."""
    return None if wan is None else _quantize(Decimal(wan) / WAN_PER_YI, ONE_DECIMAL)


def to_wan(wan) -> Decimal | None:
    """万元 to the cent."""
    return _quantize(wan, TWO_DECIMALS)


def one_decimal(value) -> Decimal | None:
    """A percentage or points, as people read them: one decimal, half up."""
    return _quantize(value, ONE_DECIMAL)


def number(value: Decimal | None, places: int, *, grouping: bool = True) -> str:
    """Fixed places, thousands separators unless `grouping` is off; an em dash for "no figure"."""
    if value is None:
        return NO_FIGURE
    return f"{value:,.{places}f}" if grouping else f"{value:.{places}f}"


def _trim(text: str) -> str:
    return text[:-2] if text.endswith(".0") else text


def yi(wan, *, grouping: bool = True, trim: bool = False) -> str:
    """万元 → 「1,154.5」; `grouping=False` → 「1154.5」 (the report's tables); `trim` drops a
    trailing ".0" as the report's prose does (2220000.00 → 「222」)."""
    text = number(to_yi(wan), 1, grouping=grouping)
    return _trim(text) if trim and wan is not None else text


def wan(value, *, grouping: bool = True) -> str:
    """万元 → 「3,262,000.00」."""
    return number(to_wan(value), 2, grouping=grouping)


def points(value, *, trim: bool = False) -> str:
    """A percentage or points, one decimal (75.0); `trim` as in yi (a share in prose: 43.6, 50)."""
    text = number(one_decimal(value), 1, grouping=False)
    return _trim(text) if trim and value is not None else text


def points_abs(value) -> str:
    """Points without their sign, for phrases that say "ahead" or "behind" in words."""
    return points(None if value is None else abs(Decimal(value)))


def yi_text(value) -> str:
    """「1,154.5 亿元」 in the reader's language."""
    amount = to_yi(value)
    return NO_FIGURE if amount is None else _("%(amount)s hundred million yuan") % {"amount": number(amount, 1)}


def wan_text(value) -> str:
    """「3,262,000.00 万元」 in the reader's language."""
    amount = to_wan(value)
    return NO_FIGURE if amount is None else _("%(amount)s ten thousand yuan") % {"amount": number(amount, 2)}


def percent_text(value, places: int = 1) -> str:
    """「75.0%」."""
    amount = _quantize(value, Decimal(1).scaleb(-places))
    return NO_FIGURE if amount is None else f"{number(amount, places)}%"
