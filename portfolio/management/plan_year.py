"""The plan year a command is asked about, or a CommandError naming the years that exist."""

from django.core.management.base import CommandError
from django.db.models import Count
from django.utils.translation import gettext as _

from projects.models import PlanYear, PlanYearStatus


def get_plan_year(year: int, *, drafts: bool = False) -> PlanYear:
    """The plan of `year`, with `version_count` (its plan versions), in one query; a draft only
    when the command says it may (a draft is not rolled up)."""
    try:
        plan_year = PlanYear.objects.annotate(version_count=Count("versions")).get(year=year)
    except PlanYear.DoesNotExist:
        known = ", ".join(str(y) for y in PlanYear.objects.order_by("year").values_list("year", flat=True))
        raise CommandError(
            _("There is no plan for %(year)s. Plans loaded: %(known)s.") % {"year": year, "known": known or "-"}
        ) from None
    if plan_year.status == PlanYearStatus.DRAFT and not drafts:
        raise CommandError(_("The %(year)s plan is a draft; it is rolled up once adopted.") % {"year": year})
    return plan_year
