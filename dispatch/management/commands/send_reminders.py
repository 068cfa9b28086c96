"""`manage.py send_reminders [--month N] [--year Y] [--dry-run]`: mail each office its missing or
returned reports and overdue problems, and each linked leader a digest (dispatch.reminders)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from dispatch import reminders
from projects.models import PlanYear
from projects.selectors import default_plan_year


class Command(BaseCommand):
    help = "Mail offices their missing or returned reports and overdue problems, and leaders a digest."

    def add_arguments(self, parser):
        parser.add_argument("--month", type=int, help="The reporting month (default: the plan's).")
        parser.add_argument(
            "--year",
            type=int,
            help="The plan year (default: the current adopted plan).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List what would be sent; send nothing.",
        )

    def handle(self, *args, month=None, year=None, dry_run=False, **options):
        if month is not None and not 1 <= month <= 12:
            raise CommandError(_("A month is 1 to 12."))
        plan_year = PlanYear.objects.filter(year=year).first() if year else default_plan_year()
        if plan_year is None:
            raise CommandError(_("No plan year to remind about."))
        # Mail is written in the county's language, whatever the shell's locale.
        with translation.override(settings.LANGUAGE_CODE):
            messages = reminders.build(plan_year=plan_year, month=month)
        if dry_run:
            for m in messages:
                self.stdout.write(f"{m.recipient} <{', '.join(m.to)}>: {m.subject}")
            self.stdout.write(_("%(n)s reminders would be sent (dry run, nothing sent).") % {"n": len(messages)})
            return
        sent = reminders.send(messages)
        self.stdout.write(_("%(n)s reminders sent.") % {"n": sent})
