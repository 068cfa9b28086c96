"""The report workflow end to end at the service level: create, submit, approve, revise."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from portfolio.selectors import category_rollup
from projects import services
from projects.models import ProgressReport, ReportStatus


def test_report_approved_counts_in_rollup(project_a, office_a, reviewer, plan_year):
    report = services.report_create(
        actor=office_a,
        project=project_a,
        year=2022,
        month=3,
        investment_completed=Decimal("300.00"),
        physical_percent=Decimal("45"),
    )
    services.report_submit(actor=office_a, report=report)
    assert category_rollup(plan_year=plan_year).total.completed_ytd == Decimal("0.00")
    services.report_approve(actor=reviewer, report=report)
    rollup = category_rollup(plan_year=plan_year)
    assert rollup.total.completed_ytd == Decimal("300.00")
    assert rollup.rows[5].completed_ytd == Decimal("300.00")
    assert rollup.rows[5].completion_rate == Decimal("25.00")
    assert rollup.rows[5].behind_schedule_points == Decimal("50.00")  # 9/12 = 75.00 − 25.00


def test_revision_supersedes_on_approval(project_a, office_a, reviewer, plan_year):
    report = services.report_create(
        actor=office_a,
        project=project_a,
        year=2022,
        month=3,
        investment_completed=Decimal("300.00"),
        physical_percent=Decimal("45"),
    )
    services.report_submit(actor=office_a, report=report)
    services.report_approve(actor=reviewer, report=report)
    revision = services.report_revise(actor=office_a, report=report, reason="数字录错")
    services.report_update(
        actor=office_a, report=revision, expected_version=revision.version, investment_completed=Decimal("400.00")
    )
    services.report_submit(actor=office_a, report=revision)
    assert category_rollup(plan_year=plan_year).total.completed_ytd == Decimal("300.00")
    services.report_approve(actor=reviewer, report=revision)
    assert category_rollup(plan_year=plan_year).total.completed_ytd == Decimal("400.00")
    report.refresh_from_db()
    assert report.status == ReportStatus.SUPERSEDED and not report.is_current
    assert ProgressReport.objects.count() == 2


def test_office_cannot_report_for_other_unit(project_b, office_a):
    with pytest.raises(ValidationError):
        services.report_create(
            actor=office_a,
            project=project_b,
            year=2022,
            month=3,
            investment_completed=Decimal("1"),
            physical_percent=Decimal("1"),
        )
    assert ProgressReport.objects.count() == 0
