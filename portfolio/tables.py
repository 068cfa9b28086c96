"""The project browser's table. Rows come annotated from projects.selectors.project_list; the
footer shows totals the view aggregates in the database over every filtered row (not the page)."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from projects import formatting, rules
from projects.models import ProjectYear
from projects.rules import BEHIND_SCHEDULE_LABEL, Flag

FLAG_LABELS = dict(Flag.CHOICES)


def category_label(category) -> str:
    """The category as the reader's language writes it (the report's Chinese name by default)."""
    if category is None:
        return ""
    return category.name_en if (get_language() or "").startswith("en") and category.name_en else category.name


def flag_badge(flag: str):
    return format_html(
        '<span class="flag flag-{}"><span class="dot" aria-hidden="true"></span>{}</span>',
        flag,
        FLAG_LABELS.get(flag, flag),
    )


class MoneyColumn(tables.Column):
    """万元 with two decimals; the unit is in the header."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "num"}, "th": {"class": "num"}, "tf": {"class": "num"}})
        super().__init__(*args, **kwargs)

    def render(self, value):
        return formatting.wan(value)


class PercentColumn(tables.Column):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "num"}, "th": {"class": "num"}, "tf": {"class": "num"}})
        super().__init__(*args, **kwargs)

    def render(self, value):
        return formatting.points(value)


def _footer(key, render=formatting.wan):
    return lambda table: render((getattr(table, "totals", None) or {}).get(key))


class ProjectTable(tables.Table):
    # Rows are projects' rows in one year's plan (ProjectYear); the identity's columns go through
    # `project`, and a name links to the project's page for that year.
    code = tables.Column(
        verbose_name=_("Code"),
        accessor="project__code",
        order_by=("project__code",),
        attrs={"td": {"class": "code"}},
        footer=lambda table: _("Total of %(n)s projects") % {"n": (getattr(table, "totals", None) or {}).get("n", 0)},
    )
    name = tables.Column(
        verbose_name=_("Project"),
        accessor="project__name",
        order_by=("project__name", "project__code"),
        attrs={"td": {"class": "name"}},
        linkify=lambda record: reverse("portfolio:project", args=[record.project.code])
        + f"?year={record.plan_year.year}",
    )
    category = tables.Column(
        verbose_name=_("Category"), attrs={"td": {"class": "cat"}}, order_by=("category__order", "project__code")
    )
    stage = tables.Column(
        verbose_name=_("Stage"), attrs={"td": {"class": "nowrap"}}, order_by=("stage", "project__code")
    )
    responsible_unit = tables.Column(
        verbose_name=_("Responsible unit"),
        accessor="project__responsible_unit",
        order_by=("project__responsible_unit__name", "project__code"),
        attrs={"td": {"class": "nowrap"}},
    )
    location = tables.Column(
        verbose_name=_("Location"),
        accessor="project__location",
        order_by=("project__location", "project__code"),
        attrs={"td": {"class": "nowrap"}},
    )
    # Every sort ends on the code: rows that tie (many at 0.00 at province scale) keep one order,
    # so no row shows on two pages or on none.
    total_investment = MoneyColumn(
        verbose_name=_("Total investment (10k yuan)"),
        footer=_footer("total_investment"),
        order_by=("total_investment", "project__code"),
    )
    annual_plan = MoneyColumn(
        verbose_name=_("Plan for the year (10k yuan)"),
        footer=_footer("annual_plan"),
        order_by=("annual_plan", "project__code"),
    )
    completed_ytd = MoneyColumn(
        verbose_name=_("Completed to date (10k yuan)"),
        footer=_footer("completed_ytd"),
        order_by=("completed_ytd", "project__code"),
    )
    completion_rate = PercentColumn(
        verbose_name=_("Completion (%)"),
        footer=_footer("completion_rate", formatting.points),
        order_by=("completion_rate", "project__code"),
    )
    behind_schedule_points = PercentColumn(
        verbose_name=BEHIND_SCHEDULE_LABEL,
        footer=_footer("behind_schedule_points", formatting.points),
        order_by=("behind_schedule_points", "project__code"),
    )
    latest_percent = PercentColumn(verbose_name=_("Works (%)"), order_by=("latest_percent", "project__code"))
    overdue_milestones = tables.Column(
        verbose_name=_("Overdue milestones"),
        attrs={"td": {"class": "num"}},
        order_by=("overdue_milestones", "project__code"),
    )
    flag = tables.Column(verbose_name=_("Flag"))

    class Meta:
        model = ProjectYear
        template_name = "portfolio/_table.html"
        fields = ()  # the columns above, in this order
        sequence = (
            "code",
            "name",
            "flag",
            "category",
            "stage",
            "responsible_unit",
            "location",
            "total_investment",
            "annual_plan",
            "completed_ytd",
            "completion_rate",
            "behind_schedule_points",
            "latest_percent",
            "overdue_milestones",
        )
        attrs = {"class": "data-table", "id": "project-table"}
        empty_text = _("No project matches these filters.")
        per_page = 25

    def render_category(self, value):
        return category_label(value)

    def render_flag(self, value):
        return flag_badge(value)

    def order_flag(self, queryset, is_descending):
        # By severity (green < yellow < red), not alphabetically.
        rank = rules.warning_rank_expression(
            "behind_schedule_points", "overdue_milestone_level", "overdue_problem_level"
        )
        queryset = queryset.annotate(flag_rank=rank).order_by(
            ("-" if is_descending else "") + "flag_rank", "project__code"
        )
        return queryset, True
