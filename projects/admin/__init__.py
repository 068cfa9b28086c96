"""The Django admin for the county's project list, one module per part: every list, form, choice and
action is narrowed to what the user's role and unit may see (scoping.ScopedAdmin), and every save goes
through projects.services, so the admin never re-implements a rule and a refusal is a form error."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import (  # noqa: F401  (each registers its admins)
    milestone,
    project,
    reference,
    report,
    users,
)

admin.site.site_header = _("Yunyang County major projects")
admin.site.site_title = _("Major projects admin")
admin.site.index_title = _("Plan, reports and review")
