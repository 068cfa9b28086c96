"""`manage.py plan_summary --year 2022`: the plan paragraph, generated from the project rows."""

from django.core.management.base import BaseCommand

from portfolio.management.plan_year import get_plan_year
from portfolio.summary import plan_summary_text


class Command(BaseCommand):
    help = "Print the plan paragraph (counts and sums per category) generated from the data."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)

    def handle(self, *args, year, **options):
        self.stdout.write(plan_summary_text(get_plan_year(year)))
