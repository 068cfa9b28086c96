"""Who may see which rows. Every list, form, export and import narrows through these, so an
office never sees another unit's project however it asks."""

from django.db.models import QuerySet
from django.http import Http404

from .models import Milestone, ProgressReport, Project, ProjectYear
from .roles import is_office, sees_everything


def visible_projects(user, qs: QuerySet | None = None) -> QuerySet:
    return _by_unit(user, Project.objects.all() if qs is None else qs, "responsible_unit_id")


EVERYTHING = "all"
NOTHING = "none"


def scope(user) -> str:
    """Which rows the user sees, as one value: every unit's ("all"), one unit's ("unit:<id>"), or
    none. Every narrowing below follows it, so users with the same scope see the same rows — the
    pages' cache shares rendered figures between them on that ground (portfolio/page_cache.py)."""
    if is_office(user):
        return f"unit:{user.unit_id}" if user.unit_id else NOTHING
    return EVERYTHING if sees_everything(user) else NOTHING


def _by_unit(user, qs: QuerySet, unit_lookup: str) -> QuerySet:
    # The responsible unit is the project's (identity), so an office's rights follow its projects
    # into every year's plan.
    seen = scope(user)
    if seen == EVERYTHING:
        return qs
    if seen == NOTHING:
        return qs.none()
    return qs.filter(**{unit_lookup: user.unit_id})


def visible_project_years(user, qs: QuerySet | None = None) -> QuerySet:
    """The rows of the years' plans whose project the user may see."""
    return _by_unit(user, ProjectYear.objects.all() if qs is None else qs, "project__responsible_unit_id")


def visible_milestones(user, qs: QuerySet | None = None) -> QuerySet:
    qs = Milestone.objects.all() if qs is None else qs
    return _by_unit(user, qs, "project_year__project__responsible_unit_id")


def visible_reports(user, qs: QuerySet | None = None) -> QuerySet:
    qs = ProgressReport.objects.all() if qs is None else qs
    return _by_unit(user, qs, "project_year__project__responsible_unit_id")


def owns_project(user, project: Project) -> bool:
    """May this user act for the project's unit (file reports, edit its plan row)?"""
    if is_office(user):
        return user.unit_id is not None and project.responsible_unit_id == user.unit_id
    return sees_everything(user)


def get_project_for(user, *, code: str, qs: QuerySet | None = None) -> Project:
    """Fetch a project by code and check the user may see it; 404 otherwise (never 'exists')."""
    try:
        return visible_projects(user, qs).select_related("responsible_unit", "owner_unit").get(code=code)
    except Project.DoesNotExist as exc:
        raise Http404("No such project.") from exc
