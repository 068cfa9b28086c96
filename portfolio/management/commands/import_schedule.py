"""python manage.py import_schedule PATH [--dry-run] [--user NAME] [--month N] [--year Y]

Without --user the import is made as the first active superuser: whoever runs manage.py already
holds the keys to the database, and the history still names an account. Exits 0 when the file was
applied (or, with --dry-run, would apply cleanly), 1 when it was refused;
the problems are listed on stderr, every one, with sheet, row and column."""

import datetime
import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portfolio.excel.importing import import_apply, import_preview
from portfolio.excel.reporting import format_result
from projects.models import User


class Command(BaseCommand):
    help = "Import a project plan or a monthly dispatch workbook (.xlsx, .xls, .ods)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--user", help="The account the import is made as (its rights apply); default: the first active superuser."
        )
        parser.add_argument("--dry-run", action="store_true", help="Check and list the changes; write nothing.")
        parser.add_argument("--month", type=int, help="The reporting month, when the file does not say it.")
        parser.add_argument("--year", type=int, help="The plan year, when the file does not say it.")
        parser.add_argument("--reason", default="", help="Recorded in the history of every row changed.")
        parser.add_argument(
            "--plan-version",
            help="The file is an adjusted schedule: its annual figures become "
            "this new version of the adopted plan (e.g. 中期调整).",
        )
        parser.add_argument(
            "--version-date",
            type=datetime.date.fromisoformat,
            help="The adjustment's date, YYYY-MM-DD (default: today).",
        )

    def handle(self, *args, path, user, dry_run, month, year, reason, plan_version=None, version_date=None, **options):
        actor = self._actor(user)
        adjustment = (plan_version, version_date or datetime.date.today()) if plan_version else None
        try:
            with open(path, "rb") as handle:
                data = handle.read(settings.IMPORT_MAX_UPLOAD_BYTES + 1)
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc
        name = os.path.basename(path)
        run = import_preview if dry_run else import_apply
        kwargs = {"reason": reason, "adjustment": adjustment} if not dry_run else {"adjustment": adjustment}
        result = run(data=data, filename=name, actor=actor, month=month, year=year, **kwargs)
        self.stdout.write(format_result(result, dry_run=dry_run))
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{len(result.problems)} problem(s); nothing was changed.", returncode=1)

    def _actor(self, username: str | None) -> User:
        if username:
            try:
                return User.objects.get(username=username)
            except User.DoesNotExist as exc:
                raise CommandError(f"No user {username}.") from exc
        actor = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if actor is None:
            raise CommandError("No superuser to import as: pass --user NAME (or run setup_demo / createsuperuser).")
        self.stderr.write(f"Importing as {actor.get_username()} (no --user given).")
        return actor
