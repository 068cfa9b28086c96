"""Who sees and moves which problems. An office sees the problems of its unit's projects and those
handed to its unit, and nothing else; everyone with a county-wide role sees them all."""

from django.db.models import Q, QuerySet
from django.http import Http404

from projects.permissions import EVERYTHING, NOTHING, scope
from projects.roles import Role, has_role, is_office

from .models import Problem


def visible_problems(user, qs: QuerySet | None = None) -> QuerySet:
    qs = Problem.objects.all() if qs is None else qs
    seen = scope(user)  # the same scope as the projects' (projects.permissions)
    if seen == EVERYTHING:
        return qs
    if seen == NOTHING:
        return qs.none()
    return qs.filter(Q(project__responsible_unit_id=user.unit_id) | Q(unit_id=user.unit_id))


def get_problem_for(user, pk: int) -> Problem:
    """The problem if the user may see it; 404 otherwise (never 'exists but not yours')."""
    try:
        return (
            visible_problems(user)
            .select_related(
                "project",
                "project__responsible_unit",
                "unit",
                "leader",
                "report",
                "raised_by",
            )
            .get(pk=pk)
        )
    except Problem.DoesNotExist as exc:
        raise Http404("No such problem.") from exc


def can_raise(user) -> bool:
    """Offices (for their own projects), reviewers, leaders and administrators raise problems."""
    return has_role(user, Role.OFFICE, Role.REVIEWER, Role.LEADER, Role.ADMIN)


def can_dispatch(user) -> bool:
    """Hand a problem out, send it back and close it (销号): the reviewers of 发改委 and administrators."""
    return has_role(user, Role.REVIEWER, Role.ADMIN)


def acts_for_solving_unit(user, problem: Problem) -> bool:
    """May the user report progress on the problem: the solving unit's office (or an administrator
    standing in). Not a reviewer: the one who confirms an answer does not also give it."""
    if is_office(user):
        return user.unit_id is not None and problem.unit_id == user.unit_id
    return has_role(user, Role.ADMIN)
