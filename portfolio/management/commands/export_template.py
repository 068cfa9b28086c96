"""python manage.py export_template PATH [--year 2022]"""

from django.core.management.base import BaseCommand

from portfolio.excel.writing import write_template
from projects.models import PlanYear


class Command(BaseCommand):
    help = "Write a blank plan sheet for offices, with drop-down lists for category, stage and unit."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--year", type=int)

    def handle(self, *args, path, year, **options):
        plan_year = PlanYear.objects.filter(year=year).first() if year else PlanYear.objects.order_by("-year").first()
        write_template(path, plan_year=plan_year)
        self.stdout.write(f"Wrote {path}")
