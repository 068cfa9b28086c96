"""Admin forms that save by calling a service while they validate, so a refusal is a form error."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms.models import construct_instance
from django.utils.translation import gettext_lazy as _

# Service refusals that mean "this person may not", shown as 403 rather than a form message.
FORBIDDEN_CODES = {"not_allowed", "not_yours"}


# --- Forms whose save is a service call ----------------------------------------------------


class ServiceModelForm(forms.ModelForm):
    """A model form that saves by calling a service while it validates, so a refusal (stale
    version, locked report, another unit's project) lands on the form as an error and the admin
    re-renders the page with nothing written. The admin binds `model_admin` and `request`."""

    change_reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text=_("Kept in the history with your name."),
    )
    model_admin = None
    request = None

    def _post_clean(self):
        # As ModelForm._post_clean, except that uniqueness and the model's constraints are left
        # to the service (which explains a refusal in words) and to the database.
        try:
            self.instance = construct_instance(self, self.instance, self._meta.fields, self._meta.exclude)
        except ValidationError as exc:
            self._update_errors(exc)
        try:
            self.instance.full_clean(
                exclude=self._get_validation_exclusions(), validate_unique=False, validate_constraints=False
            )
        except ValidationError as exc:
            self._update_errors(exc)
        if self._errors or self.model_admin is None:
            return
        try:
            with transaction.atomic():
                self.instance = self.model_admin.commit(self.request, self)
        except ValidationError as exc:
            if getattr(exc, "code", None) in FORBIDDEN_CODES:
                raise PermissionDenied(exc.messages[0]) from exc
            self.add_service_errors(exc)

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
