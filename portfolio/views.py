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
from django.utils.translation import gettext as _
from django_filters.views import FilterView
from django_tables2 import RequestConfig, SingleTableMixin

from dispatch.forms import LeadersForm
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
from projects.permissions import get_project_for, visible_project_years
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
    years the switcher offers, in one query (projects.params.plan_years). A draft plan is not there
    for these pages (404), whoever asks."""
    return params.plan_years(request.GET)


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


def _queue(user, plan_year, period) -> dict | None:
    """What waits for this user, shown first on landing: a reviewer's 「待审核」 and problems to hand
    out or confirm; an office's 「本月未报 / 被退回 / 待整改问题」."""
    if can_dispatch(user):
        return {"role": "reviewer", **reviewer_queue(user)}
    if is_office(user):
        missing = missing_reports(plan_year=plan_year, month=period.month, projects=visible_project_years(user))
        return {
            "role": "office",
            "missing": missing.count(),
            "month": period.month,
            **office_queue(user, year=plan_year.year),
        }
    return None


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


@login_required
def overview(request):
    plan_year, plan_years = _plan_years(request)
    if plan_year is None:
        return render(request, "portfolio/empty.html", {"legend": _legend()})
    projects = visible_project_years(request.user)
    rollup = category_rollup(plan_year=plan_year, projects=projects)
    # What the plan document declares, to show beside the data where they differ (an office's
    # overview covers its own projects only, so there is nothing to reconcile).
    declared = (
        {}
        if is_office(request.user)
        else {plan.category_id: plan for plan in CategoryPlan.objects.filter(plan_year=plan_year)}
    )
    months = monthly_completion(plan_year=plan_year, annual_plan=rollup.total.annual_plan, projects=projects)
    # The projects to call about: red ones, furthest behind first (one query, capped).
    attention = attention_head(plan_year=plan_year, period=rollup.period, projects=projects, limit=ATTENTION_LIMIT)
    # 调整前 beside 调整后 once the plan was adjusted (queries only then: the versions, a rollup).
    adjustment = None
    if plan_year.version_count > 1:
        versions = list(plan_year.versions.order_by("ordinal"))
        before = category_rollup(plan_year=plan_year, projects=projects, plan_version=versions[0])
        adjustment = {
            "before": before,
            "after_name": versions[-1].name,
            "rows": list(zip(before.rows, rollup.rows, strict=False)),
        }
    # 「待协调问题」: the open problems of the projects this user sees, overdue first (one query, capped).
    problems = visible_problems(request.user)
    figures = rollup_as_json(rollup)
    charts = {
        "categories": [
            {
                "code": row.code,
                "name": row.name,
                "name_en": row.category.name_en,
                "annual_plan": str(row.annual_plan),
                "completed_ytd": str(row.completed_ytd),
            }
            for row in rollup.rows
        ],
        "months": [
            {
                "month": p.month,
                "cumulative": str(p.cumulative),
                "cumulative_rate": None if p.cumulative_rate is None else str(p.cumulative_rate),
                "time_elapsed": str(p.time_elapsed),
            }
            for p in months
        ],
    }
    return render(
        request,
        "portfolio/overview.html",
        {
            "plan_year": plan_year,
            "plan_years": plan_years,
            "period": rollup.period,
            "period_label": period_label(rollup.period),
            "rollup": rollup,
            "rows": [
                (row, progress_sentence(row, rollup.period), _declared_difference(row, declared.get(row.category.pk)))
                for row in rollup.rows
            ],
            "total_declared": None if is_office(request.user) else _declared_difference(rollup.total, plan_year),
            "total_sentence": progress_sentence(rollup.total, rollup.period),
            "months": months,
            "attention": attention,
            "queue": _queue(request.user, plan_year, rollup.period),
            # An office's overview covers its own unit only: the page says so under the county's title.
            "office_unit": request.user.unit if is_office(request.user) else None,
            "problems": list(open_problems(problems)[:PROBLEMS_LIMIT]),
            "problem_counts": problem_counts(problems),
            "figures": figures,
            "charts": charts,
            "plan_summary": plan_summary_text(plan_year),
            "adjustment": adjustment,
            # A closed year is read as its review (执行情况), each clause linked to its projects.
            "review": year_review(plan_year) if plan_year.status == PlanYearStatus.CLOSED else None,
            "legend": _legend(),
            "flags": Flag,
        },
    )


class ProjectListView(LoginRequiredMixin, SingleTableMixin, FilterView):
    """The filtered, sortable, paginated list; `?_export=xlsx` returns the same filtered rows."""

    table_class = ProjectTable
    filterset_class = ProjectFilter
    template_name = "portfolio/project_list.html"
    # Sorted by a stored column, a page reads its ids first and computes the progress of its own
    # rows only (portfolio/paging.py); by a computed figure it is one ORDER BY … LIMIT query and
    # the page number is bounded (params.table_pagination, settings.LIST_MAX_OFFSET).
    table_pagination = {"per_page": 25, "paginator_class": DeferredJoinPaginator}

    def get(self, request, *args, **kwargs):
        self.plan_year, self.plan_years = _plan_years(request)
        params.table_pagination(request.GET)
        if self.plan_year is None:
            return render(request, "portfolio/empty.html", {"legend": _legend()})
        self.period = current_period(self.plan_year)
        return super().get(request, *args, **kwargs)

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
        table = super().get_table(**kwargs)
        table.totals = self.totals(self.object_list)
        return table

    def exporting(self) -> bool:
        return self.request.GET.get("_export") == "xlsx"

    def get_table_pagination(self, table):
        return False if self.exporting() else super().get_table_pagination(table)

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
        query = self.request.GET.copy()
        query.pop("page", None)
        query["_export"] = "xlsx"
        context.update(
            {
                "plan_year": self.plan_year,
                "plan_years": self.plan_years,
                "period": self.period,
                "period_label": period_label(self.period),
                "legend": _legend(),
                "export_query": query.urlencode(),
            }
        )
        return context


def _milestone_state(milestone: Milestone, as_of) -> str:
    """Met by the period's end, overdue (annotated by milestones_with_status, the rule the flag
    counts), or still due."""
    if milestone.met_on is not None and milestone.met_on <= as_of:
        return "met"
    return "overdue" if milestone.overdue else "due"


@login_required
def project_detail(request, code: str):
    """A project as one year's plan has it (?year=, else its latest published year)."""
    project = get_project_for(request.user, code=code)
    # The project's rows in the published plans, newest first, each with what its year's approved
    # reports say (investment completed, % of works at the year's last report): the switcher and
    # the across-years table, in one query.
    rows = list(years_of_project(project, published_plan_years()))
    year = params.year(request.GET)
    row = next((r for r in rows if r.plan_year.year == year), None) if year else (rows[0] if rows else None)
    if row is None:
        raise Http404("The project is in no published plan of that year.")
    period = current_period(row.plan_year)
    row = projects_with_progress(
        period, ProjectYear.objects.filter(pk=row.pk).select_related("plan_year", "category"), plan_year=row.plan_year
    ).get()
    milestones = [
        (m, _milestone_state(m, period.as_of))
        for m in milestones_with_status(row.milestones.order_by("due_date", "id"), as_of=period.as_of)
    ]
    # Its reports across the years, newest year first; the chart is the year shown.
    all_reports = list(
        ProgressReport.objects.filter(
            project_year__project=project, project_year__plan_year__in=[r.plan_year for r in rows], is_current=True
        ).order_by("-year", "month")
    )
    reports = [r for r in all_reports if r.year == row.plan_year.year]
    chart_months = project_months(reports, period)
    history = project_history(project)
    problems = list(open_problems(visible_problems(request.user).filter(project=project)))
    leaders = list(project.leaders.order_by("last_name", "first_name", "username"))
    total = row.total_investment
    return render(
        request,
        "portfolio/project_detail.html",
        {
            "project": project,
            "row": row,
            "plan_year": row.plan_year,
            "plan_years": [r.plan_year for r in rows],
            "period": period,
            "period_label": period_label(period),
            "government_share": rules.percent(row.government_investment, total),
            "social_share": rules.percent(row.social_investment, total),
            "cumulative_to_date": row.completed_before_year + row.completed_ytd,
            "milestones": milestones,
            "reports": all_reports,
            "years": rows,
            "chart": {"months": chart_months},
            "history": history,
            "problems": problems,
            "can_raise": can_raise(request.user),
            "leaders": leaders,
            "leaders_form": LeadersForm(initial={"leaders": leaders}) if can_dispatch(request.user) else None,
            "legend": _legend(),
        },
    )
