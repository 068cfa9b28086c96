"""The role groups with their model permissions, and the demo accounts built on them. `setup_demo`,
the admin and the tests call these; each is idempotent, so running it twice changes nothing."""

from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q

from .models import Milestone, PlanYear, Project, ProjectYear, ResponsibleUnit, User
from .roles import Role, holds_every_permission, model_actions


def role_permissions(role: str):
    """The permissions a role's group holds, as projects.roles says: all of them for administrators."""
    if holds_every_permission(role):
        return Permission.objects.all()
    condition = Q(pk__in=[])
    for model, actions in model_actions(role).items():
        condition |= Q(codename__in=[f"{action}_{model}" for action in actions])
    return Permission.objects.filter(condition, content_type__app_label="projects")


@transaction.atomic
def ensure_role_groups() -> dict[str, Group]:
    """One group per Role, holding exactly that role's permissions."""
    groups = {}
    for role in Role:
        group, _ = Group.objects.get_or_create(name=role.value)
        group.permissions.set(role_permissions(role))
        groups[role.value] = group
    return groups


DEMO_ROLE_ACCOUNTS = ("admin", Role.REVIEWER.value, Role.LEADER.value, Role.FINANCE.value)


def demo_usernames() -> set[str]:
    """The accounts `ensure_demo_accounts` makes: one per role and one per responsible unit."""
    units = ResponsibleUnit.objects.values_list("code", flat=True)
    return {*DEMO_ROLE_ACCOUNTS, *(f"office-{code}" for code in units)}


def other_users(limit: int = 3) -> list[str]:
    """Up to `limit` usernames of accounts that are not demo accounts: a database holding any is
    someone's real data, where well-known demo passwords must never be planted."""
    return list(
        User.objects.exclude(username__in=demo_usernames()).order_by("pk").values_list("username", flat=True)[:limit]
    )


def record_baseline(plan_year: PlanYear, *, reason: str) -> int:
    """A first history row ("+") for every project, project row and milestone of the plan that has none, as
    loaded data has (a fixture is saved raw, without history), so the first edit shows its old
    values. Idempotent; returns how many rows were recorded."""
    count = 0
    scopes = (
        (Project, {"years__plan_year": plan_year}),
        (ProjectYear, {"plan_year": plan_year}),
        (Milestone, {"project_year__plan_year": plan_year}),
    )
    for model, scope in scopes:
        recorded = model.history.model.objects.values("id")  # the history table keeps the row's pk as `id`
        bare = list(model.objects.filter(**scope).exclude(pk__in=recorded).order_by("pk"))
        model.history.bulk_history_create(bare, batch_size=500, default_change_reason=reason)
        count += len(bare)
    return count


@dataclass
class DemoAccount:
    username: str
    role: str
    unit: ResponsibleUnit | None
    created: bool


def _account(username: str, *, group: Group, password: str, unit=None, superuser=False) -> DemoAccount:
    user, created = User.objects.get_or_create(
        username=username, defaults={"is_staff": True, "is_superuser": superuser, "unit": unit}
    )
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    user.groups.add(group)  # no-op when already a member
    return DemoAccount(username=username, role=group.name, unit=unit, created=created)


@transaction.atomic
def ensure_demo_accounts(*, password: str) -> list[DemoAccount]:
    """`admin` (superuser), `reviewer`, `leader`, `finance`, and `office-<unit code>` for every
    responsible unit. Existing accounts are left as they are (their password is not reset)."""
    groups = ensure_role_groups()
    accounts = [_account("admin", group=groups[Role.ADMIN], password=password, superuser=True)]
    for role in (Role.REVIEWER, Role.LEADER, Role.FINANCE):
        accounts.append(_account(role.value, group=groups[role], password=password))
    for unit in ResponsibleUnit.objects.order_by("code"):
        accounts.append(_account(f"office-{unit.code}", group=groups[Role.OFFICE], password=password, unit=unit))
    return accounts
