"""The leaders' pages: the overview, the project browser (with its .xlsx export) and a project's
page. Views parse the request, call selectors and render; who sees which project is decided by
projects.permissions, on the server."""

from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, DecimalField, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django_filters.views import FilterView
from django_tables2 import RequestConfig, SingleTableMixin

from dispatch.forms import LeadersForm
from dispatch.models import Problem
from dispatch.permissions import can_dispatch, can_raise, visible_problems
from dispatch.selectors import (
    office_queue,
    open_problems,
    problem_counts,
    reviewer_queue,
)
from projects import params, rules
from projects.models import (
    MONEY,
    CategoryPlan,
    Milestone,
    PlanYear,
    PlanYearStatus,
    ProgressReport,
    ProjectYear,
    ResponsibleUnit,
)
from projects.permissions import get_project_for, scope, visible_project_years
from projects.roles import is_office
from projects.selectors import (
    ZERO_MONEY,
    Flag,
    current_period,
    milestones_with_status,
    project_list,
    projects_with_progress,
    published_plan_years,
)

from . import export
from .excel.call_lists import write_attention
from .filters import ProjectFilter
from .narrative import period_label, progress_sentence
from .page_cache import cached, cached_body, cached_page, page_keys
from .paging import DeferredJoinPaginator
from .review import year_review
from .selectors import (
    attention_head,
    attention_projects,
    category_rollup,
    missing_reports,
    monthly_completion,
    project_history,
    project_months,
    rollup_as_json,
    years_of_project,
)
from .summary import plan_summary_text
from .tables import ProjectTable


def _plan_years(request) -> tuple[PlanYear | None, list[PlanYear]]:
    """The year asked for (?year=2022), else the current plan (the latest adopted one), and the
    years the switcher offers (projects.params.plan_years; the published years are kept in the
    pages' cache). A draft plan is not there for these pages (404), whoever asks."""
    years = cached(page_keys(request)("plan-years"), params.published_years)
    return params.plan_years(request.GET, years=years)


def _legend() -> dict:
    return {
        "yellow_points": settings.PORTFOLIO_FLAG_YELLOW_POINTS,
        "red_points": settings.PORTFOLIO_FLAG_RED_POINTS,
        "yellow_overdue": settings.PORTFOLIO_FLAG_YELLOW_OVERDUE_MILESTONES,
        "red_overdue": settings.PORTFOLIO_FLAG_RED_OVERDUE_MILESTONES,
        "yellow_problems": settings.PORTFOLIO_FLAG_YELLOW_OVERDUE_PROBLEMS,
        "red_problems": settings.PORTFOLIO_FLAG_RED_OVERDUE_PROBLEMS,
    }


ATTENTION_LIMIT = 10
PROBLEMS_LIMIT = 10


def _declared_difference(row, declared) -> dict | None:
    """The plan document's figures for a row when the data does not reproduce them, else None."""
    if declared is None:
        return None
    figures = {
        "projects": declared.declared_projects,
        "total_investment": declared.declared_total_investment,
        "annual_plan": declared.declared_annual_plan,
    }
    if not any(figures.values()):  # nothing declared (a plan year entered by hand)
        return None
    if (row.projects, row.total_investment, row.annual_plan) == tuple(figures.values()):
        return None
    return figures


def _queue(request, plan_year, period) -> dict | None:
    """What waits for this user, shown first on landing: a reviewer's 「待审核」 and problems to hand
    out or confirm; an office's 「本月未报 / 被退回 / 待整改问题」. The counts follow the role and
    the scope of rows only, so they are kept in the pages' cache under both."""
    user = request.user
    role = "reviewer" if can_dispatch(user) else "office" if is_office(user) else None
    if role is None:
        return None
    key = page_keys(request)("queue", role, scope(user), plan_year.pk, period.month)
    return cached(key, lambda: _queue_counts(user, role, plan_year, period))


def _queue_counts(user, role: str, plan_year, period) -> dict:
    if role == "reviewer":
        return {"role": role, **reviewer_queue(user)}
    missing = missing_reports(plan_year=plan_year, month=period.month, projects=visible_project_years(user))
    return {"role": role, "missing": missing.count(), "month": period.month, **office_queue(user, year=plan_year.year)}


@login_required
def attention_export(request):
    """需重点调度 as .xlsx: every red project the user sees (an office: its own), with whom to call."""
    plan_year, _years = _plan_years(request)
    if plan_year is None:
        raise Http404
    period = current_period(plan_year)
    rows = attention_projects(plan_year=plan_year, period=period, projects=visible_project_years(request.user))
    # Streamed from the database into a temporary file: memory stays flat however many red
    # projects a province has.
    return export.xlsx_download(
        lambda out: write_attention(out, plan_year=plan_year, period=period, rows=rows.iterator(chunk_size=2000)),
        f"attention-{plan_year.year}-{period.month:02d}.xlsx",
    )


class _OverviewFigures:
    """The overview's figures for one plan year and scope of rows, each computed on first use: when
    the page's fragments are in the cache (page_cache), the template asks for none of them."""

    def __init__(self, plan_year: PlanYear, projects, problems, *, office: bool):
        self.plan_year = plan_year
        self.projects = projects
        self.visible_problems = problems
        self.office = office

    @cached_property
    def problems(self) -> list:
        # 「待协调问题」: the open problems of the projects in scope, overdue first (capped).
        return list(open_problems(self.visible_problems)[:PROBLEMS_LIMIT])

    @cached_property
    def problem_counts(self) -> dict:
        return problem_counts(self.visible_problems)

    @cached_property
    def rollup(self):
        return category_rollup(plan_year=self.plan_year, projects=self.projects)

    @cached_property
    def rows(self) -> list:
        # What the plan document declares, beside the data where they differ (an office's overview
        # covers its own projects only, so there is nothing to reconcile).
        declared = (
            {}
            if self.office
            else {plan.category_id: plan for plan in CategoryPlan.objects.filter(plan_year=self.plan_year)}
        )
        period = self.rollup.period
        return [
            (row, progress_sentence(row, period), _declared_difference(row, declared.get(row.category.pk)))
            for row in self.rollup.rows
        ]

    @cached_property
    def total_declared(self):
        return None if self.office else _declared_difference(self.rollup.total, self.plan_year)

    @cached_property
    def total_sentence(self) -> str:
        return progress_sentence(self.rollup.total, self.rollup.period)

    @cached_property
    def months(self) -> list:
        return monthly_completion(
            plan_year=self.plan_year, annual_plan=self.rollup.total.annual_plan, projects=self.projects
        )

    @cached_property
    def attention(self) -> list:
        # The projects to call about: red ones, furthest behind first (capped; a county's read whole).
        return attention_head(
            plan_year=self.plan_year,
            period=self.rollup.period,
            projects=self.projects,
            limit=ATTENTION_LIMIT,
            rows_in_scope=self.rollup.total.projects,
        )

    @cached_property
    def adjustment(self) -> dict | None:
        # 调整前 beside 调整后 once the plan was adjusted (queries only then: the versions, a rollup).
        if self.plan_year.version_count <= 1:
            return None
        versions = list(self.plan_year.versions.order_by("ordinal"))
        before = category_rollup(plan_year=self.plan_year, projects=self.projects, plan_version=versions[0])
        return {
            "before": before,
            "after_name": versions[-1].name,
            "rows": list(zip(before.rows, self.rollup.rows, strict=False)),
        }

    @cached_property
    def figures(self) -> dict:
        return rollup_as_json(self.rollup)

    @cached_property
    def charts(self) -> dict:
        return {
            "categories": [
                {
                    "code": row.code,
                    "name": row.name,
                    "name_en": row.category.name_en,
                    "annual_plan": str(row.annual_plan),
                    "completed_ytd": str(row.completed_ytd),
                }
                for row in self.rollup.rows
            ],
            "months": [
                {
                    "month": p.month,
                    "cumulative": str(p.cumulative),
                    "cumulative_rate": None if p.cumulative_rate is None else str(p.cumulative_rate),
                    "time_elapsed": str(p.time_elapsed),
                }
                for p in self.months
            ],
        }

    @cached_property
    def plan_summary(self) -> str:
        return plan_summary_text(self.plan_year)

    @cached_property
    def review(self):
        # A closed year is read as its review (执行情况), each clause linked to its projects.
        return year_review(self.plan_year) if self.plan_year.status == PlanYearStatus.CLOSED else None


@login_required
@cached_page
def overview(request):
    plan_year, plan_years = _plan_years(request)
    if plan_year is None:
        return render(request, "portfolio/empty.html", {"legend": _legend()})
    user = request.user
    office = is_office(user)
    period = current_period(plan_year)
    # The key first (it reads the data token), then anything the fragments show. Users of the same
    # scope see the same rows and problems (projects.permissions.scope), so share the figures.
    key = page_keys(request)("overview", scope(user), plan_year.pk)
    return render(
        request,
        "portfolio/overview.html",
        {
            "plan_year": plan_year,
            "plan_years": plan_years,
            "period": period,
            "period_label": period_label(period),
            "cache_key": key,
            "data": _OverviewFigures(plan_year, visible_project_years(user), visible_problems(user), office=office),
            "queue": _queue(request, plan_year, period),
            # An office's overview covers its own unit only: the page says so under the county's title.
            "office_unit": cached(page_keys(request)("unit", user.unit_id), lambda: user.unit) if office else None,
            "legend": _legend(),
            "flags": Flag,
        },
    )


class ProjectListView(LoginRequiredMixin, SingleTableMixin, FilterView):
    """The filtered, sortable, paginated list; `?_export=xlsx` returns the same filtered rows."""

    table_class = ProjectTable
    filterset_class = ProjectFilter
    # The filters and the table, kept in the pages' cache per scope of rows and query (page_cache);
    # the page around them (header, export link, messages) is the user's own (cached_page).
    template_name = "portfolio/_project_list_body.html"
    page_template_name = "portfolio/project_list.html"
    # Sorted by a stored column, a page reads its ids first and computes the progress of its own
    # rows only (portfolio/paging.py); by a computed figure it is one ORDER BY … LIMIT query and
    # the page number is bounded (params.table_pagination, settings.LIST_MAX_OFFSET).
    table_pagination = {"per_page": 25, "paginator_class": DeferredJoinPaginator}

    @method_decorator(cached_page)
    def get(self, request, *args, **kwargs):
        self.plan_year, self.plan_years = _plan_years(request)
        params.table_pagination(request.GET)
        if self.plan_year is None:
            return render(request, "portfolio/empty.html", {"legend": _legend()})
        self.period = current_period(self.plan_year)
        if self.exporting():
            return super().get(request, *args, **kwargs)
        body = cached_body(
            request,
            "project-list",
            (scope(request.user), self.plan_year.pk, sorted(request.GET.lists())),
            lambda: super(ProjectListView, self).get(request, *args, **kwargs),
        )
        query = request.GET.copy()
        query.pop("page", None)
        query["_export"] = "xlsx"
        return render(
            request,
            self.page_template_name,
            {
                "plan_year": self.plan_year,
                "plan_years": self.plan_years,
                "period": self.period,
                "export_query": query.urlencode(),
                "body": body,
            },
        )

    def get_queryset(self):
        return project_list(plan_year=self.plan_year, period=self.period, qs=visible_project_years(self.request.user))

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        if is_office(self.request.user):
            kwargs["units"] = ResponsibleUnit.objects.filter(pk=self.request.user.unit_id)
        return kwargs

    def totals(self, qs) -> dict:
        """The footer: one aggregate over every filtered row, in the database."""
        money = DecimalField(**MONEY)
        fields = ("total_investment", "government_investment", "social_investment", "annual_plan", "completed_ytd")
        # Aliases differ from the annotation names: aggregate(completed_ytd=Sum("completed_ytd"))
        # over the annotation of the same name sums nothing.
        raw = qs.order_by().aggregate(
            n=Count("pk"),
            **{f"sum_{f}": Coalesce(Sum(f), ZERO_MONEY, output_field=money) for f in fields},
        )
        sums = {"n": raw["n"]}
        for f in fields:
            sums[f] = Decimal(raw[f"sum_{f}"]).quantize(Decimal("0.01"))
        sums["completion_rate"] = rules.completion_rate(sums["completed_ytd"], sums["annual_plan"])
        sums["behind_schedule_points"] = rules.behind_schedule_points(self.period.time_elapsed, sums["completion_rate"])
        return sums

    def get_table(self, **kwargs):
        # The footer's aggregate first: it counts the filtered rows, which the paginator takes as its
        # count (one query for both).
        self.footer = self.totals(self.object_list)
        table = super().get_table(**kwargs)
        table.totals = self.footer
        return table

    def exporting(self) -> bool:
        return self.request.GET.get("_export") == "xlsx"

    def get_table_pagination(self, table):
        if self.exporting():
            return False
        return {**super().get_table_pagination(table), "count": self.footer["n"]}

    def render_to_response(self, context, **response_kwargs):
        if self.exporting():
            if context["table"].totals["n"] > settings.EXPORT_SYNC_MAX_ROWS:
                # The workbook is built in memory: past the bound, narrow the filters (or take the
                # whole schedule, which is written in the background: the admin's export).
                messages.warning(
                    self.request,
                    _("%(n)s projects are too many for one download (at most %(max)s): narrow the filters.")
                    % {"n": context["table"].totals["n"], "max": settings.EXPORT_SYNC_MAX_ROWS},
                )
                query = self.request.GET.copy()
                query.pop("_export", None)
                return redirect(f"{self.request.path}?{query.urlencode()}")
            table = self.get_table_class()(data=self.object_list)
            RequestConfig(self.request, paginate=False).configure(table)
            return export.project_workbook_response(
                rows=table.data.data,
                totals=context["table"].totals,
                plan_year=self.plan_year,
                period=self.period,
                filename=f"projects-{self.plan_year.year}-{timezone.localdate():%Y%m%d}.xlsx",
            )
        return super().render_to_response(context, **response_kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update({"plan_year": self.plan_year, "period": self.period, "legend": _legend()})
        return context


def _milestone_state(milestone: Milestone, as_of) -> str:
    """Met by the period's end, overdue (annotated by milestones_with_status, the rule the flag
    counts), or still due."""
    if milestone.met_on is not None and milestone.met_on <= as_of:
        return "met"
    return "overdue" if milestone.overdue else "due"


class _ProjectFigures:
    """A project's figures in one year's plan, each computed on first use (see _OverviewFigures)."""

    def __init__(self, project, base_row: ProjectYear, years: list, period):
        self.project = project
        self.base_row = base_row
        self.years = years
        self.period = period

    @cached_property
    def row(self) -> ProjectYear:
        return projects_with_progress(
            self.period,
            ProjectYear.objects.filter(pk=self.base_row.pk).select_related("plan_year", "category"),
            plan_year=self.base_row.plan_year,
        ).get()

    @cached_property
    def milestones(self) -> list:
        return [
            (m, _milestone_state(m, self.period.as_of))
            for m in milestones_with_status(self.row.milestones.order_by("due_date", "id"), as_of=self.period.as_of)
        ]

    @cached_property
    def reports(self) -> list:
        # Its reports across the years, newest year first; the chart is the year shown.
        return list(
            ProgressReport.objects.filter(
                project_year__project=self.project,
                project_year__plan_year__in=[r.plan_year for r in self.years],
                is_current=True,
            ).order_by("-year", "month")
        )

    @cached_property
    def problems(self) -> list:
        return list(open_problems(Problem.objects.filter(project=self.project)))

    @cached_property
    def chart(self) -> dict:
        year = self.base_row.plan_year.year
        return {"months": project_months([r for r in self.reports if r.year == year], self.period)}

    @cached_property
    def history(self) -> list:
        return project_history(self.project)

    @cached_property
    def government_share(self):
        return rules.percent(self.row.government_investment, self.row.total_investment)

    @cached_property
    def social_share(self):
        return rules.percent(self.row.social_investment, self.row.total_investment)

    @cached_property
    def cumulative_to_date(self):
        return self.row.completed_before_year + self.row.completed_ytd


@login_required
@cached_page
def project_detail(request, code: str):
    """A project as one year's plan has it (?year=, else its latest published year)."""
    year = params.year(request.GET)
    # The key first (it reads the data token). Whoever may see the project sees the same figures
    # and problems (all of the project's: an office sees only its own unit's projects); who may is
    # checked here for each user, as is the offer to raise a problem (by role); the user's copy of
    # the page (cached_page) is made only after that check, under the same data.
    keys = page_keys(request)
    key = keys("project", code, year)
    project = get_project_for(request.user, code=code)
    # The project's rows in the published plans, newest first, each with what its year's approved
    # reports say (investment completed, % of works at the year's last report): the switcher and
    # the across-years table, in one query; and its linked leaders. Kept in the cache too.
    rows, leaders = cached(
        keys("project-years", project.pk),
        lambda: (
            list(years_of_project(project, published_plan_years())),
            list(project.leaders.order_by("last_name", "first_name", "username")),
        ),
    )
    row = next((r for r in rows if r.plan_year.year == year), None) if year else (rows[0] if rows else None)
    if row is None:
        raise Http404("The project is in no published plan of that year.")
    period = current_period(row.plan_year)
    return render(
        request,
        "portfolio/project_detail.html",
        {
            "project": project,
            "plan_year": row.plan_year,
            "plan_years": [r.plan_year for r in rows],
            "period": period,
            "period_label": period_label(period),
            "cache_key": key,
            "data": _ProjectFigures(project, row, rows, period),
            "years": rows,
            "can_raise": can_raise(request.user),
            "leaders": leaders,
            "leaders_form": LeadersForm(initial={"leaders": leaders}) if can_dispatch(request.user) else None,
            "legend": _legend(),
        },
    )
