"""Year-end rollover: the next year's draft plan from the closing year's rows. Every project not
finished carries over (续建 where it was under way) with 「至上年底累计完成投资」 = the closing
year's figure + the investment approved in the closing year; finished ones close; unfinished ones
past their planned end year are carried and flagged for a decision (extend the period, or take
them out of the draft). The draft is not on the leaders' pages until adopted."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Subquery, Sum
from django.utils.translation import gettext_lazy as _

from . import progress
from .models import (
    MONEY,
    Milestone,
    MilestoneEvent,
    MilestoneKind,
    PlanYear,
    PlanYearStatus,
    ProgressReport,
    ProjectYear,
    ReportStatus,
    Stage,
)
from .roles import can_edit_plan

# The events that say the works are done (a project meeting one is finished, whatever its stage).
COMPLETION_EVENTS = (
    MilestoneEvent.COMPLETED,
    MilestoneEvent.IN_SERVICE,
    MilestoneEvent.IN_PRODUCTION,
    MilestoneEvent.ACCEPTANCE,
)
# Stages that mean the works were under way in the closing year: they carry on as 续建.
UNDER_WAY = (Stage.NEW, Stage.CONTINUING, Stage.COMPLETING, Stage.IN_PRODUCTION)
FINISHING = (Stage.COMPLETING, Stage.IN_PRODUCTION)


class RolloverMsg:
    NOT_ALLOWED = _("Your role may not change the project plan.")
    NOT_NEXT = _("A rollover goes from one year to the next (%(from)s → %(from_next)s), not to %(to)s.")
    SOURCE_DRAFT = _("The %(year)s plan is a draft; adopt it before rolling it over.")
    TARGET_EXISTS = _("The %(year)s plan already exists and is not a draft; nothing was changed.")
    TARGET_NOT_EMPTY = _("The %(year)s draft already has projects; nothing was changed.")


@dataclass
class Carried:
    row: ProjectYear  # the closing year's row
    stage: str
    completed_before_year: Decimal
    flagged: bool = False  # past its planned end year, unfinished


@dataclass
class Rollover:
    from_year: PlanYear
    to_year: int
    carried: list[Carried] = field(default_factory=list)
    closed: list[ProjectYear] = field(default_factory=list)

    @property
    def flagged(self) -> list[Carried]:
        return [c for c in self.carried if c.flagged]


def rollover_plan(*, from_year: PlanYear, to_year: int) -> Rollover:
    """What the rollover would do; reads only (three queries: the rows with their approved
    amount, last approved percent and completion event)."""
    if to_year != from_year.year + 1:
        raise ValidationError(
            RolloverMsg.NOT_NEXT % {"from": from_year.year, "from_next": from_year.year + 1, "to": to_year}
        )
    if from_year.status == PlanYearStatus.DRAFT:
        raise ValidationError(RolloverMsg.SOURCE_DRAFT % {"year": from_year.year})
    approved = ProgressReport.objects.filter(
        project_year=OuterRef("pk"), status=ReportStatus.APPROVED, is_current=True, year=from_year.year
    )
    rows = (
        ProjectYear.objects.filter(plan_year=from_year)
        .select_related("project", "category")
        .annotate(
            approved_in_year=Subquery(
                approved.order_by().values("project_year").annotate(s=Sum("investment_completed")).values("s"),
                output_field=ProjectYear._meta.get_field("annual_plan").__class__(**MONEY),
            ),
            last_percent=Subquery(approved.order_by("-month").values("physical_percent")[:1]),
            event_met=Exists(
                Milestone.objects.filter(
                    project_year=OuterRef("pk"),
                    kind=MilestoneKind.EVENT,
                    event__in=COMPLETION_EVENTS,
                    met_on__isnull=False,
                )
            ),
        )
        .order_by("category__order", "project__code")
    )
    result = Rollover(from_year=from_year, to_year=to_year)
    for row in rows:
        finished = row.event_met or (row.stage in FINISHING and row.last_percent == Decimal("100"))
        if finished:
            result.closed.append(row)
            continue
        amount = Decimal(row.approved_in_year or 0).quantize(Decimal("0.01"))
        result.carried.append(
            Carried(
                row=row,
                stage=Stage.CONTINUING if row.stage in UNDER_WAY else row.stage,
                completed_before_year=row.completed_before_year + amount,
                flagged=row.project.end_year < to_year,
            )
        )
    return result


@transaction.atomic
def rollover_apply(*, actor, plan: Rollover) -> PlanYear:
    """Create the next year's draft with the carried rows (history names the actor)."""
    if not can_edit_plan(actor):
        raise ValidationError(RolloverMsg.NOT_ALLOWED, code="not_allowed")
    year = plan.to_year
    target, created = PlanYear.objects.select_for_update().get_or_create(
        year=year,
        defaults={
            "title": plan.from_year.title.replace(str(plan.from_year.year), str(year)) or f"{year}年县级重大项目计划",
            "status": PlanYearStatus.DRAFT,
            "declared_projects": 0,
            "declared_total_investment": Decimal("0"),
            "declared_annual_plan": Decimal("0"),
            "declared_government_investment": Decimal("0"),
            "declared_social_investment": Decimal("0"),
        },
    )
    if not created and target.status != PlanYearStatus.DRAFT:
        raise ValidationError(RolloverMsg.TARGET_EXISTS % {"year": year})
    if not created and target.project_years.exists():
        raise ValidationError(RolloverMsg.TARGET_NOT_EMPTY % {"year": year})
    reason = str(_("Carried over from the %(year)s plan")) % {"year": plan.from_year.year}
    rows = []
    for carried in plan.carried:
        project = carried.row.project
        row = ProjectYear(
            project=project,
            plan_year=target,
            category=carried.row.category,
            stage=carried.stage,
            total_investment=project.total_investment,
            government_investment=project.government_investment,
            social_investment=project.social_investment,
            completed_before_year=carried.completed_before_year,
            # The new year's plan and target come from the adopted plan (import or admin).
            annual_plan=Decimal("0.00"),
            annual_target="",
        )
        row._history_user = actor
        row._change_reason = reason
        row.save()
        rows.append(row.pk)
    # The new rows carry the projects' last approved percent (their summary rows, in one refresh).
    progress.refresh(rows)
    return target
