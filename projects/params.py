"""The one parser of request parameters (?year=, ?month=, ?page=, ids, version fields): a plain ASCII
integer in range, or a 400 that says which parameter and why (config/errors.py renders it).

`str.isdigit()` then `int()` is not enough: isdigit() accepts "²", which int() then refuses (a 500
on `?year=²`), and int() alone accepts "٣" (an Arabic-Indic three), " 1" and "1_000". Here a
parameter is the ASCII digits 0-9 and nothing else. In `projects/` so that the admin (projects.admin) and the portfolio
pages share it; the plan year is looked up here too, the same way for every page."""

import re

from django.conf import settings
from django.core.exceptions import BadRequest
from django.db.models import Count
from django.http import Http404
from django.utils.translation import gettext as _

from .models import PlanYear, PlanYearStatus

PLAIN_INTEGER = re.compile(r"[0-9]{1,10}")
SHOWN = 40  # characters of a bad value repeated in the message


class ParameterRefused(BadRequest):
    """A request parameter refused with a message saying which and why (config/errors.py shows it)."""


class InvalidParameter(ParameterRefused):
    """A request parameter that is not a whole number in its range; the message says which."""

    def __init__(self, name: str, value: str, minimum: int, maximum: int):
        shown = value if len(value) <= SHOWN else value[:SHOWN] + "…"
        super().__init__(
            _("The parameter “%(name)s” must be a whole number from %(minimum)s to %(maximum)s, not “%(value)s”.")
            % {"name": name, "value": shown, "minimum": minimum, "maximum": maximum}
        )


class NulInParameter(ParameterRefused):
    """A request parameter holding a NUL character, which no text here may hold (PostgreSQL refuses
    it in any string, and no form or link writes one)."""

    def __init__(self, name: str):
        shown = name.replace("\x00", "\\0")[:SHOWN]
        super().__init__(
            _("The parameter “%(name)s” contains a NUL character, which no text may hold.") % {"name": shown}
        )


def refuse_nul(params) -> None:
    """NulInParameter for the first parameter of `params` (a QueryDict) whose name or a value holds NUL."""
    for name, values in params.lists():
        if "\x00" in name or any("\x00" in value for value in values):
            raise NulInParameter(name)


def integer(params, name: str, *, minimum: int, maximum: int, default: int | None = None) -> int | None:
    """`params[name]` (a QueryDict or dict) as an int in [minimum, maximum]; `default` when absent or
    empty; InvalidParameter otherwise."""
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    if not isinstance(raw, str) or not PLAIN_INTEGER.fullmatch(raw) or not minimum <= int(raw) <= maximum:
        raise InvalidParameter(name, str(raw), minimum, maximum)
    return int(raw)


def year(params, name: str = "year") -> int | None:
    return integer(params, name, minimum=1900, maximum=2999)


def month(params, name: str = "month") -> int | None:
    """A month of the year, 1-12; None when not given (the plan's reporting month applies)."""
    return integer(params, name, minimum=1, maximum=12)


def page(params, name: str = "page") -> int:
    return integer(params, name, minimum=1, maximum=1_000_000, default=1)


def table_pagination(params) -> None:
    """Checks ?page= and ?per_page= before django-tables2 reads them itself (it answers 500 to
    ?per_page=-1 or 99999): a list view calls this first, so an odd value is a 400 with the reason."""
    per_page = integer(params, "per_page", minimum=1, maximum=settings.LIST_MAX_PER_PAGE)
    bounded_page(params, per_page or 25)


def bounded_page(params, per_page: int, name: str = "page") -> int:
    """?page= for a list paged by OFFSET: no deeper than settings.LIST_MAX_OFFSET rows, since the
    database reads (and computes the progress of) every row it skips. Deeper is a 400 naming the
    last page; the filters and the reverse sort reach the rest."""
    return integer(params, name, minimum=1, maximum=max(1, settings.LIST_MAX_OFFSET // per_page), default=1)


def object_id(params, name: str) -> int | None:
    """A database id (a filter's ?x__id__exact=, a version field)."""
    return integer(params, name, minimum=0, maximum=2**31 - 1)


def as_object_id(value) -> int | None:
    """`value` as a database id when it is one (plain ASCII digits in range), else None: for a value
    that may be an id or text (the unit filters'), or a form's prefilled relation."""
    value = str(value).strip()
    return int(value) if PLAIN_INTEGER.fullmatch(value) and int(value) <= 2**31 - 1 else None


def plan_year(params, name: str = "year", *, published: bool = False) -> PlanYear | None:
    """The plan year asked for (?year=2022), else the latest; None when no plan year exists yet.
    A year asked for that has no plan is a 404 naming it. `published`: leave drafts out (pages
    and rollups leaders read) — a draft asked for is then a 404 too, and the default is the plan
    being reported on (the latest adopted one)."""
    if published:
        return plan_years(params, name)[0]
    asked = year(params, name)
    if asked is None:
        return PlanYear.objects.order_by("-year").first()
    try:
        return PlanYear.objects.get(year=asked)
    except PlanYear.DoesNotExist:
        raise Http404(_("There is no plan for %(year)s.") % {"year": asked}) from None


def published_years() -> list[PlanYear]:
    """The published plan years (adopted and closed), newest first, each with `version_count`."""
    return list(
        PlanYear.objects.exclude(status=PlanYearStatus.DRAFT)
        .annotate(version_count=Count("versions"))
        .order_by("-year")
    )


def plan_years(params, name: str = "year", years: list[PlanYear] | None = None) -> tuple[PlanYear | None, list]:
    """For the leaders' pages and their year switcher, in one query (none when `years`, the
    published_years(), is given): the published plan years and the one asked for, else the latest
    adopted (else the latest closed). A draft or a year without a plan is a 404."""
    asked = year(params, name)
    if years is None:
        years = published_years()
    if asked is not None:
        chosen = next((y for y in years if y.year == asked), None)
        if chosen is None:
            raise Http404(_("There is no plan for %(year)s.") % {"year": asked})
        return chosen, years
    return next((y for y in years if y.status == PlanYearStatus.ADOPTED), years[0] if years else None), years
