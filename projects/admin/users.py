"""Accounts: the administrators' business; the unit ties an office account to its projects."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from ..models import (
    User,
)
from ..roles import can_administer
from .relations import SafeRelations
from .unit_filter import UnitListFilter


@admin.register(User)
class UserAdmin(SafeRelations, DjangoUserAdmin):
    """Accounts are the administrators' business; the unit ties an office account to its projects."""

    fieldsets = (*DjangoUserAdmin.fieldsets, (_("Responsible unit"), {"fields": ("unit", "phone")}))
    # Staff status is what lets an account into the admin; roles are groups.
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Responsible unit"), {"fields": ("unit", "groups", "is_staff")}),
    )
    list_display = ("username", "first_name", "last_name", "unit", "is_active", "is_staff")
    list_filter = ("groups", ("unit", UnitListFilter), "is_active", "is_staff")
    list_select_related = ("unit",)
    autocomplete_fields = ("unit",)  # a province's 1,000 units: typed, not a dropdown
    search_fields = (*DjangoUserAdmin.search_fields, "unit__name")

    def _is_admin(self, request):
        return can_administer(request.user)

    def has_module_permission(self, request):
        return self._is_admin(request)

    def has_view_permission(self, request, obj=None):
        return self._is_admin(request)

    def has_add_permission(self, request):
        return self._is_admin(request)

    def has_change_permission(self, request, obj=None):
        return self._is_admin(request)

    def has_delete_permission(self, request, obj=None):
        return self._is_admin(request)
