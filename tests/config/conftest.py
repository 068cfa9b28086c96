"""Fixtures of the tests that try every URL (test_odd_parameters.py, test_odd_forms.py)."""

import pytest

from dispatch.services import problem_raise
from projects.models import ReportStatus
from tests import factories
from tests.projects.admin_support import make_report


@pytest.fixture
def world(plan_year, categories, project_a, project_b, office_a, reviewer, admin_user):
    factories.MilestoneFactory(project_year=factories.row_of(project_a))
    report = make_report(project_a, office_a, month=2, status=ReportStatus.APPROVED, reviewer=reviewer)
    submitted = make_report(project_a, office_a, month=3, status=ReportStatus.SUBMITTED)
    problem = problem_raise(actor=office_a, project=project_a, report=submitted, type="land", description="征地滞后")
    return {"project": project_a, "report": report, "submitted": submitted, "problem": problem}
