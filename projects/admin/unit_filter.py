"""The admin's filter by responsible unit, bounded like the pages' (projects.selectors.listed_units):
the units as links while there are settings.LIST_MAX_CHOICES or fewer; beyond, the changelist's
search box finds rows by their unit's name, and the filter lists only the unit a link chose (by
id), so that the choice is shown and applied."""

from django.contrib import admin

from ..params import as_object_id
from ..selectors import listed_units


class UnitListFilter(admin.RelatedFieldListFilter):
    def field_choices(self, field, request, model_admin):
        units = field.related_model.objects.all()
        listed = listed_units(units)
        if listed is not None:
            return listed
        chosen = [pk for pk in (as_object_id(value) for value in self.lookup_val or ()) if pk is not None]
        return list(units.filter(pk__in=chosen).order_by("name").values_list("pk", "name"))

    def has_output(self):
        # The changelist applies only the filters it shows: one a link chose is shown, listed or not.
        return super().has_output() or bool(self.lookup_val)
