"""The shipped 2022 plan, exported and imported back unchanged: the import reports no change and
every table — history included — is exactly as it was, for the plan sheet and for a monthly
dispatch sheet with approved reports."""

import io
from decimal import Decimal

from django.apps import apps

from portfolio.excel.importing import import_apply, import_preview
from portfolio.excel.writing import write_schedule
from projects import services
from projects.models import Project


def snapshot() -> dict:
    """Every row of every table, in primary-key order, as the database returns it."""
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.db_table in ("django_session", "django_admin_log") or model._meta.proxy:
            continue
        tables[model._meta.db_table] = list(model._base_manager.order_by("pk").values_list())
    return tables


def test_export_then_import_of_the_2022_plan_and_its_approved_reports_changes_nothing(plan_2022, admin_user, reviewer):
    projects = list(Project.objects.filter(years__plan_year=plan_2022).order_by("code"))
    for i, project in enumerate(projects[::3]):
        for month in (1, 2, 3):
            report = services.report_create(
                actor=admin_user,
                project=project,
                year=2022,
                month=month,
                investment_completed=Decimal("12.34") * (i % 7 + 1),
                physical_percent=Decimal(month * 10 + i % 5),
                physical_narrative="路基（K1+200）完成；桥梁 2/3",
                problems="征地 “协调” 中" if i % 4 == 0 else "",
            )
            services.report_submit(actor=admin_user, report=report)
            services.report_approve(actor=reviewer, report=report)
    buffer = io.BytesIO()
    write_schedule(buffer, plan_year=plan_2022, month=3, dispatch_month=3)
    data = buffer.getvalue()
    before = snapshot()

    preview = import_preview(data=data, filename="2022.xlsx", actor=admin_user, year=2022)
    assert preview.ok, [str(p) for p in preview.problems][:5]
    assert preview.counts["new"] == preview.counts["changed"] == 0
    assert preview.counts["unchanged"] == len(projects) + len(projects[::3])

    applied = import_apply(data=data, filename="2022.xlsx", actor=admin_user, year=2022)
    assert applied.applied and applied.counts["new"] == applied.counts["changed"] == 0
    after = snapshot()
    assert after.keys() == before.keys()
    for table in before:
        assert after[table] == before[table], table
