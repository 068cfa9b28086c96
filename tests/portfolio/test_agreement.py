"""Every channel says the same thing: each category's projects, plan, completed to date, completion
rate, 序时进度 and points behind 序时进度 (positive = behind), read back from the `rollup` table, its
JSON, the overview page, the admin's rollup page and the exported workbook (as a user opens it: its
cells hold values, there is no formula to recalculate), agree with one another, with the rule
(projects.rules) and with a computation by hand from the approved reports. Runs on SQLite and, with
DATABASE_URL set, on PostgreSQL."""

import html
import io
import json
import re
from decimal import ROUND_HALF_UP, Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from portfolio.excel.writing import schedule_columns, write_schedule
from projects import progress, rules
from projects.models import ProgressReport, ReportStatus
from tests import factories

D = Decimal
MONTH = 9
FIELDS = (
    "projects",
    "annual_plan",
    "completed_ytd",
    "completion_rate",
    "time_elapsed",
    "behind_schedule_points",
)

# Per category: (annual plans of its projects, approved amounts per project for months 1..9), in 万元.
# Chosen so rates have awkward decimals (2 / 3), one category is ahead of 序时进度 (negative points),
# one has projects but nothing approved, one has no project at all (no rate, no points).
DATA = {
    "industry": ([D("759000.00"), D("123456.78")], [D("50000.00"), D("3333.33")]),
    "rural": ([D("110000.00")], [D("12345.67")]),
    "urban": ([D("418000.00"), D("1.00")], [D("0.00"), D("0.00")]),
    "ecology": (
        [D("23000.00")],
        [D("2600.00")],
    ),  # 9 × 2600 = 23400 of 23000: 101.74 %, ahead
    "livelihood": ([], []),
    "regional": ([D("780000.00")], [D("55555.55")]),
}


@pytest.fixture
def world(plan_year, categories, unit_a, admin_user, leader):
    plan_year.reporting_month = MONTH
    plan_year.save()
    by_code = {c.code: c for c in categories}
    n = 0
    for code, (plans, monthly) in DATA.items():
        for plan, amount in zip(plans, monthly, strict=False):
            n += 1
            project = factories.ProjectFactory(
                plan_year=plan_year,
                category=by_code[code],
                responsible_unit=unit_a,
                code=f"YY2022-AGR-{n:03d}",
                government_investment=plan * 2,
                social_investment=plan,
                annual_plan=plan,
            )
            row = factories.row_of(project)
            ProgressReport.objects.bulk_create(
                ProgressReport(
                    project_year=row,
                    year=2022,
                    month=m,
                    investment_completed=amount,
                    physical_percent=D(5 * m),
                    status=ReportStatus.APPROVED,
                )
                for m in range(1, MONTH + 1)
            )
            # Neither counts: a submitted report for October, and a superseded revision.
            ProgressReport.objects.create(
                project_year=row,
                year=2022,
                month=10,
                investment_completed=D("99999.00"),
                physical_percent=D("60"),
                status=ReportStatus.SUBMITTED,
            )
            ProgressReport.objects.create(
                project_year=row,
                year=2022,
                month=1,
                revision=0,
                is_current=False,
                investment_completed=D("88888.00"),
                physical_percent=D("1"),
                status=ReportStatus.SUPERSEDED,
            )
    progress.rebuild()  # written raw, past the services: rebuild the progress summary, as `rebuild_progress` would.
    return {"admin": admin_user, "leader": leader}


def by_hand() -> dict:
    """The figures computed here from DATA, without the application's code."""
    elapsed = (D(MONTH) * 100 / 12).quantize(D("0.01"), ROUND_HALF_UP)
    figures = {}
    total_plan = total_done = D(0)
    total_n = 0
    for code, (plans, monthly) in DATA.items():
        plan, done = sum(plans, D(0)), sum(monthly, D(0)) * MONTH
        total_plan, total_done, total_n = (
            total_plan + plan,
            total_done + done,
            total_n + len(plans),
        )
        figures[code] = (len(plans), plan, done, elapsed)
    figures["total"] = (total_n, total_plan, total_done, elapsed)
    out = {}
    for code, (n, plan, done, elapsed) in figures.items():
        rate = (done * 100 / plan).quantize(D("0.01"), ROUND_HALF_UP) if plan else None
        out[code] = {
            "projects": n,
            "annual_plan": plan,
            "completed_ytd": done,
            "completion_rate": rate,
            "time_elapsed": elapsed,
            "behind_schedule_points": None if rate is None else elapsed - rate,
        }
    return out


def at(places: str, value):
    """A figure as a channel shows it: rounded half up to `places` (and never "-0.0")."""
    if value is None:
        return None
    q = D(value).quantize(D(places), ROUND_HALF_UP)
    return q.copy_abs() if q == 0 else q


def shown(expected: dict, *, money: str, money_scale: Decimal, percent: str) -> dict:
    """The expected figures at a channel's precision (money in 万元 or 亿元)."""
    return {
        code: {
            "projects": f["projects"],
            "annual_plan": at(money, f["annual_plan"] / money_scale),
            "completed_ytd": at(money, f["completed_ytd"] / money_scale),
            "completion_rate": at(percent, f["completion_rate"]),
            "time_elapsed": at(percent, f["time_elapsed"]),
            "behind_schedule_points": at(percent, f["behind_schedule_points"]),
        }
        for code, f in expected.items()
    }


def number(text: str):
    text = html.unescape(re.sub(r"<[^>]+>", "", text)).strip().replace(",", "")
    return None if text in ("—", "-", "") else D(text)


# --- the channels ---------------------------------------------------------------------------------


def from_json() -> dict:
    out = StringIO()
    call_command("rollup", year=2022, month=MONTH, format="json", stdout=out)
    data = json.loads(out.getvalue())

    def row(r):
        return {
            "projects": r["projects"],
            "annual_plan": D(r["annual_plan"]),
            "completed_ytd": D(r["completed_ytd"]),
            "completion_rate": None if r["completion_rate"] is None else D(r["completion_rate"]),
            "time_elapsed": D(data["time_elapsed"]),
            "behind_schedule_points": None if r["behind_schedule_points"] is None else D(r["behind_schedule_points"]),
        }

    return {
        **{r["code"]: row(r) for r in data["categories"]},
        "total": row(data["total"]),
    }


def from_table(names: dict) -> dict:
    out = StringIO()
    with translation.override("zh-hans"):
        call_command("rollup", year=2022, month=MONTH, stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[1].split()[-1] == rules.BEHIND_SCHEDULE_LABEL_ZH  # the same label as the workbook
    rows = {}
    for line in lines[3:]:
        cells = line.split()
        if not cells or set(cells[0]) == {"-"}:
            continue
        code = "total" if cells[0] == "合计" else names[cells[0]]
        rows[code] = {
            "projects": int(cells[1]),
            "annual_plan": number(cells[5]),
            "completed_ytd": number(cells[6]),
            "completion_rate": number(cells[7]),
            "time_elapsed": number(cells[8]),
            "behind_schedule_points": number(cells[9]),
        }
    return rows


def _cells(row_html: str) -> list[str]:
    return re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row_html, re.S)


def from_overview(client) -> dict:
    with translation.override("zh-hans"):
        page = client.get(reverse("portfolio:overview"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert rules.BEHIND_SCHEDULE_LABEL_ZH in page
    rows = {}
    table = page[page.index("<tr data-category=") :]
    for code, body in re.findall(r'<tr data-category="(\w+)">(.*?)</tr>', table, re.S):
        cells = _cells(body)
        rows[code] = cells
    total = re.search(r'<tr class="total">(.*?)</tr>', table, re.S).group(1)
    rows["total"] = _cells(total)
    return {
        code: {
            "projects": int(number(c[1])),
            "annual_plan": number(c[3]),
            "completed_ytd": number(c[4]),
            "completion_rate": number(c[5]),
            "time_elapsed": number(c[6]),
            "behind_schedule_points": number(c[7]),
        }
        for code, c in rows.items()
    }


def from_admin(client) -> dict:
    page = client.get(reverse("portfolio_admin:rollup"), {"year": 2022, "month": MONTH}).content.decode()
    assert rules.BEHIND_SCHEDULE_LABEL_ZH in page
    rows = {}
    for code, body in re.findall(r'data-category="(\w+)">(.*?)</tr>', page, re.S):
        cells = dict(re.findall(r'<td class="([\w-]+)">(.*?)</td>', body, re.S))
        rows[code] = {
            "projects": int(number(cells["projects"])),
            "annual_plan": number(cells["annual-plan"]),
            "completed_ytd": number(cells["completed"]),
            "completion_rate": number(cells["rate"]),
            "time_elapsed": number(cells["elapsed"]),
            "behind_schedule_points": number(cells["behind"]),
        }
    return rows


def _value(v):
    return None if v is None or v == "" else D(str(v))


def from_workbook(plan_year, names: dict) -> tuple[dict, dict]:
    buffer = io.BytesIO()
    write_schedule(buffer, plan_year=plan_year, month=MONTH)
    book = load_workbook(io.BytesIO(buffer.getvalue()))  # what a user opens; nothing to recalculate:
    assert not [c.coordinate for ws in book.worksheets for r in ws.iter_rows() for c in r if c.data_type == "f"]
    ws = book["分类汇总"]
    assert [c.value for c in ws[3]][-3:] == [
        rules.COMPLETION_RATE_LABEL_ZH,
        rules.TIME_ELAPSED_LABEL_ZH,
        rules.BEHIND_SCHEDULE_LABEL_ZH,
    ]
    summary = {}
    for values in ws.iter_rows(min_row=4, values_only=True):
        code = "total" if values[0] == "合计" else names[values[0]]
        summary[code] = {
            "projects": values[1],
            "annual_plan": _value(values[3]),
            "completed_ytd": _value(values[4]),
            "completion_rate": _value(values[5]),
            "time_elapsed": _value(values[6]),
            "behind_schedule_points": _value(values[7]),
        }
    # The schedule sheet's subtotal lines (「一、重大产业项目（2个）」) and its total line.
    schedule = book["项目计划表"]
    col = {c.key: i for i, c in enumerate(schedule_columns(2022, MONTH))}
    lines = {}
    for values in schedule.iter_rows(min_row=5, values_only=True):
        label = str(values[0] or "")
        match = re.match(r"^.、(.+)（\d+个）$", label)
        if label == "合计" or match:
            code = "total" if label == "合计" else names[match.group(1)]
            lines[code] = {
                "annual_plan": _value(values[col["annual_plan"]]),
                "completed_ytd": _value(values[col["completed_ytd"]]),
                "completion_rate": _value(values[col["completion_rate"]]),
            }
    return summary, lines


def test_every_channel_agrees_with_the_rule_and_with_the_hand_computation(world, plan_year, categories):
    from portfolio.selectors import category_rollup

    names = {c.name: c.code for c in categories}
    expected = by_hand()
    # The hand computation exercises both signs and the empty category.
    assert expected["ecology"]["behind_schedule_points"] < 0 < expected["industry"]["behind_schedule_points"]
    assert expected["livelihood"]["completion_rate"] is None

    rollup = category_rollup(plan_year=plan_year, month=MONTH)
    rule = {r.code or "total": {f: getattr(r, f) for f in FIELDS} for r in [*rollup.rows, rollup.total]}
    assert rule == expected

    wan = {"money": "0.01", "money_scale": D(1)}
    yi = {"money": "0.1", "money_scale": D(10000)}
    assert from_json() == shown(expected, percent="0.01", **wan)
    assert from_table(names) == shown(expected, percent="0.1", **yi)
    leader, admin = Client(), Client()
    leader.force_login(world["leader"])
    admin.force_login(world["admin"])
    assert from_overview(leader) == shown(expected, percent="0.1", **yi)
    assert from_admin(admin) == shown(expected, percent="0.1", **wan)
    summary, lines = from_workbook(plan_year, names)
    assert summary == shown(expected, percent="0.01", **wan)  # the cells hold the figures themselves
    assert lines == {
        code: {k: v for k, v in f.items() if k in ("annual_plan", "completed_ytd", "completion_rate")}
        for code, f in expected.items()
    }


def test_the_sql_rule_agrees_with_the_python_rule_per_project(world, plan_year):
    """The annotations the project list, the admin and the flags use are the Python rule's figures."""
    from projects.selectors import current_period, projects_with_progress

    period = current_period(plan_year, MONTH)
    rows = list(projects_with_progress(period).filter(plan_year=plan_year))
    assert len(rows) == 7
    for p in rows:
        rate = rules.completion_rate(p.completed_ytd, p.annual_plan)
        behind = rules.behind_schedule_points(period.time_elapsed, rate)
        assert p.completion_rate == rate, p.project.code
        assert p.behind_schedule_points == behind, p.project.code
        assert p.flag == rules.warning_level(behind, p.overdue_milestones), p.project.code
