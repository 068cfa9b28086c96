"""Projects in the admin: their identities (one row each, whatever the years) and their rows in each
year's plan, listed with progress columns for a plan year and month. Saves go through the services."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .. import formatting, params, services
from ..models import (
    PlanYear,
    Project,
    ProjectYear,
)
from ..permissions import visible_project_years, visible_projects
from ..roles import can_edit_plan, is_office
from ..rules import BEHIND_SCHEDULE_LABEL, Flag
from ..selectors import Period, current_period, projects_with_progress
from .scoping import ScopedAdmin, badge
from .unit_filter import UnitListFilter

# --- Projects -------------------------------------------------------------------------------


class FlagFilter(admin.SimpleListFilter):
    title = _("flag")
    parameter_name = "flag"

    def lookups(self, request, model_admin):
        return Flag.CHOICES

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        # A colour there is no flag of matches nothing (and is not sent to the database as text).
        return queryset.filter(flag=self.value()) if self.value() in dict(Flag.CHOICES) else queryset.none()


class PeriodMonthFilter(admin.SimpleListFilter):
    """Chooses the month the progress columns speak of (1–N月); it filters nothing."""

    title = _("progress up to month")
    parameter_name = "month"

    def lookups(self, request, model_admin):
        return [(str(m), gettext("%(month)s月") % {"month": m}) for m in range(1, 13)]

    def queryset(self, request, queryset):
        return queryset


def period_for(request) -> Period | None:
    """The plan year and month the project list speaks of: ?plan_year__id__exact / ?month, else
    the latest plan year at its reporting month."""
    plan_years = PlanYear.objects.order_by("-year")
    plan_year_id = params.object_id(request.GET, "plan_year__id__exact")
    if plan_year_id is not None:
        plan_years = plan_years.filter(pk=plan_year_id)
    plan_year = plan_years.first()
    if plan_year is None:
        return None
    return current_period(plan_year, params.month(request.GET))


@admin.register(Project)
class ProjectAdmin(ScopedAdmin):
    """The identity: code, name, units, place, period, total investment and its split. A new total
    reaches the project's rows in the plans not yet closed (services.project_update)."""

    list_display = ("code", "name", "responsible_unit", "owner_unit", "start_year", "end_year", "total_investment")
    list_display_links = ("code", "name")
    list_select_related = ("responsible_unit", "owner_unit")
    # The unit's name too: beyond settings.LIST_MAX_CHOICES units the unit filter is not listed.
    search_fields = ("code", "name", "location", "responsible_unit__name", "leaders__last_name", "leaders__first_name")
    # Owners grow with the projects (5,000 at province scale): searched as typed, not a dropdown.
    autocomplete_fields = ("owner_unit",)
    list_per_page = 50
    readonly_fields = ("source", "source_note", "plans")

    def may_edit(self, user) -> bool:
        return can_edit_plan(user)

    def scope(self, user, qs):
        return visible_projects(user, qs)

    def project_of(self, obj):
        return obj

    def get_list_filter(self, request):
        return [] if is_office(request.user) else [("responsible_unit", UnitListFilter)]

    def get_autocomplete_fields(self, request):
        # Units grow with a province too (1,000): typed, not a dropdown — but an office keeps its
        # one-unit list (the search would offer every unit's name).
        return self.autocomplete_fields if is_office(request.user) else (*self.autocomplete_fields, "responsible_unit")

    def editable_fields(self, request, obj):
        if obj is None:
            return [*services.PROJECT_FIELDS, "change_reason"]
        return [*services.PROJECT_FIELDS, "version", "change_reason"]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else ("source", "source_note")

    @admin.display(description=_("in the plans of"))
    def plans(self, obj):
        rows = obj.years.select_related("plan_year").order_by("plan_year__year")
        return (
            format_html_join(
                " · ",
                '<a href="{}">{}</a>',
                ((reverse("admin:projects_projectyear_change", args=[r.pk]), r.plan_year.year) for r in rows),
            )
            or "—"
        )

    def commit(self, request, form):
        if form.instance._state.adding:
            values = {name: form.cleaned_data[name] for name in services.PROJECT_FIELDS if name in form.cleaned_data}
            return services.project_create(actor=request.user, reason=form.reason, **values)
        values = form.changed(services.PROJECT_FIELDS)
        if not values and "version" not in form.changed_data:
            return form.instance
        return services.project_update(
            actor=request.user,
            project=form.instance,
            expected_version=form.expected_version(),
            reason=form.reason,
            **values,
        )


@admin.register(ProjectYear)
class ProjectYearAdmin(ScopedAdmin):
    """A project's row in one year's plan, with its progress for the plan year and month asked."""

    list_display = (
        "code",
        "name",
        "plan_year",
        "category",
        "responsible_unit",
        "annual_plan",
        "completed_to_date",
        "completion",
        "behind",
        "flag_badge",
    )
    list_display_links = ("code", "name")
    list_select_related = ("category", "plan_year", "project", "project__responsible_unit")
    search_fields = (
        "project__code",
        "project__name",
        "project__location",
        "project__responsible_unit__name",
        "project__leaders__last_name",
    )
    # The project of a new row is searched as typed (ProjectAdmin's search, scoped to the user's).
    autocomplete_fields = ("project",)
    list_per_page = 50
    readonly_fields = ("total_investment", "government_investment", "social_investment")

    def may_edit(self, user) -> bool:
        return can_edit_plan(user)

    def scope(self, user, qs):
        return visible_project_years(user, qs)

    def project_of(self, obj):
        return obj.project

    @admin.display(description=_("project code"), ordering="project__code")
    def code(self, obj):
        return obj.project.code

    @admin.display(description=_("project name"), ordering="project__name")
    def name(self, obj):
        return obj.project.name

    @admin.display(description=_("responsible unit"), ordering="project__responsible_unit__name")
    def responsible_unit(self, obj):
        return obj.project.responsible_unit

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        period = period_for(request)
        return projects_with_progress(period, qs) if period else qs

    def get_list_filter(self, request):
        filters = ["plan_year", "category", "stage", FlagFilter, PeriodMonthFilter]
        if not is_office(request.user):
            filters.insert(3, ("project__responsible_unit", UnitListFilter))
        return filters

    def editable_fields(self, request, obj):
        if obj is None:
            return ["project", "plan_year", *services.PROJECT_YEAR_FIELDS, "change_reason"]
        return [*services.PROJECT_YEAR_FIELDS, "version", "change_reason"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return ("project", "plan_year", "progress_to_date", *self.readonly_fields)

    # Not named `progress`: that is the summary row (ProjectYear.progress), which the admin would show instead.
    @admin.display(description=_("progress to date"))
    def progress_to_date(self, obj):
        if getattr(obj, "completed_ytd", None) is None:
            return "—"
        return format_html(
            "{}: {} 万元 · {}: {} · {}: {} &nbsp; {}",
            _("completed"),
            formatting.wan(obj.completed_ytd),
            _("completion rate (%)"),
            self.completion(obj) or "—",
            BEHIND_SCHEDULE_LABEL,
            self.behind(obj) or "—",
            self.flag_badge(obj),
        )

    def commit(self, request, form):
        if form.instance._state.adding:
            values = {
                name: form.cleaned_data[name] for name in services.PROJECT_YEAR_FIELDS if name in form.cleaned_data
            }
            return services.project_year_create(
                actor=request.user,
                project=form.cleaned_data["project"],
                plan_year=form.cleaned_data["plan_year"],
                reason=form.reason,
                **values,
            )
        values = form.changed(services.PROJECT_YEAR_FIELDS)
        if not values and "version" not in form.changed_data:
            return form.instance
        return services.project_year_update(
            actor=request.user,
            project_year=form.instance,
            expected_version=form.expected_version(),
            reason=form.reason,
            **values,
        )

    @admin.display(description=_("completed to date (万元)"), ordering="completed_ytd")
    def completed_to_date(self, obj):
        completed = getattr(obj, "completed_ytd", None)
        return None if completed is None else formatting.wan(completed)

    @admin.display(description=_("completion rate (%)"), ordering="completion_rate")
    def completion(self, obj):
        rate = getattr(obj, "completion_rate", None)
        return None if rate is None else formatting.points(rate)

    @admin.display(description=BEHIND_SCHEDULE_LABEL, ordering="behind_schedule_points")
    def behind(self, obj):
        points = getattr(obj, "behind_schedule_points", None)
        return None if points is None else formatting.points(points)

    @admin.display(description=_("flag"), ordering="flag")
    def flag_badge(self, obj):
        flag = getattr(obj, "flag", None)
        return badge(dict(Flag.CHOICES)[flag], flag) if flag else None
