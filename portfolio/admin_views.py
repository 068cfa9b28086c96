"""Admin pages that read across the portfolio: the category rollup and the missing monthly
reports. Thin views: narrow to what the user may see, call a selector, render."""

from itertools import groupby
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from projects import params
from projects.models import PlanYear, User
from projects.permissions import visible_project_years
from projects.roles import roles_of
from projects.selectors import Flag, current_period

from .excel.call_lists import streamed_units, write_missing_reports
from .export import xlsx_download
from .jobs import start_missing_export
from .selectors import category_rollup, missing_reports


def _plan_year_and_month(request: HttpRequest) -> tuple[PlanYear | None, int | None]:
    """?year= picks the plan year (else the latest published one: a draft is not rolled up);
    ?month= the month (else its reporting month)."""
    if not roles_of(request.user):
        raise PermissionDenied
    # A draft is not rolled up (it is prepared in the admin's project lists, not summed here).
    return params.plan_year(request.GET, published=True), params.month(request.GET)


def _context(request: HttpRequest, title, **values) -> dict:
    return {**admin.site.each_context(request), "title": title, **values}


def rollup(request: HttpRequest) -> TemplateResponse:
    plan_year, month = _plan_year_and_month(request)
    if plan_year is None:
        return TemplateResponse(
            request, "admin/portfolio/rollup.html", _context(request, _("Category rollup"), rollup=None)
        )
    result = category_rollup(plan_year=plan_year, month=month, projects=visible_project_years(request.user))
    changelist = reverse("admin:projects_projectyear_changelist")

    def link(row, flag=None) -> str:
        # The project list computes its progress columns for the same plan year and month.
        params = {"plan_year__id__exact": plan_year.pk, "month": result.period.month}
        if row.category is not None:
            params["category__id__exact"] = row.category.pk
        if flag:
            params["flag"] = flag
        return f"{changelist}?{urlencode(params)}"

    rows = [
        {"row": row, "link": link(row), "yellow_link": link(row, Flag.YELLOW), "red_link": link(row, Flag.RED)}
        for row in [*result.rows, result.total]
    ]
    return TemplateResponse(
        request,
        "admin/portfolio/rollup.html",
        _context(request, _("Category rollup"), rollup=result, rows=rows[:-1], total=rows[-1], months=range(1, 13)),
    )


MISSING_PER_PAGE = 100


def _units(projects: list) -> list[dict]:
    """The rows grouped unit by unit (they come ordered by unit), each unit with its active
    accounts to call: one query for the units on these rows."""
    unit_ids = {row.project.responsible_unit_id for row in projects}
    contacts: dict[int, list[User]] = {}
    for user in User.objects.filter(unit_id__in=unit_ids, is_active=True).order_by("username"):
        contacts.setdefault(user.unit_id, []).append(user)
    return [
        {
            "unit": unit_projects[0].project.responsible_unit,
            "projects": unit_projects,
            "contacts": contacts.get(unit_projects[0].project.responsible_unit_id, []),
        }
        for unit_projects in (
            list(group) for _key, group in groupby(projects, key=lambda p: p.project.responsible_unit_id)
        )
    ]


def missing(request: HttpRequest) -> TemplateResponse:
    plan_year, month = _plan_year_and_month(request)
    if plan_year is None:
        return TemplateResponse(
            request,
            "admin/portfolio/missing_reports.html",
            _context(request, _("Missing monthly reports"), period=None),
        )
    period = current_period(plan_year, month)
    missing_qs = missing_reports(plan_year=plan_year, month=month, projects=visible_project_years(request.user))
    if request.GET.get("_export") == "xlsx":
        # The call list to print or send: every unit, the rows streamed from the database into a
        # temporary file and sent from it (memory flat). One COUNT (the title) and one pass over
        # the anti-join. Past EXPORT_SYNC_MAX_ROWS (100,000 missing projects take ~30 s) it is
        # written in the background, as the schedule is: a POST queues the job, its page follows it.
        count = missing_qs.count()
        if count > settings.EXPORT_SYNC_MAX_ROWS:
            if request.method == "POST":
                job = start_missing_export(user=request.user, plan_year=plan_year, month=period.month, rows=count)
                return redirect("schedules:export_job", pk=job.pk)
            return TemplateResponse(
                request,
                "admin/portfolio/missing_export_large.html",
                _context(request, _("Missing monthly reports"), period=period, rows=count),
            )
        return xlsx_download(
            lambda out: write_missing_reports(
                out, period=period, count=count, units=streamed_units(missing_qs.iterator(chunk_size=2000))
            ),
            f"missing-{period.year}-{period.month:02d}.xlsx",
        )
    # A page of the unit-by-unit list (OFFSET + LIMIT, page size capped by the setting). Not
    # keyset: the order is on three joined tables (unit name, category order, code), so the
    # database sorts the anti-joined rows whatever the page and a deep page costs what the
    # first does; the count is one more pass over the same anti-join (a COUNT, no rows sent).
    per_page = params.integer(
        request.GET, "per_page", minimum=1, maximum=settings.LIST_MAX_PER_PAGE, default=MISSING_PER_PAGE
    )
    page = Paginator(missing_qs, per_page).get_page(params.page(request.GET))
    projects = list(page.object_list)
    missing_count = page.paginator.count
    units = _units(projects)
    return TemplateResponse(
        request,
        "admin/portfolio/missing_reports.html",
        _context(
            request,
            _("Missing monthly reports"),
            period=period,
            plan_year=plan_year,
            units=units,
            missing_count=missing_count,
            page=page,
            months=range(1, 13),
        ),
    )
