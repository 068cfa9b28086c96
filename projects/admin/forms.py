"""Admin forms that save by calling a service while they validate, so a refusal is a form error."""

import copy

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms.models import construct_instance
from django.utils.translation import gettext_lazy as _

# Service refusals that mean "this person may not", shown as 403 rather than a form message.
FORBIDDEN_CODES = {"not_allowed", "not_yours"}


# --- Forms whose save is a service call ----------------------------------------------------


class ServiceModelForm(forms.ModelForm):
    """A model form that saves by calling a service from its clean(), so a refusal (stale version,
    locked report, another unit's project) lands on the form as an error and the admin re-renders
    the page with nothing written. The admin binds `model_admin` and `request`, and takes the saved
    row from `saved_object` (ScopedAdmin.save_form)."""

    change_reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text=_("Kept in the history with your name."),
    )
    model_admin = None
    request = None

    saved_object = None  # what the service saved, for ModelAdmin.save_form

    def clean(self):
        # clean() is Django's hook for whole-form checks and the last point where an error can still
        # land on the form, so the service is called here, inside a savepoint. Uniqueness is not
        # checked first (super().clean() is not called): the service explains a duplicate in words
        # and the database enforces it.
        cleaned = self.cleaned_data
        if self.errors or self.model_admin is None:
            return cleaned
        # The model's own field checks first, on a copy, as Django would after clean().
        candidate = copy.copy(self.instance)
        try:
            construct_instance(self, candidate)
            candidate.full_clean(
                exclude=[f.name for f in candidate._meta.fields if f.name not in self.fields],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as exc:
            self.add_service_errors(exc)
            return cleaned
        try:
            with transaction.atomic():
                saved = self.model_admin.commit(self.request, self)
        except ValidationError as exc:
            if getattr(exc, "code", None) in FORBIDDEN_CODES:
                raise PermissionDenied(exc.messages[0]) from exc
            self.add_service_errors(exc)
            return cleaned
        self.saved_object = saved
        # Django validates `instance` after clean(): let it check the row as saved, on a copy, so
        # the form's values (the version the page was opened at) never reach the saved object.
        self.instance = copy.copy(saved)
        return cleaned

    def add_service_errors(self, exc: ValidationError) -> None:
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc)
            return
        for field, errors in exc.error_dict.items():
            self.add_error(field if field in self.fields else None, errors)

    @property
    def reason(self) -> str:
        return (self.cleaned_data.get("change_reason") or "").strip()

    def expected_version(self):
        return self.cleaned_data.get("version")

    def changed(self, names) -> dict:
        """The cleaned values of the given fields that the user changed."""
        return {name: self.cleaned_data[name] for name in names if name in self.changed_data}
