"""Admin pages that read across the portfolio: the category rollup and the missing monthly
reports. Thin views: narrow to what the user may see, call a selector, render."""

from itertools import chain, groupby
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from projects import params
from projects.models import PlanYear, User
from projects.permissions import visible_project_years
from projects.roles import roles_of
from projects.selectors import Flag, current_period

from .excel.call_lists import write_missing_reports
from .export import xlsx_download
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


def _streamed_units(rows, *, chunk_size: int = 2000):
    """_units for an export: the rows (an iterator ordered by unit) grouped lazily, the accounts to
    call read for each chunk's new units; memory holds one chunk, not the list."""
    contacts: dict[int, list[User]] = {}

    def with_contacts():
        chunk = []
        for row in rows:
            chunk.append(row)
            if len(chunk) == chunk_size:
                _add_contacts(contacts, chunk)
                yield from chunk
                chunk = []
        _add_contacts(contacts, chunk)
        yield from chunk

    for unit_id, group in groupby(with_contacts(), key=lambda row: row.project.responsible_unit_id):
        first = next(group)
        # The writer reads each unit's projects once, before asking for the next unit.
        projects = chain([first], group)  # noqa: B031
        yield {"unit": first.project.responsible_unit, "projects": projects, "contacts": contacts[unit_id]}


def _add_contacts(contacts: dict, chunk: list) -> None:
    new = {row.project.responsible_unit_id for row in chunk} - contacts.keys()
    if not new:
        return
    for unit_id in new:
        contacts[unit_id] = []
    for user in User.objects.filter(unit_id__in=new, is_active=True).order_by("username"):
        contacts[user.unit_id].append(user)


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
        # the anti-join; 100,000 missing projects are written in seconds, inside the request.
        count = missing_qs.count()
        return xlsx_download(
            lambda out: write_missing_reports(
                out, period=period, count=count, units=_streamed_units(missing_qs.iterator(chunk_size=2000))
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
