"""The dispatch meeting's problem ledger (问题清单): a problem blocking a project, handed to the unit
that must solve it with a coordinating leader and a deadline, chased until a reviewer closes it.
Its states move only through dispatch.services, which writes a ProblemEvent for every step."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from projects.models import ProgressReport, Project, ResponsibleUnit


class ProblemType(models.TextChoices):
    # The county's problem types, in the order the meeting's list uses them.
    LAND = "land", pgettext_lazy("problem type", "Land use")  # 用地
    FUNDING = "funding", pgettext_lazy("problem type", "Funding")  # 资金
    APPROVAL = "approval", pgettext_lazy("problem type", "Approvals")  # 审批/手续
    DEMOLITION = (
        "demolition",
        pgettext_lazy("problem type", "Land acquisition and demolition"),
    )  # 征地拆迁
    CONSTRUCTION = (
        "construction",
        pgettext_lazy("problem type", "Construction"),
    )  # 施工组织
    OTHER = "other", pgettext_lazy("problem type", "Other")  # 其他


class ProblemState(models.TextChoices):
    # Raised by an office with its report, waiting for the reviewer to hand it out.
    RAISED = "raised", pgettext_lazy("problem state", "Awaiting assignment")  # 待交办
    ASSIGNED = "assigned", pgettext_lazy("problem state", "Assigned")  # 交办
    IN_PROGRESS = "in_progress", pgettext_lazy("problem state", "In progress")  # 办理中
    SOLVED = (
        "solved",
        pgettext_lazy("problem state", "Solved"),
    )  # 已解决, awaiting the reviewer's confirmation
    CLOSED = "closed", pgettext_lazy("problem state", "Closed")  # 销号


# The states in which the solving unit still owes an answer: only these can be overdue.
OPEN_FOR_UNIT = (ProblemState.ASSIGNED, ProblemState.IN_PROGRESS)
# Everything not yet closed: what the meeting's list and the pages call open.
OPEN = (
    ProblemState.RAISED,
    ProblemState.ASSIGNED,
    ProblemState.IN_PROGRESS,
    ProblemState.SOLVED,
)


class Problem(models.Model):
    """One problem on the ledger. It belongs to a project (its identity, so an unsolved problem
    follows the project into the next year's plan), may come from a monthly report, and is solved
    by `unit`, which may differ from the project's responsible unit."""

    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        related_name="problems",
    )
    report = models.ForeignKey(
        ProgressReport,
        verbose_name=_("raised with report"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="raised_problems",
    )
    type = models.CharField(_("type"), max_length=20, choices=ProblemType.choices)
    description = models.TextField(_("problem"))
    unit = models.ForeignKey(
        ResponsibleUnit,
        verbose_name=_("unit to solve it"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems_to_solve",
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinating leader"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems_coordinated",
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    state = models.CharField(
        _("state"),
        max_length=12,
        choices=ProblemState.choices,
        default=ProblemState.RAISED,
    )
    resolution = models.TextField(_("what was done"), blank=True)
    solved_on = models.DateField(_("reported solved on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("raised by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    raised_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        constraints = [
            # Handed out means someone must solve it by a date.
            models.CheckConstraint(
                condition=Q(state=ProblemState.RAISED) | (Q(unit__isnull=False) & Q(deadline__isnull=False)),
                name="problem_assigned_has_unit_and_deadline",
            ),
            # Solved or closed means the unit said what it did.
            models.CheckConstraint(
                condition=~Q(state__in=[ProblemState.SOLVED, ProblemState.CLOSED])
                | (~Q(resolution="") & Q(solved_on__isnull=False)),
                name="problem_solved_says_what_was_done",
            ),
            models.CheckConstraint(
                condition=~Q(state=ProblemState.CLOSED) | Q(closed_on__isnull=False),
                name="problem_closed_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "deadline"]),
            models.Index(fields=["unit", "state"]),
        ]

    def __str__(self) -> str:
        return f"{self.project.name}: {self.description[:40]}"


class ProblemAction(models.TextChoices):
    RAISE = "raise", pgettext_lazy("problem action", "Raised")
    ASSIGN = "assign", pgettext_lazy("problem action", "Assigned")
    START = "start", pgettext_lazy("problem action", "Work started")
    SOLVE = "solve", pgettext_lazy("problem action", "Reported solved")
    REOPEN = "reopen", pgettext_lazy("problem action", "Sent back")
    CLOSE = "close", pgettext_lazy("problem action", "Closed")


class ProblemEvent(models.Model):
    """One step in a problem's life, written in the same transaction as the step: who, when, from
    which state to which, and what they said."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=10, choices=ProblemAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    from_state = models.CharField(_("from"), max_length=12, choices=ProblemState.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=12, choices=ProblemState.choices)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("problem event")
        verbose_name_plural = _("problem events")

    def __str__(self) -> str:
        return f"{self.problem_id} {self.action}"


class ReviewDecision(models.Model):
    """What a reviewer decided on a report the plausibility checks flagged (approved anyway, or
    returned), with the flags as they were shown: the checks warn, the person decides, and the
    decision is kept beside the report's own workflow events."""

    class Decision(models.TextChoices):
        APPROVED = (
            "approved",
            pgettext_lazy("review decision", "Approved despite the flags"),
        )
        RETURNED = "returned", pgettext_lazy("review decision", "Returned")

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="review_decisions")
    flags = models.JSONField(_("flags shown"), default=list)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    comment = models.TextField(_("comment"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("review decision")
        verbose_name_plural = _("review decisions")

    def __str__(self) -> str:
        return f"{self.report_id} {self.decision}"
