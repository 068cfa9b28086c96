"""Role × action × own-unit/other-unit in the admin: the status code of every GET and POST, and
an unchanged database after every refusal. "own" is unit A's row (office_a's unit); "other" is
unit B's. Roles other than the office see both units alike."""

from decimal import Decimal

import pytest
from django.test import Client

from projects import services
from projects.admin.report import WorkflowMsg
from projects.models import Milestone, MilestoneKind, ProgressReport, Project, ReportEvent, ReportStatus
from projects.services import ServiceMsg
from tests.factories import MilestoneFactory, row_of

from .admin_support import (
    ROLES,
    change_url,
    make_report,
    milestone_post,
    new_report_post,
    project_post,
    report_post,
    snapshot,
)

OWN, OTHER = "own", "other"


@pytest.fixture
def world(project_a, project_b, office_a, office_b):
    """One project, event milestone and draft report per unit."""
    return {
        OWN: {
            "project": project_a,
            "office": office_a,
            "milestone": MilestoneFactory(
                project_year=row_of(project_a),
                kind=MilestoneKind.EVENT,
                event="start",
                target_percent=None,
                title="开工",
            ),
        },
        OTHER: {
            "project": project_b,
            "office": office_b,
            "milestone": MilestoneFactory(
                project_year=row_of(project_b),
                kind=MilestoneKind.EVENT,
                event="start",
                target_percent=None,
                title="开工",
            ),
        },
    }


def login(request, role) -> tuple[Client, object]:
    user = request.getfixturevalue(role)
    client = Client()
    client.force_login(user)
    return client, user


# Leaders change nothing; finance keeps the plan and files reports (by form as by spreadsheet);
# reviewers keep the plan and review reports without filing them.
PLAN_READ_ONLY = ("leader",)
REPORT_READ_ONLY = ("leader", "reviewer")


def expect(role, side, *, allowed, office_own=None, view_only=None, read_only=REPORT_READ_ONLY):
    """The status code for a role on a side: 404 for an office on another unit's row."""
    if role == "office_a":
        return (office_own if office_own is not None else allowed) if side == OWN else 404
    return allowed if view_only is None or role not in read_only else view_only


SIDES = [OWN, OTHER]


# --- Lists -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("model", ["project", "milestone", "progressreport"])
def test_changelist_shows_only_visible_rows(request, role, model, world, reviewer):
    for side in SIDES:
        make_report(world[side]["project"], world[side]["office"], status=ReportStatus.SUBMITTED)
    client, _user = login(request, role)
    response = client.get(f"/admin/projects/{model}/")
    assert response.status_code == 200
    shown = {row.pk for row in response.context["cl"].result_list}
    own_rows = {
        "project": {world[OWN]["project"].pk},
        "milestone": {world[OWN]["milestone"].pk},
        "progressreport": set(row_of(world[OWN]["project"]).reports.values_list("pk", flat=True)),
    }[model]
    other_rows = {
        "project": {world[OTHER]["project"].pk},
        "milestone": {world[OTHER]["milestone"].pk},
        "progressreport": set(row_of(world[OTHER]["project"]).reports.values_list("pk", flat=True)),
    }[model]
    if role == "office_a":
        assert shown == own_rows
        assert world[OTHER]["project"].name not in response.content.decode()
    else:
        assert shown == own_rows | other_rows


@pytest.mark.parametrize("role", ROLES)
def test_search_does_not_reach_other_units(request, role, world):
    client, _user = login(request, role)
    response = client.get("/admin/projects/project/", {"q": world[OTHER]["project"].name})
    found = [p.pk for p in response.context["cl"].result_list]
    assert found == ([] if role == "office_a" else [world[OTHER]["project"].pk])


@pytest.mark.parametrize("role", ROLES)
def test_unit_filter_is_not_offered_to_an_office(request, role, world):
    client, _user = login(request, role)
    response = client.get("/admin/projects/project/")
    offered = {spec.title for spec in response.context["cl"].filter_specs}
    assert (str(Project._meta.get_field("responsible_unit").verbose_name) in offered) is (role != "office_a")


# --- Change pages: GET -----------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("side", SIDES)
@pytest.mark.parametrize("what", ["project", "milestone", "report"])
@pytest.mark.parametrize("page", ["change/", "history/"])
def test_get_change_and_history_pages(request, role, side, what, page, world):
    obj = world[side].get(what) or make_report(world[side]["project"], world[side]["office"])
    client, _user = login(request, role)
    response = client.get(change_url(obj).replace("change/", page))
    assert response.status_code == expect(role, side, allowed=200)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("side", SIDES)
def test_history_version_page_is_narrowed_and_never_reverts(request, role, side, world):
    project = world[side]["project"]
    history_id = project.history.first().history_id
    client, _user = login(request, role)
    url = f"/admin/projects/project/{project.pk}/history/{history_id}/"
    assert client.get(url).status_code == expect(role, side, allowed=200)
    before = snapshot()
    response = client.post(url, project_post(project, name="回滚"))
    assert response.status_code == expect(role, side, allowed=403)
    assert snapshot() == before


# --- Change pages: POST ----------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("side", SIDES)
def test_post_project_change(request, role, side, world):
    project = world[side]["project"]
    client, user = login(request, role)
    before = snapshot()
    response = client.post(change_url(project), project_post(project, name="改名后的项目", change_reason="更正名称"))
    expected = expect(role, side, allowed=302, view_only=403, read_only=PLAN_READ_ONLY)
    assert response.status_code == expected
    project.refresh_from_db()
    if expected == 302:
        assert project.name == "改名后的项目"
        assert project.history.first().history_user == user
    else:
        assert snapshot() == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("side", SIDES)
def test_post_milestone_change(request, role, side, world):
    milestone = world[side]["milestone"]
    client, user = login(request, role)
    before = snapshot()
    response = client.post(change_url(milestone), milestone_post(milestone, met_on="2022-03-15"))
    expected = expect(role, side, allowed=302, view_only=403, read_only=PLAN_READ_ONLY)
    assert response.status_code == expected
    milestone.refresh_from_db()
    if expected == 302:
        assert str(milestone.met_on) == "2022-03-15"
        assert milestone.history.first().history_user == user
    else:
        assert snapshot() == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("side", SIDES)
def test_post_report_add(request, role, side, world):
    project = world[side]["project"]
    client, user = login(request, role)
    before = snapshot()
    response = client.post("/admin/projects/progressreport/add/", new_report_post(project))
    # Reviewers and leaders do not file reports; an office cannot choose another unit's
    # project (the choice is not offered, so the form says so and saves nothing).
    expected = {"admin_user": 302, "reviewer": 403, "leader": 403, "finance": 302}.get(
        role, 302 if side == OWN else 200
    )
    assert response.status_code == expected
    if expected == 302:
        report = ProgressReport.objects.get(project_year__project=project)
        assert report.created_by == user and report.status == ReportStatus.DRAFT
    else:
        assert snapshot() == before
    if expected == 200:
        assert "project" in response.context["adminform"].form.errors


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("side", SIDES)
def test_post_report_change(request, role, side, world):
    report = make_report(world[side]["project"], world[side]["office"])
    client, _user = login(request, role)
    before = snapshot()
    response = client.post(change_url(report), report_post(report, investment_completed="321.00"))
    expected = expect(role, side, allowed={"admin_user": 302, "finance": 302}.get(role, 403), office_own=302)
    assert response.status_code == expected
    report.refresh_from_db()
    if expected == 302:
        assert str(report.investment_completed) == "321.00"
    else:
        assert snapshot() == before


# --- Workflow buttons --------------------------------------------------------------------------

WORKFLOW = {
    # button: (status the report is in, status after, {role: code on own side})
    "_submit": (
        ReportStatus.DRAFT,
        ReportStatus.SUBMITTED,
        {"admin_user": 302, "reviewer": 403, "leader": 403, "finance": 302, "office_a": 302},
    ),
    "_approve": (
        ReportStatus.SUBMITTED,
        ReportStatus.APPROVED,
        {"admin_user": 302, "reviewer": 302, "leader": 403, "finance": 403, "office_a": 403},
    ),
    "_return": (
        ReportStatus.SUBMITTED,
        ReportStatus.RETURNED,
        {"admin_user": 302, "reviewer": 302, "leader": 403, "finance": 403, "office_a": 403},
    ),
    "_revise": (
        ReportStatus.APPROVED,
        ReportStatus.APPROVED,
        {"admin_user": 302, "reviewer": 403, "leader": 403, "finance": 302, "office_a": 302},
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("side", SIDES)
@pytest.mark.parametrize("button", list(WORKFLOW))
def test_post_workflow_button(request, role, side, button, world, reviewer2):
    status_before, status_after, codes = WORKFLOW[button]
    report = make_report(world[side]["project"], world[side]["office"], status=status_before, reviewer=reviewer2)
    client, user = login(request, role)
    before = snapshot()
    data = {button: "1", "_workflow_version": report.version, "review_comment": "请核实投资额"}
    if button == "_submit":
        data.update(report_post(report))
    response = client.post(change_url(report), data)
    expected = codes[role] if side == OWN or role != "office_a" else 404
    assert response.status_code == expected
    report.refresh_from_db()
    if expected == 302:
        assert report.status == status_after
        last = ReportEvent.objects.order_by("pk").last()
        assert last.actor == user
        if button == "_revise":
            assert ProgressReport.objects.filter(
                project_year=report.project_year, revision=2, status=ReportStatus.DRAFT
            ).exists()
    else:
        assert snapshot() == before


def confirm_approval(client, reports, *, versions=None):
    """Post the bulk approval's confirmation as its page would: each report with the version shown."""
    versions = versions or {r.pk: r.version for r in reports}
    data = {"action": "approve_selected", "post": "yes", "_selected_action": [r.pk for r in reports]}
    data.update({f"version_{pk}": v for pk, v in versions.items() if v is not None})
    return client.post("/admin/projects/progressreport/", data, follow=True)


@pytest.mark.parametrize("role", ROLES)
def test_bulk_approve_action(request, role, world):
    reports = [
        make_report(world[side]["project"], world[side]["office"], status=ReportStatus.SUBMITTED) for side in SIDES
    ]
    client, _user = login(request, role)
    before = snapshot()
    response = client.post(
        "/admin/projects/progressreport/", {"action": "approve_selected", "_selected_action": [r.pk for r in reports]}
    )
    # The first step only shows what would be approved.
    assert snapshot() == before
    if role in ("admin_user", "reviewer"):
        assert response.status_code == 200
        page = response.content.decode()
        for report in reports:
            assert f'name="version_{report.pk}" value="{report.version}"' in page
            assert report.project_year.project.name in page and str(report.investment_completed) in page
        confirm_approval(client, reports)
        approved = set(ProgressReport.objects.filter(status=ReportStatus.APPROVED).values_list("pk", flat=True))
        assert approved == {r.pk for r in reports}
    else:
        # No action is offered to these roles: the list is shown again and nothing changes.
        assert response.status_code == 200 and "version_" not in response.content.decode()
        confirm_approval(client, reports)
        assert snapshot() == before


def test_bulk_approve_reports_each_refusal(world, admin_user):
    """An administrator's own report is refused row by row; the others still go through."""
    own = make_report(world[OWN]["project"], admin_user, status=ReportStatus.SUBMITTED)
    other = make_report(world[OTHER]["project"], world[OTHER]["office"], status=ReportStatus.SUBMITTED)
    client = Client()
    client.force_login(admin_user)
    response = confirm_approval(client, [own, other])
    own.refresh_from_db()
    other.refresh_from_db()
    assert own.status == ReportStatus.SUBMITTED and other.status == ReportStatus.APPROVED
    texts = [str(m) for m in response.context["messages"]]
    assert any(str(own) in t for t in texts)


def test_bulk_approve_skips_a_report_changed_after_the_confirmation_page(world, reviewer, reviewer2):
    """Approve only what the reviewer saw: a report returned, corrected and resubmitted in between
    keeps its new figures unapproved, and the message names it."""
    changed = make_report(world[OWN]["project"], world[OWN]["office"], status=ReportStatus.SUBMITTED)
    unchanged = make_report(world[OTHER]["project"], world[OTHER]["office"], status=ReportStatus.SUBMITTED)
    seen = {changed.pk: changed.version, unchanged.pk: unchanged.version}
    services.report_return(actor=reviewer2, report=changed, comment="请修改")
    changed.refresh_from_db()
    services.report_update(
        actor=world[OWN]["office"],
        report=changed,
        expected_version=changed.version,
        investment_completed=Decimal("80.00"),
    )
    services.report_submit(actor=world[OWN]["office"], report=changed)
    client = Client()
    client.force_login(reviewer)
    response = confirm_approval(client, [changed, unchanged], versions=seen)
    changed.refresh_from_db()
    unchanged.refresh_from_db()
    assert changed.status == ReportStatus.SUBMITTED and unchanged.status == ReportStatus.APPROVED
    texts = [str(m) for m in response.context["messages"]]
    assert str(WorkflowMsg.CHANGED % {"report": changed}) in texts
    assert str(WorkflowMsg.APPROVED % {"n": 1}) in texts


@pytest.mark.parametrize("version", [None, "", "abc", "²", "-1", "1.0"])
def test_bulk_approve_without_a_plain_version_approves_nothing(world, reviewer, version):
    report = make_report(world[OWN]["project"], world[OWN]["office"], status=ReportStatus.SUBMITTED)
    client = Client()
    client.force_login(reviewer)
    before = snapshot()
    response = confirm_approval(client, [report], versions={report.pk: version})
    assert snapshot() == before
    if version not in (None, ""):
        assert response.status_code == 400  # not a version at all: the request parser's answer
        return
    assert str(WorkflowMsg.UNCONFIRMED % {"report": report}) in [str(m) for m in response.context["messages"]]


@pytest.mark.parametrize("button", ["_approve", "_return", "_revise"])
@pytest.mark.parametrize("version", [None, "", "abc", "²", "1e3", "stale"])
def test_workflow_step_without_a_good_version_is_refused(world, reviewer, reviewer2, button, version):
    """A workflow POST that does not carry the version the page showed, or carries an old one, does
    nothing at all: never acts on whatever is current."""
    office = world[OWN]["office"]
    status = ReportStatus.APPROVED if button == "_revise" else ReportStatus.SUBMITTED
    report = make_report(world[OWN]["project"], office, status=status, reviewer=reviewer2)
    actor = office if button == "_revise" else reviewer
    client = Client()
    client.force_login(actor)
    data = {button: "1", "review_comment": "请核实", "revise_reason": "更正"}
    if version == "stale":
        data["_workflow_version"] = report.version - 1
    elif version is not None:
        data["_workflow_version"] = version
    before = snapshot()
    response = client.post(change_url(report), data, follow=True)
    assert snapshot() == before
    if version in ("abc", "²", "1e3"):
        # Not a number at all: the one request parser's 400, naming the parameter.
        assert response.status_code == 400
        return
    expected = ServiceMsg.STALE if version == "stale" else WorkflowMsg.NO_VERSION
    assert str(expected) in [str(m) for m in response.context["messages"]]


# --- Deleting, saving-as-new, other admin pages ------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("side", SIDES)
def test_reports_are_never_deleted(request, role, side, world):
    report = make_report(world[side]["project"], world[side]["office"])
    client, _user = login(request, role)
    before = snapshot()
    response = client.post(change_url(report).replace("change/", "delete/"), {"post": "yes"})
    assert response.status_code == expect(role, side, allowed=403)
    assert snapshot() == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("side", SIDES)
def test_project_delete_is_for_administrators(request, role, side, world):
    project = world[side]["project"]
    Milestone.objects.filter(project_year__project=project).delete()
    client, _user = login(request, role)
    before = snapshot()
    response = client.post(change_url(project).replace("change/", "delete/"), {"post": "yes"})
    expected = expect(role, side, allowed={"admin_user": 302}.get(role, 403))
    assert response.status_code == expected
    if expected == 302:
        assert not Project.objects.filter(pk=project.pk).exists()
    else:
        assert snapshot() == before


@pytest.mark.parametrize("role", ROLES)
def test_save_as_new_is_refused(request, role, world):
    report = make_report(world[OWN]["project"], world[OWN]["office"])
    client, _user = login(request, role)
    before = snapshot()
    response = client.post(
        change_url(report),
        {**report_post(report), "project": report.project_year.project_id, "year": 2022, "month": 4, "_saveasnew": "1"},
    )
    assert response.status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("role", ROLES)
def test_user_admin_is_for_administrators(request, role, world):
    client, _user = login(request, role)
    assert client.get("/admin/projects/user/").status_code == (200 if role == "admin_user" else 403)
    assert client.get(f"/admin/projects/user/{world[OTHER]['office'].pk}/change/").status_code == (
        200 if role == "admin_user" else 403
    )


@pytest.mark.parametrize("role", ROLES)
def test_reference_data_is_read_only_except_for_administrators(request, role, world, plan_year):
    client, _user = login(request, role)
    assert client.get(f"/admin/projects/planyear/{plan_year.pk}/change/").status_code == 200
    before = snapshot()
    response = client.post("/admin/projects/responsibleunit/add/", {"name": "县新局", "code": "xj"})
    assert response.status_code == (302 if role == "admin_user" else 403)
    if role != "admin_user":
        assert snapshot() == before


def test_user_without_a_role_sees_nothing(db, world):
    from tests.factories import UserFactory

    client = Client()
    client.force_login(UserFactory(username="nobody"))
    assert client.get("/admin/projects/project/").status_code == 403
    assert client.get(change_url(world[OWN]["project"])).status_code == 404
    assert client.get("/admin/tools/rollup/").status_code == 403


def test_anonymous_is_sent_to_login(db, world):
    client = Client()
    for url in (
        "/admin/projects/project/",
        change_url(world[OWN]["project"]),
        "/admin/tools/rollup/",
        "/admin/tools/missing-reports/",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_administrator_creates_an_office_account(admin_user, unit_a):
    from django.contrib.auth.models import Group

    from projects.models import User
    from projects.roles import Role

    office = Group.objects.get_or_create(name=Role.OFFICE)[0]
    client = Client()
    client.force_login(admin_user)
    response = client.post(
        "/admin/projects/user/add/",
        {
            "username": "jtj_office2",
            "password1": "Yy-2022-strong!",
            "password2": "Yy-2022-strong!",
            "usable_password": "true",
            "unit": unit_a.pk,
            "groups": [office.pk],
            "is_staff": "on",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="jtj_office2")
    assert (user.unit, list(user.groups.all()), user.is_staff) == (unit_a, [office], True)
    other = Client()
    other.force_login(user)
    assert other.get("/admin/projects/project/").status_code == 200


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("side", SIDES)
def test_post_project_add(request, role, side, world, plan_year):
    """A new project for a unit: offices only for their own (the other unit is not a choice)."""
    template = world[side]["project"]
    client, user = login(request, role)
    before = snapshot()
    data = project_post(template, code="YY2022-NEW-001", name="新增项目")
    data["plan_year"] = plan_year.pk
    del data["version"]
    response = client.post("/admin/projects/project/add/", data)
    expected = {"leader": 403}.get(role, 200 if (role == "office_a" and side == OTHER) else 302)
    assert response.status_code == expected
    if expected == 302:
        created = Project.objects.get(code="YY2022-NEW-001")
        assert created.responsible_unit == template.responsible_unit
        assert created.history.get().history_user == user
    else:
        assert snapshot() == before


def test_milestone_cannot_be_moved_to_another_project(world, office_a):
    milestone = world[OWN]["milestone"]
    client = Client()
    client.force_login(office_a)
    response = client.post(
        change_url(milestone),
        milestone_post(milestone, title="开工仪式", project_year=row_of(world[OTHER]["project"]).pk),
    )
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.project_year.project == world[OWN]["project"] and milestone.title == "开工仪式"


def test_report_keys_posted_by_hand_are_ignored(world, office_a):
    """Status, project and month are not form fields: posting them changes nothing of theirs."""
    report = make_report(world[OWN]["project"], office_a)
    client = Client()
    client.force_login(office_a)
    response = client.post(
        change_url(report),
        {
            **report_post(report, problems="雨季停工"),
            "status": "approved",
            "project": world[OTHER]["project"].pk,
            "month": 1,
            "is_current": "",
            "reviewed_by": office_a.pk,
        },
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.project_year.project, report.month, report.problems) == (
        ReportStatus.DRAFT,
        world[OWN]["project"],
        3,
        "雨季停工",
    )


@pytest.mark.parametrize("role", ROLES)
def test_filtering_by_another_unit_by_hand_shows_nothing_to_an_office(request, role, world):
    client, _user = login(request, role)
    other_unit = world[OTHER]["project"].responsible_unit_id
    response = client.get("/admin/projects/project/", {"responsible_unit__id__exact": other_unit})
    shown = [p.pk for p in response.context["cl"].result_list]
    assert shown == ([] if role == "office_a" else [world[OTHER]["project"].pk])
    response = client.get("/admin/projects/milestone/", {"project_year__id__exact": row_of(world[OTHER]["project"]).pk})
    shown = [m.pk for m in response.context["cl"].result_list]
    assert shown == ([] if role == "office_a" else [world[OTHER]["milestone"].pk])


@pytest.mark.parametrize("role", ROLES)
def test_bulk_delete_of_projects_is_for_administrators(request, role, world):
    Milestone.objects.all().delete()
    client, _user = login(request, role)
    before = snapshot()
    pks = [world[side]["project"].pk for side in SIDES]
    response = client.post(
        "/admin/projects/project/", {"action": "delete_selected", "_selected_action": pks, "post": "yes"}
    )
    if role == "admin_user":
        assert response.status_code == 302
        assert not Project.objects.filter(pk__in=pks).exists()
    else:
        assert response.status_code == 200
        assert snapshot() == before


ADD_PAGE = {  # role: (project, milestone, report)
    "admin_user": (200, 200, 200),
    "reviewer": (200, 200, 403),
    "leader": (403, 403, 403),
    "finance": (200, 200, 200),
    "office_a": (200, 200, 200),
}


@pytest.mark.parametrize("role", ROLES)
def test_get_add_pages(request, role, world):
    client, _user = login(request, role)
    codes = tuple(
        client.get(f"/admin/projects/{m}/add/").status_code for m in ("project", "milestone", "progressreport")
    )
    assert codes == ADD_PAGE[role]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("side", SIDES)
def test_post_milestone_add(request, role, side, world):
    project = world[side]["project"]
    client, user = login(request, role)
    before = snapshot()
    response = client.post(
        "/admin/projects/milestone/add/",
        {
            "project_year": row_of(project).pk,
            "kind": "event",
            "event": "completed",
            "title": "完工",
            "due_date": "2022-12-31",
        },
    )
    expected = {"leader": 403}.get(role, 200 if (role == "office_a" and side == OTHER) else 302)
    assert response.status_code == expected
    if expected == 302:
        created = row_of(project).milestones.get(event="completed")
        assert created.history.get().history_user == user
    else:
        assert snapshot() == before
