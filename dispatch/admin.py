"""The ledger in the admin, to look things up: read-only, because every change to a problem goes
through dispatch.services on the problem's page, which records who did it."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from projects.admin.history import ScopedHistory
from projects.admin.unit_filter import UnitListFilter
from projects.roles import is_office, sees_everything

from .models import Problem, ProblemEvent
from .permissions import visible_problems


class ProblemEventInline(admin.TabularInline):
    model = ProblemEvent
    fields = ("at", "action", "actor", "from_state", "to_state", "comment")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Problem)
class ProblemAdmin(ScopedHistory, SimpleHistoryAdmin):
    list_display = ("id", "project", "type", "unit", "leader", "deadline", "state")
    list_filter = ("state", "type", ("unit", UnitListFilter))
    search_fields = ("description", "project__name", "project__code", "unit__name")
    list_select_related = ("project", "unit", "leader")
    list_per_page = 50
    show_full_result_count = False  # no second COUNT of every problem under a filtered list
    inlines = [ProblemEventInline]
    readonly_fields = (
        "project",
        "report",
        "type",
        "description",
        "unit",
        "leader",
        "deadline",
        "state",
        "resolution",
        "solved_on",
        "closed_on",
        "raised_by",
        "raised_at",
    )
    exclude = ("version",)

    def get_queryset(self, request):
        return visible_problems(request.user, super().get_queryset(request))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        # Rows are narrowed by get_queryset; an office sees its own unit's there.
        user = request.user
        return user.is_active and user.is_staff and (sees_everything(user) or is_office(user))
