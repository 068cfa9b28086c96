"""Widgets of the site's own forms."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from projects.selectors import listed_units, unit_id, units_named


class ListSelect(forms.Select):
    """A filter's <select>, written in Python: the same elements and attributes as Django's Select.

    Django's select.html includes a template for every option and another for its attributes; the
    filter of a province's 1,000 responsible units took 45-55 ms to render that way (about half of a
    list page's server time), 15 ms here. A Select passes none of its attributes to its options, so
    an option's only attribute is `selected`. Choices in groups (none of the filters has any) are
    left to Django's template."""

    def render(self, name, value, attrs=None, renderer=None):
        choices = list(iter(self.choices))  # not list(self.choices): that asks a queryset for len(), a COUNT
        if any(isinstance(label, (list, tuple)) for _value, label in choices):
            return super().render(name, value, attrs, renderer)
        chosen = set(self.format_value(value))
        options = format_html_join(
            "\n",
            '<option value="{}"{}>{}</option>',
            ((option, " selected" if str(option) in chosen else "", label) for option, label in choices),
        )
        return format_html(
            '<select name="{}"{}>\n{}\n</select>', name, flatatt(self.build_attrs(self.attrs, attrs)), options
        )


class UnitChoice(ListSelect):
    """A responsible unit, chosen from the list of units while they are few, typed (part of its
    name, in a search box) when they are more than settings.LIST_MAX_UNITS: the page stays the
    same size however many units there are (projects.selectors.listed_units). A unit chosen by id
    (a link) is shown by its name in the box. `units` and `empty_label` are set by UnitField."""

    units = None
    empty_label = ""

    def render(self, name, value, attrs=None, renderer=None):
        listed = listed_units(self.units)
        if listed is not None:
            self.choices = [("", self.empty_label), *listed]
            return super().render(name, value, attrs, renderer)
        shown = "" if value is None else str(value)
        named = units_named(self.units, shown).values_list("name", flat=True) if unit_id(shown) is not None else []
        shown = next(iter(named), shown)
        attrs = self.build_attrs(
            self.attrs, {**(attrs or {}), "type": "search", "placeholder": _("Part of a unit's name")}
        )
        return format_html('<input name="{}" value="{}"{}>', name, shown, flatatt(attrs))
