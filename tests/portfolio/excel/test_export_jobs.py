"""Large schedule exports as background jobs (portfolio/jobs.py): the button queues a job, a worker
writes it with progress, the page offers the file to the user who asked (or a superuser) only, a
failure shows its error, and a job whose server died is picked up again by run_export_jobs."""

import datetime
import io
from urllib.parse import quote

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import Client
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from openpyxl import load_workbook

from portfolio import jobs
from portfolio.models import ExportJob, ExportKind, ExportStatus

EXPORT = reverse_lazy("schedules:export")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def large(settings, project_a, project_b):
    """Two projects count as a large export; no thread is started (the tests run the worker)."""
    settings.EXPORT_SYNC_MAX_ROWS = 1
    settings.EXPORT_JOBS_IN_THREAD = False


def test_a_small_export_is_written_in_the_request(settings, project_a, finance):
    settings.EXPORT_SYNC_MAX_ROWS = 5
    response = client_for(finance).get(EXPORT)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    assert not ExportJob.objects.exists()


def test_job_lifecycle(large, finance, project_a, project_b):
    client = client_for(finance)
    # GET asks first (no job is made by a link), POST queues the job and shows its page.
    page = client.get(EXPORT)
    assert page.status_code == 200 and 'id="prepare-export"' in page.content.decode()
    assert not ExportJob.objects.exists()
    response = client.post(EXPORT)
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("schedules:export_job", args=[job.pk])
    assert (job.user, job.status, job.rows_total, job.rows_done) == (finance, ExportStatus.QUEUED, 2, 0)
    state = client.get(response["Location"], {"format": "json"}).json()
    assert state["status"] == "queued" and state["download"] is None
    assert client.get(reverse("schedules:export_download", args=[job.pk])).status_code == 404

    assert jobs.run_pending() == 1
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE and job.rows_done == job.rows_total == 2 and job.finished_at
    state = client.get(response["Location"], {"format": "json"}).json()
    assert state["percent"] == 100 and state["download"] == reverse("schedules:export_download", args=[job.pk])
    html = client.get(response["Location"]).content.decode()
    assert "portfolio/export_job.js" in html and "<script>" not in html  # CSP: no inline script
    # The file is in storage (not the database) and is streamed to the browser, not read whole.
    assert job.file and default_storage.exists(job.file.name) and job.file.name.startswith("exports/")
    download = client.get(state["download"])
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    assert download.streaming and quote(job.filename) in download["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content)))["项目计划表"]
    codes = {row[1] for row in sheet.iter_rows(values_only=True)}
    assert {project_a.code, project_b.code} <= codes
    assert jobs.run_pending() == 0  # nothing left: a done job is not written again


def test_only_the_asker_or_a_superuser_sees_the_job(large, finance, leader, admin_user):
    client_for(finance).post(EXPORT)
    job = ExportJob.objects.get()
    jobs.run_pending()
    page = reverse("schedules:export_job", args=[job.pk])
    download = reverse("schedules:export_download", args=[job.pk])
    other = client_for(leader)
    assert other.get(page).status_code == 404
    assert other.get(page, {"format": "json"}).status_code == 404
    assert other.get(download).status_code == 404
    assert client_for(admin_user).get(download).status_code == 200
    assert client_for(finance).get(download).status_code == 200


def test_an_office_job_writes_its_own_projects_only(large, settings, office_a, project_a, project_b):
    settings.EXPORT_SYNC_MAX_ROWS = 0
    client_for(office_a).post(EXPORT)
    job = ExportJob.objects.get()
    assert job.rows_total == 1  # project_a only
    jobs.run_pending()
    data = b"".join(client_for(office_a).get(reverse("schedules:export_download", args=[job.pk])).streaming_content)
    codes = {row[1] for row in load_workbook(io.BytesIO(data))["项目计划表"].iter_rows(values_only=True)}
    assert project_a.code in codes and project_b.code not in codes


def test_a_failed_job_shows_its_error(large, finance, monkeypatch):
    client = client_for(finance)
    client.post(EXPORT)
    job = ExportJob.objects.get()

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(jobs, "write_schedule", broken)
    jobs.run_pending()
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED and "disk full" in job.error
    page = reverse("schedules:export_job", args=[job.pk])
    assert client.get(page, {"format": "json"}).json()["error"] == "OSError: disk full"
    assert "disk full" in client.get(page).content.decode()
    assert client.get(reverse("schedules:export_download", args=[job.pk])).status_code == 404


def test_a_job_orphaned_by_a_dead_server_is_picked_up(large, settings, finance):
    client_for(finance).post(EXPORT)
    job = ExportJob.objects.get()
    # A server claimed it and died half-way: running, its heartbeat old.
    stale = timezone.now() - datetime.timedelta(seconds=settings.EXPORT_JOB_STALE_SECONDS + 5)
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.RUNNING, worker="dead-host:1:1", heartbeat_at=stale, rows_done=1, attempts=1
    )
    call_command("run_export_jobs", "--once", stdout=io.StringIO())
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE and job.attempts == 2 and job.worker != "dead-host:1:1"


def test_a_running_job_with_a_fresh_heartbeat_is_left_alone(large, finance):
    client_for(finance).post(EXPORT)
    job = ExportJob.objects.get()
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.RUNNING, worker="live-host:1:1", heartbeat_at=timezone.now()
    )
    assert jobs.claim() is None and jobs.run_pending() == 0
    # A worker whose claim was taken over stops without marking the job done or failed.
    job.refresh_from_db()
    with pytest.raises(jobs.Superseded):
        jobs._beat(ExportJob(pk=job.pk, worker="dead-host:1:1"), rows_done=5)
    job.refresh_from_db()
    assert (job.status, job.worker, job.rows_done) == (ExportStatus.RUNNING, "live-host:1:1", 0)


def test_one_claim_wins(large, finance):
    client_for(finance).post(EXPORT)
    first, second = jobs.claim(), jobs.claim()
    assert first is not None and second is None


def test_the_job_starts_a_thread_once_committed(
    settings, project_a, project_b, finance, monkeypatch, django_capture_on_commit_callbacks
):
    settings.EXPORT_SYNC_MAX_ROWS = 1
    settings.EXPORT_JOBS_IN_THREAD = True
    started = []
    monkeypatch.setattr(jobs, "start_thread", started.append)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(finance).post(EXPORT)
    assert started == [ExportJob.objects.get().pk]


def test_a_job_whose_file_is_gone_is_a_404(large, finance):
    client_for(finance).post(EXPORT)
    jobs.run_pending()
    job = ExportJob.objects.get()
    default_storage.delete(job.file.name)
    assert client_for(finance).get(reverse("schedules:export_download", args=[job.pk])).status_code == 404


def test_a_failed_job_leaves_no_file(large, finance, monkeypatch):
    client_for(finance).post(EXPORT)
    monkeypatch.setattr(jobs, "_beat", _fail_on_done(jobs._beat))
    jobs.run_pending()
    job = ExportJob.objects.get()
    assert job.status == ExportStatus.FAILED and not job.file
    assert not _stored_files()


def _fail_on_done(beat):
    def failing(job, **fields):
        if fields.get("status") == ExportStatus.DONE:
            raise RuntimeError("database went away")
        return beat(job, **fields)

    return failing


def _stored_files() -> list[str]:
    found = []
    stack = ["exports"]
    while stack:
        folder = stack.pop()
        if not default_storage.exists(folder):
            continue
        dirs, files = default_storage.listdir(folder)
        found += [f"{folder}/{f}" for f in files]
        stack += [f"{folder}/{d}" for d in dirs]
    return found


def test_finished_jobs_are_purged_after_the_keeping_days(large, settings, finance, django_capture_on_commit_callbacks):
    client_for(finance).post(EXPORT)
    jobs.run_pending()
    job = ExportJob.objects.get()
    assert jobs.purge_finished() == 0  # just written: kept
    assert _stored_files() == [job.file.name]
    old = timezone.now() - datetime.timedelta(days=settings.EXPORT_JOB_KEEP_DAYS + 1)
    ExportJob.objects.filter(pk=job.pk).update(finished_at=old)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_export_jobs", "--once", stdout=io.StringIO())
    assert not ExportJob.objects.exists()
    assert _stored_files() == []  # the file went with its job


def test_a_deleted_users_jobs_take_their_files_along(large, finance, django_capture_on_commit_callbacks):
    # Deleting an account cascades to its jobs; their files must not stay behind in storage.
    client_for(finance).post(EXPORT)
    jobs.run_pending()
    assert len(_stored_files()) == 1
    with django_capture_on_commit_callbacks(execute=True):
        finance.delete()
    assert not ExportJob.objects.exists()
    assert _stored_files() == []


def test_the_job_page_is_titled_by_what_was_asked_for(large, finance):
    client = client_for(finance)
    client.post(EXPORT)
    job = ExportJob.objects.get()
    page = client.get(reverse("schedules:export_job", args=[job.pk])).content.decode()
    assert "导出进度表" in page
    job.kind = ExportKind.MISSING
    job.save(update_fields=["kind"])
    page = client.get(reverse("schedules:export_job", args=[job.pk])).content.decode()
    assert "导出进度表" not in page and "未报月报" in page
