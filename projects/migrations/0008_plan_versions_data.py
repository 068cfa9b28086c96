"""Every plan already adopted gets its first version, 年初计划 (dated 1 January of its year: the
data does not say the day it was adopted), holding a copy of each project's annual figures."""

import datetime

from django.db import migrations


def forward(apps, schema_editor):
    PlanYear = apps.get_model("projects", "PlanYear")
    PlanVersion = apps.get_model("projects", "PlanVersion")
    ProjectYear = apps.get_model("projects", "ProjectYear")
    ProjectYearVersion = apps.get_model("projects", "ProjectYearVersion")
    for plan_year in PlanYear.objects.exclude(status="draft").filter(versions__isnull=True):
        version = PlanVersion.objects.create(
            plan_year=plan_year, name="年初计划", kind="adopted", date=datetime.date(plan_year.year, 1, 1), ordinal=1
        )
        rows = ProjectYear.objects.filter(plan_year=plan_year)
        ProjectYearVersion.objects.bulk_create(
            ProjectYearVersion(
                plan_version=version, project_year=row, annual_plan=row.annual_plan, annual_target=row.annual_target
            )
            for row in rows
        )
        rows.update(plan_version=version)


class Migration(migrations.Migration):
    dependencies = [("projects", "0007_plan_versions")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
