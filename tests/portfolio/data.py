"""A small portfolio on the 2022 plan: projects in every category with approved monthly reports,
so the leaders' pages have figures and flags of every colour to show."""

import datetime
from decimal import Decimal

from projects import progress
from projects.models import ProgressReport, ReportStatus
from tests import factories


def build_portfolio(*, plan_year, categories, units, per_category: int, start: int = 0) -> list:
    """`per_category` projects in each category. Reports for months 1-9 (approved) put projects
    in three bands of completion, so green, yellow and red all occur; each project has a
    milestone, every third one overdue. Rows are written with the ORM: these tests read pages,
    the workflow has its own tests."""
    projects = []
    n = start
    for category in categories:
        for _ in range(per_category):
            n += 1
            project = factories.ProjectFactory(
                plan_year=plan_year,
                category=category,
                responsible_unit=units[n % len(units)],
                code=f"YY2022-{category.code[:3].upper()}-{n:03d}",
                name=f"{category.name}测试项目{n}",
                location=["双江街道", "青龙街道", "南溪镇"][n % 3],
                annual_plan=Decimal("1200.00"),
            )
            # 75 %, 50 % and 30 % of the plan by September: green, yellow and red against 75.00.
            monthly = [Decimal("100.00"), Decimal("66.67"), Decimal("40.00")][n % 3]
            row = factories.row_of(project, plan_year.year)
            ProgressReport.objects.bulk_create(
                ProgressReport(
                    project_year=row,
                    year=2022,
                    month=m,
                    investment_completed=monthly,
                    physical_percent=Decimal(5 * m),
                    status=ReportStatus.APPROVED,
                )
                for m in range(1, 10)
            )
            factories.MilestoneFactory(
                project_year=row,
                title="主体完工",
                due_date=datetime.date(2022, 6, 30) if n % 3 == 1 else datetime.date(2022, 12, 31),
            )
            projects.append(project)
    progress.rebuild()  # written raw, past the services: rebuild the progress summary, as `rebuild_progress` would.
    return projects
