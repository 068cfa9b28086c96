"""The living demo: `setup_demo --with-reports` loads 【演示数据】 reports for months 1–9 of 2022 through
the workflow (approved, a few returned, a few awaiting review) and problems in several states, so a
newcomer sees every colour and every queue; it is idempotent, and `setup_demo` alone loads none."""

import io

import pytest
from django.core.management import call_command

from dispatch.demo import MARK
from dispatch.models import Problem, ProblemState
from projects.models import PlanYear, ProgressReport, ReportStatus
from projects.selectors import Flag, current_period, projects_with_progress


@pytest.mark.django_db
def test_setup_demo_with_reports(settings):
    settings.DEMO_ALLOWED = True
    out = io.StringIO()
    call_command("setup_demo", stdout=out)
    assert not ProgressReport.objects.exists()  # the plain plan has no reports
    call_command("setup_demo", "--with-reports", stdout=out)
    reports = ProgressReport.objects.all()
    assert reports.count() == 165 * 9
    assert all(r.startswith(MARK) for r in reports.values_list("physical_narrative", flat=True))
    assert reports.filter(status=ReportStatus.RETURNED).count() == 6
    assert reports.filter(status=ReportStatus.SUBMITTED).count() == 5
    assert reports.filter(status=ReportStatus.APPROVED).count() == 165 * 9 - 11
    flags = set(projects_with_progress(current_period(PlanYear.objects.get(year=2022))).values_list("flag", flat=True))
    assert flags == {Flag.GREEN, Flag.YELLOW, Flag.RED}
    states = set(Problem.objects.values_list("state", flat=True))
    assert {
        ProblemState.RAISED,
        ProblemState.ASSIGNED,
        ProblemState.IN_PROGRESS,
        ProblemState.SOLVED,
    } <= states
    # Twice changes nothing.
    call_command("setup_demo", "--with-reports", stdout=out)
    assert ProgressReport.objects.count() == 165 * 9
