"""Admin forms save through the services: refusals become form errors or messages with nothing
written, two people editing one record cannot overwrite each other, history names the user."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from projects import services
from projects.models import MilestoneKind, ProgressReport, ReportAction, ReportEvent, ReportStatus
from projects.services import ServiceMsg
from tests.factories import MilestoneFactory, row_of

from .admin_support import (
    change_url,
    make_report,
    milestone_post,
    new_report_post,
    project_post,
    project_year_post,
    report_post,
    snapshot,
)

ADD_REPORT = "/admin/projects/progressreport/add/"


@pytest.fixture
def office_client(office_a):
    client = Client()
    client.force_login(office_a)
    return client


@pytest.fixture
def reviewer_client(reviewer):
    client = Client()
    client.force_login(reviewer)
    return client


def form_errors(response) -> dict:
    form = response.context["adminform"].form
    return {field: [str(e) for e in errors] for field, errors in form.errors.items()}


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --- The contract other pages and tests rely on ---------------------------------------------------


def test_add_form_then_submit_then_review_buttons(office_client, reviewer_client, project_a):
    page = office_client.get(ADD_REPORT).content.decode()
    for name in (
        "project",
        "year",
        "month",
        "investment_completed",
        "physical_percent",
        "physical_narrative",
        "problems",
    ):
        assert f'name="{name}"' in page
    response = office_client.post(ADD_REPORT, new_report_post(project_a))
    assert response.status_code == 302
    report = ProgressReport.objects.get()
    page = office_client.get(change_url(report)).content.decode()
    assert 'name="_submit"' in page
    assert f'<input type="hidden" name="version" value="{report.version}"' in page
    assert 'name="_approve"' not in page
    office_client.post(change_url(report), {**report_post(report), "_submit": "1"})
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    page = reviewer_client.get(change_url(report)).content.decode()
    assert 'name="_approve"' in page and 'name="_return"' in page and 'name="review_comment"' in page


def test_add_form_offers_only_own_projects_and_event_milestones(office_client, project_a, project_b):
    own_event = MilestoneFactory(
        project_year=row_of(project_a), kind=MilestoneKind.EVENT, event="start", target_percent=None
    )
    own_percent = MilestoneFactory(project_year=row_of(project_a))
    other_event = MilestoneFactory(
        project_year=row_of(project_b), kind=MilestoneKind.EVENT, event="start", target_percent=None
    )
    response = office_client.get(ADD_REPORT)
    form = response.context["adminform"].form
    assert list(form.fields["project"].queryset) == [project_a]
    # No project chosen yet: no milestone is listed (not every milestone of the plan), and the
    # project is a search box, not a dropdown of every project.
    assert list(form.fields["milestones_met"].queryset) == []
    html = response.content.decode()
    assert "admin-autocomplete" in html and project_a.name not in html and project_b.name not in html
    # Chosen (the add link from a project, or the posted form): that project-year's event milestones.
    form = office_client.get(ADD_REPORT, {"project": project_a.pk, "year": 2022}).context["adminform"].form
    assert list(form.fields["milestones_met"].queryset) == [own_event]
    assert own_percent not in form.fields["milestones_met"].queryset
    assert other_event not in form.fields["milestones_met"].queryset
    # Another unit's project named in the link: offered neither as project nor through its milestones.
    form = office_client.get(ADD_REPORT, {"project": project_b.pk, "year": 2022}).context["adminform"].form
    assert list(form.fields["milestones_met"].queryset) == []


def test_a_new_report_ticks_milestones_of_its_own_project_only(office_client, project_a, project_b, office_a):
    own_event = MilestoneFactory(
        project_year=row_of(project_a), kind=MilestoneKind.EVENT, event="start", target_percent=None
    )
    other_event = MilestoneFactory(
        project_year=row_of(project_b), kind=MilestoneKind.EVENT, event="start", target_percent=None
    )
    post = {
        "project": project_a.pk,
        "year": 2022,
        "month": 5,
        "investment_completed": "10",
        "physical_percent": "5",
        "physical_narrative": "x",
        "problems": "",
        "next_month_plan": "",
        "percent_drop_reason": "",
        "change_reason": "",
    }
    refused = office_client.post(ADD_REPORT, {**post, "milestones_met": [other_event.pk]})
    assert refused.status_code == 200 and "milestones_met" in refused.context["adminform"].form.errors
    assert office_client.post(ADD_REPORT, {**post, "milestones_met": [own_event.pk]}).status_code == 302
    assert list(ProgressReport.objects.get().milestones_met.all()) == [own_event]


AUTOCOMPLETE = "/admin/autocomplete/"


def _found(client, model_name: str, field_name: str, term: str = "") -> list[str]:
    response = client.get(
        AUTOCOMPLETE, {"app_label": "projects", "model_name": model_name, "field_name": field_name, "term": term}
    )
    assert response.status_code == 200
    return [item["text"] for item in response.json()["results"]]


@pytest.mark.parametrize(
    ("model_name", "field_name"),
    [("projectyear", "project"), ("milestone", "project_year")],
)
def test_autocomplete_does_not_leak_other_units_projects(office_client, project_a, project_b, model_name, field_name):
    """The searches behind the report's project, a milestone's project-year and a plan row's
    project: an office finds its own unit's rows only, whatever it types."""
    found = _found(office_client, model_name, field_name)
    assert found and all(project_b.name not in text for text in found)
    assert any(project_a.name in text or project_a.code in text for text in found)
    assert _found(office_client, model_name, field_name, project_b.code) == []
    assert _found(office_client, model_name, field_name, project_b.name) == []


def test_growing_choices_render_only_the_chosen_row(project_a, project_b, admin_user):
    """The add forms whose choices grow with the data render a search box, not every row."""
    client = Client()
    client.force_login(admin_user)
    for url, name in (
        ("/admin/projects/milestone/add/", "project_year"),
        ("/admin/projects/projectyear/add/", "project"),
        ("/admin/projects/project/add/", "owner_unit"),
    ):
        html = client.get(url).content.decode()
        assert f'name="{name}"' in html and "admin-autocomplete" in html, url
        assert project_a.name not in html and project_b.owner_unit.name not in html, url


def test_autocomplete_finds_every_unit_for_a_county_role(project_a, project_b, finance):
    client = Client()
    client.force_login(finance)
    found = " ".join(_found(client, "projectyear", "project"))
    assert project_a.name in found and project_b.name in found


def test_save_and_submit_saves_the_edits_then_submits(office_client, project_a, office_a):
    report = make_report(project_a, office_a)
    response = office_client.post(
        change_url(report), {**report_post(report, physical_narrative="桥梁完成"), "_submit": "1"}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.physical_narrative == "桥梁完成"
    assert list(report.events.values_list("action", flat=True)) == [
        ReportAction.CREATE,
        ReportAction.EDIT,
        ReportAction.SUBMIT,
    ]


# --- Bad input: refused with a clear message, nothing written -------------------------------------


def future_month():
    today = timezone.localdate()
    return (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"physical_percent": "101"}, "physical_percent", None),
        ({"investment_completed": "-5"}, "investment_completed", None),
        ({"month": "13"}, "month", None),
        ({"year": "2023"}, "year", ServiceMsg.NOT_IN_PLAN % {"year": 2023}),
    ],
)
def test_add_report_refuses_bad_values(office_client, project_a, changes, field, message):
    before = snapshot()
    response = office_client.post(ADD_REPORT, new_report_post(project_a, **changes))
    assert response.status_code == 200
    errors = form_errors(response)
    assert field in errors
    if message is not None:
        assert str(message) in errors[field]
    assert snapshot() == before


def test_add_report_refuses_a_future_month(office_client, project_a, plan_year):
    year, month = future_month()
    plan_year.year = year
    plan_year.save()
    before = snapshot()
    response = office_client.post(ADD_REPORT, new_report_post(project_a, year=year, month=month))
    assert response.status_code == 200
    assert str(ServiceMsg.FUTURE_MONTH) in form_errors(response)["month"]
    assert snapshot() == before


def test_add_report_refuses_a_second_report_for_the_month(office_client, project_a, office_a):
    make_report(project_a, office_a, month=3)
    before = snapshot()
    response = office_client.post(ADD_REPORT, new_report_post(project_a, month=3))
    assert response.status_code == 200
    assert str(ServiceMsg.DUPLICATE_MONTH) in form_errors(response)["month"]
    assert snapshot() == before


def test_percent_below_last_approved_needs_a_reason(office_client, project_a, office_a, reviewer):
    make_report(project_a, office_a, month=2, percent="30", status=ReportStatus.APPROVED, reviewer=reviewer)
    before = snapshot()
    response = office_client.post(ADD_REPORT, new_report_post(project_a, month=3, physical_percent="25"))
    assert response.status_code == 200
    assert (
        str(ServiceMsg.PERCENT_DROP % {"new": Decimal("25"), "old": Decimal("30.00")})
        in form_errors(response)["physical_percent"]
    )
    assert snapshot() == before
    response = office_client.post(
        ADD_REPORT, new_report_post(project_a, month=3, physical_percent="25", percent_drop_reason="复核后调减")
    )
    assert response.status_code == 302
    assert ProgressReport.objects.get(month=3).physical_percent == Decimal("25")


def test_approved_report_is_locked(office_client, project_a, office_a, reviewer):
    report = make_report(project_a, office_a, status=ReportStatus.APPROVED, reviewer=reviewer)
    page = office_client.get(change_url(report))
    html = page.content.decode()
    assert 'name="investment_completed"' not in html and 'name="_save"' not in html
    assert 'name="_revise"' in html
    before = snapshot()
    response = office_client.post(change_url(report), report_post(report, investment_completed="999"))
    assert response.status_code == 200
    assert str(ServiceMsg.NOT_EDITABLE) in response.context["adminform"].form.non_field_errors()
    assert snapshot() == before


def test_submitted_report_cannot_be_edited_by_its_office(office_client, project_a, office_a):
    report = make_report(project_a, office_a, status=ReportStatus.SUBMITTED)
    before = snapshot()
    response = office_client.post(change_url(report), report_post(report, investment_completed="999"))
    assert response.status_code == 200
    assert str(ServiceMsg.NOT_EDITABLE) in response.context["adminform"].form.non_field_errors()
    assert snapshot() == before


@pytest.mark.parametrize(
    "status, button, message",
    [
        (ReportStatus.DRAFT, "_approve", ServiceMsg.NOT_SUBMITTED),  # approving a draft
        (ReportStatus.APPROVED, "_return", ServiceMsg.NOT_SUBMITTED),
        (ReportStatus.SUBMITTED, "_return", ServiceMsg.COMMENT_REQUIRED),  # no comment
    ],
)
def test_steps_out_of_order_are_refused(reviewer_client, project_a, office_a, reviewer2, status, button, message):
    report = make_report(project_a, office_a, status=status, reviewer=reviewer2)
    before = snapshot()
    response = reviewer_client.post(
        change_url(report), {button: "1", "_workflow_version": report.version, "review_comment": ""}, follow=True
    )
    assert str(message) in messages_of(response)
    assert snapshot() == before


def test_office_submitting_twice_is_refused(office_client, project_a, office_a):
    report = make_report(project_a, office_a, status=ReportStatus.SUBMITTED)
    before = snapshot()
    response = office_client.post(
        change_url(report), {"_submit": "1", "_workflow_version": report.version}, follow=True
    )
    assert str(ServiceMsg.NOT_SUBMITTABLE) in messages_of(response)
    assert snapshot() == before


def test_nobody_approves_their_own_report(admin_user, project_a):
    report = make_report(project_a, admin_user, status=ReportStatus.SUBMITTED)
    client = Client()
    client.force_login(admin_user)
    assert 'name="_approve"' not in client.get(change_url(report)).content.decode()
    before = snapshot()
    response = client.post(change_url(report), {"_approve": "1", "_workflow_version": report.version}, follow=True)
    assert str(ServiceMsg.OWN_REPORT) in messages_of(response)
    assert snapshot() == before


def test_return_keeps_the_comment_and_the_office_can_resubmit(reviewer_client, office_client, project_a, office_a):
    report = make_report(project_a, office_a, status=ReportStatus.SUBMITTED)
    reviewer_client.post(
        change_url(report),
        {"_return": "1", "_workflow_version": report.version, "review_comment": "投资额与财务数据不符"},
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED and report.review_comment == "投资额与财务数据不符"
    assert report.events.last().comment == "投资额与财务数据不符"
    office_client.post(change_url(report), {**report_post(report, investment_completed="90.00"), "_submit": "1"})
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.investment_completed == Decimal("90.00")


def test_revision_goes_through_review_and_keeps_the_old_report(
    office_client, reviewer_client, project_a, office_a, reviewer
):
    original = make_report(project_a, office_a, amount="100.00", status=ReportStatus.APPROVED, reviewer=reviewer)
    response = office_client.post(
        change_url(original), {"_revise": "1", "_workflow_version": original.version, "revise_reason": "投资额录入有误"}
    )
    revision = ProgressReport.objects.get(revision=2)
    assert response["Location"] == change_url(revision)
    office_client.post(change_url(revision), {**report_post(revision, investment_completed="150.00"), "_submit": "1"})
    revision.refresh_from_db()
    original.refresh_from_db()
    assert revision.status == ReportStatus.SUBMITTED
    assert original.status == ReportStatus.APPROVED and original.is_current  # still counts until approved
    reviewer_client.post(change_url(revision), {"_approve": "1", "_workflow_version": revision.version})
    revision.refresh_from_db()
    original.refresh_from_db()
    assert revision.status == ReportStatus.APPROVED and revision.is_current
    assert original.status == ReportStatus.SUPERSEDED and not original.is_current
    assert original.investment_completed == Decimal("100.00")


# --- Foreign keys typed by hand -------------------------------------------------------------------


def test_office_cannot_hand_its_project_to_another_unit(office_client, project_a, unit_b):
    before = snapshot()
    response = office_client.post(change_url(project_a), project_post(project_a, responsible_unit=unit_b.pk))
    assert response.status_code == 200
    assert "responsible_unit" in form_errors(response)
    assert snapshot() == before


def test_office_cannot_add_a_milestone_to_another_units_project(office_client, project_b):
    before = snapshot()
    response = office_client.post(
        "/admin/projects/milestone/add/",
        {
            "project_year": row_of(project_b).pk,
            "kind": "event",
            "event": "start",
            "title": "开工",
            "due_date": "2022-06-30",
        },
    )
    assert response.status_code == 200
    assert "project_year" in form_errors(response)
    assert snapshot() == before


def test_office_cannot_tick_another_projects_milestone(office_client, project_a, project_b, office_a):
    other = MilestoneFactory(
        project_year=row_of(project_b), kind=MilestoneKind.EVENT, event="start", target_percent=None
    )
    report = make_report(project_a, office_a)
    before = snapshot()
    response = office_client.post(change_url(report), report_post(report, milestones_met=[other.pk]))
    assert response.status_code == 200
    assert "milestones_met" in form_errors(response)
    assert snapshot() == before


def test_office_adds_a_milestone_to_its_project(office_client, project_a, office_a):
    response = office_client.post(
        "/admin/projects/milestone/add/",
        {
            "project_year": row_of(project_a).pk,
            "kind": "percent",
            "event": "",
            "title": "完成60%",
            "target_percent": "60",
            "due_date": "2022-12-31",
            "change_reason": "年度目标",
        },
    )
    assert response.status_code == 302, form_errors(response)
    milestone = row_of(project_a).milestones.get()
    assert milestone.history.first().history_user == office_a
    assert milestone.history.first().history_change_reason == "年度目标"


def test_percent_milestone_without_target_is_refused(office_client, project_a):
    before = snapshot()
    response = office_client.post(
        "/admin/projects/milestone/add/",
        {
            "project_year": row_of(project_a).pk,
            "kind": "percent",
            "event": "",
            "title": "完成",
            "due_date": "2022-12-31",
        },
    )
    assert response.status_code == 200
    assert str(ServiceMsg.MILESTONE_TARGET) in form_errors(response)["target_percent"]
    assert snapshot() == before


def test_percent_milestone_met_date_is_not_editable(office_client, project_a):
    milestone = MilestoneFactory(project_year=row_of(project_a))
    before = snapshot()
    office_client.post(change_url(milestone), {**milestone_post(milestone), "met_on": "2022-03-01"})
    milestone.refresh_from_db()
    assert milestone.met_on is None
    assert snapshot()["milestones"] == before["milestones"]


def test_funding_split_must_add_up(office_client, project_a):
    before = snapshot()
    response = office_client.post(change_url(project_a), project_post(project_a, social_investment="1.00"))
    assert response.status_code == 200
    assert str(ServiceMsg.FUNDING_SPLIT) in form_errors(response)["social_investment"]
    assert snapshot() == before


# --- CSRF -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("what", ["add", "change", "approve"])
def test_post_without_csrf_token_is_refused(project_a, office_a, reviewer, what):
    report = make_report(project_a, office_a, status=ReportStatus.SUBMITTED if what == "approve" else "draft")
    client = Client(enforce_csrf_checks=True)
    client.force_login(reviewer if what == "approve" else office_a)
    before = snapshot()
    url, data = {
        "add": (ADD_REPORT, new_report_post(project_a, month=4)),
        "change": (change_url(report), report_post(report, investment_completed="5")),
        "approve": (change_url(report), {"_approve": "1", "_workflow_version": report.version}),
    }[what]
    response = client.post(url, data)
    assert response.status_code == 403
    assert snapshot() == before


# --- Two people, one record -------------------------------------------------------------------------


@pytest.fixture
def two_offices(office_a, unit_a):
    from projects.roles import Role
    from tests.factories import UserFactory

    second = UserFactory(username="office_a2", role=Role.OFFICE, unit=unit_a)
    clients = []
    for user in (office_a, second):
        client = Client()
        client.force_login(user)
        clients.append(client)
    return clients


def test_second_project_save_is_refused_and_the_first_kept(two_offices, project_a):
    first, second = two_offices
    opened = [c.get(change_url(project_a)).context["adminform"].form.initial["version"] for c in (first, second)]
    assert opened[0] == opened[1]
    response = first.post(change_url(project_a), project_post(project_a, name="甲改的名称", version=opened[0]))
    assert response.status_code == 302
    before = snapshot()
    response = second.post(change_url(project_a), project_post(project_a, location="乙填的地点", version=opened[1]))
    assert response.status_code == 200
    assert str(ServiceMsg.STALE) in response.context["adminform"].form.non_field_errors()
    assert snapshot() == before
    project_a.refresh_from_db()
    assert project_a.name == "甲改的名称" and project_a.location != "乙填的地点"
    # What the second person typed is still in the form they are looking at.
    assert response.context["adminform"].form.data["location"] == "乙填的地点"


def test_second_report_save_is_refused_and_the_first_kept(two_offices, project_a, office_a):
    report = make_report(project_a, office_a)
    first, second = two_offices
    assert first.post(change_url(report), report_post(report, investment_completed="111.00")).status_code == 302
    before = snapshot()
    response = second.post(change_url(report), report_post(report, investment_completed="222.00"))
    assert response.status_code == 200
    assert str(ServiceMsg.STALE) in response.context["adminform"].form.non_field_errors()
    assert snapshot() == before
    report.refresh_from_db()
    assert report.investment_completed == Decimal("111.00")


def test_second_milestone_save_is_refused(two_offices, project_a):
    milestone = MilestoneFactory(
        project_year=row_of(project_a), kind=MilestoneKind.EVENT, event="start", target_percent=None
    )
    first, second = two_offices
    assert first.post(change_url(milestone), milestone_post(milestone, title="主体开工")).status_code == 302
    before = snapshot()
    response = second.post(change_url(milestone), milestone_post(milestone, met_on="2022-04-01"))
    assert response.status_code == 200
    assert str(ServiceMsg.STALE) in response.context["adminform"].form.non_field_errors()
    assert snapshot() == before


def test_approving_a_report_changed_since_the_page_was_opened_is_refused(
    reviewer_client, reviewer2, project_a, office_a
):
    report = make_report(project_a, office_a, status=ReportStatus.SUBMITTED)
    seen_version = report.version
    # The reviewer opened the page; meanwhile the report went back and was resubmitted with new figures.
    services.report_return(actor=reviewer2, report=report, comment="请修改")
    report.refresh_from_db()
    services.report_update(
        actor=office_a, report=report, expected_version=report.version, investment_completed=Decimal("80.00")
    )
    report = services.report_submit(actor=office_a, report=report)
    before = snapshot()
    response = reviewer_client.post(
        change_url(report), {"_approve": "1", "_workflow_version": seen_version}, follow=True
    )
    assert str(ServiceMsg.STALE) in messages_of(response)
    assert snapshot() == before


# --- History ------------------------------------------------------------------------------------


def test_history_names_the_user_and_the_reason(office_client, office_a, project_a):
    row = row_of(project_a)
    office_client.post(
        change_url(row), project_year_post(row, annual_plan="1500.00", change_reason="县政府调整年度计划")
    )
    record = row.history.first()
    assert record.history_user == office_a
    assert record.history_change_reason == "县政府调整年度计划"
    delta = record.diff_against(record.prev_record)
    assert [c.field for c in delta.changes] == ["annual_plan"]
    page = office_client.get(change_url(row).replace("change/", "history/")).content.decode()
    assert "县政府调整年度计划" in page and office_a.username in page


def test_report_history_and_events_name_every_actor(office_client, reviewer_client, project_a, office_a, reviewer):
    office_client.post(ADD_REPORT, new_report_post(project_a, change_reason=""))
    report = ProgressReport.objects.get()
    office_client.post(change_url(report), {**report_post(report), "_submit": "1"})
    report.refresh_from_db()
    reviewer_client.post(change_url(report), {"_approve": "1", "_workflow_version": report.version})
    users = list(report.history.order_by("history_date").values_list("history_user__username", flat=True))
    assert users == ["office_a", "office_a", "reviewer"]
    events = list(ReportEvent.objects.filter(report=report).values_list("action", "actor__username"))
    assert events == [("create", "office_a"), ("submit", "office_a"), ("approve", "reviewer")]
    page = reviewer_client.get(change_url(report)).content.decode()
    assert "reviewer" in page and "office_a" in page
    history = reviewer_client.get(change_url(report).replace("change/", "history/")).content.decode()
    # Changes read as people say them: the status label, not its code; no "deleted user" for an
    # empty reviewer.
    assert str(ReportStatus.SUBMITTED.label) in history and "pk=None" not in history


# --- Lists show progress -----------------------------------------------------------------------


def test_overdue_milestone_stands_out(office_client, project_a):
    overdue = MilestoneFactory(project_year=row_of(project_a), title="逾期节点", due_date=datetime.date(2022, 3, 31))
    met = MilestoneFactory(
        project_year=row_of(project_a),
        kind=MilestoneKind.EVENT,
        event="start",
        target_percent=None,
        title="按期节点",
        due_date=datetime.date(2022, 3, 31),
        met_on=datetime.date(2022, 3, 1),
    )
    response = office_client.get("/admin/projects/milestone/")
    rows = {m.pk: m.overdue for m in response.context["cl"].result_list}
    assert rows == {overdue.pk: True, met.pk: False}
    assert "badge-red" in response.content.decode()


def test_project_list_shows_progress_from_approved_reports_only(office_client, project_a, office_a, reviewer):
    make_report(project_a, office_a, month=1, amount="300.00", status=ReportStatus.APPROVED, reviewer=reviewer)
    make_report(project_a, office_a, month=2, amount="999.00", status=ReportStatus.SUBMITTED)
    response = office_client.get("/admin/projects/projectyear/", {"month": "3"})
    row = response.context["cl"].result_list[0]
    # annual plan 1200.00: 300 / 1200 = 25.00 %; 序时进度 month 3 = 25.00 % → gap 0.00
    assert row.completed_ytd == Decimal("300.00")
    assert row.completion_rate == Decimal("25")
    assert row.behind_schedule_points == Decimal("0")
    assert row.flag == "green"


def test_project_page_shows_its_progress(office_client, project_a, office_a, reviewer):
    make_report(project_a, office_a, month=1, amount="600.00", status=ReportStatus.APPROVED, reviewer=reviewer)
    html = office_client.get(change_url(row_of(project_a))).content.decode()
    # 600 / 1200 = 50.00 %; reporting month 9 → 序时进度 75.00 → 25.00 points behind.
    assert "600.00 万元" in html and "50.0" in html and "25.0" in html


def test_enter_in_a_field_saves_rather_than_submits(office_client, project_a, office_a):
    """Browsers press the first submit button on Enter: it must be the admin's Save."""
    report = make_report(project_a, office_a)
    html = office_client.get(change_url(report)).content.decode()
    assert html.index('name="_save"') < html.index('name="_submit"')
