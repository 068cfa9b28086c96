"""Every change to a problem: raise, hand out (交办), start, report solved, send back (督办) and close
(销号). Each is one transaction that locks the row, checks the acting user and the current state,
and writes its ProblemEvent and history row; the pages and the admin call these and nothing else."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects import services as report_services
from projects.models import ProgressReport, Project, ResponsibleUnit, User
from projects.permissions import owns_project
from projects.roles import Role, has_role, is_office

from .models import (
    Problem,
    ProblemAction,
    ProblemEvent,
    ProblemState,
    ProblemType,
    ReviewDecision,
)
from .permissions import acts_for_solving_unit, can_dispatch, can_raise
from .review import review_queue
from .selectors import person


class ProblemMsg:
    """Refusals users see; tests name them instead of repeating the text."""

    NOT_ALLOWED = _("Your role may not do this.")
    NOT_YOURS = _("This project belongs to another responsible unit.")
    NOT_YOUR_UNIT = _("This problem is handed to another unit.")
    STALE = _(
        "Someone else changed this problem after you opened it. Your change was not saved: "
        "reload the page and make it again."
    )
    WRONG_STATE = _("A problem that is %(state)s cannot be %(action)s.")
    REPORT_NOT_OURS = _("The report belongs to another project.")
    DESCRIPTION_REQUIRED = _("Describe the problem.")
    UNIT_REQUIRED = _("Say which unit must solve it.")
    DEADLINE_REQUIRED = _("Give a deadline.")
    DEADLINE_PAST = _("The deadline cannot be in the past.")
    NOT_A_LEADER = _("The coordinating leader must be a leader's account.")
    RESOLUTION_REQUIRED = _("Say what was done.")
    COMMENT_REQUIRED = _("Say why it is sent back.")


def _lock(problem: Problem, expected_version: int | None) -> Problem:
    locked = Problem.objects.select_for_update().get(pk=problem.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ValidationError(ProblemMsg.STALE, code="stale")
    return locked


def _check_state(problem: Problem, allowed: tuple, action: str) -> None:
    if problem.state not in allowed:
        raise ValidationError(
            ProblemMsg.WRONG_STATE
            % {
                "state": problem.get_state_display(),
                "action": ProblemAction(action).label,
            },
            code="wrong_state",
        )


def _record(problem: Problem, *, actor, action: str, from_state: str, comment: str = "") -> None:
    problem.version += 1
    problem._history_user = actor
    problem._change_reason = str(ProblemAction(action).label)
    problem.save()
    ProblemEvent.objects.create(
        problem=problem,
        action=action,
        actor=actor,
        from_state=from_state,
        to_state=problem.state,
        comment=comment,
    )


def _check_assignment(*, unit, leader, deadline, today: datetime.date) -> None:
    errors: dict[str, list] = {}
    if unit is None:
        errors.setdefault("unit", []).append(ProblemMsg.UNIT_REQUIRED)
    if deadline is None:
        errors.setdefault("deadline", []).append(ProblemMsg.DEADLINE_REQUIRED)
    elif deadline < today:
        errors.setdefault("deadline", []).append(ProblemMsg.DEADLINE_PAST)
    if leader is not None and not has_role(leader, Role.LEADER):
        errors.setdefault("leader", []).append(ProblemMsg.NOT_A_LEADER)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def problem_raise(
    *,
    actor: User,
    project: Project,
    type: str,
    description: str,
    report: ProgressReport | None = None,
    unit: ResponsibleUnit | None = None,
    leader: User | None = None,
    deadline: datetime.date | None = None,
) -> Problem:
    """Put a problem on the ledger. An office raises it for its own project (usually with its
    monthly report) and the reviewer hands it out; a reviewer may hand it out at once by giving
    the unit and deadline. Leaders raise problems they see on site; the reviewer hands those out."""
    if not can_raise(actor):
        raise ValidationError(ProblemMsg.NOT_ALLOWED, code="not_allowed")
    if not owns_project(actor, project):
        raise ValidationError(ProblemMsg.NOT_YOURS, code="not_yours")
    errors: dict[str, list] = {}
    if type not in ProblemType.values:
        errors.setdefault("type", []).append(_("Choose a type."))
    if not (description or "").strip():
        errors.setdefault("description", []).append(ProblemMsg.DESCRIPTION_REQUIRED)
    if report is not None and report.project_year.project_id != project.pk:
        errors.setdefault("report", []).append(ProblemMsg.REPORT_NOT_OURS)
    if errors:
        raise ValidationError(errors)
    assign_now = can_dispatch(actor) and (unit is not None or deadline is not None)
    if assign_now:
        _check_assignment(unit=unit, leader=leader, deadline=deadline, today=timezone.localdate())
    problem = Problem(
        project=project,
        report=report,
        type=type,
        description=description.strip(),
        raised_by=actor,
        # Only a dispatcher hands out; an office or a leader proposes the unit (default: the
        # project's own) and the reviewer confirms it when assigning.
        unit=unit if (unit is not None and not is_office(actor)) else project.responsible_unit,
        leader=leader if leader is not None and has_role(leader, Role.LEADER) else None,
        deadline=deadline if assign_now else None,
        state=ProblemState.ASSIGNED if assign_now else ProblemState.RAISED,
        version=0,  # _record bumps it to 1
    )
    _record(problem, actor=actor, action=ProblemAction.RAISE, from_state="")
    if assign_now:
        ProblemEvent.objects.create(
            problem=problem,
            action=ProblemAction.ASSIGN,
            actor=actor,
            from_state=ProblemState.RAISED,
            to_state=ProblemState.ASSIGNED,
        )
    return problem


@transaction.atomic
def problem_assign(
    *,
    actor: User,
    problem: Problem,
    unit: ResponsibleUnit | None,
    deadline: datetime.date | None,
    leader: User | None = None,
    comment: str = "",
    expected_version: int | None = None,
) -> Problem:
    """交办: the reviewer hands the problem to the unit that must solve it, with a deadline and the
    coordinating leader. Also re-assigns (a new unit or deadline) while it is still open."""
    if not can_dispatch(actor):
        raise ValidationError(ProblemMsg.NOT_ALLOWED, code="not_allowed")
    problem = _lock(problem, expected_version)
    _check_state(
        problem,
        (ProblemState.RAISED, ProblemState.ASSIGNED, ProblemState.IN_PROGRESS),
        ProblemAction.ASSIGN,
    )
    _check_assignment(unit=unit, leader=leader, deadline=deadline, today=timezone.localdate())
    from_state = problem.state
    problem.unit, problem.deadline, problem.leader = unit, deadline, leader
    if problem.state == ProblemState.RAISED:
        problem.state = ProblemState.ASSIGNED
    _record(
        problem,
        actor=actor,
        action=ProblemAction.ASSIGN,
        from_state=from_state,
        comment=comment,
    )
    return problem


@transaction.atomic
def problem_start(
    *,
    actor: User,
    problem: Problem,
    comment: str = "",
    expected_version: int | None = None,
) -> Problem:
    """办理中: the solving unit acknowledges the problem and says what it is doing."""
    problem = _lock(problem, expected_version)
    if not acts_for_solving_unit(actor, problem):
        raise ValidationError(ProblemMsg.NOT_YOUR_UNIT, code="not_your_unit")
    _check_state(problem, (ProblemState.ASSIGNED,), ProblemAction.START)
    problem.state = ProblemState.IN_PROGRESS
    _record(
        problem,
        actor=actor,
        action=ProblemAction.START,
        from_state=ProblemState.ASSIGNED,
        comment=comment,
    )
    return problem


@transaction.atomic
def problem_solve(
    *,
    actor: User,
    problem: Problem,
    resolution: str,
    expected_version: int | None = None,
) -> Problem:
    """已解决: the solving unit reports it solved and says what was done; a reviewer then confirms."""
    problem = _lock(problem, expected_version)
    if not acts_for_solving_unit(actor, problem):
        raise ValidationError(ProblemMsg.NOT_YOUR_UNIT, code="not_your_unit")
    _check_state(problem, (ProblemState.ASSIGNED, ProblemState.IN_PROGRESS), ProblemAction.SOLVE)
    if not (resolution or "").strip():
        raise ValidationError({"resolution": [ProblemMsg.RESOLUTION_REQUIRED]})
    from_state = problem.state
    problem.state = ProblemState.SOLVED
    problem.resolution = resolution.strip()
    problem.solved_on = timezone.localdate()
    _record(
        problem,
        actor=actor,
        action=ProblemAction.SOLVE,
        from_state=from_state,
        comment=problem.resolution,
    )
    return problem


@transaction.atomic
def problem_reopen(*, actor: User, problem: Problem, comment: str, expected_version: int | None = None) -> Problem:
    """督办: the reviewer does not accept the answer and sends the problem back to the unit."""
    if not can_dispatch(actor):
        raise ValidationError(ProblemMsg.NOT_ALLOWED, code="not_allowed")
    problem = _lock(problem, expected_version)
    _check_state(problem, (ProblemState.SOLVED,), ProblemAction.REOPEN)
    if not (comment or "").strip():
        raise ValidationError({"comment": [ProblemMsg.COMMENT_REQUIRED]})
    problem.state = ProblemState.IN_PROGRESS
    problem.solved_on = None  # overdue again if the deadline has passed
    _record(
        problem,
        actor=actor,
        action=ProblemAction.REOPEN,
        from_state=ProblemState.SOLVED,
        comment=comment.strip(),
    )
    return problem


@transaction.atomic
def problem_close(
    *,
    actor: User,
    problem: Problem,
    comment: str = "",
    expected_version: int | None = None,
) -> Problem:
    """销号: a reviewer confirms what the unit did and takes the problem off the list."""
    if not can_dispatch(actor):
        raise ValidationError(ProblemMsg.NOT_ALLOWED, code="not_allowed")
    problem = _lock(problem, expected_version)
    _check_state(problem, (ProblemState.SOLVED,), ProblemAction.CLOSE)
    problem.state = ProblemState.CLOSED
    problem.closed_on = timezone.localdate()
    _record(
        problem,
        actor=actor,
        action=ProblemAction.CLOSE,
        from_state=ProblemState.SOLVED,
        comment=comment.strip(),
    )
    return problem


class LeaderMsg:
    NOT_A_LEADER = _("Only leader accounts can be linked to a project: %(names)s.")


@transaction.atomic
def project_set_leaders(*, actor: User, project: Project, leaders, expected_version: int | None = None) -> Project:
    """挂钩领导: link the leader accounts that follow the project (replacing the links it had). The
    project's history records who changed the links and to whom, as for any change of the project."""
    if not can_dispatch(actor):
        raise ValidationError(ProblemMsg.NOT_ALLOWED, code="not_allowed")
    leaders = list(leaders)
    wrong = [u for u in leaders if not has_role(u, Role.LEADER)]
    if wrong:
        names = "、".join(person(u) for u in wrong)
        raise ValidationError({"leaders": [LeaderMsg.NOT_A_LEADER % {"names": names}]})
    locked = Project.objects.select_for_update().get(pk=project.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ValidationError(ProblemMsg.STALE, code="stale")
    locked.leaders.set(leaders)
    locked.version += 1
    locked._history_user = actor
    names = "、".join(person(u) for u in leaders) or "—"
    locked._change_reason = f"{_('Linked leaders')}: {names}"
    locked.save()
    return locked


@transaction.atomic
def review_decide(
    *,
    actor: User,
    report: ProgressReport,
    approve: bool,
    comment: str = "",
    expected_version: int | None = None,
) -> ProgressReport:
    """Approve or return a submitted report from the review queue (projects.services decides who may
    and in which status), and, when the plausibility checks flagged it, record the flags as they
    were and the decision in the same transaction. The flags are recomputed here, not taken from
    the page, so the record says what the data showed."""
    items = review_queue(ProgressReport.objects.filter(pk=report.pk))
    checks = items[0].check_codes if items else []
    if approve:
        report = report_services.report_approve(
            actor=actor,
            report=report,
            comment=comment,
            expected_version=expected_version,
        )
    else:
        report = report_services.report_return(
            actor=actor,
            report=report,
            comment=comment,
            expected_version=expected_version,
        )
    if checks:
        ReviewDecision.objects.create(
            report=report,
            flags=checks,
            actor=actor,
            comment=comment,
            decision=ReviewDecision.Decision.APPROVED if approve else ReviewDecision.Decision.RETURNED,
        )
    return report
