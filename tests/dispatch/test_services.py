"""The problem ledger's state changes at the service level: each step by the roles allowed to
take it, each refusal leaving the row as it was, offices limited to their unit, every step in the
problem's events and history, and the overdue rule feeding the project's flag."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from dispatch import services
from dispatch.models import Problem, ProblemAction, ProblemEvent, ProblemState
from dispatch.permissions import visible_problems
from dispatch.selectors import problem_counts, problems_with_status
from dispatch.services import ProblemMsg
from projects.selectors import Flag, current_period, projects_with_progress
from tests.factories import ProjectFactory, row_of

from .conftest import assigned, in_days, raised


def refused(call, message, **kwargs):
    before = list(Problem.objects.order_by("pk").values()), ProblemEvent.objects.count()
    with pytest.raises(ValidationError) as info:
        call(**kwargs)
    assert (
        list(Problem.objects.order_by("pk").values()),
        ProblemEvent.objects.count(),
    ) == before
    assert str(message) in info.value.messages, info.value.messages
    return info.value


# --- The whole life -----------------------------------------------------------------------------


def test_office_raises_reviewer_hands_out_unit_solves_reviewer_closes(
    project_a, office_a, reviewer, leader, unit_b, office_b
):
    problem = raised(project_a, office_a)
    assert problem.state == ProblemState.RAISED and problem.deadline is None
    assert problem.unit == project_a.responsible_unit  # proposed: the project's own unit

    # The reviewer hands it to another unit (the land office, say) with a leader and a deadline.
    problem = services.problem_assign(
        actor=reviewer,
        problem=problem,
        unit=unit_b,
        leader=leader,
        deadline=in_days(14),
        comment="请县水利局牵头",
    )
    assert (problem.state, problem.unit, problem.leader) == (
        ProblemState.ASSIGNED,
        unit_b,
        leader,
    )

    problem = services.problem_start(actor=office_b, problem=problem, comment="已对接")
    assert problem.state == ProblemState.IN_PROGRESS
    problem = services.problem_solve(actor=office_b, problem=problem, resolution="完成征地补偿，交付用地")
    assert problem.state == ProblemState.SOLVED and problem.solved_on is not None
    problem = services.problem_close(actor=reviewer, problem=problem, comment="核实无误")
    assert problem.state == ProblemState.CLOSED and problem.closed_on is not None

    events = list(problem.events.values_list("action", "actor__username", "from_state", "to_state"))
    assert events == [
        (ProblemAction.RAISE, "office_a", "", ProblemState.RAISED),
        (ProblemAction.ASSIGN, "reviewer", ProblemState.RAISED, ProblemState.ASSIGNED),
        (
            ProblemAction.START,
            "office_b",
            ProblemState.ASSIGNED,
            ProblemState.IN_PROGRESS,
        ),
        (
            ProblemAction.SOLVE,
            "office_b",
            ProblemState.IN_PROGRESS,
            ProblemState.SOLVED,
        ),
        (ProblemAction.CLOSE, "reviewer", ProblemState.SOLVED, ProblemState.CLOSED),
    ]
    # simple-history keeps the old → new rows with the acting user on each.
    history = list(problem.history.order_by("history_date").values_list("state", "history_user__username"))
    assert history == [
        ("raised", "office_a"),
        ("assigned", "reviewer"),
        ("in_progress", "office_b"),
        ("solved", "office_b"),
        ("closed", "reviewer"),
    ]


def test_a_reviewer_may_hand_out_when_raising(project_a, reviewer, leader):
    problem = raised(
        project_a,
        reviewer,
        unit=project_a.responsible_unit,
        leader=leader,
        deadline=in_days(5),
    )
    assert problem.state == ProblemState.ASSIGNED
    assert list(problem.events.values_list("action", flat=True)) == [
        ProblemAction.RAISE,
        ProblemAction.ASSIGN,
    ]


def test_a_leader_raises_and_the_reviewer_hands_out(project_a, leader, reviewer):
    problem = raised(project_a, leader, deadline=in_days(5))
    assert problem.state == ProblemState.RAISED and problem.deadline is None  # only a dispatcher sets it


def test_send_back_reopens_and_clears_the_solved_date(project_a, office_a, reviewer):
    problem = assigned(project_a, office_a, reviewer)
    problem = services.problem_solve(actor=office_a, problem=problem, resolution="已协调")
    problem = services.problem_reopen(actor=reviewer, problem=problem, comment="用地尚未交付")
    assert problem.state == ProblemState.IN_PROGRESS and problem.solved_on is None
    assert problem.events.last().comment == "用地尚未交付"


# --- Who may do what ----------------------------------------------------------------------------


def test_an_office_raises_only_for_its_own_projects(project_b, office_a):
    refused(
        services.problem_raise,
        ProblemMsg.NOT_YOURS,
        actor=office_a,
        project=project_b,
        type="land",
        description="x",
    )


def test_finance_may_not_raise(project_a, finance):
    refused(
        services.problem_raise,
        ProblemMsg.NOT_ALLOWED,
        actor=finance,
        project=project_a,
        type="land",
        description="x",
    )


def test_a_report_of_another_project_is_refused(project_a, project_b, office_a, office_b):
    from tests.projects.admin_support import make_report

    report_b = make_report(project_b, office_b)
    with pytest.raises(ValidationError) as info:
        raised(project_a, office_a, report=report_b)
    assert str(ProblemMsg.REPORT_NOT_OURS) in info.value.message_dict["report"]


@pytest.mark.parametrize("who", ["office_a", "leader", "finance"])
def test_only_a_reviewer_hands_out(project_a, office_a, reviewer, leader, finance, who):
    problem = raised(project_a, office_a)
    actor = {"office_a": office_a, "leader": leader, "finance": finance}[who]
    refused(
        services.problem_assign,
        ProblemMsg.NOT_ALLOWED,
        actor=actor,
        problem=problem,
        unit=project_a.responsible_unit,
        deadline=in_days(3),
    )


def test_handing_out_needs_a_unit_a_future_deadline_and_a_leader_account(project_a, office_a, reviewer, finance):
    problem = raised(project_a, office_a)
    error = refused(
        services.problem_assign,
        ProblemMsg.UNIT_REQUIRED,
        actor=reviewer,
        problem=problem,
        unit=None,
        deadline=None,
    )
    assert str(ProblemMsg.DEADLINE_REQUIRED) in error.message_dict["deadline"]
    refused(
        services.problem_assign,
        ProblemMsg.DEADLINE_PAST,
        actor=reviewer,
        problem=problem,
        unit=project_a.responsible_unit,
        deadline=in_days(-1),
    )
    refused(
        services.problem_assign,
        ProblemMsg.NOT_A_LEADER,
        actor=reviewer,
        problem=problem,
        unit=project_a.responsible_unit,
        deadline=in_days(1),
        leader=finance,
    )


def test_only_the_solving_unit_reports_progress(project_a, office_a, office_b, reviewer, unit_b):
    # The project is unit A's, the problem is handed to unit B: A may no longer answer for it.
    problem = raised(project_a, office_a)
    problem = services.problem_assign(actor=reviewer, problem=problem, unit=unit_b, deadline=in_days(3))
    refused(services.problem_start, ProblemMsg.NOT_YOUR_UNIT, actor=office_a, problem=problem)
    refused(
        services.problem_solve,
        ProblemMsg.NOT_YOUR_UNIT,
        actor=office_a,
        problem=problem,
        resolution="已解决",
    )
    services.problem_solve(actor=office_b, problem=problem, resolution="已解决")


def test_solving_needs_what_was_done(project_a, office_a, reviewer):
    problem = assigned(project_a, office_a, reviewer)
    with pytest.raises(ValidationError) as info:
        services.problem_solve(actor=office_a, problem=problem, resolution="  ")
    assert str(ProblemMsg.RESOLUTION_REQUIRED) in info.value.message_dict["resolution"]


def test_closing_needs_a_reviewer_and_a_solved_problem(project_a, office_a, reviewer, leader):
    problem = assigned(project_a, office_a, reviewer)
    with pytest.raises(ValidationError) as info:
        services.problem_close(actor=reviewer, problem=problem)
    assert info.value.code == "wrong_state"
    problem = services.problem_solve(actor=office_a, problem=problem, resolution="已协调")
    refused(services.problem_close, ProblemMsg.NOT_ALLOWED, actor=office_a, problem=problem)
    refused(services.problem_close, ProblemMsg.NOT_ALLOWED, actor=leader, problem=problem)
    refused(
        services.problem_reopen,
        ProblemMsg.NOT_ALLOWED,
        actor=office_a,
        problem=problem,
        comment="x",
    )


def test_a_raised_problem_cannot_be_started_or_solved(project_a, office_a):
    problem = raised(project_a, office_a)
    with pytest.raises(ValidationError) as info:
        services.problem_start(actor=office_a, problem=problem)
    assert info.value.code == "wrong_state"


def test_a_stale_version_is_refused(project_a, office_a, reviewer):
    problem = assigned(project_a, office_a, reviewer)
    stale = problem.version - 1
    refused(
        services.problem_solve,
        ProblemMsg.STALE,
        actor=office_a,
        problem=problem,
        resolution="x",
        expected_version=stale,
    )


def test_the_database_refuses_an_assigned_problem_without_deadline(project_a, office_a):
    problem = raised(project_a, office_a)
    with pytest.raises(IntegrityError):
        Problem.objects.filter(pk=problem.pk).update(state=ProblemState.ASSIGNED, deadline=None)


# --- Who sees what ------------------------------------------------------------------------------


def test_offices_see_their_projects_problems_and_those_handed_to_them(
    project_a, project_b, office_a, office_b, reviewer, leader, unit_b
):
    mine = raised(project_a, office_a)
    theirs = raised(project_b, office_b)
    handed_to_b = raised(project_a, office_a, description="资金未到位")
    services.problem_assign(actor=reviewer, problem=handed_to_b, unit=unit_b, deadline=in_days(3))
    assert set(visible_problems(office_a)) == {mine, handed_to_b}
    assert set(visible_problems(office_b)) == {theirs, handed_to_b}
    assert set(visible_problems(leader)) == {mine, theirs, handed_to_b}


# --- Overdue ------------------------------------------------------------------------------------


def test_overdue_turns_the_problem_red_and_counts_in_the_projects_flag(
    settings, plan_year, categories, unit_a, office_a, reviewer
):
    # A project on track by money (90 % of its plan at month 9): green until its problems are overdue.
    project = ProjectFactory(
        plan_year=plan_year,
        category=categories[0],
        responsible_unit=unit_a,
        annual_plan=Decimal("1000.00"),
    )
    row = row_of(project)
    from projects.models import ReportStatus
    from tests.projects.admin_support import make_report

    make_report(
        project,
        office_a,
        month=9,
        amount="900.00",
        status=ReportStatus.APPROVED,
        reviewer=reviewer,
    )
    period = current_period(plan_year)

    def flag():
        return projects_with_progress(period).get(pk=row.pk)

    assert (flag().flag, flag().overdue_problems) == (Flag.GREEN, 0)

    first = assigned(project, office_a, reviewer, days=1)
    second = assigned(project, office_a, reviewer, days=1)
    # Deadlines before the period's end (2022-09-30): overdue then.
    Problem.objects.filter(pk__in=[first.pk, second.pk]).update(deadline=datetime.date(2022, 9, 15))
    assert (flag().overdue_problems, flag().flag) == (2, Flag.RED)
    assert problems_with_status().get(pk=first.pk).overdue is True

    # Reported solved before the period ends: not overdue then; one left → yellow.
    Problem.objects.filter(pk=first.pk).update(
        state=ProblemState.SOLVED,
        resolution="已解决",
        solved_on=datetime.date(2022, 9, 20),
    )
    assert (flag().overdue_problems, flag().flag) == (1, Flag.YELLOW)
    # Solved after the period's end: still overdue as of the period.
    Problem.objects.filter(pk=first.pk).update(solved_on=datetime.date(2022, 10, 20))
    assert flag().overdue_problems == 2

    settings.PORTFOLIO_FLAG_RED_OVERDUE_PROBLEMS = 3
    assert flag().flag == Flag.YELLOW


def test_a_problem_only_raised_is_never_overdue(project_a, office_a):
    problem = raised(project_a, office_a)
    assert problems_with_status().get(pk=problem.pk).overdue is False


def test_counts(project_a, office_a, reviewer):
    raised(project_a, office_a)
    late = assigned(project_a, office_a, reviewer)
    Problem.objects.filter(pk=late.pk).update(deadline=in_days(-2))
    done = assigned(project_a, office_a, reviewer)
    services.problem_solve(actor=office_a, problem=done, resolution="已协调")
    assert problem_counts(Problem.objects.all()) == {
        "open": 3,
        "overdue": 1,
        "raised": 1,
        "solved": 1,
    }


@pytest.mark.parametrize("overdue, expected", [(0, Flag.GREEN), (1, Flag.YELLOW), (2, Flag.RED)])
def test_python_and_sql_warning_levels_agree_on_overdue_problems(
    plan_year, categories, unit_a, office_a, reviewer, overdue, expected
):
    """rules.warning_level (the review queue's "flag once approved") and its SQL twin (every page)
    give the same flag for the same overdue problems."""
    from projects import rules
    from projects.models import ReportStatus
    from tests.projects.admin_support import make_report

    project = ProjectFactory(
        plan_year=plan_year, category=categories[0], responsible_unit=unit_a, annual_plan=Decimal("1000.00")
    )
    make_report(project, office_a, month=9, amount="900.00", status=ReportStatus.APPROVED, reviewer=reviewer)
    for _ in range(overdue):
        p = assigned(project, office_a, reviewer)
        Problem.objects.filter(pk=p.pk).update(deadline=datetime.date(2022, 9, 1))
    row = projects_with_progress(current_period(plan_year)).get(pk=row_of(project).pk)
    assert row.overdue_problems == overdue
    assert row.flag == expected == rules.warning_level(row.behind_schedule_points, row.overdue_milestones, overdue)


@pytest.mark.parametrize(
    "thresholds",
    [
        {},  # the defaults: yellow at 10 points / 1 / 1, red at 30 / 2 / 2
        {
            "PORTFOLIO_FLAG_YELLOW_POINTS": Decimal("5"),
            "PORTFOLIO_FLAG_RED_POINTS": Decimal("50"),
            "PORTFOLIO_FLAG_YELLOW_OVERDUE_MILESTONES": 2,
            "PORTFOLIO_FLAG_RED_OVERDUE_MILESTONES": 3,
            "PORTFOLIO_FLAG_YELLOW_OVERDUE_PROBLEMS": 1,
            "PORTFOLIO_FLAG_RED_OVERDUE_PROBLEMS": 3,
        },
    ],
)
def test_sql_flags_equal_python_flags_over_a_grid(
    plan_year, categories, unit_a, office_a, reviewer, settings, thresholds
):
    """Every combination of points behind (none, ahead, each side of both thresholds), overdue
    milestones (0–3) and overdue problems (0–3): the flag the pages compute in SQL (the levels of
    projects.rules.warning_level_expression) is rules.warning_level's."""
    from projects import rules
    from projects.models import ReportStatus
    from tests.factories import MilestoneFactory
    from tests.projects.admin_support import make_report

    for name, value in thresholds.items():
        setattr(settings, name, value)
    amounts = [None, "1000.00", "700.00", "500.00", "100.00"]  # 序时进度 75 %: -25, 5, 25, 65 points behind
    n = 0
    for amount in amounts:
        for milestones in range(4):
            for problems in (0, 1, 3):
                n += 1
                project = ProjectFactory(
                    plan_year=plan_year,
                    category=categories[0],
                    responsible_unit=unit_a,
                    code=f"YY2022-GRD-{n:03d}",
                    annual_plan=Decimal("1000.00"),
                )
                if amount is not None:
                    make_report(
                        project, office_a, month=9, amount=amount, status=ReportStatus.APPROVED, reviewer=reviewer
                    )
                for i in range(milestones):
                    MilestoneFactory(
                        project_year=row_of(project), title=f"节点{i}", due_date=datetime.date(2022, 6, 1 + i)
                    )
                for _ in range(problems):
                    p = assigned(project, office_a, reviewer)
                    Problem.objects.filter(pk=p.pk).update(deadline=datetime.date(2022, 9, 1))
    # The list sorted by the flag orders by its rank (warning_rank_expression): the same rule.
    rank = rules.warning_rank_expression("behind_schedule_points", "overdue_milestone_level", "overdue_problem_level")
    rows = list(projects_with_progress(current_period(plan_year), plan_year=plan_year).annotate(rank=rank))
    assert len(rows) == n
    flags = set()
    for row in rows:
        expected = rules.warning_level(row.behind_schedule_points, row.overdue_milestones, row.overdue_problems)
        assert row.flag == expected, (row.project.code, row.behind_schedule_points, row.overdue_milestones)
        assert row.rank == [Flag.GREEN, Flag.YELLOW, Flag.RED].index(expected), row.project.code
        flags.add(row.flag)
    assert flags == {Flag.GREEN, Flag.YELLOW, Flag.RED}
