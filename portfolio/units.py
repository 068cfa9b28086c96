"""How the pages write amounts and percents: money is held in 万元 and shown either in 亿元 with one
decimal (as the county report writes it: 326.2) or in 万元 with two, always with its unit. Every
conversion is Decimal arithmetic with half-up rounding, so no float artefact can reach a page."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

WAN_PER_YI = Decimal("10000")
ONE_DECIMAL = Decimal("0.1")
TWO_DECIMALS = Decimal("0.01")


def _quantize(value, exponent: Decimal) -> Decimal | None:
    if value is None or value == "":
        return None
    q = Decimal(value).quantize(exponent, rounding=ROUND_HALF_UP)
    return q.copy_abs() if q == 0 else q  # never "-0.0"


def to_yi(wan) -> Decimal | None:
    """万元 → 亿元, one decimal."""
    return None if wan is None else _quantize(Decimal(wan) / WAN_PER_YI, ONE_DECIMAL)


def to_wan(wan) -> Decimal | None:
    return _quantize(wan, TWO_DECIMALS)


def one_decimal(value) -> Decimal | None:
    return _quantize(value, ONE_DECIMAL)


def number(value: Decimal | None, places: int) -> str:
    """Thousands separators, fixed places; an em dash for "no figure"."""
    if value is None:
        return "—"
    return f"{value:,.{places}f}"


def yi_text(wan) -> str:
    value = to_yi(wan)
    return "—" if value is None else _("%(amount)s hundred million yuan") % {"amount": number(value, 1)}


def wan_text(wan) -> str:
    value = to_wan(wan)
    return "—" if value is None else _("%(amount)s ten thousand yuan") % {"amount": number(value, 2)}


def percent_text(value, places: int = 1) -> str:
    value = _quantize(value, Decimal(1).scaleb(-places))
    return "—" if value is None else f"{number(value, places)}%"
