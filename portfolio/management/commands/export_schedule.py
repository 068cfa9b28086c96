"""python manage.py export_schedule PATH --year 2022 [--month N] [--user NAME]"""

from django.core.management.base import BaseCommand, CommandError

from portfolio.excel.writing import write_schedule
from projects.models import PlanYear, User
from projects.permissions import visible_project_years


class Command(BaseCommand):
    help = "Write the county's schedule (plan, rollup, milestones; a month's dispatch sheet with --month)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--month", type=int, help="Also write this month's dispatch sheet (1-12).")
        parser.add_argument("--user", help="Only the projects this user may see.")

    def handle(self, *args, path, year, month, user, **options):
        plan_year = PlanYear.objects.filter(year=year).first()
        if plan_year is None:
            raise CommandError(f"There is no plan year {year}.")
        if month is not None and not 1 <= month <= 12:
            raise CommandError("--month must be 1 to 12.")
        projects = None
        if user:
            try:
                projects = visible_project_years(User.objects.get(username=user))
            except User.DoesNotExist as exc:
                raise CommandError(f"No user {user}.") from exc
        write_schedule(path, plan_year=plan_year, month=month, projects=projects, dispatch_month=month)
        self.stdout.write(f"Wrote {path}")
