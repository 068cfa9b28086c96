"""The admin lists cost the same number of queries whatever the number of rows."""

import datetime

import pytest
from django.test import Client

from projects.models import MilestoneKind, ReportStatus
from tests.factories import MilestoneFactory, ProjectFactory, row_of

from .admin_support import make_report

# Per request: session, user, the user's groups (role), then the page's own queries (below), then
# the admin sidebar's permission lookups for auth's Group admin (user's and groups' permissions).
# Page queries: projects (identities) — count, rows, and (not for an office) the unit filter;
# projects in a year's plan — plan year (progress period), count, rows with progress, plus the
# filter sidebar's plan years, categories, and (not for an office) units; milestones — plan year
# (overdue as of its reporting month), count, rows, the plan-year and category filters;
# reports — count, rows, the category filter and (not for an office) units, and the plan years for
# the year filter (months are fixed).
# One COUNT a list: show_full_result_count is off (at 100,000 projects a second COUNT of the whole
# table under a filtered list costs as much as the page); the report filters no longer read the
# distinct years and months of every report (two queries over 900,000 rows), one plan-year query.
EXPECTED = {
    ("project", "leader"): 8,
    ("project", "office_a"): 7,
    ("projectyear", "leader"): 11,
    ("projectyear", "office_a"): 10,
    ("milestone", "leader"): 10,
    ("milestone", "office_a"): 10,
    ("progressreport", "leader"): 10,
    ("progressreport", "office_a"): 9,
}


def add_rows(plan_year, categories, unit, office, reviewer, n):
    for i in range(n):
        project = ProjectFactory(plan_year=plan_year, category=categories[i % 6], responsible_unit=unit)
        MilestoneFactory(project_year=row_of(project), due_date=datetime.date(2022, 3, 31))
        MilestoneFactory(
            project_year=row_of(project),
            kind=MilestoneKind.EVENT,
            event="start",
            target_percent=None,
            met_on=datetime.date(2022, 2, 1),
            due_date=datetime.date(2022, 3, 31),
        )
        make_report(project, office, month=1, amount="10.00", status=ReportStatus.APPROVED, reviewer=reviewer)
        make_report(project, office, month=2, amount="10.00", percent="12", status=ReportStatus.SUBMITTED)


@pytest.mark.parametrize("model, role", list(EXPECTED))
def test_changelist_query_count_is_pinned(
    request, model, role, plan_year, categories, unit_a, office_a, reviewer, leader, django_assert_num_queries
):
    client = Client()
    client.force_login(request.getfixturevalue(role))
    url = f"/admin/projects/{model}/"
    add_rows(plan_year, categories, unit_a, office_a, reviewer, 2)
    client.get(url)
    with django_assert_num_queries(EXPECTED[model, role]):
        assert client.get(url).status_code == 200
    add_rows(plan_year, categories, unit_a, office_a, reviewer, 10)
    with django_assert_num_queries(EXPECTED[model, role]):
        response = client.get(url)
    assert (
        len(response.context["cl"].result_list)
        == {"project": 12, "projectyear": 12, "milestone": 24, "progressreport": 24}[model]
    )
