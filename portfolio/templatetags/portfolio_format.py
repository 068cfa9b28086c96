"""Template filters for amounts (亿元 / 万元 with their unit), percents, categories and flags."""

from django import template

from .. import units
from ..tables import category_label, flag_badge

register = template.Library()


@register.filter
def yi(wan):
    """万元 amount → 「326.2 亿元」."""
    return units.yi_text(wan)


@register.filter
def yi_number(wan):
    """万元 amount → 「326.2」 (the unit is in the column header)."""
    return units.number(units.to_yi(wan), 1)


@register.filter
def wan(value):
    return units.wan_text(value)


@register.filter
def wan_number(value):
    return units.number(units.to_wan(value), 2)


@register.filter
def pct(value, places=1):
    return units.percent_text(value, int(places))


@register.filter
def points(value):
    """Percent points, one decimal; the sign is left to the words around it."""
    return units.number(units.one_decimal(value), 1)


@register.filter
def category(value):
    return category_label(value)


@register.filter
def flag(value):
    return flag_badge(value)


@register.filter
def points_abs(value):
    """Points without their sign, for phrases that say "ahead" or "behind" in words."""
    return units.number(None if value is None else abs(units.one_decimal(value)), 1)
