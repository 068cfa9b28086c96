"""Milestones of the plan: listed with their state as of the reporting month."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .. import services
from ..models import (
    Milestone,
    MilestoneKind,
)
from ..permissions import visible_milestones
from ..roles import can_edit_plan
from ..selectors import milestones_with_status
from .project import period_for
from .scoping import ScopedAdmin, badge

# --- Milestones -----------------------------------------------------------------------------


@admin.register(Milestone)
class MilestoneAdmin(ScopedAdmin):
    list_display = ("title", "project_year", "kind", "due_date", "target_percent", "met_on", "state")
    list_select_related = ("project_year__project", "project_year__plan_year")
    list_filter = ("project_year__plan_year", "kind", "event", "due_date", "project_year__category")
    search_fields = ("title", "project_year__project__name", "project_year__project__code")
    # The project-year is searched as typed (ProjectYearAdmin's search, scoped to the user's rows),
    # not a dropdown of every project-year of every plan.
    autocomplete_fields = ("project_year",)
    list_per_page = 50

    def may_edit(self, user) -> bool:
        return can_edit_plan(user)

    def scope(self, user, qs):
        return visible_milestones(user, qs)

    def project_of(self, obj):
        return obj.project_year.project

    def get_queryset(self, request):
        # Overdue as of the end of the reporting month, as the project flags count it.
        period = period_for(request)
        return milestones_with_status(super().get_queryset(request), as_of=period.as_of if period else None)

    def editable_fields(self, request, obj):
        fields = ["project_year"] if obj is None else []
        fields += list(services.MILESTONE_FIELDS)
        if obj is None:
            return fields + ["change_reason"]
        if obj.kind == MilestoneKind.EVENT:
            fields.append("met_on")
        return fields + ["version", "change_reason"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        readonly = ["project_year"]
        if obj.kind != MilestoneKind.EVENT:
            readonly.append("met_on")  # a percent milestone is met by an approved report
        return readonly

    def commit(self, request, form):
        actor, reason = request.user, form.reason
        if form.instance._state.adding:
            values = {name: form.cleaned_data[name] for name in services.MILESTONE_FIELDS}
            return services.milestone_create(
                actor=actor, project_year=form.cleaned_data["project_year"], reason=reason, **values
            )
        milestone, version = form.instance, form.expected_version()
        values = form.changed(services.MILESTONE_FIELDS)
        if values or "version" in form.changed_data:
            milestone = services.milestone_update(
                actor=actor, milestone=milestone, expected_version=version, reason=reason, **values
            )
            version = milestone.version
        if "met_on" in form.changed_data:
            milestone = services.milestone_mark_met(
                actor=actor,
                milestone=milestone,
                expected_version=version,
                met_on=form.cleaned_data["met_on"],
                reason=reason,
            )
        return milestone

    @admin.display(description=_("state"), ordering="overdue")
    def state(self, obj):
        if obj.met_on:
            late = obj.met_on > obj.due_date
            return badge(_("met late") if late else _("met"), "yellow" if late else "green")
        if getattr(obj, "overdue", False):
            return badge(_("overdue"), "red")
        return badge(_("open"), "grey")


# --- Monthly reports ------------------------------------------------------------------------
