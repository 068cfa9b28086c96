"""Issue 10, step 2 of 3: every old project row becomes a Project (its identity, same pk) with one
ProjectYear in its plan year carrying the year's figures exactly; milestones and reports (and
their history) move onto that row; the projects' history of the year's figures is copied to the
new row's history, so 'who changed the 2022 plan figure' is still answered. Existing plan years
are adopted (they were the plans being reported on)."""

from django.db import migrations
from django.db.models import OuterRef, Subquery

YEAR_FIELDS = (
    "stage",
    "completed_before_year",
    "annual_plan",
    "annual_target",
    "total_investment",
    "government_investment",
    "social_investment",
)


def forward(apps, schema_editor):
    Project = apps.get_model("projects", "Project")
    ProjectYear = apps.get_model("projects", "ProjectYear")
    ProjectYear.objects.bulk_create(
        ProjectYear(
            project_id=p.pk,
            plan_year_id=p.plan_year_id,
            category_id=p.category_id,
            **{f: getattr(p, f) for f in YEAR_FIELDS},
        )
        for p in Project.objects.order_by("pk").iterator()
    )
    year_of = ProjectYear.objects.filter(project_id=OuterRef("project_id")).values("pk")[:1]
    for name in ("Milestone", "ProgressReport", "HistoricalMilestone", "HistoricalProgressReport"):
        apps.get_model("projects", name).objects.update(project_year_id=Subquery(year_of))

    # The history of the year's figures lived on the project's history rows; copy it to the
    # year row's history (rows of projects deleted since have no year row to belong to).
    rows = dict(ProjectYear.objects.values_list("project_id", "pk"))
    HistoricalProject = apps.get_model("projects", "HistoricalProject")
    HistoricalProjectYear = apps.get_model("projects", "HistoricalProjectYear")
    HistoricalProjectYear.objects.bulk_create(
        HistoricalProjectYear(
            id=rows[h.id],
            project_id=h.id,
            plan_year_id=h.plan_year_id,
            category_id=h.category_id,
            history_date=h.history_date,
            history_user_id=h.history_user_id,
            history_type=h.history_type,
            history_change_reason=h.history_change_reason,
            **{f: getattr(h, f) for f in YEAR_FIELDS},
        )
        for h in HistoricalProject.objects.order_by("history_id").iterator()
        if h.id in rows
    )


def backward(apps, schema_editor):
    """Back to one row per project: possible only while no project has rows in two plans."""
    ProjectYear = apps.get_model("projects", "ProjectYear")
    Project = apps.get_model("projects", "Project")
    for row in ProjectYear.objects.order_by("pk").iterator():
        if ProjectYear.objects.filter(project_id=row.project_id).count() > 1:
            raise RuntimeError(f"Project {row.project_id} is in several plans; the old shape cannot hold it.")
        Project.objects.filter(pk=row.project_id).update(
            plan_year_id=row.plan_year_id, category_id=row.category_id, **{f: getattr(row, f) for f in YEAR_FIELDS}
        )
    year_project = ProjectYear.objects.filter(pk=OuterRef("project_year_id")).values("project_id")[:1]
    for name in ("Milestone", "ProgressReport", "HistoricalMilestone", "HistoricalProgressReport"):
        apps.get_model("projects", name).objects.update(project_id=Subquery(year_project))


class Migration(migrations.Migration):
    dependencies = [("projects", "0004_project_years")]

    operations = [migrations.RunPython(forward, backward)]
