"""`manage.py rebuild_progress [--year N]`: recompute the progress summary (ProjectYearProgress) from
the reports and say how many rows were checked and how many were wrong (and are now fixed). The
services keep the summary current; this is for after a raw data load, a restore, or a change of
DISPATCH_REPORT_DUE_DAY (the on-time counts are stored)."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from projects import progress
from projects.models import ProjectYear


class Command(BaseCommand):
    help = "Recompute the progress summary from the monthly reports; prints rows checked and rows fixed."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="Only the project-years of this plan year.")

    def handle(self, *args, year=None, **options):
        rows = ProjectYear.objects.all() if year is None else ProjectYear.objects.filter(plan_year__year=year)
        checked = rows.count()
        differed = progress.rebuild(plan_year=year)
        self.stdout.write(
            _("Checked %(checked)s project-years; %(differed)s differed from their reports and were rebuilt.")
            % {"checked": checked, "differed": differed}
        )
