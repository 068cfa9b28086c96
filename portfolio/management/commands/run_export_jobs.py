"""python manage.py run_export_jobs [--once] [--interval SECONDS]

Writes the export jobs the web servers queued (portfolio/jobs.py): a deployment that turns the web
server's own threads off (DJANGO_EXPORT_JOBS_IN_THREAD=0) runs this as a service; either way it also
picks up a job whose server died while writing it (its heartbeat older than EXPORT_JOB_STALE_SECONDS),
and deletes finished jobs (and their files) after EXPORT_JOB_KEEP_DAYS."""

import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from portfolio.jobs import purge_finished, run_pending


class Command(BaseCommand):
    help = "Write queued export jobs, and those orphaned by a server that died (stale heartbeat)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Write what is waiting, then exit.")
        parser.add_argument("--interval", type=float, default=5.0, help="Seconds between looks for work.")

    def handle(self, *args, once, interval, **options):
        while True:
            purge_finished()
            done = run_pending()
            if done:
                self.stdout.write(f"Wrote {done} export job(s).")
            if once:
                return
            time.sleep(interval)
            close_old_connections()  # a long-running service: drop a connection the database closed
