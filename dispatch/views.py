"""The problem ledger's pages: the list (with the 问题清单 export), raising a problem and a
problem's page with the steps the user may take. Views parse input, call the services and
selectors, and render; who sees and does what is decided by dispatch.permissions on the server."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin
from openpyxl import Workbook

from portfolio.page_cache import cached_page
from portfolio.paging import ShortRowsPaginator
from projects import params
from projects.models import ReportStatus, ResponsibleUnit
from projects.permissions import (
    get_project_for,
    visible_project_years,
    visible_projects,
    visible_reports,
)
from projects.roles import is_office
from projects.selectors import Flag, current_period, default_plan_year, project_list

from . import services
from .excel import problem_workbook_response, ranking_sheet, workbook_response
from .filters import ProblemFilter
from .forms import AssignForm, CommentForm, LeadersForm, RaiseForm, SolveForm
from .models import ProblemState
from .permissions import (
    acts_for_solving_unit,
    can_dispatch,
    can_raise,
    get_problem_for,
    visible_problems,
)
from .rankings import ranking_rule, rankings, shown_on_page
from .review import review_queue
from .selectors import leader_problems, problem_counts, problem_list
from .tables import ProblemTable


class ProblemListView(LoginRequiredMixin, SingleTableMixin, FilterView):
    """The ledger, filtered; `?_export=xlsx` gives the same rows as the meeting's 问题清单."""

    table_class = ProblemTable
    filterset_class = ProblemFilter
    template_name = "dispatch/problem_list.html"
    table_pagination = {"per_page": 25, "paginator_class": ShortRowsPaginator}

    @method_decorator(cached_page)
    def get(self, request, *args, **kwargs):
        params.table_pagination(request.GET)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return problem_list(visible_problems(self.request.user))

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        if kwargs["data"] is None or not kwargs["data"]:
            # The meeting's default: what is not yet closed.
            kwargs["data"] = {"state": "open"}
        if is_office(self.request.user):
            kwargs["units"] = ResponsibleUnit.objects.filter(pk=self.request.user.unit_id)
        return kwargs

    def render_to_response(self, context, **response_kwargs):
        if self.request.GET.get("_export") == "xlsx":
            today = timezone.localdate()
            title = _("Yunyang County major projects: problem list (to %(date)s)") % {"date": today.isoformat()}
            return problem_workbook_response(self.object_list, title=title, filename=f"problems-{today:%Y%m%d}.xlsx")
        return super().render_to_response(context, **response_kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        query["_export"] = "xlsx"
        context.update(
            {
                "counts": problem_counts(visible_problems(self.request.user)),
                "export_query": query.urlencode(),
                "can_raise": can_raise(self.request.user),
            }
        )
        return context


def _raise_form(request, data=None):
    user = request.user
    projects = visible_projects(user).order_by("code")
    reports = visible_reports(user).filter(is_current=True).select_related("project_year__project")
    report_pk = params.as_object_id(request.GET.get("report") or (data or {}).get("report") or "")
    initial = {}
    if report_pk is not None:
        reports = reports.filter(pk=report_pk)
        report = reports.first()
        if report is not None:
            initial = {
                "report": report,
                "project": report.project_year.project_id,
                "description": report.problems,
            }
    else:
        reports = reports.none()
        project_pk = params.as_object_id(request.GET.get("project") or "")
        if project_pk is not None:
            initial = {"project": project_pk}
    return RaiseForm(
        data,
        initial=initial,
        projects=projects,
        reports=reports,
        dispatcher=can_dispatch(user),
        search=(request.GET.get("q") or "").strip()[:50],
    )


@login_required
def problem_new(request):
    """Raise a problem; from a monthly report (?report=<id>) its 存在问题 text is the starting point."""
    if not can_raise(request.user):
        raise PermissionDenied(_("Your role may not raise problems."))
    if request.method == "POST":
        form = _raise_form(request, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                problem = services.problem_raise(
                    actor=request.user,
                    project=data["project"],
                    report=data.get("report"),
                    type=data["type"],
                    description=data["description"],
                    unit=data.get("unit"),
                    leader=data.get("leader"),
                    deadline=data.get("deadline"),
                )
            except ValidationError as exc:
                _attach(form, exc)
            else:
                messages.success(request, _("The problem is on the list."))
                return redirect("dispatch:problem", pk=problem.pk)
    elif request.method == "GET":
        form = _raise_form(request)
    else:
        return HttpResponseNotAllowed(["GET", "POST"])
    return render(request, "dispatch/problem_new.html", {"form": form})


# A step posted without the version its page showed (a hand-made request, a page of another kind).
NO_VERSION = gettext_lazy(
    "This page did not say which version it showed, so nothing was done: reload the page and try again."
)


def _attach(form, exc: ValidationError) -> None:
    """A service's refusal shown on the form: by field where it names one, else on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _steps(user, problem) -> dict:
    """The forms for the steps this user may take on the problem in its state."""
    dispatcher = can_dispatch(user)
    solver = acts_for_solving_unit(user, problem)
    steps = {}
    if dispatcher and problem.state in (
        ProblemState.RAISED,
        ProblemState.ASSIGNED,
        ProblemState.IN_PROGRESS,
    ):
        steps["assign"] = AssignForm(
            initial={
                "unit": problem.unit_id,
                "leader": problem.leader_id,
                "deadline": problem.deadline,
            }
        )
    if solver and problem.state == ProblemState.ASSIGNED:
        steps["start"] = CommentForm()
    if solver and problem.state in (ProblemState.ASSIGNED, ProblemState.IN_PROGRESS):
        steps["solve"] = SolveForm()
    if dispatcher and problem.state == ProblemState.SOLVED:
        steps["close"] = CommentForm()
        steps["reopen"] = CommentForm()
    return steps


def _detail(request, problem, steps, status=200):
    from .selectors import problems_with_status

    problem = problems_with_status().get(pk=problem.pk)
    return render(
        request,
        "dispatch/problem_detail.html",
        {
            "problem": problem,
            "events": problem.events.select_related("actor"),
            "steps": steps,
        },
        status=status,
    )


@login_required
@cached_page
def problem_detail(request, pk: int):
    problem = get_problem_for(request.user, pk)
    return _detail(request, problem, _steps(request.user, problem))


STEP_FORMS = {
    "assign": AssignForm,
    "start": CommentForm,
    "solve": SolveForm,
    "close": CommentForm,
    "reopen": CommentForm,
}


@login_required
@require_POST
def problem_step(request, pk: int, step: str):
    """One step on a problem, by the service of that name; refusals come back on the page."""
    problem = get_problem_for(request.user, pk)
    form_class = STEP_FORMS.get(step)
    if form_class is None:
        raise Http404("No such step.")
    form = form_class(request.POST)
    expected = params.object_id(request.POST, "version")  # a 400 saying why when it is no version
    valid = form.is_valid()
    if valid and expected is None:
        # Acting on whatever is current would skip the check that nobody changed it meanwhile.
        form.add_error(None, NO_VERSION)
        valid = False
    if valid:
        data = form.cleaned_data
        try:
            if step == "assign":
                services.problem_assign(
                    actor=request.user,
                    problem=problem,
                    unit=data["unit"],
                    leader=data["leader"],
                    deadline=data["deadline"],
                    comment=data["comment"],
                    expected_version=expected,
                )
            elif step == "start":
                services.problem_start(
                    actor=request.user,
                    problem=problem,
                    comment=data["comment"],
                    expected_version=expected,
                )
            elif step == "solve":
                services.problem_solve(
                    actor=request.user,
                    problem=problem,
                    resolution=data["resolution"],
                    expected_version=expected,
                )
            elif step == "close":
                services.problem_close(
                    actor=request.user,
                    problem=problem,
                    comment=data["comment"],
                    expected_version=expected,
                )
            else:
                services.problem_reopen(
                    actor=request.user,
                    problem=problem,
                    comment=data["comment"],
                    expected_version=expected,
                )
        except ValidationError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("dispatch:problem", pk=problem.pk)
    steps = _steps(request.user, problem)
    steps[step] = form
    return _detail(request, problem, steps, status=400)


MY_LIMIT = 200  # rows of each of 「我的项目」's two lists; beyond, the counts say how many there are


@login_required
@cached_page
def my_projects(request):
    """「我的项目」: a leader's linked projects in the current plan with their warnings, and the open
    problems they follow (coordinating, or on their projects), overdue first."""
    plan_year = default_plan_year()  # the plan being reported on, as the overview shows it
    rows, period, figures = [], None, {"n": 0, "red": 0, "yellow": 0}
    if plan_year is not None:
        period = current_period(plan_year)
        linked = project_list(
            plan_year=plan_year,
            period=period,
            qs=visible_project_years(request.user).filter(project__leaders=request.user),
        )
        # The first MY_LIMIT rows; the counts are the database's over all of them.
        rows = list(linked.prefetch_related("project__leaders")[:MY_LIMIT])
        if len(rows) == MY_LIMIT:
            figures = linked.order_by().aggregate(
                n=Count("pk"), red=Count("pk", filter=Q(flag=Flag.RED)), yellow=Count("pk", filter=Q(flag=Flag.YELLOW))
            )
        else:
            figures = {
                "n": len(rows),
                "red": sum(1 for r in rows if r.flag == Flag.RED),
                "yellow": sum(1 for r in rows if r.flag == Flag.YELLOW),
            }
    followed = leader_problems(request.user, visible_problems(request.user))
    problems = list(followed[:MY_LIMIT])
    overdue = (
        sum(1 for p in problems if p.overdue)
        if len(problems) < MY_LIMIT
        else followed.order_by().filter(overdue=True).count()
    )
    return render(
        request,
        "dispatch/my.html",
        {
            "plan_year": plan_year,
            "period": period,
            "rows": rows,
            "linked_count": figures["n"],
            "red": figures["red"],
            "yellow": figures["yellow"],
            "problems": problems,
            "overdue": overdue,
            "limit": MY_LIMIT,
        },
    )


@login_required
@require_POST
def project_leaders(request, code: str):
    """Link the 挂钩领导 of a project (reviewers); back to the project's page."""
    project = get_project_for(request.user, code=code)
    form = LeadersForm(request.POST)
    if form.is_valid():
        try:
            services.project_set_leaders(
                actor=request.user,
                project=project,
                leaders=form.cleaned_data["leaders"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Saved."))
    return redirect("portfolio:project", code=project.code)


REVIEW_BATCH = 50


@login_required
@cached_page
def review(request):
    """「待审核」: the submitted reports with their context and plausibility flags, to approve or
    return one by one. Reviewers only."""
    if not can_dispatch(request.user):
        raise PermissionDenied(_("Only reviewers review reports."))
    # A batch of the oldest (a decision takes a report out of the queue, so the next batch comes
    # up by itself): a top-N, not a page, with the whole queue's count.
    reports = visible_reports(request.user)
    items = review_queue(reports, limit=REVIEW_BATCH)
    total = len(items) if len(items) < REVIEW_BATCH else reports.filter(status=ReportStatus.SUBMITTED).count()
    return render(request, "dispatch/review.html", {"items": items, "total": total})


@login_required
@require_POST
def review_step(request, pk: int):
    if not can_dispatch(request.user):
        raise PermissionDenied(_("Only reviewers review reports."))
    report = visible_reports(request.user).filter(pk=pk).first()
    if report is None:
        raise Http404("No such report.")
    expected = params.object_id(request.POST, "version")
    if expected is None:
        messages.error(request, NO_VERSION)
        return redirect("dispatch:review")
    try:
        services.review_decide(
            actor=request.user,
            report=report,
            approve="_approve" in request.POST,
            comment=request.POST.get("comment", "").strip(),
            expected_version=expected,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Approved.") if "_approve" in request.POST else _("Returned to the office."),
        )
    return redirect("dispatch:review")


@login_required
@cached_page
def rankings_view(request):
    """红黑榜 for the current plan year up to its reporting month; `?_export=xlsx` as a sheet."""
    plan_year = default_plan_year()
    if plan_year is None:
        raise Http404("No plan year.")
    period = current_period(plan_year, params.month(request.GET))  # an odd ?month= is a 400 naming it
    standings = rankings(
        plan_year=plan_year,
        period=period,
        project_years=visible_project_years(request.user),
    )
    title = _("%(title)s: rankings, months 1-%(month)s") % {
        "title": plan_year.title,
        "month": period.month,
    }
    if request.GET.get("_export") == "xlsx":
        wb = Workbook()
        wb.remove(wb.active)
        ranking_sheet(wb, standings, title=title, rule=ranking_rule())
        return workbook_response(wb, f"rankings-{plan_year.year}-{period.month:02d}.xlsx")
    return render(
        request,
        "dispatch/rankings.html",
        {
            "plan_year": plan_year,
            "period": period,
            "standings": standings,
            "on_page": {
                kind: shown_on_page(rows, settings.DISPATCH_RANKINGS_SHOWN) for kind, rows in standings.items()
            },
            "rule": ranking_rule(),
            "title": title,
            "months": range(1, 13),
        },
    )
