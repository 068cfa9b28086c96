"""The site's tables write their body themselves (portfolio/templatetags/portfolio_tables.py): the
same rows and cells as django-tables2's own template, cell for cell, whatever the columns do."""

import re
from decimal import Decimal

import django_tables2 as tables
import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.test.html import parse_html
from django.test.utils import override_settings
from django.utils import translation
from django.utils.html import format_html
from django_tables2 import RequestConfig

from dispatch.selectors import problem_list
from dispatch.tables import ProblemTable
from portfolio.tables import ProjectTable
from projects import services
from projects.models import ProjectYear, ReportStatus
from projects.selectors import current_period, project_list
from tests.dispatch.conftest import assigned, in_days, raised

STOCK = Template("{% load django_tables2 %}{% render_table table 'django_tables2/table.html' %}")
OURS = Template("{% load django_tables2 %}{% render_table table %}")


def body(template, table) -> str:
    request = RequestFactory().get("/")
    html = template.render(Context({"table": table, "request": request}))
    return re.search(r"<tbody[^>]*>(.*)</tbody>", html, re.S).group(1)


def assert_same_body(make_table):
    """The body as portfolio/_table.html writes it, cell for cell the one django-tables2's own
    template writes (compared as HTML: the same elements, attributes and text). Each is written
    from a table of its own: a table counts its rows across renderings (even / odd)."""
    ours, stock = body(OURS, make_table()), body(STOCK, make_table())
    assert ours.count("<td") == stock.count("<td") > 0
    assert parse_html(ours) == parse_html(stock)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_project_list_body_is_django_tables2s(plan_2022, finance, reviewer, language):
    # The real plan: 165 rows in six categories, stages shown through their choices, locations and
    # units, empty figures (no report yet) beside reported ones, overdue milestones, links to each
    # project.
    for row in ProjectYear.objects.filter(plan_year=plan_2022).select_related("project").order_by("pk")[:3]:
        report = services.report_create(
            actor=finance,
            project=row.project,
            year=2022,
            month=3,
            investment_completed=Decimal("1234.50"),
            physical_percent=Decimal("12.5"),
        )
        services.report_submit(actor=finance, report=report)
        assert services.report_approve(actor=reviewer, report=report).status == ReportStatus.APPROVED
    period = current_period(plan_2022, month=11)

    def make_table():
        table = ProjectTable(data=project_list(plan_year=plan_2022, period=period).order_by("project__code"))
        RequestConfig(RequestFactory().get("/"), paginate={"per_page": 200}).configure(table)
        assert len(table.page.object_list) == 165
        return table

    with translation.override(language):
        html = body(OURS, make_table())
        assert html.count("<tr ") == 165 and html.count(">1,234.50<") == 3
        assert_same_body(make_table)


def test_the_problem_ledger_body_is_django_tables2s(project_a, project_b, office_a, office_b, reviewer, leader):
    # Problems with and without a unit, a leader and a deadline (empty cells), overdue rows (a
    # row attribute from a callable), states through their choices, links to each problem.
    raised(project_a, office_a)
    assigned(project_a, office_a, reviewer, leader=leader, days=2)
    assigned(project_b, office_b, reviewer, days=5)

    def make_table():
        table = ProblemTable(data=problem_list(as_of=in_days(4)))
        RequestConfig(RequestFactory().get("/")).configure(table)
        return table

    html = body(OURS, make_table())
    assert html.count("<tr") == 3 and "overdue" in html
    assert_same_body(make_table)


class _Odd(tables.Table):
    """Columns that take every path of the cell: a render method naming an argument
    django-tables2 does not offer (renders nothing), one taking everything, attributes computed
    per cell, a value that cannot be read, a link and a default."""

    code = tables.Column(accessor="project__code", linkify=lambda record: f"/p/{record.pk}/")
    odd = tables.Column(accessor="project__code", empty_values=())
    everything = tables.Column(accessor="annual_plan")
    per_cell = tables.Column(
        accessor="project__location", attrs={"td": {"data-value": lambda value: value, "class": "x"}}, default="无"
    )
    missing = tables.Column(accessor="project__no_such_thing", default="?")
    owner = tables.Column(accessor="project__owner_unit__name")

    class Meta:
        model = ProjectYear
        template_name = "portfolio/_table.html"
        fields = ()
        row_attrs = {"data-id": lambda record: record.pk}

    def render_odd(self, value, not_offered):
        return "never"

    def render_everything(self, **kwargs):
        return format_html("<b>{}</b> {}", kwargs["value"], kwargs["bound_row"].record.pk)


def test_every_path_of_a_cell_is_django_tables2s(project_a, project_b):
    project_b.location = ""
    project_b.save()

    def make_table():
        table = _Odd(data=ProjectYear.objects.select_related("project__owner_unit").order_by("pk"))
        RequestConfig(RequestFactory().get("/")).configure(table)
        return table

    html = body(OURS, make_table())
    assert "never" not in html and "<b>" in html and 'data-value="无"' in html and "?" in html
    assert_same_body(make_table)


@override_settings(LANGUAGE_CODE="en")
def test_an_empty_table_says_so_across_its_columns(db):
    def make_table():
        table = ProjectTable(data=ProjectYear.objects.none())
        RequestConfig(RequestFactory().get("/")).configure(table)
        return table

    assert_same_body(make_table)
    assert 'colspan="14"' in body(OURS, make_table())
