"""`manage.py year_review --year 2022`: the year's 执行情况 paragraph from approved data (portfolio.review)."""

from django.core.management.base import BaseCommand

from portfolio.management.plan_year import get_plan_year
from portfolio.review import year_review_text


class Command(BaseCommand):
    help = "Write the year's review paragraph (执行情况) in the report's style, from approved reports only."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)

    def handle(self, *args, year, **options):
        self.stdout.write(year_review_text(get_plan_year(year)))
