"""The database refuses rows that break the domain's rules, whatever code writes them."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from projects.models import ProgressReport, project_code_validator
from tests.factories import MilestoneFactory, ProjectFactory, row_of


def refused(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_negative_amount_refused(db):
    refused(
        lambda: ProjectFactory(
            government_investment=Decimal("-1.00"),
            social_investment=Decimal("101.00"),
            total_investment=Decimal("100.00"),
        )
    )
    refused(lambda: ProjectFactory(annual_plan=Decimal("-0.01")))
    refused(lambda: ProjectFactory(completed_before_year=Decimal("-5")))


@pytest.mark.parametrize(
    "field, value",
    [("target_percent", "100.01"), ("target_percent", "-1"), ("baseline_percent", "101"), ("baseline_percent", "-0.5")],
)
def test_percent_outside_0_100_refused(db, field, value):
    project = ProjectFactory()
    refused(lambda: MilestoneFactory(project_year=row_of(project), **{field: Decimal(value)}))


def test_report_percent_outside_0_100_refused(project_a):
    refused(
        lambda: ProgressReport.objects.create(
            project_year=row_of(project_a),
            year=2022,
            month=3,
            investment_completed=Decimal("1"),
            physical_percent=Decimal("100.5"),
        )
    )


def test_funding_split_must_add_up(db):
    refused(
        lambda: ProjectFactory(
            government_investment=Decimal("6000"),
            social_investment=Decimal("4000"),
            total_investment=Decimal("10000.01"),
        )
    )


@pytest.mark.parametrize("government, social", [("3000.39", "14.14"), ("0.10", "0.20"), ("1234567.89", "0.01")])
def test_funding_split_that_adds_up_to_the_cent_is_accepted(db, government, social):
    # Binary floating point (SQLite's REAL) gets these sums wrong in the last digit.
    project = ProjectFactory(government_investment=Decimal(government), social_investment=Decimal(social))
    project.refresh_from_db()
    assert project.total_investment == Decimal(government) + Decimal(social)


def test_two_current_reports_for_one_project_and_month_refused(project_a):
    def report(month=3, **extra):
        return ProgressReport.objects.create(
            project_year=row_of(project_a),
            year=2022,
            month=month,
            investment_completed=Decimal("1"),
            physical_percent=Decimal("10"),
            **extra,
        )

    report()
    refused(lambda: report(revision=2))
    report(month=4)  # another month is fine
    report(revision=2, is_current=False)  # a correction under way is not current


def test_duplicate_project_code_refused(db):
    ProjectFactory(code="YY2022-IND-001")
    refused(lambda: ProjectFactory(code="YY2022-IND-001"))


def test_end_before_start_refused(db):
    refused(lambda: ProjectFactory(start_year=2023, end_year=2022))
    ProjectFactory(start_year=2022, end_year=2022)  # a one-year project is fine


@pytest.mark.parametrize(
    "code",
    ["2020-500235-48-01-123456", "1999-500235-44-02-000001", "YY2022-IND-001", "YY2022-LIV-015", "YY2023-REGI-100"],
)
def test_project_code_accepted(code):
    project_code_validator(code)


@pytest.mark.parametrize(
    "code",
    [
        "",
        "2020-50023-48-01-123456",
        "2020-500235-48-01-12345",
        "1820-500235-48-01-123456",
        "2020/500235/48/01/123456",
        "YY22-IND-001",
        "yy2022-ind-001",
        "YY2022-INDUS-001",
        "YY2022-IND-01",
        "YY2022-IND-0001",
        "YY2022-IND-001 ",
        "项目001",
        "YY2022-IND-001\n",
        "2020-500235-48-01-123456\n",
    ],
)
def test_malformed_project_code_refused(code):
    with pytest.raises(ValidationError) as error:
        project_code_validator(code)
    assert error.value.code == "invalid_project_code"
