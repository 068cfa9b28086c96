"""Relations in the admin's forms whose value came from outside (a URL, a form sent by hand): shown
back, or prefilled, only when the value can be a row's key. Django's admin looks a relation's value
up to label it; a value that is no key ("²", "1e3", a NUL) failed in that lookup, a server error
where the field's own "Select a valid choice" was due."""

from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import DEFAULT_DB_ALIAS, connections

from ..params import as_object_id


def _can_be_key(relation, value, using) -> bool:
    """Whether `value` can be the key the relation points at (its to_field, else the pk): of the
    field's type, and for a number within what the database can compare (SQLite overflows)."""
    remote = relation.remote_field
    target = remote.model._meta.get_field(getattr(remote, "field_name", None) or remote.model._meta.pk.name)
    if "\x00" in str(value):
        return False
    try:
        key = target.to_python(value)
    except ValidationError:
        return False
    if isinstance(key, int):
        low, high = connections[using or DEFAULT_DB_ALIAS].ops.integer_field_range(target.get_internal_type())
        return (low is None or low <= key) and (high is None or key <= high)
    return True


class _Shown:
    def optgroups(self, name, value, attr=None):
        # What the stock widget would look up, less what cannot be a key: such a value was
        # refused by the form field already, and there is nothing to label.
        return super().optgroups(name, [v for v in value if _can_be_key(self.field, v, self.db)], attr)


class Autocomplete(_Shown, AutocompleteSelect):
    """The admin's autocomplete select, re-shown safely with a value sent by hand."""


class AutocompleteMultiple(_Shown, AutocompleteSelectMultiple):
    """The same for many-to-many relations."""


class SafeRelations:
    """For a ModelAdmin: relations searched as typed (autocomplete_fields) use the widgets above,
    and an add form prefilled from its URL (?field=value, as Django's admin does) keeps a relation
    only when its value is an id."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = Autocomplete(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = AutocompleteMultiple(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        for name, value in list(initial.items()):
            try:
                field = self.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            values = value if field.many_to_many else [value]
            if field.is_relation and any(as_object_id(v) is None for v in values):
                del initial[name]
        return initial
