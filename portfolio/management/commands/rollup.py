"""`manage.py rollup --year 2022 [--month N] [--format table|json]`: the category rollup, as an aligned
table in 亿元 (like the report) or as JSON in 万元 for other tools."""

import json
import unicodedata

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from portfolio.management.plan_year import get_plan_year
from portfolio.selectors import RollupRow, category_rollup, rollup_as_json
from projects import formatting
from projects.rules import BEHIND_SCHEDULE_LABEL


def yi(wan) -> str:
    """万元 → 亿元 with one decimal, as the report's tables show it (222.0, 326.2)."""
    return formatting.yi(wan, grouping=False)


def width(text: str) -> int:
    """Columns a terminal gives the text: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, size: int, left: bool) -> str:
    fill = " " * (size - width(text))
    return text + fill if left else fill + text


class Command(BaseCommand):
    help = "Print the plan's rollup by category: a table in 亿元, or JSON in 万元."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--month", type=int, help="Months 1..N of the year (default: the plan's reporting month).")
        parser.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args, **options):
        month = options["month"]
        if month is not None and not 1 <= month <= 12:
            raise CommandError(_("The month must be between 1 and 12."))
        rollup = category_rollup(plan_year=get_plan_year(options["year"]), month=month)
        if options["format"] == "json":
            self.stdout.write(json.dumps(rollup_as_json(rollup), ensure_ascii=False, indent=2))
            return
        self.stdout.write(self.table(rollup))

    def table(self, rollup) -> str:
        month = rollup.period.month
        header = [
            _("Category"), _("Number of projects"), _("Total investment"), _("Government"), _("Social"),
            _("Plan for the year"), _("Completed, months 1-%(month)d") % {"month": month},
            _("Completion %"), _("Time elapsed %"), str(BEHIND_SCHEDULE_LABEL),
        ]

        def cells(row: RollupRow, label: str) -> list[str]:
            return [
                label, str(row.projects), yi(row.total_investment), yi(row.government_investment),
                yi(row.social_investment), yi(row.annual_plan), yi(row.completed_ytd),
                formatting.points(row.completion_rate), formatting.points(row.time_elapsed),
                formatting.points(row.behind_schedule_points),
            ]

        body = [cells(r, r.name) for r in rollup.rows]
        total = cells(rollup.total, _("Total"))
        widths = [max(width(line[i]) for line in [header, *body, total]) for i in range(len(header))]

        def line(values: list[str]) -> str:
            return "  ".join(pad(v, widths[i], left=(i == 0)) for i, v in enumerate(values)).rstrip()

        rule = "-" * width(line(header))
        title = _("%(title)s, months 1-%(month)d (amounts in 亿元; positive points = behind 序时进度)") % {
            "title": rollup.plan_year.title, "month": month,
        }
        return "\n".join([title, line(header), rule, *map(line, body), rule, line(total)])
