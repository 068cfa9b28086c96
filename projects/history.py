"""How a history row's changes read to people: each field's label with its old and new value, as
the project page and the admin's history both show them (choice labels, names, 万元 as stored)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

EMPTY = "—"


@dataclass(frozen=True)
class FieldChange:
    field: str  # the field's label
    old: str
    new: str


def display_value(field, value, names: dict | None = None) -> str:
    """One stored value as people read it; `names` maps a foreign key's id to its name."""
    if value is None or value == "":
        return EMPTY
    if getattr(field, "flatchoices", None):
        return str(dict(field.flatchoices).get(value, value))
    if names is not None and getattr(field, "many_to_one", False):
        return names.get(value, str(value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)  # a Decimal keeps the digits the report gave


def field_changes(model: type[Model], pairs: list[tuple]) -> list[list[FieldChange]]:
    """For each (newer, older) pair of history rows, what changed from older to newer ([] when
    there is no older row). Foreign keys are named with one query per related model, whatever the
    number of rows."""
    deltas = [newer.diff_against(older).changes if older is not None else [] for newer, older in pairs]
    wanted: dict[type[Model], set] = defaultdict(set)
    for changes in deltas:
        for change in changes:
            field = model._meta.get_field(change.field)
            if field.many_to_one:
                wanted[field.related_model] |= {change.old, change.new} - {None}
    names = {
        related: {obj.pk: str(obj) for obj in related._default_manager.filter(pk__in=ids)}
        for related, ids in wanted.items()
    }
    result = []
    for changes in deltas:
        rows = []
        for change in changes:
            field = model._meta.get_field(change.field)
            if field.many_to_many:
                continue  # not shown on the project page
            known = names.get(field.related_model) if field.many_to_one else None
            rows.append(
                FieldChange(
                    field=str(field.verbose_name),
                    old=display_value(field, change.old, known),
                    new=display_value(field, change.new, known),
                )
            )
        result.append(rows)
    return result
