"""Form fields of the site's own forms."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from projects.params import as_object_id
from projects.selectors import units_named

from .widgets import UnitChoice


class UnitField(forms.Field):
    """A responsible unit: its id (the list's choice, a link) or, where the units are too many to
    list (UnitChoice), part of its name. Cleans to the units meant, or None when left empty; an id
    of no unit in `queryset` is an error on the field. Text holding NUL never reaches it: every
    request parameter is checked for that first (config/parameters.py)."""

    widget = UnitChoice
    default_error_messages = {
        "invalid_choice": _("There is no such unit (%(value)s) to choose."),
    }

    def __init__(self, *, queryset, empty_label="---------", **kwargs):
        super().__init__(**kwargs)
        self.queryset = queryset
        self.widget.units = queryset
        self.widget.empty_label = empty_label

    def to_python(self, value):
        value = (value or "").strip()
        if not value:
            return None
        units = units_named(self.queryset, value)
        if as_object_id(value) is None:
            return units
        ids = list(units.values_list("pk", flat=True))
        if not ids:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value})
        return ids

    def prepare_value(self, value):
        return getattr(value, "pk", value)  # an initial unit, as its id (the list's values)


class OneUnitField(UnitField):
    """One responsible unit, for a form that hands something to a unit: chosen from the list, or
    typed where the units are too many to list — the unit of exactly that name, else the one unit
    whose name contains the text. None or several matching is an error on the field that says so
    (naming the first few)."""

    default_error_messages = {
        "none_named": _("No unit's name contains “%(value)s”."),
        "several": _("Several units match “%(value)s”: %(names)s. Type more of the name."),
    }

    def to_python(self, value):
        units = super().to_python(value)
        if units is None:
            return None
        if isinstance(units, list):  # an id, checked above
            return self.queryset.get(pk=units[0])
        text = value.strip()
        exact = list(units.filter(name=text)[:2])
        if len(exact) == 1:
            return exact[0]
        found = list(units.order_by("name")[:4])
        if len(found) == 1:
            return found[0]
        if not found:
            raise ValidationError(self.error_messages["none_named"], code="none_named", params={"value": text})
        names = "、".join(unit.name for unit in found[:3]) + ("…" if len(found) > 3 else "")
        raise ValidationError(self.error_messages["several"], code="several", params={"value": text, "names": names})
