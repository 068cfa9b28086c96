"""The database's limits (max_digits, decimal_places, max_length, ranges) as row problems, found in
the preview: a value the column cannot hold must never reach the write."""

from decimal import Decimal
from functools import cache

from django.core import validators
from django.core.exceptions import ValidationError


def _quick(validator):
    """A plain test that a value passes `validator`, or None when there is none: run per cell, the
    validator chain (message building, exceptions) costs more than reading the cell."""
    if isinstance(validator, validators.DecimalValidator):
        max_digits, places = validator.max_digits, validator.decimal_places

        def fits(value):
            if not isinstance(value, Decimal) or not value.is_finite():
                return False
            digit_tuple, exponent = value.as_tuple()[1:]
            # DecimalValidator's own count of digits and decimals
            if exponent >= 0:
                digits = len(digit_tuple) + (exponent if digit_tuple != (0,) else 0)
                decimals = 0
            elif -exponent > len(digit_tuple):
                digits = decimals = -exponent
            else:
                digits, decimals = len(digit_tuple), -exponent
            return (
                (max_digits is None or digits <= max_digits)
                and (places is None or decimals <= places)
                and (max_digits is None or places is None or digits - decimals <= max_digits - places)
            )

        return fits
    if isinstance(validator, validators.MinValueValidator) and not callable(validator.limit_value):
        limit = validator.limit_value
        return lambda value: value >= limit
    if isinstance(validator, validators.MaxValueValidator) and not callable(validator.limit_value):
        limit = validator.limit_value
        return lambda value: value <= limit
    if isinstance(validator, validators.MaxLengthValidator) and not callable(validator.limit_value):
        limit = validator.limit_value
        return lambda value: len(value) <= limit
    return None


@cache
def _checks(model, field_name: str):
    """The field's validators as quick tests; None when one of them has no quick form."""
    field = model._meta.get_field(field_name)
    tests = [_quick(v) for v in field.validators]
    return None if any(t is None for t in tests) else tuple(tests)


def limit_errors(model, field_name: str, value) -> list[str]:
    """The model field's own validators on an already parsed value; [] when it fits. A value that
    passes the quick tests fits; one that does not goes through the validators themselves, so
    the messages are exactly Django's."""
    return limit_check(model, field_name)(value)


@cache
def limit_check(model, field_name: str):
    """limit_errors for one field, as a function of the value: what is looked up per field (the
    field, its quick tests) is looked up once, not for every cell of a column."""
    field = model._meta.get_field(field_name)
    tests = _checks(model, field_name)

    def errors(value) -> list[str]:
        if value is None or (isinstance(value, str) and not value):  # not Decimal == "": ABC checks
            return []
        if tests is not None:
            try:
                for test in tests:
                    if not test(value):
                        break
                else:
                    return []
            except (TypeError, ArithmeticError):
                pass
        try:
            field.run_validators(value)
        except ValidationError as exc:
            return [str(m) for m in exc.messages]
        return []

    return errors
