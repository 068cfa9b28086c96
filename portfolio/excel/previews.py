"""Previews kept between the upload and the apply: stored in the database (any application
server can apply them), owned by the user who uploaded, applied at most once, and only if
applying would do exactly what the preview showed."""

import datetime
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portfolio.models import ImportPreview

from .importing import ImportResult, import_apply, import_preview

KEEP = datetime.timedelta(hours=24)


class PreviewMsg:
    EXPIRED = _("This preview has expired or is not yours; upload the file again.")
    ALREADY_APPLIED = _("This preview has already been applied (perhaps by a second click); nothing more was done.")
    CHANGED_MEANWHILE = _(
        "The data changed after this preview (another import or an edit); nothing was written. "
        "Upload the file again to see a fresh preview."
    )


class PreviewRefused(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def fingerprint(result: ImportResult) -> str:
    """Every row's place, fate and field changes, as one digest (folded in as the rows are checked)."""
    return result.fingerprint()


def preview_create(
    *,
    actor,
    data: bytes,
    filename: str,
    month: int | None = None,
    year: int | None = None,
    reason: str = "",
    adjustment: tuple[str, datetime.date] | None = None,
) -> tuple[ImportResult, str | None]:
    """Preview the file; when it could be applied, keep it and return its token. `adjustment`
    (name, date) previews it as a new version of the adopted plan, as import_schedule --plan-version."""
    result = import_preview(data=data, filename=filename, actor=actor, month=month, year=year, adjustment=adjustment)
    ImportPreview.objects.filter(created_at__lt=timezone.now() - KEEP).delete()  # forget old ones
    if not result.ok or not result.has_changes:
        return result, None
    token = secrets.token_urlsafe(24)
    ImportPreview.objects.create(
        token=token,
        user=actor,
        filename=filename[:255],
        data=data,
        month=month,
        year=year,
        reason=reason,
        version_name=adjustment[0] if adjustment else "",
        version_date=adjustment[1] if adjustment else None,
        fingerprint=fingerprint(result),
    )
    return result, token


class _Undo(Exception):
    pass


def preview_apply(*, actor, token: str) -> ImportResult:
    """Apply a kept preview once. PreviewRefused when it is unknown, expired, someone else's,
    already applied, or when applying now would differ from what the preview showed."""
    now = timezone.now()
    try:
        with transaction.atomic():
            # The claim is the first write: a second click (another request, another server)
            # blocks on this row until the first commits, then finds it applied.
            claimed = ImportPreview.objects.filter(
                token=token, user=actor, applied_at__isnull=True, created_at__gte=now - KEEP
            ).update(applied_at=now)
            if not claimed:
                applied = ImportPreview.objects.filter(token=token, user=actor, applied_at__isnull=False).exists()
                raise PreviewRefused(PreviewMsg.ALREADY_APPLIED if applied else PreviewMsg.EXPIRED)
            preview = ImportPreview.objects.get(token=token)
            result = import_apply(
                data=bytes(preview.data),
                filename=preview.filename,
                actor=actor,
                month=preview.month,
                year=preview.year,
                reason=preview.reason,
                adjustment=(preview.version_name, preview.version_date) if preview.version_name else None,
            )
            if result.applied and fingerprint(result) != preview.fingerprint:
                raise _Undo
            if not result.applied:
                raise _Undo(result)
    except _Undo as undo:
        if undo.args:
            return undo.args[0]  # the file's problems now; the claim is rolled back with the rest
        raise PreviewRefused(PreviewMsg.CHANGED_MEANWHILE) from None
    return result
