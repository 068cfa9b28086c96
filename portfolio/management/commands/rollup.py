"""`manage.py rollup --year 2022 [--month N] [--plan-version NAME] [--format table|json]`: the category
rollup, as an aligned table in 亿元 (like the report) or as JSON in 万元 for other tools. When the
year's plan was adjusted, the table shows 调整前 (the adopted version) beside 调整后 (the current)."""

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
        parser.add_argument(
            "--plan-version", help="Measure against this version of the plan (e.g. 年初计划); default: the current one."
        )

    def handle(self, *args, **options):
        month = options["month"]
        if month is not None and not 1 <= month <= 12:
            raise CommandError(_("The month must be between 1 and 12."))
        plan_year = get_plan_year(options["year"])
        # Read only when asked for or when there is more than one (the usual case costs no query).
        wanted = options["plan_version"] or plan_year.version_count > 1
        versions = list(plan_year.versions.order_by("ordinal")) if wanted else []
        version = None
        if options["plan_version"]:
            version = next((v for v in versions if v.name == options["plan_version"]), None)
            if version is None:
                raise CommandError(
                    _("The %(year)s plan has no version %(name)s. Versions: %(known)s.")
                    % {
                        "year": plan_year.year,
                        "name": options["plan_version"],
                        "known": "、".join(v.name for v in versions) or "-",
                    }
                )
        rollup = category_rollup(plan_year=plan_year, month=month, plan_version=version)
        if options["format"] == "json":
            figures = rollup_as_json(rollup)
            if version is not None:
                figures["plan_version"] = version.name
            self.stdout.write(json.dumps(figures, ensure_ascii=False, indent=2))
            return
        # 调整前 beside 调整后: the adopted version next to the current one, once the plan was adjusted.
        before = None
        if version is None and len(versions) > 1:
            before = category_rollup(plan_year=plan_year, month=month, plan_version=versions[0])
        self.stdout.write(self.table(rollup, before=before))

    def table(self, rollup, before=None) -> str:
        month = rollup.period.month
        header = [
            _("Category"),
            _("Number of projects"),
            _("Total investment"),
            _("Government"),
            _("Social"),
            _("Plan for the year"),
            _("Completed, months 1-%(month)d") % {"month": month},
            _("Completion %"),
            _("Time elapsed %"),
            str(BEHIND_SCHEDULE_LABEL),
        ]
        if before is not None:
            header[5:6] = [_("Plan before adjustment"), _("Plan after adjustment")]
            header[8:8] = [_("Completion before adjustment %")]

        def cells(row: RollupRow, label: str, old: RollupRow | None = None) -> list[str]:
            values = [
                label,
                str(row.projects),
                yi(row.total_investment),
                yi(row.government_investment),
                yi(row.social_investment),
                yi(row.annual_plan),
                yi(row.completed_ytd),
                formatting.points(row.completion_rate),
                formatting.points(row.time_elapsed),
                formatting.points(row.behind_schedule_points),
            ]
            if old is not None:
                values[5:5] = [yi(old.annual_plan)]
                values[8:8] = [formatting.points(old.completion_rate)]
            return values

        olds = before.rows if before is not None else [None] * len(rollup.rows)
        body = [cells(r, r.name, o) for r, o in zip(rollup.rows, olds, strict=False)]
        total = cells(rollup.total, _("Total"), before.total if before is not None else None)
        widths = [max(width(line[i]) for line in [header, *body, total]) for i in range(len(header))]

        def line(values: list[str]) -> str:
            return "  ".join(pad(v, widths[i], left=(i == 0)) for i, v in enumerate(values)).rstrip()

        rule = "-" * width(line(header))
        title = _("%(title)s, months 1-%(month)d (amounts in 亿元; positive points = behind 序时进度)") % {
            "title": rollup.plan_year.title,
            "month": month,
        }
        if rollup.plan_version is not None:
            title += f" [{rollup.plan_version.name}]"
        return "\n".join([title, line(header), rule, *map(line, body), rule, line(total)])
