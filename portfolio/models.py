"""What the portfolio app stores of its own: import previews waiting to be applied, export jobs,
and the data version the pages' cache is kept under."""

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


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Being written")
    DONE = "done", _("Ready to download")
    FAILED = "failed", _("Failed")


class ExportKind(models.TextChoices):
    # The page that asked for it names the job: its title is the job page's title.
    SCHEDULE = "schedule", _("Export the schedule")
    MISSING = "missing", _("Missing monthly reports")


class ExportJob(models.Model):
    """A large export written outside the request (portfolio/jobs.py). Its state is in the database
    and its finished file in Django's default storage (MEDIA_ROOT, shared storage in production),
    so any application server shows its progress and serves the download, whichever server wrote
    it; `heartbeat_at` lets another worker take over a job whose server died (it is claimed again
    by one conditional UPDATE, and written from the start)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("asked by"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ExportKind.choices, default=ExportKind.SCHEDULE)
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    rows_total = models.PositiveIntegerField(_("rows in all"), default=0)
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    # Copied into storage in chunks from the worker's temporary file and served streamed, so neither
    # the worker nor the web server holds the whole file (tens of MB at province scale) in memory.
    file = models.FileField(_("file"), upload_to="exports/%Y/%m/", max_length=255, blank=True, editable=False)
    error = models.TextField(_("error"), blank=True)
    worker = models.CharField(_("written by"), max_length=100, blank=True)  # host:pid:thread of the claim
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("export job")
        verbose_name_plural = _("export jobs")
        # The worker's look for work: queued jobs, and running ones with an old heartbeat.
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="exportjob_status_beat_idx")]

    def __str__(self) -> str:
        return self.filename or f"{self.kind} {self.year}"

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        return int(100 * self.rows_done / self.rows_total) if self.rows_total else 0


class DataVersion(models.Model):
    """One row whose `token` changes in the same transaction as any write to the data the pages
    show (projects, plans, reports, milestones, problems, units, accounts): database triggers set it
    (portfolio/freshness.py), so a write by the admin, an import, a command or raw SQL changes it
    alike. Cached page fragments are kept under it (portfolio/page_cache.py)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    token = models.CharField(max_length=36)

    class Meta:
        verbose_name = _("data version")
        verbose_name_plural = _("data version")
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="data_version_single_row")]

    def __str__(self) -> str:
        return self.token
