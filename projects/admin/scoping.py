"""The one place that narrows the admin's rows, choices and permissions to the user's role and unit."""

from django import forms
from django.contrib.admin.options import csrf_protect_m
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from ..models import (
    Milestone,
    ProgressReport,
    Project,
    ProjectYear,
    ResponsibleUnit,
)
from ..permissions import (
    owns_project,
    visible_milestones,
    visible_project_years,
    visible_projects,
    visible_reports,
)
from ..roles import can_administer, is_office, roles_of
from .forms import ServiceModelForm
from .history import ScopedHistory
from .relations import SafeRelations


class ScopedAdmin(SafeRelations, ScopedHistory, SimpleHistoryAdmin):
    """Narrows the queryset, foreign-key choices, permissions and history to the user's role
    and unit. A hand-typed URL for a row outside the narrowed queryset is a 404."""

    form = ServiceModelForm
    # Province scale (100,000 projects, 900,000 reports): a page of 50, and no second COUNT of the
    # whole unfiltered table under a filtered list ("N results (M total)" becomes "Show all").
    list_per_page = 50
    show_full_result_count = False

    def may_edit(self, user) -> bool:
        """May this user add and change rows of the model (ownership is checked on top)?"""
        return can_administer(user)

    def may_delete(self, user) -> bool:
        return can_administer(user)

    def scope(self, user, qs):
        return qs

    def project_of(self, obj):
        return None

    # Queryset and choices

    def get_queryset(self, request):
        return self.scope(request.user, super().get_queryset(request))

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            # Django would redirect with "doesn't exist"; another unit's row must not be told
            # apart from a missing one, and a plain 404 is what every other page answers.
            raise Http404
        return obj

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        return self._narrow_choices(field, request)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        return self._narrow_choices(field, request)

    def _narrow_choices(self, field, request):
        if field is None or not hasattr(field, "queryset"):
            return field
        user, model = request.user, field.queryset.model
        if model is Project:
            field.queryset = visible_projects(user, field.queryset)
        elif model is ProjectYear:
            field.queryset = visible_project_years(user, field.queryset).select_related("project", "plan_year")
        elif model is Milestone:
            field.queryset = visible_milestones(user, field.queryset)
        elif model is ProgressReport:
            field.queryset = visible_reports(user, field.queryset)
        elif model is ResponsibleUnit and is_office(user):
            field.queryset = field.queryset.filter(pk=user.unit_id)
        return field

    # Permissions by role and ownership

    def _owns(self, request, obj) -> bool:
        project = self.project_of(obj) if obj is not None else None
        return project is None or owns_project(request.user, project)

    def has_module_permission(self, request):
        return bool(roles_of(request.user))

    def has_view_permission(self, request, obj=None):
        return bool(roles_of(request.user)) and self._owns(request, obj)

    def has_add_permission(self, request):
        return self.may_edit(request.user)

    def has_change_permission(self, request, obj=None):
        return self.may_edit(request.user) and self._owns(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.may_delete(request.user) and self._owns(request, obj)

    # Forms: bind the request so the form can call the service; carry the version

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        # Subclassing re-runs the form metaclass, so adjust the fields of the subclass.
        form = type(form.__name__, (form,), {"model_admin": self, "request": request})
        if "version" in form.base_fields:
            form.base_fields["version"].widget = forms.HiddenInput()
        return form

    def editable_fields(self, request, obj) -> list[str]:
        raise NotImplementedError

    def get_fields(self, request, obj=None):
        readonly = list(self.get_readonly_fields(request, obj))
        if obj is not None and not self.has_change_permission(request, obj):
            return [f for f in self.editable_fields(request, obj) + readonly if f not in ("version", "change_reason")]
        return self.editable_fields(request, obj) + readonly

    def commit(self, request, form):
        raise NotImplementedError

    def save_form(self, request, form, change):
        # The form's clean() already saved through the service (ServiceModelForm): hand on that row.
        return form.saved_object

    def save_model(self, request, obj, form, change):
        # Saved by the service already; a second save here would bypass its rules.
        pass

    def save_related(self, request, form, formsets, change):
        # Many-to-many choices went through the service too; nothing to save here.
        pass

    @csrf_protect_m
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and "_saveasnew" in request.POST and not self.save_as:
            # Not offered on any page here; refuse rather than turn a change page into an add.
            raise PermissionDenied
        return super().changeform_view(request, object_id, form_url, extra_context)


def badge(text, colour: str):
    return format_html(
        '<span class="badge badge-{}" style="display:inline-block;padding:1px 8px;border-radius:8px;'
        'color:#fff;background:{}">{}</span>',
        colour,
        {"green": "#2e7d32", "yellow": "#f9a825", "red": "#c62828", "grey": "#757575"}.get(colour, colour),
        text,
    )
