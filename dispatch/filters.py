"""The ledger's filters: state, type, unit, leader, overdue and a text search."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portfolio.filters import UnitFilter
from portfolio.widgets import ListSelect
from projects.models import ResponsibleUnit

from .forms import leader_accounts
from .models import ProblemState, ProblemType

OPEN_CHOICE = "open"


class ProblemFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    state = django_filters.ChoiceFilter(
        widget=ListSelect,
        label=_("State"),
        choices=[(OPEN_CHOICE, _("Not closed"))] + ProblemState.choices,
        empty_label=_("All states"),
        method="filter_state",
    )
    type = django_filters.ChoiceFilter(
        widget=ListSelect, label=_("Type"), choices=ProblemType.choices, empty_label=_("All types")
    )
    unit = UnitFilter(
        label=_("Unit to solve it"),
        queryset=ResponsibleUnit.objects.order_by("name"),
        empty_label=_("All units"),
    )
    leader = django_filters.ModelChoiceFilter(
        widget=ListSelect, label=_("Coordinating leader"), queryset=None, empty_label=_("All leaders")
    )
    overdue = django_filters.ChoiceFilter(
        widget=ListSelect,
        label=_("Overdue"),
        method="filter_overdue",
        choices=[("true", _("Overdue only")), ("false", _("Not overdue"))],
        empty_label=_("Overdue or not"),
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["leader"].queryset = leader_accounts()
        if units is not None:  # an office chooses only among the units it may see
            self.filters["unit"].queryset = units

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(description__icontains=value) | Q(project__name__icontains=value) | Q(project__code__icontains=value)
        )

    def filter_state(self, queryset, name, value):
        if value == OPEN_CHOICE:
            return queryset.exclude(state=ProblemState.CLOSED)
        return queryset.filter(state=value)

    def filter_overdue(self, queryset, name, value):
        # `overdue` is annotated by dispatch.selectors.problems_with_status.
        return queryset.filter(overdue=value == "true") if value in ("true", "false") else queryset
