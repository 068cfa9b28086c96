"""Completed investment by month for the overview's cumulative chart."""

from decimal import Decimal

from portfolio.selectors import category_rollup, monthly_completion
from projects import progress
from projects.models import ProgressReport, ReportStatus
from tests import factories
from tests.factories import row_of


def report(project, month, amount, status=ReportStatus.APPROVED, year=2022, is_current=True, revision=1):
    made = ProgressReport.objects.create(
        project_year=row_of(project, year),
        year=year,
        month=month,
        revision=revision,
        investment_completed=Decimal(amount),
        physical_percent=Decimal("10"),
        status=status,
        is_current=is_current,
    )
    progress.refresh([made.project_year_id])  # written raw, past the services: refresh its progress summary
    return made


def test_cumulates_only_approved_current_reports_of_the_period(
    plan_year, project_a, project_b, django_assert_num_queries
):
    report(project_a, 1, "100.00")
    report(project_b, 1, "50.50")
    report(project_a, 3, "200.00")
    report(project_b, 3, "999.00", status=ReportStatus.SUBMITTED)  # not approved yet
    report(project_b, 2, "777.00", status=ReportStatus.SUPERSEDED, is_current=False)  # replaced by revision 2
    report(project_b, 2, "70.00", revision=2)
    report(project_a, 10, "5000.00")  # after the reporting month (9)
    other_year = factories.PlanYearFactory(year=2021)
    old = factories.ProjectFactory(plan_year=other_year, code="YY2021-TST-001")
    report(old, 1, "888.00", year=2021)

    with django_assert_num_queries(1):
        points = monthly_completion(plan_year=plan_year, annual_plan=Decimal("2400.00"))

    assert [p.month for p in points] == list(range(1, 10))
    assert [p.completed for p in points[:4]] == [
        Decimal("150.50"),
        Decimal("70.00"),
        Decimal("200.00"),
        Decimal("0.00"),
    ]
    assert points[2].cumulative == Decimal("420.50")
    assert points[-1].cumulative == Decimal("420.50")
    assert points[2].cumulative_rate == Decimal("17.52")  # 420.50 / 2400
    assert points[2].time_elapsed == Decimal("25.00")
    # The chart's last point and the overview's completion rate are the same figure.
    rollup = category_rollup(plan_year=plan_year)
    points = monthly_completion(plan_year=plan_year, annual_plan=rollup.total.annual_plan)
    assert points[-1].cumulative == rollup.total.completed_ytd


def test_narrowed_to_the_projects_given(plan_year, project_a, project_b):
    report(project_a, 1, "100.00")
    report(project_b, 1, "50.00")
    points = monthly_completion(plan_year=plan_year, annual_plan=Decimal("1200.00"), projects=project_a.years.all())
    assert points[0].completed == Decimal("100.00")
