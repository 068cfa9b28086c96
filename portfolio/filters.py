"""The project browser's filters. They narrow a queryset already annotated by
projects.selectors.project_list, so the flag filter works on the flag computed in the database."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from projects.models import Category, Project, ResponsibleUnit, Stage
from projects.selectors import Flag, unit_id, units_named

from .widgets import ListSelect, UnitChoice


class UnitField(forms.Field):
    """A responsible unit: its id (the list's choice, a link) or, where the units are too many to
    list (UnitChoice), part of its name. Cleans to the units meant, or None when left empty; an id
    of no unit in `queryset` is an error on the field."""

    widget = UnitChoice
    default_error_messages = {"invalid_choice": _("There is no such unit (%(value)s) to choose.")}

    def __init__(self, *, queryset, empty_label="", **kwargs):
        super().__init__(**kwargs)
        self.queryset = queryset
        self.widget.units = queryset
        self.widget.empty_label = empty_label

    def to_python(self, value):
        value = (value or "").strip()
        if not value:
            return None
        units = units_named(self.queryset, value)
        if unit_id(value) is None:
            return units
        ids = list(units.values_list("pk", flat=True))
        if not ids:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value})
        return ids


class UnitFilter(django_filters.Filter):
    """The rows of the unit(s) a UnitField names; `queryset`: the units one may choose among."""

    field_class = UnitField

    @property
    def queryset(self):
        return self.extra["queryset"]

    @queryset.setter
    def queryset(self, units):
        self.extra["queryset"] = units

    def filter(self, qs, value):
        return qs if value is None else qs.filter(**{f"{self.field_name}__in": value})


def project_locations(units=None) -> list[str]:
    """The distinct non-empty locations of the projects of `units` (None: of every project), in order."""
    if units is not None:
        return list(
            Project.objects.filter(responsible_unit__in=units)
            .exclude(location="")
            .order_by("location")
            .values_list("location", flat=True)
            .distinct()
        )
    # A loose index scan (project_location_idx): each step fetches the next location above the last.
    table, column = Project._meta.db_table, Project._meta.get_field("location").column
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH RECURSIVE loc(name) AS (
                SELECT (SELECT {column} FROM {table} WHERE {column} > '' ORDER BY {column} LIMIT 1)
                UNION ALL
                SELECT (SELECT p.{column} FROM {table} p WHERE p.{column} > loc.name ORDER BY p.{column} LIMIT 1)
                FROM loc WHERE loc.name IS NOT NULL
            )
            SELECT name FROM loc WHERE name IS NOT NULL
            """  # noqa: S608 (table and column names come from the model, no user input)
        )
        return [name for (name,) in cursor.fetchall()]


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search name or code"), method="search")
    category = django_filters.ModelChoiceFilter(
        widget=ListSelect,
        label=_("Category"),
        queryset=Category.objects.order_by("order"),
        empty_label=_("All categories"),
    )
    stage = django_filters.ChoiceFilter(
        widget=ListSelect, label=_("Stage"), choices=Stage.choices, empty_label=_("All stages")
    )
    responsible_unit = UnitFilter(
        field_name="project__responsible_unit",
        label=_("Responsible unit"),
        queryset=ResponsibleUnit.objects.order_by("name"),
        empty_label=_("All units"),
    )
    location = django_filters.ChoiceFilter(
        widget=ListSelect,
        field_name="project__location",
        label=_("Location"),
        choices=[],
        empty_label=_("All locations"),
    )
    flag = django_filters.ChoiceFilter(
        widget=ListSelect, label=_("Flag"), choices=Flag.CHOICES, empty_label=_("All flags")
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Locations are free text on the project: offer those in use, so nobody has to guess a
        # spelling. An office: its own unit's projects' (a few hundred rows); everyone else: every
        # project's, read by skipping along the location index (one probe per distinct location,
        # ~40) instead of a DISTINCT over 100,000 rows joined to the year's plan (270 ms).
        self.filters["location"].extra["choices"] = lambda: [(name, name) for name in project_locations(units)]
        if units is not None:  # an office sees only its own unit
            self.filters["responsible_unit"].queryset = units

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(project__name__icontains=value) | Q(project__code__icontains=value))
