"""Exports too large to write in a request, as ExportJob rows: started by the export button, written
by a worker outside the request, watched on a progress page, downloaded by the user who asked.

Any server can do any part. The job's state lives in the database and the finished file in Django's
default storage (ExportJob.file: MEDIA_ROOT, which in production is storage every server shares), so
the server that shows the progress or serves the download need not be the one that wrote it. The
file goes from the worker's temporary file to storage in chunks and is served streamed: memory stays
flat however large the export (the file was once read whole into a database column: 322 MB peak).

A worker claims a job with one conditional UPDATE (queued, or running with a heartbeat older than
EXPORT_JOB_STALE_SECONDS: its server died), so two workers never write the same job at once; while
writing it beats the heartbeat through an UPDATE that matches only its own claim, and stops if
another worker took the job over.

Workers: by default a daemon thread started once the job's row is committed (start_export); a
deployment may set DJANGO_EXPORT_JOBS_IN_THREAD=0 and run `manage.py run_export_jobs` instead, which
also picks up jobs orphaned by a server that died mid-write."""

import datetime
import logging
import os
import socket
import tempfile
import threading
import uuid

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import F, Q
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone, translation

from projects.models import PlanYear
from projects.permissions import visible_project_years
from projects.selectors import current_period, missing_reports

from .excel.call_lists import streamed_units, write_missing_reports
from .excel.writing import PROGRESS_EVERY, schedule_rows, write_schedule
from .models import ExportJob, ExportKind, ExportStatus

log = logging.getLogger(__name__)


class Superseded(Exception):
    """Another worker claimed the job (this one's heartbeat was taken for dead): stop writing."""


def schedule_filename(year: int, month: int | None) -> str:
    stamp = timezone.localdate().strftime("%Y%m%d")
    return f"{year}年{'1-' + str(month) + '月' if month else ''}重大项目计划表-{stamp}.xlsx"


def start_export(*, user, plan_year: PlanYear, month: int | None) -> ExportJob:
    """A queued job for the schedule `user` may see; a worker thread starts once it is committed
    (unless EXPORT_JOBS_IN_THREAD is off: then run_export_jobs picks it up)."""
    job = ExportJob.objects.create(
        user=user,
        kind=ExportKind.SCHEDULE,
        year=plan_year.year,
        month=month,
        filename=schedule_filename(plan_year.year, month),
        rows_total=schedule_rows(plan_year=plan_year, projects=visible_project_years(user), dispatch_month=month),
    )
    if settings.EXPORT_JOBS_IN_THREAD:
        transaction.on_commit(lambda: start_thread(job.pk))
    return job


def start_missing_export(*, user, plan_year: PlanYear, month: int, rows: int) -> ExportJob:
    """A queued job for the missing-reports call list of `month` (the projects `user` may see)."""
    job = ExportJob.objects.create(
        user=user,
        kind=ExportKind.MISSING,
        year=plan_year.year,
        month=month,
        filename=f"missing-{plan_year.year}-{month:02d}.xlsx",
        rows_total=rows,
    )
    if settings.EXPORT_JOBS_IN_THREAD:
        transaction.on_commit(lambda: start_thread(job.pk))
    return job


def _write_schedule(handle, job: ExportJob, progress) -> None:
    write_schedule(
        handle,
        plan_year=PlanYear.objects.get(year=job.year),
        month=job.month,
        projects=visible_project_years(job.user),
        dispatch_month=job.month,
        progress=progress,
    )


def _write_missing(handle, job: ExportJob, progress) -> None:
    plan_year = PlanYear.objects.get(year=job.year)
    rows = missing_reports(plan_year=plan_year, month=job.month, projects=visible_project_years(job.user))

    def counted(rows):
        for n, row in enumerate(rows, start=1):
            if n % PROGRESS_EVERY == 0:
                progress(n)
            yield row

    write_missing_reports(
        handle,
        period=current_period(plan_year, job.month),
        count=job.rows_total,
        units=streamed_units(counted(rows.iterator(chunk_size=2000))),
    )


WRITERS = {ExportKind.SCHEDULE: _write_schedule, ExportKind.MISSING: _write_missing}


def start_thread(job_id: int) -> threading.Thread:
    thread = threading.Thread(target=_thread_main, args=(job_id,), name=f"export-job-{job_id}", daemon=True)
    thread.start()
    return thread


def _thread_main(job_id: int) -> None:
    try:
        job = claim(job_id)
        if job is not None:
            run(job)
    finally:
        connection.close()  # the thread's own connection


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"[:100]


def _claimable() -> Q:
    stale = timezone.now() - datetime.timedelta(seconds=settings.EXPORT_JOB_STALE_SECONDS)
    return Q(status=ExportStatus.QUEUED) | Q(status=ExportStatus.RUNNING, heartbeat_at__lt=stale)


def claim(job_id: int | None = None) -> ExportJob | None:
    """Take a job (that one, else the oldest claimable) for this worker: one conditional UPDATE,
    so of two workers racing for it one gets it. None when there is nothing to take."""
    candidates = ExportJob.objects.filter(_claimable())
    if job_id is not None:
        candidates = candidates.filter(pk=job_id)
    for pk in candidates.order_by("created_at", "pk").values_list("pk", flat=True)[:5]:
        now, worker = timezone.now(), _worker_name()
        taken = ExportJob.objects.filter(_claimable(), pk=pk).update(
            status=ExportStatus.RUNNING,
            worker=worker,
            attempts=F("attempts") + 1,
            started_at=now,
            heartbeat_at=now,
            rows_done=0,
            error="",
        )
        if taken:
            return ExportJob.objects.get(pk=pk)
    return None


def _beat(job: ExportJob, **fields) -> None:
    """The job's progress and heartbeat, written only while this worker still holds it."""
    updated = ExportJob.objects.filter(pk=job.pk, worker=job.worker, status=ExportStatus.RUNNING).update(
        heartbeat_at=timezone.now(), **fields
    )
    if not updated:
        raise Superseded


def run(job: ExportJob) -> None:
    """Write a claimed job's file into a temporary file (flat memory), copy it to storage in chunks
    and mark the job done; any error is kept on the job for its page to show."""
    stored = ""
    try:
        with tempfile.TemporaryFile() as handle, translation.override(settings.LANGUAGE_CODE):
            WRITERS[job.kind](handle, job, lambda done: _beat(job, rows_done=done))
            handle.seek(0)
            # A random name: the user's file name is given on download (Content-Disposition).
            job.file.save(f"{uuid.uuid4().hex}.xlsx", File(handle), save=False)
            stored = job.file.name
        _beat(job, file=stored, status=ExportStatus.DONE, rows_done=job.rows_total, finished_at=timezone.now())
    except Superseded:
        log.warning("export job %s was taken over by another worker", job.pk)
        _delete_file(stored)
    except Exception as exc:
        _delete_file(stored)
        log.exception("export job %s failed", job.pk)
        ExportJob.objects.filter(pk=job.pk, worker=job.worker).update(
            status=ExportStatus.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000], finished_at=timezone.now()
        )


def run_pending(*, limit: int | None = None) -> int:
    """Claim and write jobs until none is left (queued, or orphaned by a dead server); the number
    written. What `run_export_jobs` does on each pass."""
    done = 0
    while limit is None or done < limit:
        job = claim()
        if job is None:
            break
        run(job)
        done += 1
    return done


def _delete_file(name: str) -> None:
    if name:
        try:
            default_storage.delete(name)
        except OSError:
            log.warning("could not delete the export file %s", name, exc_info=True)


def purge_finished(*, older_than: datetime.timedelta | None = None) -> int:
    """Delete finished (done or failed) jobs, and their files, older than EXPORT_JOB_KEEP_DAYS."""
    older_than = older_than or datetime.timedelta(days=settings.EXPORT_JOB_KEEP_DAYS)
    finished = ExportJob.objects.filter(
        status__in=[ExportStatus.DONE, ExportStatus.FAILED], finished_at__lt=timezone.now() - older_than
    )
    deleted = 0
    for pk in finished.values_list("pk", flat=True).iterator(chunk_size=500):
        # The row; its file follows it (delete_file_with_job).
        deleted += ExportJob.objects.filter(pk=pk).delete()[0]
    return deleted


@receiver(post_delete, sender=ExportJob)
def delete_file_with_job(sender, instance: ExportJob, **kwargs) -> None:
    """However a job goes (the purge, the admin, its user deleted), its file goes too — once the
    deletion is committed: a file left by a failed delete is only litter, a row without its file
    a 404."""
    name = instance.file.name
    if name:
        transaction.on_commit(lambda: _delete_file(name))
