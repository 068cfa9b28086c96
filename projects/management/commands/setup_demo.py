"""`manage.py setup_demo`: load the 2022 plan (with a baseline history row), create the role groups
and one demo account per role and per responsible unit. Idempotent; refused on production settings
and in any database that already holds accounts other than the demo ones."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from config import env
from projects import progress
from projects.models import PlanYear
from projects.setup import ensure_demo_accounts, other_users, record_baseline

PLAN_YEAR = 2022
DEFAULT_PASSWORD = "yunyang-demo-2022"


def plan_fixture():
    return settings.BASE_DIR / "fixtures" / "plan_2022.json"


def demo_allowed() -> bool:
    """Demo data and well-known passwords never go near production: the settings must opt in with
    DEMO_ALLOWED = True, and the production module is refused whatever it says."""
    module = getattr(settings, "SETTINGS_MODULE", "") or ""
    return bool(getattr(settings, "DEMO_ALLOWED", False)) and not module.endswith(".production")


class Command(BaseCommand):
    help = "Load the 2022 plan and create the role groups and demo accounts (not in production)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--with-reports",
            action="store_true",
            help="Also load 【演示数据】 monthly reports and problems (the dispatch app's load_demo_reports).",
        )

    def handle(self, *args, with_reports=False, **options):
        if not demo_allowed():
            raise CommandError(
                _("Refusing to create demo data: these settings (%(module)s) do not allow it (DEMO_ALLOWED).")
                % {"module": settings.SETTINGS_MODULE}
            )
        password = env.DEMO_PASSWORD or DEFAULT_PASSWORD
        with transaction.atomic():
            others = other_users()
            if others:
                # Real people's accounts mean a real database, whatever the settings say: planting
                # accounts whose password is published in the README there would open it to anyone.
                raise CommandError(
                    _(
                        "Refusing to create demo accounts: this database already has accounts that are not "
                        "demo accounts (%(users)s). To make a first administrator in a real database, run "
                        "`python manage.py createsuperuser` instead."
                    )
                    % {"users": ", ".join(others)}
                )
            if PlanYear.objects.filter(year=PLAN_YEAR).exists():
                self.stdout.write(_("The %(year)s plan is already loaded; left as it is.") % {"year": PLAN_YEAR})
            else:
                call_command("loaddata", plan_fixture(), verbosity=0)
                # A fixture is saved raw, past the services: give its rows their progress summary.
                progress.rebuild(plan_year=PLAN_YEAR)
                self.stdout.write(_("Loaded the %(year)s plan.") % {"year": PLAN_YEAR})
            record_baseline(
                PlanYear.objects.get(year=PLAN_YEAR), reason=_("Loaded with the %(year)s plan") % {"year": PLAN_YEAR}
            )
            accounts = ensure_demo_accounts(password=password)

        self.stdout.write("")
        self.stdout.write(_("Demo accounts (all staff):"))
        width = max(len(a.username) for a in accounts)
        for account in accounts:
            state = _("created") if account.created else _("exists")
            unit = account.unit.name if account.unit else ""
            columns = [account.username.ljust(width), account.role.ljust(8), unit, f"({state})"]
            self.stdout.write("  " + "  ".join(column for column in columns if column))
        if env.DEMO_PASSWORD and env.DEMO_PASSWORD != DEFAULT_PASSWORD:
            self.stdout.write(_("Password of new accounts: the value of DEMO_PASSWORD."))
        else:
            self.stdout.write(_("Password of new accounts: %(password)s") % {"password": DEFAULT_PASSWORD})
        if with_reports:
            # By command name: the dispatch app builds on projects, not the other way round.
            call_command("load_demo_reports", stdout=self.stdout)
