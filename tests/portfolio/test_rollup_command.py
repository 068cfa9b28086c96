"""`manage.py rollup`: the table and the JSON carry the declared figures; unknown years and months
are refused; the query count does not grow with the number of projects."""

import json
from decimal import ROUND_HALF_UP, Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from projects import progress
from projects.models import ProgressReport, Project, ReportStatus
from tests import factories
from tests.factories import row_of
from tests.plan_2022 import CATEGORY_TABLE


def wan(yi: str) -> str:
    return str((Decimal(yi) * 10000).quantize(Decimal("0.01")))


def rollup(**options) -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("rollup", stdout=out, **options)
    return out.getvalue()


def test_json_carries_the_declared_figures(plan_2022):
    data = json.loads(rollup(year=2022, format="json"))
    assert data["year"] == 2022 and data["unit"] == "万元" and data["month"] == 9
    assert [c["code"] for c in data["categories"]] == [row[0] for row in CATEGORY_TABLE]
    for category, (_code, name, projects, total, annual) in zip(data["categories"], CATEGORY_TABLE, strict=True):
        assert category["name"] == name
        assert category["projects"] == projects
        assert category["total_investment"] == wan(total)
        assert category["annual_plan"] == wan(annual)
        assert Decimal(category["government_investment"]) + Decimal(category["social_investment"]) == Decimal(
            category["total_investment"]
        )
        assert category["completed_ytd"] == "0.00" and category["completion_rate"] == "0.00"
        assert category["behind_schedule_points"] == "75.00"  # positive = behind
    total = data["total"]
    assert "code" not in total and "name" not in total
    assert total == {
        "projects": 165,
        "total_investment": "11545000.00",
        "government_investment": "5031000.00",
        "social_investment": "6514000.00",
        "annual_plan": "2220000.00",
        "completed_ytd": "0.00",
        "completion_rate": "0.00",
        "behind_schedule_points": "75.00",
    }


def test_json_counts_approved_reports_up_to_the_month(plan_2022):
    project = Project.objects.get(code="YY2022-IND-001")  # an industrial project

    def report(month, amount, status=ReportStatus.APPROVED):
        ProgressReport.objects.create(
            project_year=row_of(project),
            year=2022,
            month=month,
            investment_completed=Decimal(amount),
            physical_percent=Decimal("10"),
            status=status,
        )
        progress.refresh([row_of(project).pk])  # written raw, past the services: refresh its progress summary.

    report(2, "3795.00")
    report(3, "3795.00")
    report(4, "999.00", status=ReportStatus.SUBMITTED)  # not approved: does not count
    data = json.loads(rollup(year=2022, month=3, format="json"))
    industry = data["categories"][0]
    assert industry["completed_ytd"] == "7590.00" and industry["completion_rate"] == "1.00"  # of 759000
    assert industry["behind_schedule_points"] == "24.00"  # 序时进度 25.00 at month 3, minus 1.00
    assert data["total"]["completed_ytd"] == "7590.00"
    assert json.loads(rollup(year=2022, month=1, format="json"))["total"]["completed_ytd"] == "0.00"


def test_table_in_yi_yuan(plan_2022):
    lines = rollup(year=2022).splitlines()
    assert "months 1-9" in lines[0]
    assert lines[1].rstrip().endswith("Behind 序时进度 (points)")
    as_json = {c["code"]: c for c in json.loads(rollup(year=2022, format="json"))["categories"]}
    for code, name, projects, total, annual in CATEGORY_TABLE:
        row = next(line for line in lines if line.startswith(name)).split()
        assert row[1:3] == [str(projects), total]
        assert row[5:10] == [annual, "0.0", "0.0", "75.0", "75.0"]  # 75 points behind: positive
        for column, key in ((3, "government_investment"), (4, "social_investment")):
            assert Decimal(row[column]) == (Decimal(as_json[code][key]) / 10000).quantize(Decimal("0.1"), ROUND_HALF_UP)
    total_row = next(line for line in lines if line.startswith("Total")).split()
    assert total_row[1:] == ["165", "1154.5", "503.1", "651.4", "222.0", "0.0", "0.0", "75.0", "75.0"]
    # Aligned: every data line as wide as the header line, counting a Chinese character as two columns.
    from portfolio.management.commands.rollup import width

    assert len({width(line) for line in lines[1:] if not line.startswith("-")}) == 1


def test_unknown_year_and_month_refused(plan_2022):
    with pytest.raises(CommandError, match="2031"):
        rollup(year=2031)
    with pytest.raises(CommandError):
        rollup(year=2022, month=13)


@pytest.mark.parametrize("n", [3, 40])
def test_query_count_does_not_grow_with_projects(db, django_assert_num_queries, n):
    plan_year = factories.PlanYearFactory(year=2022)
    categories = factories.categories()
    for i in range(n):
        project = factories.ProjectFactory(plan_year=plan_year, category=categories[i % 6])
        ProgressReport.objects.create(
            project_year=row_of(project),
            year=2022,
            month=2,
            investment_completed=Decimal("10"),
            physical_percent=Decimal("5"),
            status=ReportStatus.APPROVED,
        )
    progress.rebuild()  # written raw, past the services: rebuild the progress summary, as `rebuild_progress` would.
    # 1 plan year, 2 the sums, progress and flags grouped by category and flag (one query: the
    # annotated rows are built once, not once for the sums and once for the flags), 3 the categories.
    with django_assert_num_queries(3):
        data = json.loads(rollup(year=2022, format="json"))
    assert data["total"]["projects"] == n
    with django_assert_num_queries(3):
        rollup(year=2022)
