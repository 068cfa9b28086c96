"""Province-scale data for benchmarks: an adopted plan year with any number of projects, each with
its row in the plan, two milestones (some overdue), approved current reports for months 1..N with
their workflow events, and problems on the dispatch ledger in every state.

    .venv/bin/python benchmarks/scale.py --projects 100000 --months 9 [--year 2022] [--seed 1]

writes into the database of DATABASE_URL (default: the settings' SQLite db.sqlite3), after
`migrate`. It refuses a database that holds data it did not generate unless --force, and always
refuses a year that already has a plan. On PostgreSQL the rows go in through COPY (psycopg's
`cursor.copy()`), on SQLite through executemany; either way ids are assigned here, so the rows
can refer to each other without reading anything back.

Generated rows get no simple-history rows (the history tables stay empty; a first edit shows no
"before"), and the accounts it creates — admin, reviewer, leader, finance and one office account
per unit, all with the password PASSWORD below — exist only for benchmarks. `populate()` is the
function other benchmarks import; it calls `projects.progress.rebuild()` at the end when that
module exists."""

import argparse
import datetime
import importlib
import importlib.util
import json
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# Marks every generated plan year (PlanYear.source), so a later run can tell generated data from real.
MARK = "benchmarks/scale.py"
PASSWORD = "bench-scale-2022"
TOWNSHIPS = [
    "县城",
    "双江街道",
    "青龙街道",
    "人和街道",
    "盘龙街道",
    "龙角镇",
    "故陵镇",
    "红狮镇",
    "路阳镇",
    "农坝镇",
    "渠马镇",
    "黄石镇",
    "巴阳镇",
    "沙市镇",
    "鱼泉镇",
    "凤鸣镇",
    "宝坪镇",
    "南溪镇",
    "双土镇",
    "桑坪镇",
    "江口镇",
    "高阳镇",
    "平安镇",
    "云阳镇",
    "云安镇",
    "栖霞镇",
    "双龙镇",
    "泥溪镇",
    "蔈草镇",
    "养鹿镇",
    "水口镇",
    "堰坪镇",
    "龙洞镇",
    "后叶镇",
    "耀灵镇",
    "大阳镇",
    "上坝乡",
    "清水土家族乡",
]
NAME_PARTS = (
    ("产业园", "标准厂房", "物流园", "冷链中心", "数据中心"),
    ("乡村振兴示范片", "高标准农田", "柑橘产业基地", "农村公路", "人居环境整治"),
    ("老旧小区改造", "城市道路", "综合管廊", "停车场", "滨江公园"),
    ("水土保持", "污水处理厂", "生态修复", "河道整治", "国土绿化"),
    ("学校", "医院", "养老中心", "体育馆", "保障性住房"),
    ("高速公路", "港口", "铁路站场", "电网改造", "天然气管网"),
)
# (stage, weight); the annual plan's share of the total investment follows the stage below.
STAGES = (("new", 30), ("continuing", 45), ("completing", 10), ("preliminary", 10), ("in_production", 5))
PACES = (1.05, 1.05, 1.05, 0.95, 0.95, 0.8, 0.8, 0.55, 0.3)


def _setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()


def _cents(c: int) -> Decimal:
    return Decimal(c).scaleb(-2)


class _Writer:
    """Inserts plain tuples into one model's table: COPY on PostgreSQL, executemany elsewhere."""

    def __init__(self, connection):
        self.connection = connection
        self.postgres = connection.vendor == "postgresql"

    def next_id(self, model) -> int:
        from django.db.models import Max

        return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1

    def dt(self, value: datetime.datetime):
        return self.connection.ops.adapt_datetimefield_value(value)

    def date(self, value: datetime.date):
        return self.connection.ops.adapt_datefield_value(value)

    def write(self, model, columns: list[str], rows) -> int:
        table = model._meta.db_table
        qn = self.connection.ops.quote_name
        column_sql = ", ".join(qn(c) for c in columns)
        count = 0
        with self.connection.cursor() as cursor:
            if self.postgres:
                with cursor.cursor.copy(f"COPY {qn(table)} ({column_sql}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                        count += 1
            else:
                batch = []
                sql = f"INSERT INTO {qn(table)} ({column_sql}) VALUES ({', '.join(['%s'] * len(columns))})"
                for row in rows:
                    batch.append(row)
                    if len(batch) == 20_000:
                        cursor.executemany(sql, batch)
                        count += len(batch)
                        batch = []
                if batch:
                    cursor.executemany(sql, batch)
                    count += len(batch)
        return count

    def reset_sequences(self, models) -> None:
        from django.core.management.color import no_style

        with self.connection.cursor() as cursor:
            for statement in self.connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)


def _refusal(year: int) -> str | None:
    """Why this database must not receive generated data (None when it may)."""
    from projects.models import PlanYear, Project

    if PlanYear.objects.filter(year=year).exists():
        return f"this database already has a {year} plan; use a fresh database or another --year."
    real_years = PlanYear.objects.exclude(source=MARK)
    if real_years.exists() or Project.objects.exclude(years__plan_year__source=MARK).exists():
        return (
            "this database holds data that benchmarks/scale.py did not generate (plan years: "
            + ", ".join(str(y) for y in real_years.values_list("year", flat=True)[:5])
            + "); generated accounts with a published password would be planted beside it. "
            "Use a fresh database, or --force if you mean it."
        )
    return None


def _categories():
    from projects.models import Category

    fixture = json.loads((ROOT / "fixtures" / "plan_2022.json").read_text(encoding="utf-8"))
    for row in fixture:
        if row["model"] == "projects.category":
            Category.objects.get_or_create(code=row["fields"]["code"], defaults=row["fields"])
    return list(Category.objects.order_by("order"))


def _accounts(writer, units, password_hash: str) -> dict:
    """The four role accounts (made when missing) and one office account per generated unit."""
    from django.utils import timezone

    from projects.models import User
    from projects.roles import Role
    from projects.setup import ensure_role_groups

    groups = ensure_role_groups()
    people = {}
    for name in ("admin", Role.REVIEWER, Role.LEADER, Role.FINANCE):
        user, created = User.objects.get_or_create(
            username=str(name), defaults={"is_staff": True, "is_superuser": name == "admin", "password": password_hash}
        )
        user.groups.add(groups["admin" if name == "admin" else str(name)])
        people[str(name)] = user
    now = writer.dt(timezone.now())
    first = writer.next_id(User)
    writer.write(
        User,
        ["id", "password", "is_superuser", "username", "first_name", "last_name", "email", "is_staff", "is_active"]
        + ["date_joined", "unit_id", "phone"],
        (
            (first + i, password_hash, False, f"office-{code}", "", "", "", True, True, now, unit_id, "")
            for i, (unit_id, code) in enumerate(units)
        ),
    )
    writer.write(
        User.groups.through,
        ["user_id", "group_id"],
        ((first + i, groups[Role.OFFICE].pk) for i in range(len(units))),
    )
    people["offices"] = {unit_id: first + i for i, (unit_id, _code) in enumerate(units)}
    return people


def populate(*, projects: int, months: int, year: int = 2022, seed: int = 1, force: bool = False) -> dict:
    """Generate `projects` projects of an adopted `year` plan with `months` approved monthly reports
    each. Returns what was created (row counts by table, seconds). Runs in one transaction."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction

    from dispatch.models import Problem, ProblemEvent
    from projects.models import (
        CategoryPlan,
        Milestone,
        OwnerUnit,
        PlanVersion,
        PlanYear,
        ProgressReport,
        Project,
        ProjectYear,
        ProjectYearVersion,
        ReportEvent,
        ResponsibleUnit,
        User,
    )

    if projects < 1 or not 0 <= months <= 12:
        raise ValueError("projects ≥ 1 and 0 ≤ months ≤ 12")
    started = time.perf_counter()
    rng = random.Random(seed)
    w = _Writer(connection)
    counts: dict[str, int] = {}
    with transaction.atomic():
        reason = _refusal(year)
        if reason and (not force or PlanYear.objects.filter(year=year).exists()):
            raise RuntimeError("Refusing to generate: " + reason)
        categories = _categories()
        tz = datetime.UTC

        # Units, owners, accounts.
        n_units = max(1, projects // 100)
        first_unit = w.next_id(ResponsibleUnit)
        tag = f"{year}-{seed}"
        units = [(first_unit + i, f"gen{tag}-{i + 1:04d}") for i in range(n_units)]
        counts["units"] = w.write(
            ResponsibleUnit,
            ["id", "name", "code", "contact_person", "contact_phone"],
            (
                (uid, f"生成责任单位{tag}-{i + 1:04d}", code, f"联系人{i + 1:04d}", f"023-55{i % 100000:05d}")
                for i, (uid, code) in enumerate(units)
            ),
        )
        n_owners = max(1, projects // 20)
        first_owner = w.next_id(OwnerUnit)
        counts["owner_units"] = w.write(
            OwnerUnit, ["id", "name"], ((first_owner + i, f"生成业主单位{tag}-{i + 1:05d}") for i in range(n_owners))
        )
        people = _accounts(w, units, make_password(PASSWORD))
        counts["office_accounts"] = len(units)
        reviewer, leader = people["reviewer"].pk, people["leader"].pk

        # The plan year and its adopted version (totals filled in once the rows are known).
        plan_year = PlanYear.objects.create(
            year=year,
            title=f"{year}年县级重大项目计划（生成数据）",
            status="adopted",
            source=MARK,
            reporting_month=months or None,
            declared_projects=projects,
            declared_total_investment=0,
            declared_annual_plan=0,
            declared_government_investment=0,
            declared_social_investment=0,
        )
        version = PlanVersion.objects.create(
            plan_year=plan_year, name="年初计划", kind="adopted", date=datetime.date(year, 1, 1), ordinal=1
        )

        # Projects and their rows in the plan, amounts in cents (integers) until written.
        first_project = w.next_id(Project)
        first_py = w.next_id(ProjectYear)
        stage_names = [s for s, _ in STAGES]
        stage_weights = [n for _, n in STAGES]
        rows = []  # per project: (category index, stage, total, gov, social, before, plan, unit id)
        for i in range(projects):
            c = rng.randrange(len(categories))
            stage = rng.choices(stage_names, stage_weights)[0]
            total = int(10 ** rng.uniform(2.5, 6.0)) * 100 + rng.randrange(100)  # 300 万元 to 1,000,000 万元
            gov = int(total * rng.random())
            before = int(total * rng.uniform(0.1, 0.6)) if stage in ("continuing", "completing") else 0
            share = 0.05 if stage == "preliminary" else rng.uniform(0.15, 0.5)
            plan = min(total - before, int(total * share))
            rows.append((c, stage, total, gov, total - gov, before, plan, units[i % n_units][0]))
        counts["projects"] = w.write(
            Project,
            ["id", "code", "name", "scope", "location", "start_year", "end_year", "owner_unit_id"]
            + ["responsible_unit_id", "total_investment", "government_investment", "social_investment"]
            + ["source", "source_note", "remarks", "version"],
            (
                (
                    first_project + i,
                    f"{year}-999999-{c + 1:02d}-01-{first_project + i:06d}",
                    f"{TOWNSHIPS[i % len(TOWNSHIPS)]}{NAME_PARTS[c][i % 5]}{i + 1}号项目",
                    f"建设{NAME_PARTS[c][i % 5]}及配套设施",
                    TOWNSHIPS[i % len(TOWNSHIPS)],
                    year - (1 if stage in ("continuing", "completing") else 0),
                    year + (0 if stage == "completing" else 2),
                    first_owner + i % n_owners,
                    unit,
                    _cents(total),
                    _cents(gov),
                    _cents(social),
                    "entered",
                    MARK,
                    "",
                    1,
                )
                for i, (c, stage, total, gov, social, before, plan, unit) in enumerate(rows)
            ),
        )
        counts["project_years"] = w.write(
            ProjectYear,
            ["id", "project_id", "plan_year_id", "category_id", "stage", "total_investment"]
            + ["government_investment", "social_investment", "completed_before_year", "annual_plan"]
            + ["annual_target", "plan_version_id", "version"],
            (
                (
                    first_py + i,
                    first_project + i,
                    plan_year.pk,
                    categories[c].pk,
                    stage,
                    _cents(total),
                    _cents(gov),
                    _cents(social),
                    _cents(before),
                    _cents(plan),
                    f"完成年度投资{_cents(plan)}万元",
                    version.pk,
                    1,
                )
                for i, (c, stage, total, gov, social, before, plan, unit) in enumerate(rows)
            ),
        )
        first_pyv = w.next_id(ProjectYearVersion)
        counts["project_year_versions"] = w.write(
            ProjectYearVersion,
            ["id", "plan_version_id", "project_year_id", "annual_plan", "annual_target"],
            (
                (first_pyv + i, version.pk, first_py + i, _cents(row[6]), f"完成年度投资{_cents(row[6])}万元")
                for i, row in enumerate(rows)
            ),
        )
        # Leaders follow a few projects (their 「我的项目」 page).
        counts["leader_links"] = w.write(
            Project.leaders.through,
            ["project_id", "user_id"],
            ((first_project + i, leader) for i in range(0, projects, max(1, projects // 30))),
        )

        # Milestones: the year's percent target at year end, and an event within the year — a
        # third of the events due before the reporting month are unmet, so overdue.
        first_ms = w.next_id(Milestone)

        def milestones():
            year_end = w.date(datetime.date(year, 12, 31))
            for i in range(projects):
                py = first_py + i
                target = Decimal(rng.randint(20, 100))
                yield (
                    first_ms + 2 * i,
                    py,
                    "percent",
                    "",
                    "完成年度形象进度",
                    year_end,
                    target,
                    None,
                    "",
                    "",
                    None,
                    "",
                    1,
                )
                month = rng.randint(1, 12)
                due = datetime.date(year, month, 28)
                met = None if rng.random() < 0.33 or month > months else w.date(due - datetime.timedelta(days=3))
                yield (first_ms + 2 * i + 1, py, "event", "start", "开工", w.date(due), None, None, "", "", met, "", 1)

        counts["milestones"] = w.write(
            Milestone,
            ["id", "project_year_id", "kind", "event", "title", "due_date", "target_percent", "baseline_percent"]
            + ["baseline_note", "quantity", "met_on", "source_note", "version"],
            milestones(),
        )

        # Approved current reports for months 1..months, each with its IMPORT and APPROVE events.
        first_report = w.next_id(ProgressReport)
        stamps = {
            m: (
                w.dt(datetime.datetime(year, m, 28, 2, 0, tzinfo=tz)),
                w.dt(datetime.datetime(year + m // 12, m % 12 + 1, 3, 2, 0, tzinfo=tz)),
            )
            for m in range(1, 13)
        }
        cent = Decimal("0.01")
        cumulative = [Decimal(0)] * projects

        def reports():
            rid = first_report
            for i, (_c, _stage, _total, _gov, _social, _before, plan, unit) in enumerate(rows):
                office = people["offices"][unit]
                pace = rng.choice(PACES)
                percent = rng.randint(0, 30)
                monthly = Decimal(plan) * Decimal(pace) / 1200
                for m in range(1, months + 1):
                    amount = (monthly * Decimal(rng.randint(80, 120)) / 100).quantize(cent)
                    percent = min(100, percent + rng.randint(0, 8))
                    cumulative[i] += amount
                    created, reviewed = stamps[m]
                    yield (
                        rid,
                        first_py + i,
                        year,
                        m,
                        1,
                        True,
                        amount,
                        Decimal(percent),
                        f"按计划推进，本月完成投资{amount}万元",
                        "",
                        "继续推进主体施工",
                        "",
                        "approved",
                        office,
                        created,
                        office,
                        created,
                        reviewer,
                        reviewed,
                        "",
                        1,
                    )
                    rid += 1

        counts["reports"] = w.write(
            ProgressReport,
            ["id", "project_year_id", "year", "month", "revision", "is_current", "investment_completed"]
            + ["physical_percent", "physical_narrative", "problems", "next_month_plan", "percent_drop_reason"]
            + ["status", "created_by_id", "created_at", "submitted_by_id", "submitted_at", "reviewed_by_id"]
            + ["reviewed_at", "review_comment", "version"],
            reports(),
        )
        first_event = w.next_id(ReportEvent)

        def events():
            eid = first_event
            for i, row in enumerate(rows):
                office = people["offices"][row[7]]
                for m in range(1, months + 1):
                    rid = first_report + i * months + m - 1
                    created, reviewed = stamps[m]
                    yield (eid, rid, "import", office, created, "", "submitted", MARK)
                    yield (eid + 1, rid, "approve", reviewer, reviewed, "submitted", "approved", "")
                    eid += 2

        counts["report_events"] = w.write(
            ReportEvent,
            ["id", "report_id", "action", "actor_id", "at", "from_status", "to_status", "comment"],
            events(),
        )

        # Problems: one per ten projects, in every state; half the handed-out ones past their deadline.
        as_of = datetime.date(year, months or 1, 28)
        first_problem = w.next_id(Problem)
        problem_rows = []
        for n, i in enumerate(range(0, projects, 10)):
            state = ("raised", "assigned", "assigned", "in_progress", "solved", "closed")[n % 6]
            unit = rows[i][7]
            handed = state != "raised"
            deadline = as_of + datetime.timedelta(days=rng.choice((-40, -10, 15, 45))) if handed else None
            solved = state in ("solved", "closed")
            problem_rows.append(
                (
                    first_problem + n,
                    first_project + i,
                    None,
                    ("land", "funding", "approval", "demolition", "construction", "other")[n % 6],
                    "征地拆迁进度滞后，影响主体施工",
                    unit if handed else None,
                    leader if handed else None,
                    w.date(deadline) if deadline else None,
                    state,
                    "已协调解决" if solved else "",
                    w.date(as_of - datetime.timedelta(days=5)) if solved else None,
                    w.date(as_of) if state == "closed" else None,
                    people["offices"][unit],
                    stamps[max(1, months)][0],
                    1,
                )
            )
        counts["problems"] = w.write(
            Problem,
            ["id", "project_id", "report_id", "type", "description", "unit_id", "leader_id", "deadline", "state"]
            + ["resolution", "solved_on", "closed_on", "raised_by_id", "raised_at", "version"],
            problem_rows,
        )
        first_pe = w.next_id(ProblemEvent)
        counts["problem_events"] = w.write(
            ProblemEvent,
            ["id", "problem_id", "action", "actor_id", "at", "from_state", "to_state", "comment"],
            ((first_pe + n, p[0], "raise", p[12], p[13], "", "raised", MARK) for n, p in enumerate(problem_rows)),
        )

        # The declared totals are the generated rows' own, so the reconciliation checks agree.
        for k, category in enumerate(categories):
            mine = [r for r in rows if r[0] == k]
            CategoryPlan.objects.create(
                plan_year=plan_year,
                category=category,
                declared_projects=len(mine),
                declared_total_investment=_cents(sum(r[2] for r in mine)),
                declared_annual_plan=_cents(sum(r[6] for r in mine)),
            )
        PlanYear.objects.filter(pk=plan_year.pk).update(
            declared_total_investment=_cents(sum(r[2] for r in rows)),
            declared_annual_plan=_cents(sum(r[6] for r in rows)),
            declared_government_investment=_cents(sum(r[3] for r in rows)),
            declared_social_investment=_cents(sum(r[4] for r in rows)),
        )
        if w.postgres:
            w.reset_sequences(
                [ResponsibleUnit, OwnerUnit, User, Project, ProjectYear, ProjectYearVersion, Milestone]
                + [ProgressReport, ReportEvent, Problem, ProblemEvent, Project.leaders.through, User.groups.through]
            )
        counts["generated_seconds"] = round(time.perf_counter() - started, 1)
        if importlib.util.find_spec("projects.progress") is not None:
            importlib.import_module("projects.progress").rebuild()
            counts["progress_rebuilt_seconds"] = round(time.perf_counter() - started - counts["generated_seconds"], 1)
    if w.postgres:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    counts["seconds"] = round(time.perf_counter() - started, 1)
    return counts


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--projects", type=int, required=True)
    parser.add_argument("--months", type=int, default=9, help="approved months 1..N (default 9)")
    parser.add_argument("--year", type=int, default=2022)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--force", action="store_true", help="generate beside data this script did not make")
    args = parser.parse_args(argv)
    _setup_django()
    from django.core.management import call_command
    from django.db import connection

    print(f"Database: {connection.vendor} {connection.settings_dict['NAME']}")
    call_command("migrate", verbosity=0)
    try:
        counts = populate(projects=args.projects, months=args.months, year=args.year, seed=args.seed, force=args.force)
    except RuntimeError as refusal:
        print(refusal, file=sys.stderr)
        return 2
    for name, value in counts.items():
        print(f"  {name:24} {value:>12,}" if isinstance(value, int) else f"  {name:24} {value:>12}")
    print(f"Sign in as admin/reviewer/leader/finance or office-<unit code> with the password {PASSWORD}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
