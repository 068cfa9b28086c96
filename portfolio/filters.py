"""The project browser's filters. They narrow a queryset already annotated by
projects.selectors.project_list, so the flag filter works on the flag computed in the database."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from projects.models import Category, ResponsibleUnit, Stage
from projects.selectors import Flag


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search name or code"), method="search")
    category = django_filters.ModelChoiceFilter(
        label=_("Category"), queryset=Category.objects.order_by("order"), empty_label=_("All categories")
    )
    stage = django_filters.ChoiceFilter(label=_("Stage"), choices=Stage.choices, empty_label=_("All stages"))
    responsible_unit = django_filters.ModelChoiceFilter(
        field_name="project__responsible_unit",
        label=_("Responsible unit"),
        queryset=ResponsibleUnit.objects.order_by("name"),
        empty_label=_("All units"),
    )
    location = django_filters.ChoiceFilter(
        field_name="project__location", label=_("Location"), choices=[], empty_label=_("All locations")
    )
    flag = django_filters.ChoiceFilter(label=_("Flag"), choices=Flag.CHOICES, empty_label=_("All flags"))

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Locations are free text on the project: offer those in use among the rows this user
        # may see (one query), so nobody has to guess a spelling.
        locations = (
            self.queryset.exclude(project__location="")
            .order_by("project__location")
            .values_list("project__location", flat=True)
            .distinct()
        )
        self.filters["location"].extra["choices"] = lambda: [(name, name) for name in locations]
        if units is not None:  # an office sees only its own unit
            self.filters["responsible_unit"].queryset = units

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(project__name__icontains=value) | Q(project__code__icontains=value))
