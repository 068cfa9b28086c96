"""Migration 0012 fills the progress summary for the reports already in the database, so the pages
read the same figures the day it is deployed as the day before."""

from decimal import Decimal

import pytest

from tests.migrating import latest, migrate_to

BEFORE = [("projects", "0011_drop_leader_text")]
AFTER = [("projects", "0012_projectyearprogress")]


@pytest.mark.django_db(transaction=True)
def test_existing_reports_fill_the_summary():
    old = migrate_to(BEFORE)
    try:
        get = lambda name: old.get_model("projects", name)  # noqa: E731
        unit = get("ResponsibleUnit").objects.create(name="县交通局", code="jtj")
        owner = get("OwnerUnit").objects.create(name="云阳县交通投资公司")
        category = get("Category").objects.create(code="industry", name="重大产业项目", name_en="Industry", order=1)
        money = {"total_investment": 10, "government_investment": 10, "social_investment": 0}
        project = get("Project").objects.create(
            code="YY2022-TST-001",
            name="甲",
            owner_unit=owner,
            responsible_unit=unit,
            start_year=2021,
            end_year=2023,
            **money,
        )
        declared = {
            f"declared_{f}": 0 for f in ("projects", "total_investment", "annual_plan", "government_investment")
        }
        rows = {}
        for year in (2022, 2023):
            plan = get("PlanYear").objects.create(
                year=year, title=f"{year}", status="adopted", declared_social_investment=0, **declared
            )
            rows[year] = get("ProjectYear").objects.create(
                project=project, plan_year=plan, category=category, stage="continuing", annual_plan=100, **money
            )
        for month, amount, percent, status in ((2, "5.00", "10", "approved"), (3, "7.00", "30", "submitted")):
            get("ProgressReport").objects.create(
                project_year=rows[2022],
                year=2022,
                month=month,
                investment_completed=Decimal(amount),
                physical_percent=Decimal(percent),
                status=status,
            )

        new = migrate_to(AFTER)
        summary = new.get_model("projects", "ProjectYearProgress").objects
        y22, y23 = summary.get(pk=rows[2022].pk), summary.get(pk=rows[2023].pk)
        assert (y22.completed_m01, y22.completed_m02, y22.completed_m12) == (0, Decimal("5.00"), Decimal("5.00"))
        assert (y22.percent_m01, y22.percent_m03) == (None, Decimal("10"))  # the submitted 30 % does not count
        assert y23.percent_m01 == Decimal("10") and y23.completed_m12 == 0  # the works carry on into 2023
    finally:
        migrate_to(latest())
