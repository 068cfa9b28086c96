"""The writes of a year's plan as a whole: adopting a draft (its first version, 年初计划), adjusting
it (a new named, dated version — 中期调整 — never an overwrite) and closing it at year end. Each
version keeps a copy of every project's annual figures; ProjectYear carries the current ones and,
in its history, the version each figure came from."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from .models import PlanVersion, PlanVersionKind, PlanYear, PlanYearStatus, ProjectYear, ProjectYearVersion
from .roles import can_keep_year

ADOPTED_NAME = "年初计划"
VERSIONED_FIELDS = ("annual_plan", "annual_target")


class PlanVersionMsg:
    NOT_ALLOWED = _("Only the county's plan keepers adopt, adjust or close a year's plan.")
    NOT_DRAFT = _("Only a draft plan is adopted; the %(year)s plan is %(status)s.")
    NOT_ADOPTED = _("Only an adopted plan is adjusted or closed; the %(year)s plan is %(status)s.")
    NAME_TAKEN = _("The %(year)s plan already has a version named %(name)s.")
    NOT_IN_YEAR = _("Project rows %(rows)s are not in the %(year)s plan.")
    NEGATIVE = _("An amount cannot be negative.")


def _check_actor(actor) -> None:
    # Offices keep their own projects' rows; the plan as a whole is the county's (admin, finance).
    if not can_keep_year(actor):
        raise ValidationError(PlanVersionMsg.NOT_ALLOWED, code="not_allowed")


def _locked(plan_year: PlanYear) -> PlanYear:
    return PlanYear.objects.select_for_update().get(pk=plan_year.pk)


def _status_args(plan_year: PlanYear) -> dict:
    return {"year": plan_year.year, "status": PlanYearStatus(plan_year.status).label}


def _save_row(row: ProjectYear, *, actor, version: PlanVersion) -> None:
    row.plan_version = version
    row.version += 1
    row._history_user = actor
    row._change_reason = f"{version.name}（{version.date:%Y-%m-%d}）"
    row.save()


@transaction.atomic
def plan_adopt(
    *, actor, plan_year: PlanYear, name: str = ADOPTED_NAME, date: datetime.date | None = None
) -> PlanVersion:
    """The draft becomes the adopted plan: its first version copies every row's annual figures,
    and from now on the plan is on the leaders' pages."""
    _check_actor(actor)
    plan_year = _locked(plan_year)
    if plan_year.status != PlanYearStatus.DRAFT:
        raise ValidationError(PlanVersionMsg.NOT_DRAFT % _status_args(plan_year), code="bad_status")
    version = PlanVersion.objects.create(
        plan_year=plan_year, name=name, kind=PlanVersionKind.ADOPTED, date=date or datetime.date.today(), ordinal=1
    )
    rows = list(ProjectYear.objects.select_for_update().filter(plan_year=plan_year))
    ProjectYearVersion.objects.bulk_create(
        ProjectYearVersion(plan_version=version, project_year=row, **{f: getattr(row, f) for f in VERSIONED_FIELDS})
        for row in rows
    )
    for row in rows:
        _save_row(row, actor=actor, version=version)
    plan_year.status = PlanYearStatus.ADOPTED
    plan_year.save(update_fields=["status"])
    return version


@transaction.atomic
def plan_adjust(*, actor, plan_year: PlanYear, name: str, date: datetime.date, figures: dict[int, dict]) -> PlanVersion:
    """A new version of the adopted plan. `figures` maps a ProjectYear pk to its new annual_plan
    and/or annual_target; rows not named keep their figures (copied into the version too, so the
    version is the whole plan). Completion rates follow the new version at once; the earlier
    versions stay readable."""
    _check_actor(actor)
    plan_year = _locked(plan_year)
    if plan_year.status != PlanYearStatus.ADOPTED:
        raise ValidationError(PlanVersionMsg.NOT_ADOPTED % _status_args(plan_year), code="bad_status")
    if plan_year.versions.filter(name=name).exists():
        raise ValidationError({"name": [PlanVersionMsg.NAME_TAKEN % {"year": plan_year.year, "name": name}]})
    rows = {row.pk: row for row in ProjectYear.objects.select_for_update().filter(plan_year=plan_year)}
    strangers = sorted(set(figures) - set(rows))
    if strangers:
        raise ValidationError(PlanVersionMsg.NOT_IN_YEAR % {"rows": strangers, "year": plan_year.year})
    if any(Decimal(v.get("annual_plan", 0)) < 0 for v in figures.values()):
        raise ValidationError({"annual_plan": [PlanVersionMsg.NEGATIVE]})
    ordinal = (plan_year.versions.aggregate(n=Max("ordinal"))["n"] or 0) + 1
    version = PlanVersion.objects.create(
        plan_year=plan_year, name=name, kind=PlanVersionKind.ADJUSTED, date=date, ordinal=ordinal
    )
    copies = []
    for pk, row in rows.items():
        changes = {f: v for f, v in figures.get(pk, {}).items() if f in VERSIONED_FIELDS}
        changed = {f: v for f, v in changes.items() if getattr(row, f) != v}
        for field, value in changed.items():
            setattr(row, field, value)
        if changed:
            _save_row(row, actor=actor, version=version)
        copies.append(
            ProjectYearVersion(plan_version=version, project_year=row, **{f: getattr(row, f) for f in VERSIONED_FIELDS})
        )
    ProjectYearVersion.objects.bulk_create(copies)
    return version


@transaction.atomic
def plan_close(*, actor, plan_year: PlanYear) -> PlanYear:
    """Year end: the plan becomes history; its rows, reports and figures no longer change."""
    _check_actor(actor)
    plan_year = _locked(plan_year)
    if plan_year.status != PlanYearStatus.ADOPTED:
        raise ValidationError(PlanVersionMsg.NOT_ADOPTED % _status_args(plan_year), code="bad_status")
    plan_year.status = PlanYearStatus.CLOSED
    plan_year.save(update_fields=["status"])
    return plan_year


def current_version(plan_year: PlanYear) -> PlanVersion | None:
    return plan_year.versions.order_by("-ordinal").first()


def follow_current_version(row: ProjectYear) -> PlanVersion | None:
    """A row's annual figures edited (not imported as a whole) while the adopted plan's current
    version is an adjustment: the edit is that adjustment's figure, so its copy follows and the
    row's history names it. The adopted version (年初计划) is never rewritten this way. The caller
    holds the row locked and saves it."""
    if row.plan_year.status != PlanYearStatus.ADOPTED:
        return None
    version = current_version(row.plan_year)
    if version is None or version.kind != PlanVersionKind.ADJUSTED:
        return None
    ProjectYearVersion.objects.update_or_create(
        plan_version=version, project_year=row, defaults={f: getattr(row, f) for f in VERSIONED_FIELDS}
    )
    row.plan_version = version
    return version
