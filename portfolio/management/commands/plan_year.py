"""`manage.py plan_year --year 2023 --adopt [--name 年初计划] [--date YYYY-MM-DD]` or `--close`: a year's
plan through its life (projects.plan_versions). Adopting makes the first version and puts the plan
on the leaders' pages; closing freezes it."""

import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from portfolio.management.plan_year import get_plan_year
from projects.models import User
from projects.plan_versions import ADOPTED_NAME, plan_adopt, plan_close


class Command(BaseCommand):
    help = "Adopt a draft plan (its first version) or close an adopted one."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--adopt", action="store_true")
        action.add_argument("--close", action="store_true")
        parser.add_argument("--name", default=ADOPTED_NAME, help="The adopted version's name (default 年初计划).")
        parser.add_argument("--date", type=datetime.date.fromisoformat, help="YYYY-MM-DD (default: today).")
        parser.add_argument("--user", help="The account it is done as; default: the first superuser.")

    def handle(self, *args, year, adopt, close, name, date, user, **options):
        plan_year = get_plan_year(year, drafts=True)
        actor = (
            User.objects.filter(username=user)
            if user
            else User.objects.filter(is_superuser=True, is_active=True).order_by("pk")
        ).first()
        if actor is None:
            raise CommandError(_("No such user: pass --user NAME."))
        try:
            if adopt:
                version = plan_adopt(actor=actor, plan_year=plan_year, name=name, date=date)
                self.stdout.write(
                    _("The %(year)s plan is adopted (%(name)s, %(date)s).")
                    % {"year": year, "name": version.name, "date": version.date}
                )
            else:
                plan_close(actor=actor, plan_year=plan_year)
                self.stdout.write(_("The %(year)s plan is closed.") % {"year": year})
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
