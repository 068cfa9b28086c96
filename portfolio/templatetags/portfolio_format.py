"""Template filters for amounts (亿元 / 万元 with their unit), percents, categories and flags — thin
names over projects.formatting, the one place figures are formatted."""

from django import template

from projects import formatting

from ..tables import category_label, flag_badge

register = template.Library()


@register.filter
def yi(wan):
    """万元 amount → 「326.2 亿元」."""
    return formatting.yi_text(wan)


@register.filter
def yi_number(wan):
    """万元 amount → 「326.2」 (the unit is in the column header)."""
    return formatting.yi(wan)


@register.filter
def wan(value):
    return formatting.wan_text(value)


@register.filter
def wan_number(value):
    return formatting.wan(value)


@register.filter
def pct(value, places=1):
    return formatting.percent_text(value, int(places))


@register.filter
def points(value):
    """Percent points, one decimal; the sign is left to the words around it."""
    return formatting.points(value)


@register.filter
def points_abs(value):
    """Points without their sign, for phrases that say "ahead" or "behind" in words."""
    return formatting.points_abs(value)


@register.filter
def category(value):
    return category_label(value)


@register.filter
def flag(value):
    return flag_badge(value)
