"""Widgets of the site's own forms."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from projects.params import as_object_id
from projects.selectors import listed_units, units_named


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


class ListedOrTyped(ListSelect):
    """A filter's value chosen from a list while the list is short, typed in a search box when it
    would be longer than settings.LIST_MAX_CHOICES: the page stays the same size however many
    choices the data holds. `listed()` gives the choices, or None when they are too many;
    `shown(value)` is what the box shows for a value (also for text that is none of the listed
    choices, as a hand-typed URL may give)."""

    empty_label = ""
    placeholder = ""

    def listed(self) -> list | None:
        raise NotImplementedError

    def shown(self, value: str) -> str:
        return value

    def render(self, name, value, attrs=None, renderer=None):
        listed = self.listed()
        typed = "" if value is None else str(value)
        # Listed: a select, unless the value is text that is none of the choices (typed into a URL):
        # then the box, so that the page shows what it is filtered by.
        if listed is not None and (not typed or typed in {str(choice) for choice, _label in listed}):
            self.choices = [("", self.empty_label), *listed]
            return super().render(name, value, attrs, renderer)
        attrs = self.build_attrs(self.attrs, {**(attrs or {}), "type": "search", "placeholder": self.placeholder})
        shown = self.shown(typed)
        return format_html('<input name="{}" value="{}"{}>', name, shown, flatatt(attrs))


class UnitChoice(ListedOrTyped):
    """A responsible unit: the units listed, or part of a unit's name typed
    (projects.selectors.listed_units); a unit chosen by id (a link) is shown by its name in the box.
    `units` and `empty_label` are set by the field (portfolio.fields.UnitField)."""

    units = None
    placeholder = _("Part of a unit's name")

    def listed(self):
        return listed_units(self.units)

    def shown(self, value):
        if as_object_id(value) is None:
            return value
        return next(iter(units_named(self.units, value).values_list("name", flat=True)), value)


class LocationChoice(ListedOrTyped):
    """A location in use: listed, or part of one typed. `locations()` (given by the filter set)
    returns the locations to list, or None when they are too many (projects.selectors.listed)."""

    placeholder = _("Part of a location")

    def __init__(self, *, locations, empty_label, **kwargs):
        super().__init__(**kwargs)
        self.locations = locations
        self.empty_label = empty_label

    def listed(self):
        names = self.locations()
        return None if names is None else [(name, name) for name in names]
