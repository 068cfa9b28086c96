"""The project browser's filters. They narrow a queryset already annotated by
projects.selectors.project_list, so the flag filter works on the flag computed in the database."""

import django_filters
from django.db import connection
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from projects.models import Category, Project, ResponsibleUnit, Stage
from projects.selectors import Flag, listed

from .fields import UnitField
from .widgets import ListSelect, LocationChoice


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


def project_locations(units=None, *, limit: int | None = None) -> list[str]:
    """The distinct non-empty locations of the projects of `units` (None: of every project), in
    order; the first `limit` of them when given."""
    if units is not None:
        names = (
            Project.objects.filter(responsible_unit__in=units)
            .exclude(location="")
            .order_by("location")
            .values_list("location", flat=True)
            .distinct()
        )
        return list(names if limit is None else names[:limit])
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
            SELECT name FROM loc WHERE name IS NOT NULL LIMIT %s
            """,  # noqa: S608 (table and column names come from the model, no user input)
            [-1 if limit is None and connection.vendor == "sqlite" else limit],
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
    location = django_filters.CharFilter(label=_("Location"), method="filter_location")
    flag = django_filters.ChoiceFilter(
        widget=ListSelect, label=_("Flag"), choices=Flag.CHOICES, empty_label=_("All flags")
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = units
        # Locations are free text on the project: offer those in use, so nobody has to guess a
        # spelling, while they are few enough to list (LocationChoice).
        self.filters["location"].extra["widget"] = LocationChoice(
            locations=lambda: self.listed_locations, empty_label=_("All locations")
        )
        if units is not None:  # an office sees only its own unit
            self.filters["responsible_unit"].queryset = units

    @cached_property
    def listed_locations(self) -> list[str] | None:
        """The locations in use the filter lists, or None when they are too many to list
        (projects.selectors.listed). An office: its own unit's projects' (a few hundred rows);
        everyone else: every project's, read by skipping along the location index (one probe per
        distinct location, ~40) instead of a DISTINCT over 100,000 rows joined to the year's plan
        (270 ms)."""
        return listed(lambda limit: project_locations(self.units, limit=limit))

    def filter_location(self, queryset, name, value):
        # One chosen from the list is that location; any other text (typed: too many to list, or a
        # hand-made URL) is part of one.
        value = value.strip()
        if not value:
            return queryset
        if self.listed_locations is not None and value in self.listed_locations:
            return queryset.filter(project__location=value)
        return queryset.filter(project__location__icontains=value)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(project__name__icontains=value) | Q(project__code__icontains=value))
