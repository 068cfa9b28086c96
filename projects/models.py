"""The domain of the county's major-project list: plan years, categories, units, projects, their
rows in each year's plan, milestones and the monthly progress reports offices file. Rules the
database can hold are constraints here; the workflow that changes these rows lives in services.py."""

from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Round
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

ZERO = Decimal("0")
HUNDRED = Decimal("100")

# Money is held in 万元 with two decimals; the largest project (江龙高速 and its kind) is a few
# million 万元, so 14 digits leave room for any county total.
MONEY = {"max_digits": 14, "decimal_places": 2}
PERCENT = {"max_digits": 5, "decimal_places": 2}

# The national investment-project code (全国投资项目在线审批监管平台): year, region, industry,
# type, serial — e.g. 2020-500235-48-01-123456. Anchored with \Z, not $, which would let a
# trailing newline through.
NATIONAL_CODE_RE = r"^(19|20)\d{2}-\d{6}-\d{2}-\d{2}-\d{6}\Z"
# A project without a national code carries a county code such as YY2022-IND-001.
COUNTY_CODE_RE = r"^YY\d{4}-[A-Z]{2,4}-\d{3}\Z"
PROJECT_CODE_RE = rf"({NATIONAL_CODE_RE})|({COUNTY_CODE_RE})"

project_code_validator = RegexValidator(
    PROJECT_CODE_RE,
    _("Enter a national project code such as 2020-500235-48-01-123456 or a county code such as YY2022-IND-001."),
    code="invalid_project_code",
)
percent_validators = [MinValueValidator(ZERO), MaxValueValidator(HUNDRED)]
money_validators = [MinValueValidator(ZERO)]


class User(AbstractUser):
    """A person who signs in. Office staff belong to one responsible unit; everyone else has none.

    Kept in this app (not a separate accounts app) because the unit is the only thing we add and
    the unit is part of the domain."""

    unit = models.ForeignKey(
        "ResponsibleUnit",
        verbose_name=_("responsible unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    # Leaders want a number to call, not a login name: shown beside the person on the pages.
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("user")
        verbose_name_plural = _("users")


class CategoryCode(models.TextChoices):
    INDUSTRY = "industry", _("Major industrial projects")
    RURAL = "rural", _("Major rural-revitalisation projects")
    URBAN = "urban", _("Major urban-improvement projects")
    ECOLOGY = "ecology", _("Major ecological projects")
    LIVELIHOOD = "livelihood", _("Major livelihood projects")
    REGIONAL = "regional", _("Major regional-coordination projects")


class Category(models.Model):
    """One of the six categories, in the report's order and wording."""

    code = models.CharField(_("code"), max_length=20, choices=CategoryCode.choices, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True, help_text=_("As the report writes it."))
    name_en = models.CharField(_("English name"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), unique=True)

    class Meta:
        ordering = ["order"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name


class PlanYearStatus(models.TextChoices):
    # Drafted by the rollover (or by hand), not yet adopted: invisible to leaders and rollups.
    DRAFT = "draft", _("Draft")
    ADOPTED = "adopted", _("Adopted")
    # Reviewed at year end: its rows no longer follow edits of the projects' identities.
    CLOSED = "closed", _("Closed")


class PlanYear(models.Model):
    """A year's plan and the totals its document declares, so the data can be reconciled.

    `status` is the plan's life: a draft (made by `rollover`) is prepared out of the leaders'
    sight, adopted it is the year being reported on, closed it is history."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=PlanYearStatus.choices, default=PlanYearStatus.DRAFT)
    source = models.CharField(_("source document"), max_length=300, blank=True)
    reporting_month = models.PositiveSmallIntegerField(
        _("reporting month"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("The month whose reports are being collected (1-N月). Empty: the current month."),
    )
    declared_projects = models.PositiveIntegerField(_("declared number of projects"))
    declared_total_investment = models.DecimalField(_("declared total investment (万元)"), **MONEY)
    declared_annual_plan = models.DecimalField(_("declared planned investment for the year (万元)"), **MONEY)
    declared_government_investment = models.DecimalField(_("declared government investment (万元)"), **MONEY)
    declared_social_investment = models.DecimalField(_("declared social investment (万元)"), **MONEY)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("plan year")
        verbose_name_plural = _("plan years")
        constraints = [
            models.CheckConstraint(
                condition=Q(reporting_month__isnull=True) | Q(reporting_month__gte=1, reporting_month__lte=12),
                name="planyear_reporting_month_1_12",
            ),
            models.CheckConstraint(
                condition=Q(declared_government_investment__gte=0)
                & Q(declared_social_investment__gte=0)
                & Q(declared_total_investment__gte=0)
                & Q(declared_annual_plan__gte=0),
                name="planyear_declared_amounts_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_visible(self) -> bool:
        """Whether leaders' pages and rollups count this plan (a draft is still being prepared)."""
        return self.status != PlanYearStatus.DRAFT


class CategoryPlan(models.Model):
    """What the plan document declares for one category in one year."""

    plan_year = models.ForeignKey(
        PlanYear, verbose_name=_("plan year"), on_delete=models.CASCADE, related_name="category_plans"
    )
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="plans")
    declared_projects = models.PositiveIntegerField(_("declared number of projects"))
    declared_total_investment = models.DecimalField(_("declared total investment (万元)"), **MONEY)
    declared_annual_plan = models.DecimalField(_("declared planned investment for the year (万元)"), **MONEY)

    class Meta:
        ordering = ["plan_year", "category__order"]
        verbose_name = _("declared category figures")
        verbose_name_plural = _("declared category figures")
        constraints = [
            models.UniqueConstraint(fields=["plan_year", "category"], name="categoryplan_unique_per_year"),
            models.CheckConstraint(
                condition=Q(declared_total_investment__gte=0) & Q(declared_annual_plan__gte=0),
                name="categoryplan_amounts_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan_year.year} {self.category}"


class ResponsibleUnit(models.Model):
    """责任单位: the county department answerable for a project and its monthly report."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.SlugField(_("code"), max_length=40, unique=True, help_text=_("Used in account names."))
    # Who the dispatch meeting calls about the unit's projects (a person, not an account).
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("responsible unit")
        verbose_name_plural = _("responsible units")

    def __str__(self) -> str:
        return self.name


class OwnerUnit(models.Model):
    """业主单位: the company or agency that builds and owns the project."""

    name = models.CharField(_("name"), max_length=150, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("owner unit")
        verbose_name_plural = _("owner units")

    def __str__(self) -> str:
        return self.name


class Stage(models.TextChoices):
    PRELIMINARY = "preliminary", _("Preliminary work")  # 前期
    NEW = "new", _("New start")  # 新开工
    CONTINUING = "continuing", _("Continuing")  # 续建
    COMPLETING = "completing", _("Completion")  # 竣工
    IN_PRODUCTION = "in_production", _("Built and producing")  # 建成投产
    RESERVE = "reserve", _("Reserve")  # 储备


class Source(models.TextChoices):
    REPORT = "report", _("Named in the report")
    PLACEHOLDER = "placeholder", _("Placeholder")
    ENTERED = "entered", _("Entered by a user")


class Project(models.Model):
    """A project's identity, one row however many years' plans it appears in: its code (unique),
    name, owner, responsible unit, place, scope, period and total investment with its split.

    What a year's plan says of the project (category, stage, the year's planned investment and
    target, what was completed before the year) is a ProjectYear: 江龙高速 is one Project with a
    row in the 2022 plan and another in the 2023 plan, its reports and milestones hang on those
    rows. The responsible unit lives here, so permissions (an office sees its unit's projects)
    follow the project into every year without being copied."""

    code = models.CharField(_("project code"), max_length=24, unique=True, validators=[project_code_validator])
    name = models.CharField(_("project name"), max_length=200)
    scope = models.TextField(_("scope and scale"), blank=True)
    location = models.CharField(_("location"), max_length=100, blank=True, help_text=_("Township or street."))
    start_year = models.PositiveSmallIntegerField(_("start year"))
    end_year = models.PositiveSmallIntegerField(_("end year"))
    owner_unit = models.ForeignKey(
        OwnerUnit, verbose_name=_("owner unit"), on_delete=models.PROTECT, related_name="projects"
    )
    responsible_unit = models.ForeignKey(
        ResponsibleUnit, verbose_name=_("responsible unit"), on_delete=models.PROTECT, related_name="projects"
    )
    # The spreadsheets' 挂钩领导 column: the importer links the named accounts, the export writes
    # their names (migration 0010 linked the names written before, 0011 dropped the text).
    leaders = models.ManyToManyField(
        User,
        verbose_name=_("linked leaders"),
        blank=True,
        related_name="linked_projects",
        help_text=_("挂钩领导: leader accounts who follow this project; it is on their 「我的项目」 page."),
    )
    total_investment = models.DecimalField(_("total investment (万元)"), validators=money_validators, **MONEY)
    government_investment = models.DecimalField(_("government investment (万元)"), validators=money_validators, **MONEY)
    social_investment = models.DecimalField(_("social investment (万元)"), validators=money_validators, **MONEY)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.ENTERED)
    source_note = models.TextField(_("source note"), blank=True, help_text=_("The report's words this row rests on."))
    remarks = models.TextField(_("remarks"), blank=True)
    # Optimistic lock: every save through the services bumps it; a save based on an older
    # version is refused instead of overwriting someone else's change.
    version = models.PositiveIntegerField(_("version"), default=1)
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["code"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        constraints = [
            models.CheckConstraint(
                condition=Q(total_investment__gte=0) & Q(government_investment__gte=0) & Q(social_investment__gte=0),
                name="project_amounts_non_negative",
            ),
            # Rounded to the cent: SQLite keeps decimals as binary floats, where 3000.39 + 14.14
            # is not 3014.53. On PostgreSQL (numeric) the rounding changes nothing.
            models.CheckConstraint(
                condition=Q(total_investment=Round(F("government_investment") + F("social_investment"), 2)),
                name="project_funding_split_adds_up",
            ),
            models.CheckConstraint(condition=Q(end_year__gte=F("start_year")), name="project_end_not_before_start"),
        ]
        # The project browser's filters and sorts: 建设地点 (its choices are the distinct values in
        # use) and the name column (the code has its unique index).
        indexes = [
            models.Index(fields=["responsible_unit"]),
            models.Index(fields=["location"], name="project_location_idx"),
            models.Index(fields=["name"], name="project_name_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class PlanVersionKind(models.TextChoices):
    ADOPTED = "adopted", _("Adopted plan")  # 年初计划
    ADJUSTED = "adjusted", _("Adjustment")  # 中期调整


class PlanVersion(models.Model):
    """A named, dated version of a year's plan: the plan as adopted (年初计划), then each adjustment
    (中期调整). Each keeps its own copy of every project's annual figures (ProjectYearVersion), never
    overwritten, so 调整前 stays readable after 调整后; the latest (highest ordinal) is current and
    its figures are also on ProjectYear, where pages read them without a join."""

    plan_year = models.ForeignKey(
        PlanYear, verbose_name=_("plan year"), on_delete=models.CASCADE, related_name="versions"
    )
    name = models.CharField(_("name"), max_length=50, help_text=_("As the county names it: 年初计划, 中期调整."))
    kind = models.CharField(_("kind"), max_length=10, choices=PlanVersionKind.choices)
    date = models.DateField(_("date"))
    ordinal = models.PositiveSmallIntegerField(_("order"))

    class Meta:
        ordering = ["plan_year", "ordinal"]
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        constraints = [
            models.UniqueConstraint(fields=["plan_year", "ordinal"], name="planversion_ordinal_unique"),
            models.UniqueConstraint(fields=["plan_year", "name"], name="planversion_name_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.plan_year.year} {self.name}"


class ProjectYear(models.Model):
    """A project's row in one year's plan: the category it is listed under that year, its stage,
    the investment completed before the year, the year's planned investment and target.

    It also keeps the total investment and its split *as that year's plan states them*: the
    identity (Project) holds the latest figures, and edits there reach the rows of plans not yet
    closed, so a closed year's rollup, pages and exports never change afterwards. The rollups
    read these columns alone (no join), as they read the single project row before."""

    # Deleting a project (the admin's delete) takes its plan rows along; reports still protect them.
    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="years")
    plan_year = models.ForeignKey(
        PlanYear, verbose_name=_("plan year"), on_delete=models.PROTECT, related_name="project_years"
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="project_years"
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    total_investment = models.DecimalField(_("total investment (万元)"), validators=money_validators, **MONEY)
    government_investment = models.DecimalField(_("government investment (万元)"), validators=money_validators, **MONEY)
    social_investment = models.DecimalField(_("social investment (万元)"), validators=money_validators, **MONEY)
    completed_before_year = models.DecimalField(
        _("completed before the year (万元)"), validators=money_validators, default=ZERO, **MONEY
    )
    annual_plan = models.DecimalField(_("planned investment for the year (万元)"), validators=money_validators, **MONEY)
    annual_target = models.TextField(_("target for the year"), blank=True)
    # The plan version the annual figures above come from (empty while the plan is a draft); kept
    # in the history, so each past figure names its version.
    plan_version = models.ForeignKey(
        PlanVersion,
        verbose_name=_("plan version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["plan_year__year", "category__order", "project__code"]
        verbose_name = _("project in a year's plan")
        verbose_name_plural = _("projects in a year's plan")
        constraints = [
            models.UniqueConstraint(fields=["project", "plan_year"], name="projectyear_one_row_per_plan"),
            models.CheckConstraint(
                condition=Q(total_investment__gte=0)
                & Q(government_investment__gte=0)
                & Q(social_investment__gte=0)
                & Q(completed_before_year__gte=0)
                & Q(annual_plan__gte=0),
                name="projectyear_amounts_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(total_investment=Round(F("government_investment") + F("social_investment"), 2)),
                name="projectyear_funding_split_adds_up",
            ),
        ]
        # Every list reads one plan year: by category (the rollup, the default order), by stage (the
        # browser's filter); (project, plan_year) is the unique constraint's index.
        indexes = [
            models.Index(fields=["plan_year", "category"]),
            models.Index(fields=["plan_year", "stage"], name="projectyear_year_stage_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.project.name} ({self.project.code}) {self.plan_year.year}"


class ProjectYearVersion(models.Model):
    """A project's annual figures in one version of the year's plan. The adopted version's are written once;
    an adjustment's follow the rows edited while it is the current version (plan_versions)."""

    plan_version = models.ForeignKey(
        PlanVersion, verbose_name=_("plan version"), on_delete=models.CASCADE, related_name="figures"
    )
    project_year = models.ForeignKey(
        ProjectYear, verbose_name=_("project in the plan"), on_delete=models.CASCADE, related_name="versions"
    )
    annual_plan = models.DecimalField(_("planned investment for the year (万元)"), validators=money_validators, **MONEY)
    annual_target = models.TextField(_("target for the year"), blank=True)

    class Meta:
        ordering = ["plan_version", "project_year"]
        verbose_name = _("figures of a plan version")
        verbose_name_plural = _("figures of plan versions")
        constraints = [
            models.UniqueConstraint(fields=["plan_version", "project_year"], name="projectyearversion_unique"),
            models.CheckConstraint(condition=Q(annual_plan__gte=0), name="projectyearversion_plan_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.project_year} {self.plan_version.name}"


class MilestoneKind(models.TextChoices):
    PERCENT = "percent", _("Percent of works")
    EVENT = "event", _("Event")


class MilestoneEvent(models.TextChoices):
    START = "start", _("Construction starts")  # 开工
    FEASIBILITY = "feasibility", _("Feasibility study approved")  # 可研批复
    FEASIBILITY_REPORT = "feasibility_report", _("Feasibility report compiled")  # 可研报告编制
    PRELIMINARY_DONE = "preliminary_done", _("Preliminary work done")  # 完成前期工作
    MAIN_WORKS = "main_works", _("Main works complete")  # 主体完工
    COMPLETED = "completed", _("Construction complete")  # 完工
    IN_SERVICE = "in_service", _("In service")  # 建成投用 / 开通投用 / 建成通车
    IN_PRODUCTION = "in_production", _("Built and producing")  # 建成投产
    ACCEPTANCE = "acceptance", _("Completion acceptance")  # 竣工验收
    OTHER = "other", _("Other")


class Milestone(models.Model):
    """A dated target of one year's plan: a percent of works (江龙高速 58 % by 2022-12-31) or an
    event (开工). It belongs to the project's row in that year, as the plan states it."""

    project_year = models.ForeignKey(
        ProjectYear, verbose_name=_("project in the plan"), on_delete=models.CASCADE, related_name="milestones"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=MilestoneKind.choices)
    event = models.CharField(_("event"), max_length=20, choices=MilestoneEvent.choices, blank=True)
    title = models.CharField(_("milestone"), max_length=200)
    due_date = models.DateField(_("due date"))
    target_percent = models.DecimalField(
        _("target percent of works"), null=True, blank=True, validators=percent_validators, **PERCENT
    )
    baseline_percent = models.DecimalField(
        _("percent at the start of the year"), null=True, blank=True, validators=percent_validators, **PERCENT
    )
    baseline_note = models.CharField(_("state at the start of the year"), max_length=200, blank=True)
    quantity = models.CharField(_("quantity"), max_length=50, blank=True, help_text=_("e.g. 2 km, 30 km²."))
    met_on = models.DateField(_("met on"), null=True, blank=True)
    source_note = models.TextField(_("source note"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        # A project's overdue milestones (the flag counts them for every row of a list): due before
        # the period's end, per project row.
        indexes = [models.Index(fields=["project_year", "due_date"], name="milestone_row_due_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_percent__isnull=True) | Q(target_percent__gte=0, target_percent__lte=100),
                name="milestone_target_percent_0_100",
            ),
            models.CheckConstraint(
                condition=Q(baseline_percent__isnull=True) | Q(baseline_percent__gte=0, baseline_percent__lte=100),
                name="milestone_baseline_percent_0_100",
            ),
            models.CheckConstraint(
                condition=(Q(kind=MilestoneKind.PERCENT) & Q(target_percent__isnull=False))
                | (Q(kind=MilestoneKind.EVENT) & ~Q(event="")),
                name="milestone_kind_has_its_target",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")
    SUPERSEDED = "superseded", _("Superseded")


class ProgressReport(models.Model):
    """One project's report for one month of a plan year, on the project's row in that year's plan
    (year is kept beside it for the period filters; the services keep the two in step). A
    correction to an approved report is a new revision; the old one stays, marked superseded, and
    only one revision is current."""

    project_year = models.ForeignKey(
        ProjectYear, verbose_name=_("project in the plan"), on_delete=models.PROTECT, related_name="reports"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"), validators=[MinValueValidator(1), MaxValueValidator(12)])
    revision = models.PositiveSmallIntegerField(_("revision"), default=1)
    is_current = models.BooleanField(_("current revision"), default=True)
    investment_completed = models.DecimalField(
        _("investment completed in the month (万元)"), validators=money_validators, **MONEY
    )
    physical_percent = models.DecimalField(
        _("cumulative physical progress (%)"), validators=percent_validators, **PERCENT
    )
    physical_narrative = models.TextField(_("physical progress (形象进度)"), blank=True)
    problems = models.TextField(_("problems"), blank=True)
    next_month_plan = models.TextField(_("next month's plan"), blank=True)
    percent_drop_reason = models.TextField(
        _("reason the percent fell"),
        blank=True,
        help_text=_("Required when the percent is below the last approved one."),
    )
    milestones_met = models.ManyToManyField(
        Milestone, verbose_name=_("milestones met"), blank=True, related_name="reports"
    )
    status = models.CharField(_("status"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    created_by = models.ForeignKey(
        "User", verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_by = models.ForeignKey(
        "User", verbose_name=_("submitted by"), on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        "User", verbose_name=_("reviewed by"), on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    history = HistoricalRecords(excluded_fields=["version"], m2m_fields=[milestones_met])

    class Meta:
        ordering = ["project_year", "-year", "-month", "-revision"]
        verbose_name = _("monthly progress report")
        verbose_name_plural = _("monthly progress reports")
        constraints = [
            models.UniqueConstraint(
                fields=["project_year", "year", "month"],
                condition=Q(is_current=True),
                name="report_one_current_per_project_month",
            ),
            models.UniqueConstraint(
                fields=["project_year", "year", "month", "revision"], name="report_revision_unique"
            ),
            # At most one correction under way for a month.
            models.UniqueConstraint(
                fields=["project_year", "year", "month"],
                condition=Q(is_current=False) & ~Q(status=ReportStatus.SUPERSEDED),
                name="report_one_open_revision_per_project_month",
            ),
            models.CheckConstraint(condition=Q(investment_completed__gte=0), name="report_investment_non_negative"),
            models.CheckConstraint(
                condition=Q(physical_percent__gte=0, physical_percent__lte=100), name="report_percent_0_100"
            ),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="report_month_1_12"),
            models.CheckConstraint(
                condition=~Q(status=ReportStatus.SUPERSEDED) | Q(is_current=False),
                name="report_superseded_is_not_current",
            ),
        ]
        indexes = [models.Index(fields=["year", "month", "status"])]

    def __str__(self) -> str:
        return f"{self.project_year.project.name} {self.year}-{self.month:02d} r{self.revision}"


class ReportAction(models.TextChoices):
    CREATE = "create", _("Created")
    EDIT = "edit", _("Edited")
    SUBMIT = "submit", _("Submitted")
    APPROVE = "approve", _("Approved")
    RETURN = "return", _("Returned")
    REVISE = "revise", _("Revision opened")
    IMPORT = "import", _("Imported")


class ReportEvent(models.Model):
    """One workflow step on a report, written in the same transaction as the step."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=10, choices=ReportAction.choices)
    actor = models.ForeignKey(User, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)
    from_status = models.CharField(_("from"), max_length=12, choices=ReportStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=ReportStatus.choices)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("report event")
        verbose_name_plural = _("report events")

    def __str__(self) -> str:
        return f"{self.report} {self.action}"


class ProjectYearProgress(models.Model):
    """A project's progress in one year's plan, month by month, kept so rollups read one row per
    project-year instead of scanning its reports: for each month m of the plan year, the approved
    investment of months 1..m (current revisions), the project's last approved percent of works at
    the end of month m (from an earlier year when this one has none yet) and how many of months
    1..m had their report first submitted on time (projects.rules.report_due).

    Derived data, never edited: projects.progress.refresh rewrites a project's rows in the same
    transaction as every write that changes what counts (the report services, the spreadsheet
    import, the rollover, a new plan row), and `manage.py rebuild_progress` recomputes them all
    from the reports. The twelve months are written out as columns, not one row per month, so a
    page for any period reads one row per project-year."""

    project_year = models.OneToOneField(
        ProjectYear,
        verbose_name=_("project in the plan"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="progress",
    )
    # Internal columns, never shown or edited as such: no verbose names to translate.
    completed_m01 = models.DecimalField(default=ZERO, **MONEY)
    percent_m01 = models.DecimalField(null=True, **PERCENT)
    on_time_m01 = models.PositiveSmallIntegerField(default=0)
    completed_m02 = models.DecimalField(default=ZERO, **MONEY)
    percent_m02 = models.DecimalField(null=True, **PERCENT)
    on_time_m02 = models.PositiveSmallIntegerField(default=0)
    completed_m03 = models.DecimalField(default=ZERO, **MONEY)
    percent_m03 = models.DecimalField(null=True, **PERCENT)
    on_time_m03 = models.PositiveSmallIntegerField(default=0)
    completed_m04 = models.DecimalField(default=ZERO, **MONEY)
    percent_m04 = models.DecimalField(null=True, **PERCENT)
    on_time_m04 = models.PositiveSmallIntegerField(default=0)
    completed_m05 = models.DecimalField(default=ZERO, **MONEY)
    percent_m05 = models.DecimalField(null=True, **PERCENT)
    on_time_m05 = models.PositiveSmallIntegerField(default=0)
    completed_m06 = models.DecimalField(default=ZERO, **MONEY)
    percent_m06 = models.DecimalField(null=True, **PERCENT)
    on_time_m06 = models.PositiveSmallIntegerField(default=0)
    completed_m07 = models.DecimalField(default=ZERO, **MONEY)
    percent_m07 = models.DecimalField(null=True, **PERCENT)
    on_time_m07 = models.PositiveSmallIntegerField(default=0)
    completed_m08 = models.DecimalField(default=ZERO, **MONEY)
    percent_m08 = models.DecimalField(null=True, **PERCENT)
    on_time_m08 = models.PositiveSmallIntegerField(default=0)
    completed_m09 = models.DecimalField(default=ZERO, **MONEY)
    percent_m09 = models.DecimalField(null=True, **PERCENT)
    on_time_m09 = models.PositiveSmallIntegerField(default=0)
    completed_m10 = models.DecimalField(default=ZERO, **MONEY)
    percent_m10 = models.DecimalField(null=True, **PERCENT)
    on_time_m10 = models.PositiveSmallIntegerField(default=0)
    completed_m11 = models.DecimalField(default=ZERO, **MONEY)
    percent_m11 = models.DecimalField(null=True, **PERCENT)
    on_time_m11 = models.PositiveSmallIntegerField(default=0)
    completed_m12 = models.DecimalField(default=ZERO, **MONEY)
    percent_m12 = models.DecimalField(null=True, **PERCENT)
    on_time_m12 = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("progress of a project in a year's plan")
        verbose_name_plural = _("progress of projects in a year's plan")

    def __str__(self) -> str:
        return str(self.project_year_id)
