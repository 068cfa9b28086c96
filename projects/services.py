"""Every write to projects, milestones and monthly reports. The admin, the web pages and the
spreadsheet importer all call these functions, so each rule is written once: who may act, in
which status, on which version, and the audit row written in the same transaction."""

import calendar
import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import plan_versions, progress
from .models import (
    Milestone,
    MilestoneKind,
    PlanYear,
    PlanYearStatus,
    ProgressReport,
    Project,
    ProjectYear,
    ReportAction,
    ReportEvent,
    ReportStatus,
    User,
)
from .permissions import owns_project
from .roles import can_edit_plan, can_report, can_review


class ServiceMsg:
    """Refusals users see; tests name them instead of repeating the text."""

    NOT_YOURS = _("This project belongs to another responsible unit.")
    NOT_ALLOWED = _("Your role may not do this.")
    STALE = _(
        "Someone else saved this record after you opened it. Your changes were not saved: "
        "reload the page to see their version, then make your change again."
    )
    FUTURE_MONTH = _("You cannot report on a month that has not begun.")
    WRONG_YEAR = _("This project is in the %(plan)s plan; a report for %(year)s does not belong to it.")
    NOT_IN_PLAN = _("This project is not in the %(year)s plan.")
    YEAR_CLOSED = _("The %(year)s plan is closed; its rows and reports no longer change.")
    YEAR_DRAFT = _("The %(year)s plan is a draft; reports are filed once it is adopted.")
    ALREADY_IN_PLAN = _("This project is already in the %(year)s plan.")
    DUPLICATE_MONTH = _("There is already a report for this project and month; edit it or open a revision.")
    PERCENT_DROP = _(
        "The cumulative percent (%(new)s%%) is below the last approved one (%(old)s%%); say why in "
        "'reason the percent fell'."
    )
    PERCENT_RANGE = _("A percent must be between 0 and 100.")
    NEGATIVE = _("An amount cannot be negative.")
    NOT_EDITABLE = _("Only a draft or returned report can be edited; an approved report is locked — open a revision.")
    NOT_SUBMITTABLE = _("Only a draft or returned report can be submitted.")
    NOT_SUBMITTED = _("Only a submitted report can be approved or returned.")
    OWN_REPORT = _("Nobody approves or returns their own report.")
    COMMENT_REQUIRED = _("Say why the report is returned.")
    NOT_REVISABLE = _("Only the approved, current report of a month can be revised.")
    REVISION_OPEN = _("A revision of this report is already open.")
    MILESTONE_NOT_OURS = _("A milestone met must belong to the report's project.")
    MILESTONE_KIND = _(
        "Only an event milestone is marked met by hand; a percent milestone is met by an approved report."
    )
    FUNDING_SPLIT = _("Government and social investment must add up to the total investment.")
    MILESTONE_TARGET = _("A percent milestone needs a target percent.")
    MILESTONE_EVENT = _("An event milestone needs its event.")


def _lock(obj: Model, expected_version: int | None) -> Model:
    """Re-read the row under a lock and refuse if someone saved it since `expected_version`."""
    locked = type(obj).objects.select_for_update().get(pk=obj.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ValidationError(ServiceMsg.STALE, code="stale")
    return locked


def _save(obj: Model, *, actor: User, reason: str) -> None:
    obj.version += 1
    obj._history_user = actor
    obj._change_reason = reason
    obj.full_clean(validate_unique=False, validate_constraints=False)
    obj.save()


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def check_owner(actor: User, project: Project) -> None:
    """Refuse unless the actor may act for the project's unit. `project` needs only
    `responsible_unit_id`, so a bulk caller may pass the plain values it preloaded."""
    if not owns_project(actor, project):
        raise ValidationError(ServiceMsg.NOT_YOURS, code="not_yours")


def check_may_report(actor: User) -> None:
    """Refuse unless the actor's role files reports (projects.roles.can_report), by form or file."""
    if not can_report(actor):
        raise ValidationError(ServiceMsg.NOT_ALLOWED, code="not_allowed")


def check_can_report(actor: User, project: Project) -> None:
    """Who may file, correct or submit a report for this project."""
    check_may_report(actor)
    check_owner(actor, project)


def _event(report: ProgressReport, *, actor: User, action: str, from_status: str, comment: str = "") -> None:
    ReportEvent.objects.create(
        report=report, action=action, actor=actor, from_status=from_status, to_status=report.status, comment=comment
    )


_UNSET = object()


def _check_year_open(plan_year: PlanYear) -> None:
    """A closed year's figures never change; a draft one has no reports yet."""
    if plan_year.status == PlanYearStatus.CLOSED:
        raise ValidationError(ServiceMsg.YEAR_CLOSED % {"year": plan_year.year}, code="year_closed")
    if plan_year.status == PlanYearStatus.DRAFT:
        raise ValidationError(ServiceMsg.YEAR_DRAFT % {"year": plan_year.year}, code="year_draft")


def check_report_values(
    *,
    project,
    year: int,
    month: int,
    values: dict,
    exclude_pk=None,
    last_approved=_UNSET,
    today: datetime.date | None = None,
) -> None:
    """The checks every report write shares; all problems at once, by field. `project` is the
    project's row in a plan (ProjectYear, or the importer's preloaded stand-in with `plan_year` and
    `project_id`). A bulk caller (the spreadsheet import) passes `last_approved`, the percent it
    preloaded, instead of a query per row, and `today` once for all its rows."""
    errors: dict[str, list] = {}
    _check_year_open(project.plan_year)
    today = today or timezone.localdate()
    if not 1 <= month <= 12:
        errors.setdefault("month", []).append(_("A month is 1 to 12."))
    elif (year, month) > (today.year, today.month):
        errors.setdefault("month", []).append(ServiceMsg.FUTURE_MONTH)
    if year != project.plan_year.year:
        errors.setdefault("year", []).append(ServiceMsg.WRONG_YEAR % {"plan": project.plan_year.year, "year": year})
    amount = values.get("investment_completed")
    if amount is not None and Decimal(amount) < 0:
        errors.setdefault("investment_completed", []).append(ServiceMsg.NEGATIVE)
    percent = values.get("physical_percent")
    if percent is not None:
        percent = Decimal(percent)
        if not Decimal(0) <= percent <= Decimal(100):
            errors.setdefault("physical_percent", []).append(ServiceMsg.PERCENT_RANGE)
        elif not (values.get("percent_drop_reason") or "").strip():
            last = (
                last_approved_percent(project_id=project.project_id, year=year, month=month, exclude_pk=exclude_pk)
                if last_approved is _UNSET
                else last_approved
            )
            if last is not None and percent < last:
                drop = ServiceMsg.PERCENT_DROP % {"new": percent, "old": last}
                errors.setdefault("physical_percent", []).append(drop)
    if errors:
        raise ValidationError(errors)


def last_approved_percent(*, project_id: int, year: int, month: int, exclude_pk=None) -> Decimal | None:
    """The cumulative percent of the latest approved report before this month (or of this month's
    approved revision, when a correction is being made), in any year of the project: the works
    carry on from one plan to the next."""
    qs = ProgressReport.objects.filter(
        project_year__project_id=project_id, status=ReportStatus.APPROVED, is_current=True
    )
    qs = qs.filter(year__lt=year) | qs.filter(year=year, month__lte=month)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    last = qs.order_by("-year", "-month").values_list("physical_percent", flat=True).first()
    return last


def _set_milestones(report: ProgressReport, milestones: Iterable[Milestone] | None) -> None:
    if milestones is None:
        return
    milestones = list(milestones)
    if any(m.project_year_id != report.project_year_id for m in milestones):
        raise ValidationError({"milestones_met": [ServiceMsg.MILESTONE_NOT_OURS]})
    report.milestones_met.set(milestones)


# The statuses in which a report may still be edited or submitted; approved is locked.
EDITABLE = (ReportStatus.DRAFT, ReportStatus.RETURNED)

REPORT_FIELDS = (
    "investment_completed",
    "physical_percent",
    "physical_narrative",
    "problems",
    "next_month_plan",
    "percent_drop_reason",
)


def project_year_for(project: Project, year: int) -> ProjectYear:
    """The project's row in the year's plan, or a refusal on the year field."""
    row = (
        ProjectYear.objects.select_related("plan_year", "project").filter(project=project, plan_year__year=year).first()
    )
    if row is None:
        raise ValidationError({"year": [ServiceMsg.NOT_IN_PLAN % {"year": year}]}, code="not_in_plan")
    return row


@transaction.atomic
def report_create(
    *,
    actor: User,
    project: Project,
    year: int,
    month: int,
    investment_completed: Decimal,
    physical_percent: Decimal,
    physical_narrative: str = "",
    problems: str = "",
    next_month_plan: str = "",
    percent_drop_reason: str = "",
    milestones_met: Iterable[Milestone] | None = None,
    action: str = ReportAction.CREATE,
) -> ProgressReport:
    """A report for the project's month of `year`, filed on its row in that year's plan."""
    check_can_report(actor, project)
    row = project_year_for(project, year)
    values = {
        "investment_completed": investment_completed,
        "physical_percent": physical_percent,
        "physical_narrative": physical_narrative,
        "problems": problems,
        "next_month_plan": next_month_plan,
        "percent_drop_reason": percent_drop_reason,
    }
    check_report_values(project=row, year=year, month=month, values=values)
    if ProgressReport.objects.filter(project_year=row, year=year, month=month).exists():
        raise ValidationError({"month": [ServiceMsg.DUPLICATE_MONTH]}, code="duplicate")
    report = ProgressReport(project_year=row, year=year, month=month, created_by=actor, **values)
    report._history_user = actor
    report._change_reason = str(ReportAction(action).label)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError as exc:  # a concurrent create of the same month won the race
        raise ValidationError({"month": [ServiceMsg.DUPLICATE_MONTH]}, code="duplicate") from exc
    _set_milestones(report, milestones_met)
    _event(report, actor=actor, action=action, from_status="")
    progress.refresh([row.pk])
    return report


@transaction.atomic
def report_update(
    *,
    actor: User,
    report: ProgressReport,
    expected_version: int | None,
    milestones_met: Iterable[Milestone] | None = None,
    reason: str = "",
    action: str = ReportAction.EDIT,
    **values,
) -> ProgressReport:
    unknown = set(values) - set(REPORT_FIELDS)
    if unknown:
        raise TypeError(f"report_update() got unexpected fields {sorted(unknown)}")
    report = _lock(report, expected_version)
    check_can_report(actor, report.project_year.project)
    if report.status not in EDITABLE:
        raise ValidationError(ServiceMsg.NOT_EDITABLE, code="locked")
    merged = {field: values.get(field, getattr(report, field)) for field in REPORT_FIELDS}
    check_report_values(
        project=report.project_year, year=report.year, month=report.month, values=merged, exclude_pk=report.pk
    )
    changed = {f for f in REPORT_FIELDS if merged[f] != getattr(report, f)}
    for field, value in merged.items():
        setattr(report, field, value)
    _save(report, actor=actor, reason=reason or str(ReportAction(action).label))
    _set_milestones(report, milestones_met)
    if changed or milestones_met is not None:
        _event(report, actor=actor, action=action, from_status=report.status, comment=reason)
    progress.refresh([report.project_year_id])
    return report


@transaction.atomic
def report_submit(*, actor: User, report: ProgressReport, expected_version: int | None = None) -> ProgressReport:
    report = _lock(report, expected_version)
    check_can_report(actor, report.project_year.project)
    _check_year_open(report.project_year.plan_year)
    if report.status not in EDITABLE:
        raise ValidationError(ServiceMsg.NOT_SUBMITTABLE, code="bad_status")
    previous = report.status
    report.status = ReportStatus.SUBMITTED
    report.submitted_by = actor
    report.submitted_at = timezone.now()
    _save(report, actor=actor, reason=str(ReportAction.SUBMIT.label))
    _event(report, actor=actor, action=ReportAction.SUBMIT, from_status=previous)
    progress.refresh([report.project_year_id])  # its first submission may count as on time
    return report


def _check_reviewer(actor: User, report: ProgressReport) -> None:
    if not can_review(actor):
        raise ValidationError(ServiceMsg.NOT_ALLOWED, code="not_allowed")
    _check_year_open(report.project_year.plan_year)
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError(ServiceMsg.NOT_SUBMITTED, code="bad_status")
    if actor.pk in (report.created_by_id, report.submitted_by_id):
        raise ValidationError(ServiceMsg.OWN_REPORT, code="own_report")


@transaction.atomic
def report_approve(
    *, actor: User, report: ProgressReport, comment: str = "", expected_version: int | None = None
) -> ProgressReport:
    report = _lock(report, expected_version)
    _check_reviewer(actor, report)
    if not report.is_current:
        # A revision replaces the approved report it corrects; the old one stays, superseded.
        # The old row must stop being current before this one becomes current (one per month).
        old = (
            ProgressReport.objects.select_for_update()
            .filter(project_year_id=report.project_year_id, year=report.year, month=report.month, is_current=True)
            .first()
        )
        if old is not None:
            old.status = ReportStatus.SUPERSEDED
            old.is_current = False
            _save(old, actor=actor, reason=str(_("Superseded by revision %(n)s")) % {"n": report.revision})
        report.is_current = True
    report.status = ReportStatus.APPROVED
    report.reviewed_by = actor
    report.reviewed_at = timezone.now()
    report.review_comment = comment
    _save(report, actor=actor, reason=str(ReportAction.APPROVE.label))
    _event(report, actor=actor, action=ReportAction.APPROVE, from_status=ReportStatus.SUBMITTED, comment=comment)
    _meet_milestones(report, actor=actor)
    progress.refresh([report.project_year_id])
    return report


def _meet_milestones(report: ProgressReport, *, actor: User) -> None:
    """An approved report meets the percent milestones it reaches and the events it lists."""
    month_end = _month_end(report.year, report.month)
    reached = Milestone.objects.select_for_update().filter(
        project_year_id=report.project_year_id,
        kind=MilestoneKind.PERCENT,
        met_on__isnull=True,
        target_percent__lte=report.physical_percent,
    )
    # A percent milestone ticked by the office is met only when the percent reaches it (above).
    ticked = report.milestones_met.select_for_update().filter(met_on__isnull=True, kind=MilestoneKind.EVENT)
    for milestone in list(reached) + list(ticked):
        milestone.met_on = month_end
        _save(milestone, actor=actor, reason=str(_("Met: report %(report)s approved")) % {"report": report})


@transaction.atomic
def report_return(
    *, actor: User, report: ProgressReport, comment: str, expected_version: int | None = None
) -> ProgressReport:
    report = _lock(report, expected_version)
    _check_reviewer(actor, report)
    if not (comment or "").strip():
        raise ValidationError({"review_comment": [ServiceMsg.COMMENT_REQUIRED]}, code="comment_required")
    report.status = ReportStatus.RETURNED
    report.reviewed_by = actor
    report.reviewed_at = timezone.now()
    report.review_comment = comment
    _save(report, actor=actor, reason=str(ReportAction.RETURN.label))
    _event(report, actor=actor, action=ReportAction.RETURN, from_status=ReportStatus.SUBMITTED, comment=comment)
    progress.refresh([report.project_year_id])
    return report


@transaction.atomic
def report_revise(
    *, actor: User, report: ProgressReport, reason: str = "", expected_version: int | None = None
) -> ProgressReport:
    """Open a correction of an approved report: a new draft revision, the approved one kept
    (and still counted) until the revision itself is approved."""
    report = _lock(report, expected_version)
    check_can_report(actor, report.project_year.project)
    _check_year_open(report.project_year.plan_year)
    if report.status != ReportStatus.APPROVED or not report.is_current:
        raise ValidationError(ServiceMsg.NOT_REVISABLE, code="bad_status")
    siblings = ProgressReport.objects.filter(
        project_year_id=report.project_year_id, year=report.year, month=report.month
    )
    if siblings.filter(is_current=False).exclude(status=ReportStatus.SUPERSEDED).exists():
        raise ValidationError(ServiceMsg.REVISION_OPEN, code="revision_open")
    revision = ProgressReport(
        project_year_id=report.project_year_id,
        year=report.year,
        month=report.month,
        revision=max(siblings.values_list("revision", flat=True)) + 1,
        is_current=False,
        created_by=actor,
        **{field: getattr(report, field) for field in REPORT_FIELDS},
    )
    revision._history_user = actor
    revision._change_reason = reason or str(ReportAction.REVISE.label)
    revision.save()
    revision.milestones_met.set(report.milestones_met.all())
    _event(revision, actor=actor, action=ReportAction.REVISE, from_status="", comment=reason)
    progress.refresh([revision.project_year_id])
    return revision


@transaction.atomic
def milestone_mark_met(
    *,
    actor: User,
    milestone: Milestone,
    met_on: datetime.date | None,
    expected_version: int | None = None,
    reason: str = "",
) -> Milestone:
    milestone = _lock(milestone, expected_version)
    if not can_edit_plan(actor):
        raise ValidationError(ServiceMsg.NOT_ALLOWED, code="not_allowed")
    check_owner(actor, milestone.project_year.project)
    _check_plan_open(milestone.project_year.plan_year)
    if milestone.kind != MilestoneKind.EVENT:
        raise ValidationError(ServiceMsg.MILESTONE_KIND, code="percent_milestone")
    if met_on is not None and met_on > timezone.localdate():
        raise ValidationError({"met_on": [_("A milestone cannot be met in the future.")]})
    milestone.met_on = met_on
    default = str(_("Marked met")) if met_on else str(_("Marked not met"))
    _save(milestone, actor=actor, reason=reason or default)
    return milestone


MILESTONE_FIELDS = (
    "kind",
    "event",
    "title",
    "due_date",
    "target_percent",
    "baseline_percent",
    "baseline_note",
    "quantity",
    "source_note",
)


def _check_milestone_values(milestone: Milestone) -> None:
    if milestone.kind == MilestoneKind.PERCENT and milestone.target_percent is None:
        raise ValidationError({"target_percent": [ServiceMsg.MILESTONE_TARGET]}, code="milestone_target")
    if milestone.kind == MilestoneKind.EVENT and not milestone.event:
        raise ValidationError({"event": [ServiceMsg.MILESTONE_EVENT]}, code="milestone_event")
    milestone.full_clean(validate_constraints=False, exclude=["version"])


@transaction.atomic
def milestone_create(*, actor, project_year: ProjectYear, reason: str = "", **values) -> Milestone:
    """A new dated target on a project's row in a year's plan; met_on is never set here (approval
    or mark-met does it)."""
    unknown = set(values) - set(MILESTONE_FIELDS)
    if unknown:
        raise TypeError(f"milestone_create() got unexpected fields {sorted(unknown)}")
    if not can_edit_plan(actor):
        raise ValidationError(ServiceMsg.NOT_ALLOWED, code="not_allowed")
    check_owner(actor, project_year.project)
    _check_plan_open(project_year.plan_year)
    milestone = Milestone(project_year=project_year, **values)
    _check_milestone_values(milestone)
    milestone._history_user = actor
    milestone._change_reason = reason or str(_("Created"))
    milestone.save()
    return milestone


@transaction.atomic
def milestone_update(
    *, actor: User, milestone: Milestone, expected_version: int | None, reason: str = "", **values
) -> Milestone:
    """Change a milestone's target or date. Whether it is met is not changed here: a percent
    milestone is met by an approved report, an event one through milestone_mark_met."""
    unknown = set(values) - set(MILESTONE_FIELDS)
    if unknown:
        raise TypeError(f"milestone_update() got unexpected fields {sorted(unknown)}")
    milestone = _lock(milestone, expected_version)
    if not can_edit_plan(actor):
        raise ValidationError(ServiceMsg.NOT_ALLOWED, code="not_allowed")
    check_owner(actor, milestone.project_year.project)
    _check_plan_open(milestone.project_year.plan_year)
    for field, value in values.items():
        setattr(milestone, field, value)
    _check_milestone_values(milestone)
    _save(milestone, actor=actor, reason=reason or str(_("Edited")))
    return milestone


# A project's identity (one row whatever the years) and its row in one year's plan.
PROJECT_FIELDS = (
    "code",
    "name",
    "scope",
    "location",
    "start_year",
    "end_year",
    "owner_unit",
    "responsible_unit",
    "total_investment",
    "government_investment",
    "social_investment",
    "remarks",
)
PROJECT_YEAR_FIELDS = ("category", "stage", "completed_before_year", "annual_plan", "annual_target")
# Copied from the identity onto the rows of plans not yet closed (see ProjectYear).
FOLLOWED_FIELDS = ("total_investment", "government_investment", "social_investment")


def _check_plan_open(plan_year: PlanYear) -> None:
    if plan_year.status == PlanYearStatus.CLOSED:
        raise ValidationError(ServiceMsg.YEAR_CLOSED % {"year": plan_year.year}, code="year_closed")


def _check_project_values(project: Project) -> None:
    if project.government_investment + project.social_investment != project.total_investment:
        raise ValidationError({"social_investment": [ServiceMsg.FUNDING_SPLIT]}, code="funding_split")
    project.full_clean(validate_constraints=False, exclude=["version"])


def _check_fields(name: str, values: dict, allowed) -> None:
    unknown = set(values) - set(allowed)
    if unknown:
        raise TypeError(f"{name}() got unexpected fields {sorted(unknown)}")


@transaction.atomic
def project_create(*, actor, reason: str = "", **values) -> Project:
    """A new project's identity; project_year_create puts it in a year's plan."""
    if not can_edit_plan(actor):
        raise ValidationError(ServiceMsg.NOT_ALLOWED, code="not_allowed")
    _check_fields("project_create", values, PROJECT_FIELDS)
    project = Project(**values)
    check_owner(actor, project)
    _check_project_values(project)
    project._history_user = actor
    project._change_reason = reason or str(_("Created"))
    project.save()
    return project


@transaction.atomic
def project_update(*, actor, project: Project, expected_version: int | None, reason: str = "", **values) -> Project:
    """Change a project's identity. A new total investment or split reaches its rows in the plans
    not yet closed (a closed year keeps the figures it was planned and reviewed with)."""
    _check_fields("project_update", values, PROJECT_FIELDS)
    project = _lock(project, expected_version)
    if not can_edit_plan(actor):
        raise ValidationError(ServiceMsg.NOT_ALLOWED, code="not_allowed")
    check_owner(actor, project)
    for field, value in values.items():
        setattr(project, field, value)
    check_owner(actor, project)  # an office cannot hand its project to another unit
    _check_project_values(project)
    _save(project, actor=actor, reason=reason or str(_("Edited")))
    if set(values) & set(FOLLOWED_FIELDS):
        for row in (
            ProjectYear.objects.select_for_update()
            .filter(project=project)
            .exclude(plan_year__status=PlanYearStatus.CLOSED)
        ):
            if any(getattr(row, f) != getattr(project, f) for f in FOLLOWED_FIELDS):
                for f in FOLLOWED_FIELDS:
                    setattr(row, f, getattr(project, f))
                _save(row, actor=actor, reason=reason or str(_("Edited")))
    return project


@transaction.atomic
def project_year_create(*, actor, project: Project, plan_year: PlanYear, reason: str = "", **values) -> ProjectYear:
    """Put a project in a year's plan, with the total and split its identity holds now."""
    _check_fields("project_year_create", values, PROJECT_YEAR_FIELDS)
    if not can_edit_plan(actor):
        raise ValidationError(ServiceMsg.NOT_ALLOWED, code="not_allowed")
    check_owner(actor, project)
    _check_plan_open(plan_year)
    if ProjectYear.objects.filter(project=project, plan_year=plan_year).exists():
        raise ValidationError(ServiceMsg.ALREADY_IN_PLAN % {"year": plan_year.year}, code="already_in_plan")
    row = ProjectYear(
        project=project, plan_year=plan_year, **{f: getattr(project, f) for f in FOLLOWED_FIELDS}, **values
    )
    row.full_clean(validate_constraints=False, validate_unique=False, exclude=["version"])
    row._history_user = actor
    row._change_reason = reason or str(_("Created"))
    row.save()
    progress.refresh([row.pk])  # the project's percent from earlier years carries into the new row
    return row


@transaction.atomic
def project_year_update(
    *, actor, project_year: ProjectYear, expected_version: int | None, reason: str = "", **values
) -> ProjectYear:
    """Change what a year's plan says of a project (category, stage, the year's figures)."""
    _check_fields("project_year_update", values, PROJECT_YEAR_FIELDS)
    row = _lock(project_year, expected_version)
    if not can_edit_plan(actor):
        raise ValidationError(ServiceMsg.NOT_ALLOWED, code="not_allowed")
    check_owner(actor, row.project)
    _check_plan_open(row.plan_year)
    changed = {f for f, v in values.items() if getattr(row, f) != v}
    for field, value in values.items():
        setattr(row, field, value)
    if changed & set(plan_versions.VERSIONED_FIELDS):
        plan_versions.follow_current_version(row)
    _save(row, actor=actor, reason=reason or str(_("Edited")))
    return row
