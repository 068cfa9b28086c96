"""The plan year a command is asked about, or a CommandError naming the years that exist."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from projects.models import PlanYear


def get_plan_year(year: int) -> PlanYear:
    try:
        return PlanYear.objects.get(year=year)
    except PlanYear.DoesNotExist:
        known = ", ".join(str(y) for y in PlanYear.objects.order_by("year").values_list("year", flat=True))
        raise CommandError(
            _("There is no plan for %(year)s. Plans loaded: %(known)s.") % {"year": year, "known": known or "-"}
        ) from None
