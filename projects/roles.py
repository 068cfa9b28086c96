"""The roles people have, as Django groups, and the one place that says what each may do."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    REVIEWER = "reviewer", _("Reviewer")  # 发改委审核
    LEADER = "leader", _("Leader")  # reads everything, changes nothing
    FINANCE = "finance", _("Finance")  # imports and exports, reads progress
    OFFICE = "office", _("Project office")  # one responsible unit's projects


def group_names(user) -> list[str]:
    """The names of the user's groups, read from the database."""
    return list(user.groups.values_list("name", flat=True))


def roles_of(user) -> set[str]:
    """The role names a user holds; cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_role_cache", None)
    if cached is None:
        remember_groups(user, group_names(user))
        cached = user._role_cache
    return cached


def remember_groups(user, names) -> None:
    """The user's group names for this request, read once (group_names) — or kept elsewhere by
    whoever can tell when they change (the leaders' pages keep them under the data token, which
    any change of groups changes: portfolio/page_cache.py)."""
    cached = set(names)
    if user.is_superuser:
        cached.add(Role.ADMIN)
    user._role_cache = cached


def has_role(user, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


def is_office(user) -> bool:
    """An office user is confined to its own unit, whatever other flags it has."""
    return has_role(user, Role.OFFICE) and not has_role(user, Role.ADMIN)


# Who may do what: each rule is one tuple of roles. The checks below (screens, services, imports)
# and the groups' model permissions (projects/setup.py, what the admin and has_perm() see) are all
# read from these, so the two cannot drift apart.
ADMINISTRATORS = (Role.ADMIN,)  # reference data (units, categories, plan years), accounts, deleting
READERS = (Role.ADMIN, Role.REVIEWER, Role.LEADER, Role.FINANCE)  # see every unit's rows
REVIEWERS = (Role.ADMIN, Role.REVIEWER)  # approve and return reports
# Change projects and milestones: reviewers, finance (who keep the plan schedule and import it),
# and an office for its own unit's.
PLAN_KEEPERS = (Role.ADMIN, Role.REVIEWER, Role.FINANCE, Role.OFFICE)
# File, correct and submit monthly reports, by form or by spreadsheet alike: offices for their unit;
# finance, who import the county's dispatch schedule (the reports arrive as drafts); administrators.
REPORTERS = (Role.ADMIN, Role.FINANCE, Role.OFFICE)
IMPORTERS = (Role.ADMIN, Role.FINANCE, Role.OFFICE)  # upload schedule files at all
# Adopt, adjust (中期调整) and close a year's plan as a whole: the county's, not an office's or a
# reviewer's (they keep rows; the plan's versions are decided by finance and administrators).
YEAR_KEEPERS = (Role.ADMIN, Role.FINANCE)

# Every model of the domain; each role may at least view all of them.
DOMAIN_MODELS = (
    "category",
    "planyear",
    "categoryplan",
    "responsibleunit",
    "ownerunit",
    "project",
    "milestone",
    "progressreport",
    "reportevent",
)


def holds_every_permission(role: str) -> bool:
    """Administrators' group holds every model permission of the site."""
    return role in ADMINISTRATORS


def model_actions(role: str) -> dict[str, tuple[str, ...]]:
    """What a role's group may do to each domain model, in Django's permission terms, derived from
    the rules above. Approving is not a model permission: reviewers change reports only through the
    review service, so they hold no change_progressreport."""
    actions = dict.fromkeys(DOMAIN_MODELS, ("view",))
    if role in PLAN_KEEPERS:
        actions["project"] = actions["milestone"] = ("view", "add", "change")
    if role in REPORTERS:
        actions["progressreport"] = ("view", "add", "change")
    return actions


def can_administer(user) -> bool:
    return has_role(user, *ADMINISTRATORS)


def sees_everything(user) -> bool:
    return has_role(user, *READERS)


def can_review(user) -> bool:
    return has_role(user, *REVIEWERS)


def can_edit_plan(user) -> bool:
    return has_role(user, *PLAN_KEEPERS)


def can_keep_year(user) -> bool:
    """Adopt a draft plan, adjust an adopted one with a new version, close it at year end."""
    return has_role(user, *YEAR_KEEPERS) and not is_office(user)


def can_import(user) -> bool:
    return has_role(user, *IMPORTERS)


def can_report(user) -> bool:
    """File, correct and submit monthly reports (ownership is checked on top, by the services)."""
    return has_role(user, *REPORTERS)
