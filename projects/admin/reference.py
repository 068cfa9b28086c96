"""Reference data (plan years, categories, units): administrators change it, every role reads it."""

from django.contrib import admin

from ..models import (
    Category,
    CategoryPlan,
    OwnerUnit,
    PlanVersion,
    PlanYear,
    ProjectYearVersion,
    ResponsibleUnit,
)
from ..roles import can_administer, can_edit_plan, roles_of

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


@admin.register(PlanYear)
class PlanYearAdmin(ReferenceAdmin):
    list_display = ("year", "title", "status", "reporting_month", "declared_projects", "declared_annual_plan")
    # Adopting and closing create versions and lock rows: projects.plan_versions, not a field edit.
    readonly_fields = ("status",)
    inlines = [CategoryPlanInline]


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
