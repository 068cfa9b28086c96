"""The role groups with their model permissions, and the demo accounts built on them. `setup_demo`,
the admin and the tests call these; each is idempotent, so running it twice changes nothing."""

from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q

from .models import ResponsibleUnit, User
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
