"""Issue 10's migration carries a database of the old shape (one project row per plan year, code
unique) over to identities and per-year rows without changing a figure: the 2022 plan is loaded in
the old shape, migrated forward, and every figure, milestone, report and history row compared."""

import json
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import call_command

from tests.migrating import latest, migrate_to

OLD = [("projects", "0003_funding_split_to_the_cent")]
MOVED = ("plan_year", "category", "stage", "completed_before_year", "annual_plan", "annual_target")


def _fixture() -> dict:
    objects = json.loads((settings.BASE_DIR / "fixtures" / "plan_2022.json").read_text(encoding="utf-8"))
    by_model: dict[str, list] = {}
    for obj in objects:
        by_model.setdefault(obj["model"], []).append(obj)
    return by_model


@pytest.mark.django_db(transaction=True)
def test_the_old_shape_is_carried_over_exactly():
    fixture = _fixture()
    years = {o["fields"]["project"]: o for o in fixture["projects.projectyear"]}
    old = migrate_to(OLD)
    try:
        get = lambda name: old.get_model("projects", name)  # noqa: E731
        for model in ("category", "planyear", "categoryplan", "responsibleunit", "ownerunit"):
            cls = get(model)
            fields = {f.name for f in cls._meta.concrete_fields}
            cls.objects.bulk_create(
                cls(
                    pk=o["pk"],
                    **{
                        (k if k not in {f.name for f in cls._meta.fields if f.is_relation} else f"{k}_id"): v
                        for k, v in o["fields"].items()
                        if k in fields
                    },
                )
                for o in fixture[f"projects.{model}"]
            )
        Project = get("Project")
        for o in fixture["projects.project"]:
            merged = {**o["fields"], **{k: years[o["pk"]]["fields"][k] for k in MOVED}}
            Project.objects.create(
                pk=o["pk"],
                **{
                    (f"{k}_id" if k in ("plan_year", "category", "owner_unit", "responsible_unit") else k): v
                    for k, v in merged.items()
                },
            )
        # A history row of the old shape, carrying a year's figure, must reach the year's history.
        first = Project.objects.get(pk=1)
        get("HistoricalProject").objects.create(
            **{f.attname: getattr(first, f.attname) for f in Project._meta.concrete_fields if f.attname != "version"},
            history_date="2022-01-05T00:00:00Z",
            history_type="+",
            history_change_reason="年初计划",
        )
        Milestone = get("Milestone")
        year_pk = {y["pk"]: y["fields"]["project"] for y in fixture["projects.projectyear"]}
        for o in fixture["projects.milestone"]:
            fields = dict(o["fields"])
            fields["project_id"] = year_pk[fields.pop("project_year")]
            Milestone.objects.create(pk=o["pk"], **fields)
        report = get("ProgressReport").objects.create(
            project_id=1,
            year=2022,
            month=3,
            investment_completed=Decimal("123.45"),
            physical_percent=Decimal("45.00"),
            status="approved",
        )
    finally:
        new = migrate_to(latest())

    ProjectYear = new.get_model("projects", "ProjectYear")
    assert ProjectYear.objects.count() == new.get_model("projects", "Project").objects.count() == 165
    assert new.get_model("projects", "PlanYear").objects.get().status == "adopted"
    version = new.get_model("projects", "PlanVersion").objects.get()  # the adopted plan, 年初计划
    assert (version.name, version.kind, version.figures.count()) == ("年初计划", "adopted", 165)
    for row in ProjectYear.objects.select_related("project"):
        want = years[row.project_id]["fields"]
        assert row.plan_year_id == want["plan_year"] and row.category_id == want["category"]
        assert (row.stage, str(row.completed_before_year), str(row.annual_plan), row.annual_target) == (
            want["stage"],
            want["completed_before_year"],
            want["annual_plan"],
            want["annual_target"],
        )
        assert (str(row.total_investment), str(row.government_investment), str(row.social_investment)) == (
            want["total_investment"],
            want["government_investment"],
            want["social_investment"],
        )
        assert row.plan_version_id == version.pk
        assert version.figures.get(project_year_id=row.pk).annual_plan == row.annual_plan
    for o in fixture["projects.milestone"]:
        milestone = new.get_model("projects", "Milestone").objects.get(pk=o["pk"])
        assert ProjectYear.objects.get(pk=milestone.project_year_id).project_id == year_pk[o["fields"]["project_year"]]
    moved = new.get_model("projects", "ProgressReport").objects.get(pk=report.pk)
    assert ProjectYear.objects.get(pk=moved.project_year_id).project_id == 1
    history = new.get_model("projects", "HistoricalProjectYear").objects.get()
    assert (history.project_id, str(history.annual_plan), history.history_change_reason) == (
        1,
        years[1]["fields"]["annual_plan"],
        "年初计划",
    )

    # And the application reads the same plan: the report's figures and paragraph.
    from portfolio.selectors import category_rollup
    from portfolio.summary import plan_summary_text
    from projects.models import PlanYear
    from tests.plan_2022 import REPORT_PARAGRAPH

    plan_year = PlanYear.objects.get(year=2022)
    total = category_rollup(plan_year=plan_year).total
    assert (total.projects, total.total_investment, total.annual_plan) == (
        165,
        Decimal("11545000.00"),
        Decimal("2220000.00"),
    )
    assert (total.government_investment, total.social_investment) == (Decimal("5031000.00"), Decimal("6514000.00"))
    assert [r.projects for r in category_rollup(plan_year=plan_year).rows] == [65, 18, 48, 7, 15, 12]
    assert plan_summary_text(plan_year) == REPORT_PARAGRAPH
    call_command("flush", verbosity=0, interactive=False)
