"""The database's limits (max_digits, decimal_places, max_length, ranges) as row problems, found in
the preview: a value the column cannot hold must never reach the write."""

from django.core.exceptions import ValidationError


def limit_errors(model, field_name: str, value) -> list[str]:
    """The model field's own validators on an already parsed value; [] when it fits."""
    if value is None or value == "":
        return []
    try:
        model._meta.get_field(field_name).run_validators(value)
    except ValidationError as exc:
        return [str(m) for m in exc.messages]
    return []
