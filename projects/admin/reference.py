"""Reference data (plan years, categories, units): administrators change it, every role reads it.
A plan year's page also carries the year's life (adopt, adjust, close) for those who keep it."""

import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .. import plan_versions
from ..models import (
    Category,
    CategoryPlan,
    OwnerUnit,
    PlanVersion,
    PlanYear,
    PlanYearStatus,
    ProjectYearVersion,
    ResponsibleUnit,
)
from ..roles import can_administer, can_edit_plan, can_keep_year, roles_of
from ..services import ServiceMsg

# --- Reference data: administrators change it, every role reads it ------------------------------


class ReferenceAdmin(admin.ModelAdmin):
    def has_module_permission(self, request):
        return bool(roles_of(request.user))

    def has_view_permission(self, request, obj=None):
        return bool(roles_of(request.user))

    def has_add_permission(self, request):
        return can_administer(request.user)

    def has_change_permission(self, request, obj=None):
        return can_administer(request.user)

    def has_delete_permission(self, request, obj=None):
        return can_administer(request.user)


class CategoryPlanInline(admin.TabularInline):
    model = CategoryPlan
    extra = 0

    def has_view_permission(self, request, obj=None):
        return bool(roles_of(request.user))

    def has_add_permission(self, request, obj=None):
        return can_administer(request.user)

    has_change_permission = has_delete_permission = has_add_permission


class PlanVersionInline(admin.TabularInline):
    """The year's versions, read here; each is made by plan_adopt or plan_adjust."""

    model = PlanVersion
    fields = ("ordinal", "name", "date", "kind")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_view_permission(self, request, obj=None):
        return bool(roles_of(request.user))

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AdjustForm(forms.Form):
    name = forms.CharField(label=_("Version name"), max_length=50, initial="中期调整")
    # The widget writes the date as the field reads it (the locale's format, 2026/11/30, would be refused).
    date = forms.DateField(
        label=_("Version date (YYYY-MM-DD)"),
        initial=datetime.date.today,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(format="%Y-%m-%d"),
    )


class YearMsg:
    ADOPTED = _("The %(year)s plan is adopted as version %(name)s; it is now on the leaders' pages.")
    ADJUSTED = _(
        "Version %(name)s of the %(year)s plan is made. Edit the projects' annual figures now: "
        "each edit is that version's figure."
    )
    CLOSED = ServiceMsg.YEAR_CLOSED
    CONFIRM_ADOPT = _(
        "Adopt the %(year)s draft plan? Its first version (年初计划) copies every project's annual figures "
        "and the plan appears on the leaders' pages."
    )
    CONFIRM_ADJUST = _(
        "Make a new version of the %(year)s plan (中期调整)? It starts as a copy of the current figures; "
        "the annual figures you then edit are this version's, and the earlier versions are kept."
    )
    CONFIRM_CLOSE = _(
        "Close the %(year)s plan? Its projects' rows, reports and figures will no longer change. "
        "This cannot be undone here."
    )


@admin.register(PlanYear)
class PlanYearAdmin(ReferenceAdmin):
    list_display = ("year", "title", "status", "reporting_month", "declared_projects", "declared_annual_plan")
    # Adopting and closing create versions and lock rows: projects.plan_versions, not a field edit;
    # the buttons on the year's page (change_form.html) lead to a confirmation, then the service.
    readonly_fields = ("status",)
    inlines = [CategoryPlanInline, PlanVersionInline]
    change_form_template = "admin/projects/planyear/change_form.html"

    def get_urls(self):
        step = self.admin_site.admin_view
        return [
            path("<int:pk>/adopt/", step(self.adopt_view), name="projects_planyear_adopt"),
            path("<int:pk>/adjust/", step(self.adjust_view), name="projects_planyear_adjust"),
            path("<int:pk>/close/", step(self.close_view), name="projects_planyear_close"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        steps = {}
        if obj is not None and can_keep_year(request.user):
            steps = {
                "adopt": obj.status == PlanYearStatus.DRAFT,
                "adjust": obj.status == PlanYearStatus.ADOPTED,
                "close": obj.status == PlanYearStatus.ADOPTED,
            }
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), "year_steps": steps})

    def _year(self, request, pk) -> PlanYear:
        if not can_keep_year(request.user):
            raise PermissionDenied
        return get_object_or_404(PlanYear, pk=pk)

    def _confirm(self, request, plan_year, *, step, question, form=None):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": plan_year,
            "title": gettext("Confirm"),
            "question": question % {"year": plan_year.year},
            "step": step,
            "form": form,
        }
        return TemplateResponse(request, "admin/projects/planyear/confirm_step.html", context)

    def _done(self, request, plan_year, message):
        self.message_user(request, message, messages.SUCCESS)
        # the year's admin history says who moved it and when (its rows' history names the version)
        self.log_change(request, plan_year, str(message))
        return redirect(reverse("admin:projects_planyear_change", args=[plan_year.pk]))

    def _refused(self, request, plan_year, exc: ValidationError):
        self.message_user(request, " ".join(exc.messages), messages.ERROR)
        return redirect(reverse("admin:projects_planyear_change", args=[plan_year.pk]))

    def adopt_view(self, request, pk):
        plan_year = self._year(request, pk)
        if request.method != "POST":
            return self._confirm(request, plan_year, step="adopt", question=YearMsg.CONFIRM_ADOPT)
        try:
            version = plan_versions.plan_adopt(actor=request.user, plan_year=plan_year)
        except ValidationError as exc:
            return self._refused(request, plan_year, exc)
        return self._done(request, plan_year, YearMsg.ADOPTED % {"year": plan_year.year, "name": version.name})

    def adjust_view(self, request, pk):
        plan_year = self._year(request, pk)
        form = AdjustForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            name = form.cleaned_data["name"].strip()
            try:
                plan_versions.plan_adjust(
                    actor=request.user, plan_year=plan_year, name=name, date=form.cleaned_data["date"], figures={}
                )
            except ValidationError as exc:
                if not hasattr(exc, "error_dict"):
                    return self._refused(request, plan_year, exc)
                for message in exc.message_dict.get("name", exc.messages):
                    form.add_error("name", message)
            else:
                self._done(request, plan_year, YearMsg.ADJUSTED % {"year": plan_year.year, "name": name})
                changelist = reverse("admin:projects_projectyear_changelist")
                return redirect(f"{changelist}?plan_year__id__exact={plan_year.pk}")
        return self._confirm(request, plan_year, step="adjust", question=YearMsg.CONFIRM_ADJUST, form=form)

    def close_view(self, request, pk):
        plan_year = self._year(request, pk)
        if request.method != "POST":
            return self._confirm(request, plan_year, step="close", question=YearMsg.CONFIRM_CLOSE)
        try:
            plan_versions.plan_close(actor=request.user, plan_year=plan_year)
        except ValidationError as exc:
            return self._refused(request, plan_year, exc)
        return self._done(request, plan_year, YearMsg.CLOSED % {"year": plan_year.year})


class VersionFiguresInline(admin.TabularInline):
    """A version's copy of each project's figures: written once, read here."""

    model = ProjectYearVersion
    fields = ("project_year", "annual_plan", "annual_target")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("project_year__project", "project_year__plan_year")

    def has_view_permission(self, request, obj=None):
        return bool(roles_of(request.user))

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PlanVersion)
class PlanVersionAdmin(ReferenceAdmin):
    """The plan's versions (年初计划, 中期调整 …), read-only: each is made by plan_adopt/plan_adjust."""

    list_display = ("plan_year", "ordinal", "name", "kind", "date")
    list_filter = ("plan_year", "kind")
    inlines = [VersionFiguresInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Category)
class CategoryAdmin(ReferenceAdmin):
    list_display = ("order", "name", "code", "name_en")


@admin.register(ResponsibleUnit)
class ResponsibleUnitAdmin(ReferenceAdmin):
    list_display = ("name", "code", "contact_person", "contact_phone")
    search_fields = ("name", "code")


@admin.register(OwnerUnit)
class OwnerUnitAdmin(ReferenceAdmin):
    search_fields = ("name",)

    def has_add_permission(self, request):
        # Whoever enters a project may need a new owner company for it.
        return can_edit_plan(request.user)
