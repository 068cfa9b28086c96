"""`setup_demo`: loads the plan, creates the role groups and accounts, is idempotent, and refuses to
run on production settings."""

import os
import subprocess
import sys
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.core.management.base import CommandError

from portfolio.selectors import project_history
from projects import services
from projects.history import FieldChange
from projects.models import Milestone, PlanYear, Project, ProjectYear, ResponsibleUnit, User
from projects.roles import DOMAIN_MODELS, Role, can_edit_plan, can_report, holds_every_permission, model_actions
from projects.setup import ensure_role_groups

DEFAULT_PASSWORD = "yunyang-demo-2022"


def run() -> str:
    out = StringIO()
    call_command("setup_demo", stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    return {
        "plans": list(PlanYear.objects.values()),
        "projects": list(Project.objects.order_by("pk").values()),
        "milestones": list(Milestone.objects.order_by("pk").values()),
        "users": list(User.objects.order_by("pk").values()),
        "memberships": sorted(User.groups.through.objects.values_list("user_id", "group_id")),
        "groups": {g.name: sorted(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()},
    }


def test_loads_the_plan_and_creates_accounts(db):
    output = run()
    assert Project.objects.count() == 165 and PlanYear.objects.get().year == 2022
    units = list(ResponsibleUnit.objects.all())
    assert len(units) >= 13
    expected = {"admin", "reviewer", "leader", "finance"} | {f"office-{u.code}" for u in units}
    assert set(User.objects.values_list("username", flat=True)) == expected
    for username in expected:
        user = User.objects.get(username=username)
        assert user.is_staff and user.check_password(DEFAULT_PASSWORD), username
        assert username in output
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.groups.filter(name=Role.ADMIN).exists()
    for role in (Role.REVIEWER, Role.LEADER, Role.FINANCE):
        user = User.objects.get(username=role.value)
        assert list(user.groups.values_list("name", flat=True)) == [role.value]
        assert not user.is_superuser and user.unit is None
    for unit in units:
        office = User.objects.get(username=f"office-{unit.code}")
        assert office.unit == unit and list(office.groups.values_list("name", flat=True)) == [Role.OFFICE]
    assert DEFAULT_PASSWORD in output


def test_running_twice_changes_nothing(db):
    run()
    before = snapshot()
    output = run()
    assert snapshot() == before
    assert "2022" in output


def test_an_edited_plan_is_not_overwritten(db):
    run()
    Project.objects.filter(code="YY2022-IND-001").update(name="改过的名字")
    run()
    assert Project.objects.get(code="YY2022-IND-001").name == "改过的名字"


def perms(user) -> set[str]:
    return {p.split(".", 1)[1] for p in user.get_all_permissions()}


def test_role_permissions(db):
    run()
    every = Permission.objects.count()
    assert Group.objects.get(name=Role.ADMIN).permissions.count() == every

    leader = perms(User.objects.get(username="leader"))
    assert "view_project" in leader and "view_progressreport" in leader
    assert all(p.startswith("view_") for p in leader)

    reviewer = perms(User.objects.get(username="reviewer"))
    assert {"view_project", "add_project", "change_project", "change_milestone", "view_progressreport"} <= reviewer
    # Reviewers approve through the review service; they do not edit reports.
    assert (
        not {"add_progressreport", "change_progressreport", "delete_project", "delete_progressreport", "change_user"}
        & reviewer
    )

    finance = perms(User.objects.get(username="finance"))
    assert {"view_project", "change_project", "change_milestone", "add_progressreport"} <= finance
    assert not {"delete_project", "delete_progressreport", "change_user"} & finance

    office = User.objects.get(username="office-jtj")
    office_perms = perms(office)
    assert {
        "view_progressreport",
        "add_progressreport",
        "change_progressreport",
        "change_milestone",
        "change_project",
        "add_project",
    } <= office_perms
    assert not {"delete_project", "delete_progressreport", "change_category"} & office_perms


def test_every_group_holds_exactly_what_roles_says(db):
    """The groups' model permissions are derived from projects.roles: each group holds exactly the
    permissions its role's rules give, and has_perm() agrees with the rule functions the screens
    and services call, for every role."""
    groups = ensure_role_groups()
    every = set(Permission.objects.values_list("content_type__app_label", "codename"))
    for role in Role:
        held = set(groups[role].permissions.values_list("content_type__app_label", "codename"))
        if holds_every_permission(role):
            assert held == every
            continue
        assert held == {
            ("projects", f"{action}_{model}") for model, actions in model_actions(role).items() for action in actions
        }, role
        user = User.objects.create(username=f"perm-{role}", is_staff=True)
        user.groups.add(groups[role])
        for rule, codenames in (
            (can_report, ("add_progressreport", "change_progressreport")),
            (can_edit_plan, ("add_project", "change_project", "add_milestone", "change_milestone")),
        ):
            for codename in codenames:
                assert user.has_perm(f"projects.{codename}") == rule(user), (role, codename)
        assert all(user.has_perm(f"projects.view_{model}") for model in DOMAIN_MODELS)
        assert not any(user.has_perm(f"projects.delete_{model}") for model in DOMAIN_MODELS)


def test_groups_are_reset_to_their_role(db):
    groups = ensure_role_groups()
    groups[Role.LEADER].permissions.add(Permission.objects.get(codename="delete_project"))
    ensure_role_groups()
    assert not groups[Role.LEADER].permissions.filter(codename="delete_project").exists()


@pytest.mark.parametrize(
    "overrides", [{"DEMO_ALLOWED": False}, {"DEMO_ALLOWED": True, "SETTINGS_MODULE": "config.settings.production"}]
)
def test_refused_where_demo_data_is_not_allowed(db, settings, overrides):
    for name, value in overrides.items():
        setattr(settings, name, value)
    with pytest.raises(CommandError, match="DEMO_ALLOWED"):
        run()
    assert not PlanYear.objects.exists() and not User.objects.exists() and not Group.objects.exists()


def test_refused_under_production_settings(tmp_path):
    database = tmp_path / "prod.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "p" * 20 + "r0duct10n-k3y-f0r-th3-t3st-0nly-" + "x" * 20,
        "DATABASE_URL": f"sqlite:///{database}",
        "LANGUAGE": "en",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "setup_demo"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "DEMO_ALLOWED" in result.stderr
    assert not database.exists()  # nothing written, not even a database file


def test_refused_in_a_database_with_other_accounts(db):
    """A database holding a real person's account is someone's real data: no demo account with the
    README's password is planted there, whatever the settings, and the message says what to do."""
    User.objects.create_user(username="zhang.wei", password="s3cret-of-his-own")
    with pytest.raises(CommandError) as info:
        run()
    assert "zhang.wei" in str(info.value) and "createsuperuser" in str(info.value)
    assert list(User.objects.values_list("username", flat=True)) == ["zhang.wei"]
    assert not PlanYear.objects.exists() and not Group.objects.exists()


def test_demo_accounts_alone_do_not_block_a_rerun(db):
    run()
    assert "createsuperuser" not in run()


def test_the_loaded_plan_has_a_baseline_history_row(db):
    """Loaded data gets a first history row, so the first edit shows old → new values."""
    run()
    project = Project.objects.get(code="YY2022-IND-001")
    baseline = project.history.get()
    assert baseline.history_type == "+" and baseline.history_change_reason == "载入2022年计划"
    assert Milestone.history.count() == Milestone.objects.count()
    assert Project.history.count() == Project.objects.count()
    assert ProjectYear.history.count() == ProjectYear.objects.count()
    run()  # a second run records nothing new
    assert Project.history.count() == Project.objects.count()
    assert ProjectYear.history.count() == ProjectYear.objects.count()


def test_the_first_edit_of_the_loaded_plan_shows_old_and_new_values(db, client):
    """With the baseline row, the first edit reads as old → new on the project page and in the
    admin's history, not as an empty change."""
    run()
    project = Project.objects.get(code="YY2022-IND-001")
    row = project.years.get()
    admin = User.objects.get(username="admin")
    old = row.annual_plan
    services.project_year_update(
        actor=admin, project_year=row, expected_version=row.version, reason="调整", annual_plan=old + 100
    )
    latest = project_history(project)[0]
    assert latest["changes"] == [FieldChange(field="年度计划投资（万元）", old=str(old), new=str(old + 100))]
    client.force_login(admin)
    page = client.get(f"/admin/projects/projectyear/{row.pk}/history/").content.decode()
    assert str(old) in page and str(old + 100) in page and "载入2022年计划" in page
