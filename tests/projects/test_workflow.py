"""The report workflow at the service level: each step, each refusal (with the database left
as it was), the lock on approved reports, milestones met, figures from approved reports only,
history naming the user, and optimistic locking, on PostgreSQL across two connections too."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from projects import bulk, services
from projects.models import (
    MilestoneKind,
    ProgressReport,
    ReportAction,
    ReportEvent,
    ReportStatus,
)
from projects.selectors import current_period, projects_with_progress
from projects.services import ServiceMsg
from tests.factories import MilestoneFactory, ProjectFactory, row_of

from .admin_support import make_report, snapshot

D = Decimal


def refused(call, message=None, field=None, **kwargs):
    """Run a service call that must be refused; return the error, after checking nothing changed."""
    before = snapshot()
    with pytest.raises(ValidationError) as info:
        call(**kwargs)
    assert snapshot() == before
    error = info.value
    if message is not None:
        texts = error.message_dict.get(field, []) if field else error.messages
        assert str(message) in texts, texts
    return error


def create_kwargs(project, actor, **changes):
    kwargs = {
        "actor": actor,
        "project": project,
        "year": 2022,
        "month": 3,
        "investment_completed": D("100.00"),
        "physical_percent": D("10"),
    }
    kwargs.update(changes)
    return kwargs


# --- Steps ------------------------------------------------------------------------------------


def test_each_step_writes_its_event_and_history(project_a, office_a, reviewer):
    report = make_report(project_a, office_a)
    report = services.report_update(
        actor=office_a, report=report, expected_version=report.version, problems="征地滞后", reason="补充问题"
    )
    report = services.report_submit(actor=office_a, report=report, expected_version=report.version)
    report = services.report_return(
        actor=reviewer, report=report, comment="请说明征地进度", expected_version=report.version
    )
    report = services.report_submit(actor=office_a, report=report)
    report = services.report_approve(actor=reviewer, report=report, comment="同意")
    events = list(report.events.values_list("action", "actor__username", "from_status", "to_status"))
    assert events == [
        (ReportAction.CREATE, "office_a", "", ReportStatus.DRAFT),
        (ReportAction.EDIT, "office_a", ReportStatus.DRAFT, ReportStatus.DRAFT),
        (ReportAction.SUBMIT, "office_a", ReportStatus.DRAFT, ReportStatus.SUBMITTED),
        (ReportAction.RETURN, "reviewer", ReportStatus.SUBMITTED, ReportStatus.RETURNED),
        (ReportAction.SUBMIT, "office_a", ReportStatus.RETURNED, ReportStatus.SUBMITTED),
        (ReportAction.APPROVE, "reviewer", ReportStatus.SUBMITTED, ReportStatus.APPROVED),
    ]
    history = list(
        report.history.order_by("history_date").values_list("history_user__username", "history_change_reason", "status")
    )
    assert [h[0] for h in history] == ["office_a", "office_a", "office_a", "reviewer", "office_a", "reviewer"]
    assert history[1][1] == "补充问题"
    assert report.reviewed_by == reviewer and report.submitted_by == office_a


def test_revision_is_reviewed_again_and_the_old_report_kept(project_a, office_a, reviewer, plan_year):
    first = make_report(project_a, office_a, amount="300.00", status=ReportStatus.APPROVED, reviewer=reviewer)
    revision = services.report_revise(actor=office_a, report=first, reason="数字录错")
    assert (revision.revision, revision.status, revision.is_current) == (2, ReportStatus.DRAFT, False)
    refused(services.report_revise, ServiceMsg.REVISION_OPEN, actor=office_a, report=first)
    revision = services.report_update(
        actor=office_a, report=revision, expected_version=revision.version, investment_completed=D("400.00")
    )
    revision = services.report_submit(actor=office_a, report=revision)
    period = current_period(plan_year)
    assert projects_with_progress(period).get(pk=row_of(project_a).pk).completed_ytd == D("300.00")
    services.report_approve(actor=reviewer, report=revision)
    assert projects_with_progress(period).get(pk=row_of(project_a).pk).completed_ytd == D("400.00")
    first.refresh_from_db()
    assert (first.status, first.is_current, first.investment_completed) == (ReportStatus.SUPERSEDED, False, D("300.00"))
    refused(services.report_revise, ServiceMsg.NOT_REVISABLE, actor=office_a, report=first)


# --- Refusals when filing -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"physical_percent": D("100.5")}, "physical_percent", ServiceMsg.PERCENT_RANGE),
        ({"physical_percent": D("-1")}, "physical_percent", ServiceMsg.PERCENT_RANGE),
        ({"investment_completed": D("-0.01")}, "investment_completed", ServiceMsg.NEGATIVE),
        ({"year": 2023, "month": 1}, "year", None),
        ({"month": 0}, "month", None),
    ],
)
def test_create_refuses_bad_values(project_a, office_a, changes, field, message):
    error = refused(services.report_create, message, field, **create_kwargs(project_a, office_a, **changes))
    assert field in error.message_dict


def test_create_refuses_a_future_month(project_a, office_a, plan_year):
    today = timezone.localdate()
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    plan_year.year = year
    plan_year.save()
    refused(
        services.report_create,
        ServiceMsg.FUTURE_MONTH,
        "month",
        **create_kwargs(project_a, office_a, year=year, month=month),
    )


def test_create_refuses_another_units_project(project_b, office_a):
    error = refused(services.report_create, ServiceMsg.NOT_YOURS, **create_kwargs(project_b, office_a))
    assert error.code == "not_yours"


@pytest.mark.parametrize("role", ["reviewer", "leader"])
def test_reviewers_and_leaders_file_no_reports(request, project_a, role):
    actor = request.getfixturevalue(role)
    error = refused(services.report_create, ServiceMsg.NOT_ALLOWED, **create_kwargs(project_a, actor))
    assert error.code == "not_allowed"


@pytest.mark.parametrize("role", ["admin_user", "reviewer", "leader", "finance", "office_a", "office_b"])
def test_form_and_spreadsheet_agree_on_who_files_a_report(request, project_a, role):
    """One rule for both channels: whoever may file project A's March report by form may file it
    by spreadsheet, and whoever is refused one is refused the other."""
    actor = request.getfixturevalue(role)
    row = bulk.ReportRow(
        key=("调度表", 3),
        code=project_a.code,
        year=2022,
        month=3,
        values={"investment_completed": D("100.00"), "physical_percent": D("10.00")},
    )
    try:
        by_file = bulk.reports_check(actor=actor, rows=[row])[0].status == "new"
    except ValidationError:
        by_file = False
    try:
        services.report_create(**create_kwargs(project_a, actor))
        by_form = True
    except ValidationError:
        by_form = False
    assert by_form == by_file == (role in ("admin_user", "finance", "office_a"))


def test_one_report_per_project_and_month(project_a, office_a):
    make_report(project_a, office_a)
    refused(services.report_create, ServiceMsg.DUPLICATE_MONTH, "month", **create_kwargs(project_a, office_a))


def test_percent_below_the_last_approved_needs_a_reason(project_a, office_a, reviewer):
    make_report(project_a, office_a, month=2, percent="40", status=ReportStatus.APPROVED, reviewer=reviewer)
    refused(
        services.report_create,
        ServiceMsg.PERCENT_DROP % {"new": D("35"), "old": D("40.00")},
        "physical_percent",
        **create_kwargs(project_a, office_a, physical_percent=D("35")),
    )
    # A draft (not approved) report is no baseline; a reason lets the drop through.
    report = services.report_create(
        **create_kwargs(project_a, office_a, physical_percent=D("35"), percent_drop_reason="复测后调减")
    )
    assert report.physical_percent == D("35")


def test_update_checks_the_same_rules(project_a, office_a, reviewer):
    make_report(project_a, office_a, month=2, percent="40", status=ReportStatus.APPROVED, reviewer=reviewer)
    report = make_report(project_a, office_a, month=3, percent="45")
    refused(
        services.report_update,
        ServiceMsg.PERCENT_DROP % {"new": D("30"), "old": D("40.00")},
        "physical_percent",
        actor=office_a,
        report=report,
        expected_version=report.version,
        physical_percent=D("30"),
    )
    refused(
        services.report_update,
        ServiceMsg.NEGATIVE,
        "investment_completed",
        actor=office_a,
        report=report,
        expected_version=report.version,
        investment_completed=D("-1"),
    )


# --- Refusals of steps out of order ----------------------------------------------------------------


def test_approved_report_is_locked(project_a, office_a, reviewer, admin_user):
    report = make_report(project_a, office_a, status=ReportStatus.APPROVED, reviewer=reviewer)
    for actor in (office_a, admin_user):
        refused(
            services.report_update,
            ServiceMsg.NOT_EDITABLE,
            actor=actor,
            report=report,
            expected_version=report.version,
            investment_completed=D("1.00"),
        )
    refused(services.report_submit, ServiceMsg.NOT_SUBMITTABLE, actor=office_a, report=report)
    refused(services.report_approve, ServiceMsg.NOT_SUBMITTED, actor=reviewer, report=report)
    refused(services.report_return, ServiceMsg.NOT_SUBMITTED, actor=reviewer, report=report, comment="x")


def test_submitted_report_is_not_editable(project_a, office_a):
    report = make_report(project_a, office_a, status=ReportStatus.SUBMITTED)
    refused(
        services.report_update,
        ServiceMsg.NOT_EDITABLE,
        actor=office_a,
        report=report,
        expected_version=report.version,
        problems="改",
    )
    refused(services.report_submit, ServiceMsg.NOT_SUBMITTABLE, actor=office_a, report=report)


def test_approving_or_returning_a_draft_is_refused(project_a, office_a, reviewer):
    report = make_report(project_a, office_a)
    refused(services.report_approve, ServiceMsg.NOT_SUBMITTED, actor=reviewer, report=report)
    refused(services.report_return, ServiceMsg.NOT_SUBMITTED, actor=reviewer, report=report, comment="x")
    refused(services.report_revise, ServiceMsg.NOT_REVISABLE, actor=office_a, report=report)


def test_returning_needs_a_comment(project_a, office_a, reviewer):
    report = make_report(project_a, office_a, status=ReportStatus.SUBMITTED)
    refused(
        services.report_return,
        ServiceMsg.COMMENT_REQUIRED,
        "review_comment",
        actor=reviewer,
        report=report,
        comment="  ",
    )


@pytest.mark.parametrize("step", ["approve", "return"])
def test_nobody_reviews_their_own_report(project_a, admin_user, reviewer, office_a, step):
    call = services.report_approve if step == "approve" else services.report_return
    report = make_report(project_a, admin_user, status=ReportStatus.SUBMITTED)
    refused(call, ServiceMsg.OWN_REPORT, actor=admin_user, report=report, comment="x")
    # Also when an administrator submitted a report an office drafted.
    other = make_report(project_a, office_a, month=4)
    other = services.report_submit(actor=admin_user, report=other)
    refused(call, ServiceMsg.OWN_REPORT, actor=admin_user, report=other, comment="x")


@pytest.mark.parametrize("role", ["office_a", "leader", "finance"])
def test_only_reviewers_review(request, project_a, office_a, role):
    report = make_report(project_a, office_a, status=ReportStatus.SUBMITTED)
    actor = request.getfixturevalue(role)
    refused(services.report_approve, ServiceMsg.NOT_ALLOWED, actor=actor, report=report)
    refused(services.report_return, ServiceMsg.NOT_ALLOWED, actor=actor, report=report, comment="x")


def test_another_unit_cannot_touch_a_report(project_b, office_a, office_b, reviewer):
    draft = make_report(project_b, office_b)
    refused(
        services.report_update,
        ServiceMsg.NOT_YOURS,
        actor=office_a,
        report=draft,
        expected_version=draft.version,
        problems="x",
    )
    refused(services.report_submit, ServiceMsg.NOT_YOURS, actor=office_a, report=draft)
    approved = make_report(project_b, office_b, month=4, status=ReportStatus.APPROVED, reviewer=reviewer)
    refused(services.report_revise, ServiceMsg.NOT_YOURS, actor=office_a, report=approved)


# --- Stale versions -------------------------------------------------------------------------------


def test_every_write_refuses_a_stale_version(project_a, office_a, reviewer):
    milestone = MilestoneFactory(
        project_year=row_of(project_a), kind=MilestoneKind.EVENT, event="start", target_percent=None
    )
    report = make_report(project_a, office_a)
    old = report.version
    services.report_update(actor=office_a, report=report, expected_version=old, problems="第一人")
    refused(
        services.report_update, ServiceMsg.STALE, actor=office_a, report=report, expected_version=old, problems="第二人"
    )
    refused(services.report_submit, ServiceMsg.STALE, actor=office_a, report=report, expected_version=old)
    refused(
        services.project_update,
        ServiceMsg.STALE,
        actor=office_a,
        project=project_a,
        expected_version=project_a.version - 1,
        name="x",
    )
    refused(
        services.milestone_update,
        ServiceMsg.STALE,
        actor=office_a,
        milestone=milestone,
        expected_version=milestone.version + 1,
        title="x",
    )
    refused(
        services.milestone_mark_met,
        ServiceMsg.STALE,
        actor=office_a,
        milestone=milestone,
        expected_version=milestone.version + 1,
        met_on=datetime.date(2022, 3, 1),
    )
    report.refresh_from_db()
    assert report.problems == "第一人"


# --- Milestones -------------------------------------------------------------------------------------


def test_percent_milestone_is_met_by_an_approved_report_reaching_it(project_a, office_a, reviewer):
    on_time = MilestoneFactory(
        project_year=row_of(project_a), target_percent=D("30"), due_date=datetime.date(2022, 6, 30)
    )
    later = MilestoneFactory(
        project_year=row_of(project_a), target_percent=D("60"), due_date=datetime.date(2022, 12, 31)
    )
    report = make_report(project_a, office_a, month=3, percent="35", status=ReportStatus.SUBMITTED)
    on_time.refresh_from_db()
    assert on_time.met_on is None  # submitted is not enough
    services.report_approve(actor=reviewer, report=report)
    on_time.refresh_from_db()
    later.refresh_from_db()
    assert on_time.met_on == datetime.date(2022, 3, 31)
    assert later.met_on is None
    record = on_time.history.first()
    assert record.history_user == reviewer and str(report) in record.history_change_reason


def test_ticking_a_percent_milestone_does_not_meet_it(project_a, office_a, reviewer):
    milestone = MilestoneFactory(project_year=row_of(project_a), target_percent=D("60"))
    report = services.report_create(
        **create_kwargs(project_a, office_a, physical_percent=D("20"), milestones_met=[milestone])
    )
    services.report_submit(actor=office_a, report=report)
    services.report_approve(actor=reviewer, report=report)
    milestone.refresh_from_db()
    assert milestone.met_on is None


def test_event_milestone_ticked_on_a_report_is_met_on_approval(project_a, office_a, reviewer):
    start = MilestoneFactory(
        project_year=row_of(project_a),
        kind=MilestoneKind.EVENT,
        event="start",
        target_percent=None,
        due_date=datetime.date(2022, 5, 31),
    )
    report = services.report_create(**create_kwargs(project_a, office_a, month=4, milestones_met=[start]))
    services.report_submit(actor=office_a, report=report)
    start.refresh_from_db()
    assert start.met_on is None
    services.report_approve(actor=reviewer, report=report)
    start.refresh_from_db()
    assert start.met_on == datetime.date(2022, 4, 30)


def test_event_milestone_marked_met_with_its_date(project_a, office_a, office_b):
    start = MilestoneFactory(
        project_year=row_of(project_a), kind=MilestoneKind.EVENT, event="start", target_percent=None
    )
    refused(
        services.milestone_mark_met,
        ServiceMsg.NOT_YOURS,
        actor=office_b,
        milestone=start,
        met_on=datetime.date(2022, 2, 1),
    )
    refused(
        services.milestone_mark_met,
        None,
        actor=office_a,
        milestone=start,
        met_on=timezone.localdate() + datetime.timedelta(days=1),
    )
    start = services.milestone_mark_met(
        actor=office_a, milestone=start, met_on=datetime.date(2022, 2, 1), reason="开工令已下达"
    )
    assert start.met_on == datetime.date(2022, 2, 1)
    assert start.history.first().history_change_reason == "开工令已下达"
    percent = MilestoneFactory(project_year=row_of(project_a))
    refused(
        services.milestone_mark_met,
        ServiceMsg.MILESTONE_KIND,
        actor=office_a,
        milestone=percent,
        met_on=datetime.date(2022, 2, 1),
    )


def test_leaders_change_no_milestone_and_no_project(leader, project_a):
    actor = leader
    milestone = MilestoneFactory(project_year=row_of(project_a))
    refused(
        services.milestone_update,
        ServiceMsg.NOT_ALLOWED,
        actor=actor,
        milestone=milestone,
        expected_version=None,
        title="x",
    )
    refused(
        services.milestone_create,
        ServiceMsg.NOT_ALLOWED,
        actor=actor,
        project_year=row_of(project_a),
        kind="event",
        event="start",
        title="x",
        due_date=datetime.date(2022, 6, 1),
    )
    refused(
        services.project_update, ServiceMsg.NOT_ALLOWED, actor=actor, project=project_a, expected_version=None, name="x"
    )


def test_finance_keeps_the_plan_and_files_reports(finance, project_a):
    """Finance import the county's dispatch schedule, so they may file a report by form too."""
    services.project_update(actor=finance, project=project_a, expected_version=project_a.version, name="更名")
    assert project_a.history.first().history_user == finance
    report = services.report_create(
        actor=finance,
        project=project_a,
        year=2022,
        month=3,
        investment_completed=Decimal("1"),
        physical_percent=Decimal("1"),
    )
    assert report.created_by == finance


def test_overdue_milestones_raise_the_flag(plan_year, project_a):
    # Reporting month 9: due by 2022-09-30 and unmet → overdue; one overdue is yellow, two red.
    MilestoneFactory(
        project_year=row_of(project_a),
        kind=MilestoneKind.EVENT,
        event="start",
        target_percent=None,
        due_date=datetime.date(2022, 6, 30),
    )
    period = current_period(plan_year)
    project = projects_with_progress(period).get(pk=row_of(project_a).pk)
    assert project.overdue_milestones == 1


# --- Figures come from approved reports only -------------------------------------------------------


def test_completed_to_date_counts_approved_current_reports_only(plan_year, categories, office_a, reviewer, unit_a):
    project = ProjectFactory(plan_year=plan_year, responsible_unit=unit_a, annual_plan=D("2000.00"))
    make_report(project, office_a, month=1, amount="100.00", status=ReportStatus.APPROVED, reviewer=reviewer)
    make_report(project, office_a, month=2, amount="200.00", status=ReportStatus.SUBMITTED)
    make_report(project, office_a, month=3, amount="400.00", status=ReportStatus.RETURNED, reviewer=reviewer)
    make_report(project, office_a, month=4, amount="800.00")
    approved = make_report(project, office_a, month=5, amount="50.00", status=ReportStatus.APPROVED, reviewer=reviewer)
    services.report_revise(actor=office_a, report=approved)  # an open revision changes nothing yet
    make_report(project, office_a, month=10, amount="1000.00", status=ReportStatus.APPROVED, reviewer=reviewer)
    row = projects_with_progress(current_period(plan_year, 9)).get(pk=row_of(project).pk)
    # Months 1..9: approved 100 + 50 = 150; 150 / 2000 = 7.5 %; 序时进度 9/12 = 75 % → 67.5 points behind.
    assert row.completed_ytd == D("150.00")
    assert row.completion_rate == D("7.5")
    assert row.behind_schedule_points == D("67.5")
    assert row.flag == "red"


# --- Two connections on PostgreSQL ---------------------------------------------------------------


def _in_thread(target, results, key):
    def run():
        try:
            results[key] = target()
        except ValidationError as exc:
            results[key] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _wait_for_a_lock_waiter(limit=2000):
    """Poll until another backend is waiting on a row lock (the point of the test); give up after
    `limit` polls, which fails the test instead of hanging it."""
    with connection.cursor() as cursor:
        for _ in range(limit):
            # Inside a transaction PostgreSQL caches the activity view; ask for a fresh look.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                return True
            cursor.execute("SELECT pg_sleep(0.005)")
    return False


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("step", ["update", "approve"])
def test_select_for_update_serialises_two_writers(step, project_a, office_a, reviewer, reviewer2):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite has no row locks")
    status = ReportStatus.SUBMITTED if step == "approve" else ReportStatus.DRAFT
    report = make_report(project_a, office_a, status=status)
    seen = report.version
    results = {}
    if step == "approve":

        def second():
            return services.report_approve(
                actor=reviewer2, report=ProgressReport.objects.get(pk=report.pk), expected_version=seen
            )
    else:

        def second():
            return services.report_update(
                actor=office_a,
                report=ProgressReport.objects.get(pk=report.pk),
                expected_version=seen,
                investment_completed=D("222.00"),
            )

    with transaction.atomic():
        # The first writer holds the row; the second, on its own connection, must wait for it.
        locked = ProgressReport.objects.select_for_update().get(pk=report.pk)
        thread = _in_thread(second, results, "second")
        assert _wait_for_a_lock_waiter(), "the second writer did not wait for the row lock"
        if step == "approve":
            services.report_approve(actor=reviewer, report=locked, expected_version=seen)
        else:
            services.report_update(
                actor=office_a, report=locked, expected_version=seen, investment_completed=D("111.00")
            )
    thread.join()
    assert isinstance(results["second"], ValidationError)
    assert str(ServiceMsg.STALE) in results["second"].messages
    report.refresh_from_db()
    assert report.version == seen + 1
    if step == "approve":
        assert report.reviewed_by == reviewer
        assert ReportEvent.objects.filter(report=report, action=ReportAction.APPROVE).count() == 1
    else:
        assert report.investment_completed == D("111.00")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_approvals_at_once_approve_once(project_a, office_a, reviewer, reviewer2):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    report = make_report(project_a, office_a, status=ReportStatus.SUBMITTED)
    barrier = threading.Barrier(2)
    results = {}

    def approve(actor):
        def run():
            barrier.wait()
            return services.report_approve(actor=actor, report=ProgressReport.objects.get(pk=report.pk))

        return run

    threads = [_in_thread(approve(actor), results, actor.username) for actor in (reviewer, reviewer2)]
    for thread in threads:
        thread.join()
    outcomes = sorted(type(r).__name__ for r in results.values())
    assert outcomes == ["ProgressReport", "ValidationError"]
    assert ReportEvent.objects.filter(report=report, action=ReportAction.APPROVE).count() == 1
