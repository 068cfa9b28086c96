"""需重点调度 on the overview: its first rows (attention_head) are the first rows of the whole list
(attention_projects), whichever thresholds make projects red by points or by overdue milestones."""

import pytest

from portfolio.selectors import attention_head, attention_projects
from projects.models import ProjectYear
from projects.selectors import current_period


@pytest.mark.parametrize("red_points", ["10.00", "20.00", "30.00", "50.00", "100.00"])
def test_the_overview_head_is_the_head_of_the_whole_list(settings, portfolio, plan_year, red_points):
    # One overdue milestone makes a project red here, so red-by-overdue projects (less behind)
    # mix with red-by-points ones; the threshold moves how many are far enough behind.
    settings.PORTFOLIO_FLAG_RED_OVERDUE_MILESTONES = 1
    settings.PORTFOLIO_FLAG_YELLOW_OVERDUE_MILESTONES = 1
    settings.PORTFOLIO_FLAG_RED_POINTS = red_points
    period = current_period(plan_year, 9)
    projects = ProjectYear.objects.all()
    whole = [row.pk for row in attention_projects(plan_year=plan_year, period=period, projects=projects)]
    assert whole  # the data gives red projects at every threshold
    # Both ways of reading it: the ids first (a province), the rows whole (a county's few rows).
    for rows_in_scope in (None, len(projects)):
        for limit in (1, 2, 3, 5, 8, 50):
            head = attention_head(
                plan_year=plan_year, period=period, projects=projects, limit=limit, rows_in_scope=rows_in_scope
            )
            assert [row.pk for row in head] == whole[:limit], (red_points, limit, rows_in_scope)
