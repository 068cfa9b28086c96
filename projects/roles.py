"""The roles people have, as Django groups, and the one place that says what each may do."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    REVIEWER = "reviewer", _("Reviewer")  # 发改委审核
    LEADER = "leader", _("Leader")  # reads everything, changes nothing
    FINANCE = "finance", _("Finance")  # imports and exports, reads progress
    OFFICE = "office", _("Project office")  # one responsible unit's projects


def roles_of(user) -> set[str]:
    """The role names a user holds; cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_role_cache", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            cached.add(Role.ADMIN)
        user._role_cache = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


def is_office(user) -> bool:
    """An office user is confined to its own unit, whatever other flags it has."""
    return has_role(user, Role.OFFICE) and not has_role(user, Role.ADMIN)


def sees_everything(user) -> bool:
    return has_role(user, Role.ADMIN, Role.REVIEWER, Role.LEADER, Role.FINANCE)


def can_review(user) -> bool:
    return has_role(user, Role.ADMIN, Role.REVIEWER)


def can_edit_plan(user) -> bool:
    """Change projects and milestones: administrators, reviewers, finance (who keep the plan
    schedule and import it), and an office for its own unit's."""
    return has_role(user, Role.ADMIN, Role.REVIEWER, Role.FINANCE, Role.OFFICE)


def can_import(user) -> bool:
    return has_role(user, Role.ADMIN, Role.FINANCE, Role.OFFICE)


def can_report(user) -> bool:
    """File, correct and submit monthly reports: project offices (for their unit) and administrators."""
    return has_role(user, Role.OFFICE, Role.ADMIN)
