"""How the admin shows a history row's changes to people."""

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper

from ..history import EMPTY, display_value


class HistoryDisplay(HistoricalRecordContextHelper):
    """Shows each change as old → new the way the project page does (projects.history): choice
    labels, local times, dates, and a dash for an empty value (not "Deleted user (pk=None)")."""

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if isinstance(value, DeletedObject) and value.pk is None:
            return EMPTY
        if field.many_to_one or field.many_to_many:
            # Related rows arrive as objects (or lists of them): simple-history names them.
            return super().prepare_delta_change_value(change, value) if value not in (None, "") else EMPTY
        return display_value(field, value)


class ScopedHistory:
    """For a SimpleHistoryAdmin: a row's history is shown only to whoever may see the row (looked
    up through the admin's own narrowed get_queryset, else a 404 like the row's other pages), read
    only (a revert would bypass the services), each change shown as HistoryDisplay words it.
    simple-history's views look the row up in the whole table, so without this an office read
    another unit's rows through their history pages."""

    def revert_disabled(self, request, obj=None):
        return True

    def get_historical_record_context_helper(self, request, historical_record):
        return HistoryDisplay(self.model, historical_record)

    def _visible_or_404(self, request, object_id):
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self._visible_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._visible_or_404(request, object_id)
        if request.method != "GET":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)
