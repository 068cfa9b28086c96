"""The ledger's table. Rows come from dispatch.selectors.problem_list, overdue annotated."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import Problem
from .selectors import person


def state_badge(problem) -> str:
    """The state, red when overdue: the one look a problem has on every page."""
    css = "flag-red" if getattr(problem, "overdue", False) else f"state-{problem.state}"
    label = problem.get_state_display()
    if getattr(problem, "overdue", False):
        label = format_html("{} · {}", label, _("Overdue"))
    return format_html(
        '<span class="flag problem-state {}"><span class="dot" aria-hidden="true"></span>{}</span>',
        css,
        label,
    )


class ProblemTable(tables.Table):
    id = tables.Column(
        verbose_name=_("No."),
        linkify=lambda record: reverse("dispatch:problem", args=[record.pk]),
        attrs={"td": {"class": "num"}},
    )
    project = tables.Column(
        verbose_name=_("Project"),
        accessor="project__name",
        order_by=("project__name",),
        attrs={"td": {"class": "name"}},
    )
    type = tables.Column(verbose_name=_("Type"), attrs={"td": {"class": "nowrap"}})
    description = tables.Column(
        verbose_name=_("Problem"),
        linkify=lambda record: reverse("dispatch:problem", args=[record.pk]),
        attrs={"td": {"class": "name"}},
    )
    unit = tables.Column(
        verbose_name=_("Unit to solve it"),
        order_by=("unit__name",),
        attrs={"td": {"class": "nowrap"}},
    )
    leader = tables.Column(
        verbose_name=_("Coordinating leader"),
        order_by=("leader__last_name", "leader__username"),
        attrs={"td": {"class": "nowrap"}},
    )
    deadline = tables.DateColumn(verbose_name=_("Deadline"), format="Y-m-d", attrs={"td": {"class": "nowrap"}})
    state = tables.Column(verbose_name=_("State"), attrs={"td": {"class": "nowrap"}})

    class Meta:
        model = Problem
        template_name = "portfolio/_table.html"
        fields = ()
        sequence = (
            "id",
            "state",
            "project",
            "type",
            "description",
            "unit",
            "leader",
            "deadline",
        )
        attrs = {"class": "data-table", "id": "problem-table"}
        empty_text = _("No problem matches these filters.")
        per_page = 25
        row_attrs = {"class": lambda record: "overdue" if record.overdue else ""}

    def render_state(self, record):
        return state_badge(record)

    def render_leader(self, value):
        return person(value)

    def render_description(self, value):
        return value if len(value) <= 60 else value[:60] + "…"
