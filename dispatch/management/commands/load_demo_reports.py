"""`manage.py load_demo_reports`: the living demo (dispatch.demo) on top of `setup_demo`'s plan and
accounts. Refused outside demo settings and when demo reports are already loaded."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from dispatch import demo
from projects.management.commands.setup_demo import PLAN_YEAR, demo_allowed
from projects.models import PlanYear


class Command(BaseCommand):
    help = "Load 【演示数据】 reports for months 1-9 of 2022 (approved, a few returned) and a few problems."

    def handle(self, *args, **options):
        if not demo_allowed():
            raise CommandError(_("Refusing to create demo data: these settings do not allow it (DEMO_ALLOWED)."))
        plan_year = PlanYear.objects.filter(year=PLAN_YEAR).first()
        if plan_year is None:
            raise CommandError(_("Load the plan first: manage.py setup_demo."))
        if demo.already_loaded():
            self.stdout.write(_("Demo reports are already loaded; left as they are."))
            return
        counts = demo.load(plan_year=plan_year)
        self.stdout.write(
            _(
                "Loaded demo reports: %(approved)s approved, %(returned)s returned, %(submitted)s awaiting review; "
                "%(problems)s problems."
            )
            % counts
        )
