"""How the admin shows a history row's changes to people."""

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
