"""What the portfolio app stores of its own: import previews waiting to be applied."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportPreview(models.Model):
    """An uploaded workbook between its preview and its apply. Kept in the database, not one
    server's temp folder, so any application server can apply it; `applied_at` makes it single-use
    (set by one conditional UPDATE, so two clicks or two servers apply it once)."""

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(max_length=255)
    data = models.BinaryField()
    month = models.PositiveSmallIntegerField(null=True, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    reason = models.CharField(max_length=200, blank=True)
    # set when the file is an adjusted schedule: its annual figures become this new plan version
    version_name = models.CharField(max_length=50, blank=True)
    version_date = models.DateField(null=True, blank=True)
    # a digest of every row's fate and changes as previewed: the apply must find the same
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import preview")
        verbose_name_plural = _("import previews")
        indexes = [models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return self.filename
