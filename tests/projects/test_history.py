"""A history row's changes read as old → new values people recognise: choice labels, names for
foreign keys (one query per related model, whatever the number of rows), dates, yes/no, a dash."""

from decimal import Decimal

from projects import services
from projects.history import EMPTY, FieldChange, field_changes
from projects.models import Project, ProjectYear, Stage
from tests.factories import row_of


def pairs_of(project):
    records = list(project.history.order_by("-history_date", "-history_id"))
    return list(zip(records, [*records[1:], None], strict=True))


def test_changes_name_labels_units_and_amounts(project_a, unit_a, unit_b, admin_user, django_assert_num_queries):
    row = row_of(project_a)
    old_stage = Stage(row.stage).label
    services.project_update(
        actor=admin_user, project=project_a, expected_version=project_a.version, responsible_unit=unit_b, remarks=""
    )
    # The year's figures are the project's row in the plan: their history reads the same way.
    services.project_year_update(
        actor=admin_user,
        project_year=row,
        expected_version=row.version,
        stage=Stage.COMPLETING,
        annual_plan=Decimal("1500.00"),
    )
    records = list(row.history.order_by("-history_date", "-history_id"))
    (year_edit, _created) = field_changes(ProjectYear, list(zip(records, [*records[1:], None], strict=True)))
    assert FieldChange(field="建设阶段", old=str(old_stage), new=str(Stage.COMPLETING.label)) in year_edit
    assert any(c.new == "1500.00" for c in year_edit)
    project_a.refresh_from_db()
    services.project_update(
        actor=admin_user,
        project=project_a,
        expected_version=project_a.version,
        responsible_unit=unit_a,
        remarks="征地已完成",
    )
    pairs = pairs_of(project_a)
    with django_assert_num_queries(1):  # the units' names, once for both rows
        latest, first_edit, created = field_changes(Project, pairs)
    assert created == []
    assert FieldChange(field="责任单位", old="县水利局", new="县交通局") in latest
    assert FieldChange(field="备注", old=EMPTY, new="征地已完成") in latest
    assert FieldChange(field="责任单位", old="县交通局", new="县水利局") in first_edit
