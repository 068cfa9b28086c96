"""Reads of the problem ledger: problems annotated with whether they are overdue (the rule in
projects.rules.problem_overdue_q), the open ones of a project, and the counts the pages show."""

import datetime

from django.db.models import BooleanField, Case, Count, Q, QuerySet, Value, When
from django.utils import timezone

from projects.models import ReportStatus
from projects.permissions import visible_reports
from projects.rules import problem_overdue_q

from .models import OPEN, OPEN_FOR_UNIT, Problem, ProblemState
from .permissions import visible_problems


def problems_with_status(qs: QuerySet | None = None, *, as_of: datetime.date | None = None) -> QuerySet:
    """Problems with `overdue` annotated (as of today unless told), their relations joined."""
    qs = Problem.objects.all() if qs is None else qs
    as_of = as_of or timezone.localdate()
    return qs.select_related("project", "project__responsible_unit", "unit", "leader").annotate(
        overdue=Case(
            When(problem_overdue_q(as_of), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def problem_list(qs: QuerySet | None = None, *, as_of: datetime.date | None = None) -> QuerySet:
    """The ledger as the meeting reads it: open before closed, overdue first, then by deadline."""
    return problems_with_status(qs, as_of=as_of).order_by(
        Case(When(state=ProblemState.CLOSED, then=Value(1)), default=Value(0)),
        "-overdue",
        "deadline",
        "id",
    )


def open_problems(qs: QuerySet | None = None, *, as_of: datetime.date | None = None) -> QuerySet:
    """Problems not yet closed (销号), overdue first."""
    return problem_list(qs, as_of=as_of).filter(state__in=OPEN)


def problem_counts(qs: QuerySet, *, as_of: datetime.date | None = None) -> dict:
    """How many open, overdue, awaiting assignment and awaiting confirmation: one query."""
    as_of = as_of or timezone.localdate()
    return qs.aggregate(
        open=Count("pk", filter=Q(state__in=OPEN)),
        overdue=Count("pk", filter=problem_overdue_q(as_of)),
        raised=Count("pk", filter=Q(state=ProblemState.RAISED)),
        solved=Count("pk", filter=Q(state=ProblemState.SOLVED)),
    )


def person(user) -> str:
    """How a page names an account: the person's name, else the login name."""
    return "" if user is None else (f"{user.last_name}{user.first_name}".strip() or user.get_username())


def leader_problems(user, qs: QuerySet | None = None) -> QuerySet:
    """The open problems a leader follows: those they coordinate and those of their linked projects."""
    qs = Problem.objects.all() if qs is None else qs
    ids = qs.filter(Q(leader=user) | Q(project__leaders=user)).values("pk")
    return open_problems(Problem.objects.filter(pk__in=ids))


def reviewer_queue(user) -> dict:
    """A reviewer's landing counts: reports to review, problems to hand out, answers to confirm."""
    counts = problem_counts(visible_problems(user))
    return {
        "to_review": visible_reports(user).filter(status=ReportStatus.SUBMITTED).count(),
        "to_assign": counts["raised"],
        "to_confirm": counts["solved"],
    }


def office_queue(user, *, year: int) -> dict:
    """An office's landing counts: reports returned to it (this plan year), problems its unit must
    still answer (handed out, not yet reported solved)."""
    return {
        "returned": visible_reports(user).filter(status=ReportStatus.RETURNED, year=year).count(),
        "to_fix": Problem.objects.filter(unit_id=user.unit_id, state__in=OPEN_FOR_UNIT).count() if user.unit_id else 0,
    }
