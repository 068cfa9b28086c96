"""The progress summary (ProjectYearProgress): its figures against a hand computation from the
reports, refresh reaching the project's other years, and `rebuild_progress` finding and fixing a
wrong row. Runs on SQLite and, with DATABASE_URL set, on PostgreSQL."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from projects import progress
from projects.models import (
    PlanYearStatus,
    ProgressReport,
    ProjectYear,
    ProjectYearProgress,
    ReportAction,
    ReportEvent,
    ReportStatus,
)
from tests import factories

D = Decimal


def stored(pk) -> dict:
    return ProjectYearProgress.objects.filter(pk=pk).values(*progress.COLUMNS).get()


def assert_summary_agrees():
    """Every project-year has its summary row, equal to the computation from the reports."""
    ids = list(ProjectYear.objects.values_list("pk", flat=True))
    expected = progress.computed(ids)
    actual = {
        row.pop("project_year_id"): row
        for row in ProjectYearProgress.objects.values("project_year_id", *progress.COLUMNS)
    }
    assert actual == expected


def report(row, month, *, amount="0.00", percent="0", status=ReportStatus.APPROVED, filed=None, **extra):
    """A report written raw (the services' own tests are elsewhere), with its first submission on `filed`."""
    made = ProgressReport.objects.create(
        project_year=row,
        year=row.plan_year.year,
        month=month,
        investment_completed=D(amount),
        physical_percent=D(percent),
        status=status,
        **extra,
    )
    if filed is not None:
        event = ReportEvent.objects.create(
            report=made,
            action=ReportAction.SUBMIT,
            actor=factories.UserFactory(username="office"),
            to_status="submitted",
        )
        ReportEvent.objects.filter(pk=event.pk).update(at=datetime.datetime(*filed, 9, 0, tzinfo=datetime.UTC))
    return made


@pytest.fixture
def two_years(plan_year, categories, unit_a):
    project = factories.ProjectFactory(plan_year=plan_year, category=categories[0], responsible_unit=unit_a)
    later = factories.PlanYearFactory(year=2023, status=PlanYearStatus.ADOPTED)
    return factories.row_of(project), factories.ProjectYearFactory(project=project, plan_year=later)


def test_month_columns_name_the_three_figures():
    assert progress.month_columns(9) == ("completed_m09", "percent_m09", "on_time_m09")
    assert len(progress.COLUMNS) == 36
    with pytest.raises(ValueError):
        progress.month_columns(13)


def test_computed_follows_the_rules_of_the_reports(two_years):
    row_2022, row_2023 = two_years
    report(row_2022, 1, amount="100.00", percent="10", filed=(2022, 2, 5))  # on the due day: on time
    report(row_2022, 2, amount="50.50", percent="12", filed=(2022, 3, 6))  # a day late
    # Not counted: a submitted report (but it was filed on time), a superseded revision, a draft.
    report(row_2022, 3, amount="999.00", percent="90", status=ReportStatus.SUBMITTED, filed=(2022, 4, 1))
    report(row_2022, 1, amount="888.00", percent="88", status=ReportStatus.SUPERSEDED, revision=0, is_current=False)
    report(row_2022, 4, amount="777.00", percent="77", status=ReportStatus.DRAFT, filed=(2022, 5, 1))
    report(row_2022, 5, amount="10.00", percent="15")
    report(row_2023, 2, amount="5.00", percent="20")

    figures = progress.computed([row_2022.pk, row_2023.pk])
    y22, y23 = figures[row_2022.pk], figures[row_2023.pk]
    assert [y22[f"completed_m{m:02d}"] for m in range(1, 13)] == [D("100.00")] + [D("150.50")] * 3 + [D("160.50")] * 8
    assert [y22[f"percent_m{m:02d}"] for m in range(1, 13)] == [D("10"), D("12"), D("12"), D("12")] + [D("15")] * 8
    assert [y22[f"on_time_m{m:02d}"] for m in range(1, 13)] == [1, 1, 2, 2] + [2] * 8
    # 2023 carries 2022's last percent until it reports one of its own; its money is its own.
    assert y23["percent_m01"] == D("15") and y23["percent_m02"] == D("20") and y23["percent_m12"] == D("20")
    assert y23["completed_m01"] == D("0.00") and y23["completed_m12"] == D("5.00")
    assert y23["on_time_m12"] == 0


def test_refresh_writes_every_year_of_the_project(two_years):
    row_2022, row_2023 = two_years
    report(row_2022, 1, amount="100.00", percent="10")
    progress.refresh([row_2022.pk])  # a 2022 approval changes 2023's carried percent too
    assert stored(row_2023.pk)["percent_m01"] == D("10")
    assert_summary_agrees()

    ProgressReport.objects.filter(project_year=row_2022).update(physical_percent=D("11"))
    progress.refresh([row_2022.pk])  # the rows are rewritten, not duplicated
    assert ProjectYearProgress.objects.count() == 2
    assert stored(row_2023.pk)["percent_m12"] == D("11")
    assert_summary_agrees()


def test_a_project_year_is_deleted_with_its_summary(two_years):
    row_2022, row_2023 = two_years
    progress.refresh([row_2023.pk])
    row_2023.delete()
    assert list(ProjectYearProgress.objects.values_list("pk", flat=True)) == [row_2022.pk]


def test_rebuild_progress_finds_and_fixes_a_wrong_row(two_years):
    row_2022, row_2023 = two_years
    report(row_2022, 3, amount="100.00", percent="10")
    progress.refresh([row_2022.pk])
    ProjectYearProgress.objects.filter(pk=row_2022.pk).update(completed_m09=D("1.00"))  # tampered
    ProjectYearProgress.objects.filter(pk=row_2023.pk).delete()  # lost

    out = StringIO()
    call_command("rebuild_progress", stdout=out)
    assert out.getvalue().startswith("已核对2个项目年度进度；其中2个与月报不一致")
    assert stored(row_2022.pk)["completed_m09"] == D("100.00")
    assert_summary_agrees()

    out = StringIO()
    call_command("rebuild_progress", year=2022, stdout=out)
    assert out.getvalue().startswith("已核对1个项目年度进度；其中0个")
