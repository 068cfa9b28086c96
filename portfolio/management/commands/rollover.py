"""`manage.py rollover --from 2022 --to 2023 [--dry-run]`: the next year's draft plan (projects.rollover)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from portfolio.management.plan_year import get_plan_year
from projects.models import User
from projects.rollover import rollover_apply, rollover_plan


class Command(BaseCommand):
    help = "Create next year's draft plan from this year's: carry, close and flag projects."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="from_year", type=int, required=True)
        parser.add_argument("--to", dest="to_year", type=int, required=True)
        parser.add_argument("--dry-run", action="store_true", help="List what would happen; change nothing.")
        parser.add_argument("--user", help="The account the rollover is made as; default: the first superuser.")

    def handle(self, *args, from_year, to_year, dry_run, user, **options):
        try:
            plan = rollover_plan(from_year=get_plan_year(from_year), to_year=to_year)
            write = self.stdout.write
            write(_("Carried into %(year)s: %(n)s") % {"year": to_year, "n": len(plan.carried)})
            for c in plan.carried:
                write(
                    f"  {c.row.project.code}  {c.row.project.name}  "
                    + _("completed before the year %(amount)s 万元") % {"amount": c.completed_before_year}
                )
            write(_("Closed (finished in %(year)s): %(n)s") % {"year": from_year, "n": len(plan.closed)})
            for row in plan.closed:
                write(f"  {row.project.code}  {row.project.name}")
            write(_("Past their planned end year, unfinished — decide: %(n)s") % {"n": len(plan.flagged)})
            for c in plan.flagged:
                project = c.row.project
                write(f"  {project.code}  {project.name}  ({project.start_year}–{project.end_year})")
            if dry_run:
                write(_("Dry run: nothing was changed."))
                return
            with transaction.atomic():
                rollover_apply(actor=self._actor(user), plan=plan)
            write(_("The %(year)s draft plan is ready; adopt it once its figures are in.") % {"year": to_year})
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc

    def _actor(self, username):
        qs = (
            User.objects.filter(username=username)
            if username
            else User.objects.filter(is_superuser=True, is_active=True).order_by("pk")
        )
        actor = qs.first()
        if actor is None:
            raise CommandError(_("No such user: pass --user NAME."))
        return actor
