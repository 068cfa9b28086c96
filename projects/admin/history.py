"""How the admin shows a history row's changes to people."""

import datetime

from django.utils import timezone
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper


class HistoryDisplay(HistoricalRecordContextHelper):
    """Shows a history row's changes as people read them: choice labels, local times, and a
    dash for an empty value (not "Deleted user (pk=None)")."""

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if value is None or value == "" or (isinstance(value, DeletedObject) and value.pk is None):
            return "—"
        if getattr(field, "flatchoices", None):
            return dict(field.flatchoices).get(value, value)
        if isinstance(value, datetime.datetime):
            return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
        return super().prepare_delta_change_value(change, value)


# --- The one place that narrows rows and decides permissions --------------------------------
