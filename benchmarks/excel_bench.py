"""Spreadsheet benchmark: run with the project's virtualenv python from the repository root,

    .venv/bin/python benchmarks/excel_bench.py [--import-rows 10000 100000] [--export-rows 100000]

on a temporary SQLite database, or on the PostgreSQL database DATABASE_URL names (the first run
generates 100,000 projects × 9 approved months there with benchmarks/scale.py). It prints:
- importing a 10,000-row (and a 100,000-row) month into that database: the floor (a bare read
  and one COPY into a scratch table), on PostgreSQL the bound (the floor's read, then a report,
  its history row and its event per row COPYed straight into their tables, constraints checked
  at COMMIT: the least an import keeping those guarantees can do), our importer, and
  django-import-export on the same file and model, default and tuned, in rows/s and peak memory;
- reading that file: openpyxl (read-only, with defusedxml) vs python-calamine, in rows/s;
- exporting the schedule of 100,000 projects (XlsxWriter, constant memory, styled cells, all four
  sheets) vs bare openpyxl write-only writing the same project and milestone cells unstyled, and
  the peak Python memory of the export at two sizes (it should not grow with the rows); ours
  includes the database query, the bare run gets the same values handed to it;
- how long each hostile file of the test corpus takes to be refused, and the peak memory."""

import argparse
import io
import os
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# Children (one per measured run, so each has its own peak memory) share the parent's work folder.
WORK = Path(os.environ.get("EXCEL_BENCH_WORK") or tempfile.mkdtemp(prefix="excel-bench-"))
os.environ["EXCEL_BENCH_WORK"] = str(WORK)
os.environ.setdefault("DATABASE_URL", f"sqlite:///{WORK / 'bench.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from openpyxl import Workbook, load_workbook  # noqa: E402

from projects.models import (  # noqa: E402
    OwnerUnit,
    PlanYear,
    PlanYearStatus,
    ProgressReport,
    Project,
    ProjectYear,
    ReportEvent,
    ResponsibleUnit,
    Stage,
    User,
)
from projects.roles import Role  # noqa: E402


def code(i: int) -> str:
    return f"2022-500235-48-01-{i:06d}"


def setup_db(n_projects: int):
    call_command("migrate", verbosity=0)
    from tests.factories import categories

    cats = categories()
    plan_year, _ = PlanYear.objects.get_or_create(
        year=2022,
        defaults={
            "title": "云阳县2022年县级重大项目计划",
            "status": PlanYearStatus.ADOPTED,
            "declared_projects": 0,
            "declared_total_investment": 0,
            "declared_annual_plan": 0,
            "declared_government_investment": 0,
            "declared_social_investment": 0,
            "reporting_month": 9,
        },
    )
    unit, _ = ResponsibleUnit.objects.get_or_create(code="jtj", defaults={"name": "县交通局"})
    owner, _ = OwnerUnit.objects.get_or_create(name="云阳县城投公司")
    admin, _ = User.objects.get_or_create(username="bench-admin", defaults={"is_superuser": True, "is_staff": True})
    # 挂钩领导: one leader account linked to every project, so the export writes its name.
    zhang, _ = User.objects.get_or_create(username="bench-leader", defaults={"last_name": "张", "first_name": "三"})
    zhang.groups.add(Group.objects.get_or_create(name=Role.LEADER)[0])
    existing = Project.objects.count()
    money = {
        "total_investment": Decimal("10000.50"),
        "government_investment": Decimal("6000.25"),
        "social_investment": Decimal("4000.25"),
    }
    for start in range(existing, n_projects, 5000):
        projects = Project.objects.bulk_create(
            Project(
                code=code(i),
                name=f"基准项目{i}",
                scope="道路及配套工程",
                location="双江街道",
                start_year=2021,
                end_year=2024,
                owner_unit=owner,
                responsible_unit=unit,
                **money,
            )
            for i in range(start, min(start + 5000, n_projects))
        )
        if projects and projects[0].pk is None:  # backends that do not return ids
            projects = list(Project.objects.filter(code__in=[p.code for p in projects]).order_by("pk"))
        Project.leaders.through.objects.bulk_create(
            Project.leaders.through(project_id=p.pk, user_id=zhang.pk) for p in projects
        )
        ProjectYear.objects.bulk_create(
            ProjectYear(
                project=p,
                plan_year=plan_year,
                category=cats[i % 6],
                stage=Stage.CONTINUING,
                completed_before_year=Decimal("1000.00"),
                annual_plan=Decimal("2400.00"),
                annual_target="完成主体工程",
                **money,
            )
            for i, p in enumerate(projects, start=start)
        )
    return plan_year, admin


def dispatch_file(path: Path, n: int) -> Path:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("9月调度")
    ws.append(["云阳县2022年9月县级重大项目调度表"])
    ws.append(["单位：万元"])
    ws.append(["项目代码", "项目名称", "填报月份", "本月完成投资", "累计形象进度（%）", "形象进度"])
    for i in range(n):
        ws.append(
            [code(i), f"基准项目{i}", "2022-09", float(Decimal("123.45") + i % 100), float(30 + i % 50), "主体施工中"]
        )
    wb.save(path)
    return path


def clear_reports():
    ReportEvent.objects.all().delete()
    ProgressReport.history.all().delete()
    ProgressReport.objects.all().delete()


YEAR, MONTH = 2022, 10  # the province database holds approved reports for months 1..9


def province_db(projects: int, months: int):
    """The 100,000-project database (benchmarks/scale.py), generated once per database."""
    from benchmarks.scale import populate

    call_command("migrate", verbosity=0)
    if not PlanYear.objects.filter(year=YEAR).exists():
        started = time.perf_counter()
        counts = populate(projects=projects, months=months, year=YEAR)
        print(f"generated {projects:,} projects × {months} approved months in {time.perf_counter() - started:.0f} s")
        print("  " + ", ".join(f"{k} {v:,}" for k, v in counts.items() if isinstance(v, int)))
    admin, _ = User.objects.get_or_create(username="bench-admin", defaults={"is_superuser": True, "is_staff": True})
    return admin


def month_file(path: Path, n: int) -> Path:
    """Month 10 for the first n projects: new reports, each percent at or above the last approved."""
    last = (
        ProgressReport.objects.filter(year=YEAR, month=MONTH - 1, is_current=True)
        .order_by("project_year_id")
        .values_list("project_year__project__code", "physical_percent")[:n]
    )
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("10月调度")
    ws.append([f"云阳县{YEAR}年{MONTH}月县级重大项目调度表"])
    ws.append(["单位：万元"])
    ws.append(["项目代码", "项目名称", "填报月份", "本月完成投资", "累计形象进度（%）", "形象进度"])
    rows = 0
    for i, (project_code, percent) in enumerate(last):
        ws.append(
            [project_code, "", f"{YEAR}-{MONTH:02d}", float(Decimal("123.45") + i % 100), float(min(100, percent + 1))]
            + ["主体施工中"]
        )
        rows += 1
    assert rows == n, f"the database has {rows:,} projects with month {MONTH - 1}; {n:,} asked"
    wb.save(path)
    return path


def clear_month():
    """Undo a run: the month's reports, their history and events (the summary is untouched by drafts)."""
    reports, events = ProgressReport._meta.db_table, ReportEvent._meta.db_table
    history = ProgressReport.history.model._meta.db_table
    where, period = "year = %s AND month = %s", [YEAR, MONTH]
    with connection.cursor() as cursor:  # plain DELETEs: the ORM's cascade collects 100,000 rows first
        cursor.execute(f"DELETE FROM {events} WHERE report_id IN (SELECT id FROM {reports} WHERE {where})", period)
        cursor.execute(f"DELETE FROM {history} WHERE {where}", period)
        cursor.execute(f"DELETE FROM {reports} WHERE {where}", period)


def run_ours(path: Path, admin) -> dict:
    from portfolio.excel.importing import import_apply
    from projects import progress

    refresh, spent = progress.refresh, [0.0]

    def timed_refresh(ids):
        start = time.perf_counter()
        refresh(ids)
        spent[0] += time.perf_counter() - start

    progress.refresh = timed_refresh  # our own function, wrapped to say what the summary costs
    data = path.read_bytes()
    start = time.perf_counter()
    result = import_apply(data=data, filename=path.name, actor=admin)
    elapsed = time.perf_counter() - start
    assert result.applied, [str(p) for p in result.problems[:5]]
    # What refreshing the summary of every project-year the file wrote to would cost (the import
    # refreshes only those whose summary it can change: none here, every row is a new draft).
    touched = ProgressReport.objects.filter(year=YEAR, month=MONTH).values_list("project_year_id", flat=True)
    start = time.perf_counter()
    refresh(list(touched))
    return {"seconds": elapsed, "summary_seconds": spent[0], "full_summary_seconds": time.perf_counter() - start}


def _dataset(path: Path):
    import tablib

    wb = load_workbook(path, read_only=True)
    rows = list(wb.worksheets[0].iter_rows(min_row=3, values_only=True))  # tablib wants the header first
    dataset = tablib.Dataset(*rows[1:], headers=list(rows[0]))
    months = dataset["填报月份"]
    dataset.append_col([int(m.split("-")[0]) for m in months], header="year")
    dataset.append_col([int(m.split("-")[1]) for m in months], header="month")
    return dataset


def run_peer(path: Path, admin, *, tuned: bool) -> dict:
    """django-import-export 4.4 on the same file and model: a plain ModelResource, or tuned as its
    documentation's "bulk imports" advice says (use_bulk, skip_diff, force_init_instance, and the
    foreign key looked up in a dict loaded once instead of one query per row)."""
    from import_export import fields, resources
    from import_export.widgets import ForeignKeyWidget

    class CachedProjectYear(ForeignKeyWidget):
        def __init__(self):
            super().__init__(ProjectYear, "project__code")
            self.cache = None

        def clean(self, value, row=None, **kwargs):
            if self.cache is None:
                self.cache = dict(ProjectYear.objects.filter(plan_year__year=YEAR).values_list("project__code", "pk"))
            return ProjectYear(pk=self.cache[value])

    widget = CachedProjectYear() if tuned else ForeignKeyWidget(ProjectYear, "project__code")

    class ReportResource(resources.ModelResource):
        project_year = fields.Field(attribute="project_year", column_name="项目代码", widget=widget)
        investment_completed = fields.Field(attribute="investment_completed", column_name="本月完成投资")
        physical_percent = fields.Field(attribute="physical_percent", column_name="累计形象进度（%）")
        physical_narrative = fields.Field(attribute="physical_narrative", column_name="形象进度")
        year = fields.Field(attribute="year", column_name="year")
        month = fields.Field(attribute="month", column_name="month")

        class Meta:
            model = ProgressReport
            fields = ("project_year", "year", "month", "investment_completed", "physical_percent", "physical_narrative")
            import_id_fields = ("project_year", "year", "month")
            use_bulk = tuned
            skip_diff = tuned
            force_init_instance = tuned
            batch_size = 2000

    start = time.perf_counter()
    dataset = _dataset(path)
    result = ReportResource().import_data(dataset, dry_run=False, use_transactions=True, raise_errors=True)
    elapsed = time.perf_counter() - start
    assert not result.has_errors()
    return {"seconds": elapsed}


def run_floor(path: Path) -> dict:
    """The floor: a bare read of the file (calamine) and one COPY of its rows into a scratch table
    (executemany on SQLite), nothing checked."""
    import python_calamine

    start = time.perf_counter()
    sheet = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    rows = [(r[0], YEAR, MONTH, Decimal(str(r[3])), Decimal(str(r[4])), r[5]) for r in sheet[3:]]
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_floor (code varchar(40), year int, month int, amount numeric(14, 2),"
            " percent numeric(5, 2), narrative text)"
        )
        if connection.vendor == "postgresql":
            with cursor.cursor.copy("COPY bench_floor FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany("INSERT INTO bench_floor VALUES (%s, %s, %s, %s, %s, %s)", rows)
        cursor.execute("DROP TABLE bench_floor")
    return {"seconds": time.perf_counter() - start}


def run_bound(path: Path, admin) -> dict:
    """The least an import keeping the issue's guarantees must do (PostgreSQL): the floor's bare
    read, the one lookup of the codes' rows in the plan, and a COPY straight into each table it
    must write — a report, its history row and its event per row, with the tables' real indexes
    and constraints (checked at COMMIT, which is timed) — nothing checked, no staging, no guard.
    No importer keeping those guarantees can be faster; ours does this and everything else."""
    import python_calamine
    from django.db import transaction
    from django.utils import timezone

    from projects.models import ReportAction, ReportStatus

    start = time.perf_counter()
    sheet = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    rows = [(r[0], Decimal(str(r[3])), Decimal(str(r[4])), r[5]) for r in sheet[3:]]
    now = timezone.now()
    reports, history, events = ProgressReport._meta, ProgressReport.history.model._meta, ReportEvent._meta
    q = connection.ops.quote_name
    plan_rows, projects, plans = ProjectYear._meta.db_table, Project._meta.db_table, PlanYear._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"SELECT p.code, y.id FROM {q(plan_rows)} y JOIN {q(projects)} p ON p.id = y.project_id"
            f" JOIN {q(plans)} py ON py.id = y.plan_year_id WHERE py.year = %s AND p.code = ANY(%s)",
            [YEAR, [r[0] for r in rows]],
        )
        plan_row = dict(cursor.fetchall())
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [reports.db_table, len(rows)],
        )
        ids = [pk for (pk,) in cursor.fetchall()]
        own = {"history_date": now, "history_user_id": admin.pk, "history_change_reason": "bound", "history_type": "+"}
        report_fields = list(reports.concrete_fields)
        history_fields = [f for f in history.concrete_fields if not f.primary_key]
        stored = []
        for pk, (project_code, amount, percent, narrative) in zip(ids, rows, strict=True):
            values = {
                "id": pk,
                "project_year_id": plan_row[project_code],
                "year": YEAR,
                "month": MONTH,
                "investment_completed": amount,
                "physical_percent": percent,
                "physical_narrative": narrative,
                "created_by_id": admin.pk,
                "created_at": now,
            }
            stored.append([values[f.attname] if f.attname in values else f.get_default() for f in report_fields])
        with cursor.copy(
            f"COPY {q(reports.db_table)} ({', '.join(q(f.column) for f in report_fields)}) FROM STDIN"
        ) as copy:
            for row in stored:
                copy.write_row(row)
        at = {f.attname: i for i, f in enumerate(report_fields)}
        with cursor.copy(
            f"COPY {q(history.db_table)} ({', '.join(q(f.column) for f in history_fields)}) FROM STDIN"
        ) as copy:
            for row in stored:
                copy.write_row([own[f.attname] if f.attname in own else row[at[f.attname]] for f in history_fields])
        columns = ("report_id", "action", "actor_id", "at", "from_status", "to_status", "comment")
        with cursor.copy(f"COPY {q(events.db_table)} ({', '.join(map(q, columns))}) FROM STDIN") as copy:
            for pk in ids:
                copy.write_row((pk, ReportAction.IMPORT.value, admin.pk, now, "", ReportStatus.DRAFT.value, "bound"))
    return {"seconds": time.perf_counter() - start}


def _peak_rss_mb() -> float:
    """This process's peak resident memory since its exec (VmHWM): ru_maxrss would start from the
    parent's peak, which Linux carries across exec."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def child(kind: str, path: Path, trace: bool) -> None:
    """One measured run in this process; prints its figures as JSON on the last line."""
    import json

    from django.conf import settings

    # The cap (config/settings/base.py IMPORT_MAX_ROWS, 150,000) holds a province month; a
    # lower local setting is raised for the benchmark's largest file.
    settings.IMPORT_MAX_ROWS = max(settings.IMPORT_MAX_ROWS, 110_000)
    admin = User.objects.get(username="bench-admin")
    from portfolio.excel import reading

    run_sandbox, sandbox_peak = reading.run_sandbox, [0]

    def measured_sandbox(data, ext):
        answer = run_sandbox(data, ext)
        sandbox_peak[0] = max(sandbox_peak[0], answer.get("peak_kb", 0))
        return answer

    reading.run_sandbox = measured_sandbox  # our own function, wrapped to read the child's peak
    if trace:
        tracemalloc.start()
    if kind == "ours":
        figures = run_ours(path, admin)
    elif kind == "floor":
        figures = run_floor(path)
    elif kind == "bound":
        figures = run_bound(path, admin)
    else:
        figures = run_peer(path, admin, tuned=kind == "tuned")
    if trace:
        figures["traced_mb"] = tracemalloc.get_traced_memory()[1] / 1024 / 1024
        tracemalloc.stop()
    figures["rss_mb"] = _peak_rss_mb()
    figures["child_rss_mb"] = sandbox_peak[0] / 1024  # the sandbox's own, as it reports it
    if kind != "floor":
        figures["written"] = ProgressReport.objects.filter(year=YEAR, month=MONTH).count()
        clear_month()
    print(json.dumps(figures))


def measure(kind: str, path: Path, *, trace: bool = False) -> dict:
    import json
    import subprocess

    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, "--file", str(path), *(["--trace"] if trace else [])],
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode:
        raise RuntimeError(f"{kind} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench_import(args) -> None:
    admin = province_db(args.projects, args.months)
    assert admin
    load = os.getloadavg()
    print(f"machine load (1/5/15 min): {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; {os.cpu_count()} cores")
    for n in args.import_rows:
        path = month_file(WORK / f"month-{n}.xlsx", n)
        size = path.stat().st_size / 1024
        print(f"\n== Importing a {n:,}-row month ({size:,.0f} KB) into {args.projects:,} projects ==")
        bound = ["bound"] if connection.vendor == "postgresql" else []
        kinds = ["floor", *bound, "ours"] + (args.peers.split(",") if n <= args.peer_rows else [])
        print(f"machine load (1/5/15 min): {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
        labels = {
            "floor": "floor (read + one COPY)" if connection.vendor == "postgresql" else "floor (read + insert)",
            "bound": "bound (read, COPY report+history+event)",
            "ours": "ours (sandbox read, checks, write)",
            "tuned": "django-import-export, tuned",
            "default": "django-import-export, default",
        }
        runs = {}
        for kind in kinds:  # each printed as it ends: the default peer takes minutes
            r = runs[kind] = measure(kind, path)
            assert kind == "floor" or r["written"] == n, (kind, r)
            line = f"{labels[kind]:40s} {r['seconds']:7.2f} s {n / r['seconds']:9,.0f} rows/s"
            if kind == "floor":
                ratio = ""
            elif kind in ("ours", "bound"):
                ratio = f"{r['seconds'] / runs['floor']['seconds']:5.2f}x the floor's time"
            else:
                ratio = f"ours {r['seconds'] / runs['ours']['seconds']:5.1f}x faster"
            print(f"{line}  {ratio:26s} RSS {r['rss_mb']:5.0f} MB, child {r['child_rss_mb']:4.0f} MB", flush=True)
        ours = runs["ours"]
        if "bound" in runs and "tuned" in runs:
            print(
                f"  the issue's targets: at most {runs['tuned']['seconds'] / 10:.2f} s (10x the tuned peer) and"
                f" {runs['floor']['seconds'] * 2:.2f} s (2x the floor); the bound alone takes"
                f" {runs['bound']['seconds']:.2f} s",
                flush=True,
            )
        print(
            f"  of ours, the progress summary (progress.refresh): {ours['summary_seconds']:.2f} s;"
            f" refreshing every project-year the file touched would add {ours['full_summary_seconds']:.2f} s",
            flush=True,
        )
        if n > args.trace_rows:
            rss, child_rss = ours["rss_mb"], ours["child_rss_mb"]
            print(f"  peak memory of ours: process RSS {rss:.0f} MB, sandbox child RSS {child_rss:.0f} MB")
            continue
        traced = measure("ours", path, trace=True)
        print(
            f"  peak memory of ours: tracemalloc {traced['traced_mb']:.0f} MB (a run of its own: tracing is slow),"
            f" process RSS {ours['rss_mb']:.0f} MB, sandbox child RSS {ours['child_rss_mb']:.0f} MB",
            flush=True,
        )


def bench_read(path: Path) -> tuple[float, float, int]:
    import python_calamine

    start = time.perf_counter()
    wb = load_workbook(path, read_only=True)
    n1 = sum(1 for _ in wb.active.iter_rows(values_only=True))
    openpyxl_s = time.perf_counter() - start
    start = time.perf_counter()
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    n2 = len(book.get_sheet_by_index(0).to_python(skip_empty_area=False))
    calamine_s = time.perf_counter() - start
    assert n1 == n2
    return openpyxl_s, calamine_s, n1


def bench_export(plan_year, n: int) -> dict:
    from portfolio.excel.writing import milestone_rows, schedule_columns, write_schedule
    from projects.selectors import current_period, project_list

    out = WORK / "export.xlsx"
    start = time.perf_counter()
    write_schedule(str(out), plan_year=plan_year, month=9)
    ours = time.perf_counter() - start
    # Bare openpyxl, write-only, the same cells (values fetched beforehand, not timed).
    period = current_period(plan_year, 9)
    rows = []
    for y in (
        project_list(plan_year=plan_year, period=period)
        .select_related(None)
        .select_related("project__owner_unit", "project__responsible_unit")
        .iterator(chunk_size=2000)
    ):
        p = y.project
        rows.append(
            (
                1,
                p.code,
                p.name,
                "续建",
                p.scope,
                p.location,
                f"{p.start_year}-{p.end_year}",
                y.total_investment,
                y.government_investment,
                y.social_investment,
                y.completed_before_year,
                y.annual_plan,
                y.completed_ytd,
                y.completion_rate,
                y.latest_percent,
                y.annual_target,
                p.owner_unit.name,
                p.responsible_unit.name,
                "张三",  # 挂钩领导, as the real writer joins the linked accounts' names
                p.remarks,
            )
        )
    assert len(rows) == n and len(rows[0]) == len(schedule_columns(2022, 9))
    # The milestones sheet's cells too (a schedule writes every milestone of the year: two a
    # project in the generated data), as our writer's own sheet has them.
    milestones = list(milestone_rows(plan_year))
    start = time.perf_counter()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("bare")
    for row in rows:
        ws.append(row)
    ws = wb.create_sheet("bare milestones")
    for row in milestones:
        ws.append(row)
    wb.save(str(WORK / "bare.xlsx"))
    bare = time.perf_counter() - start
    return {"ours": ours, "bare": bare, "milestones": len(milestones)}


def export_peak(plan_year, limit: int) -> float:
    from portfolio.excel.writing import write_schedule

    projects = ProjectYear.objects.filter(pk__in=ProjectYear.objects.order_by("pk").values("pk")[:limit])
    tracemalloc.start()
    write_schedule(str(WORK / f"peak-{limit}.xlsx"), plan_year=plan_year, month=9, projects=projects)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1024 / 1024


def _sub(d: Path, name: str) -> Path:
    (d / name).mkdir()
    return d / name


def bench_hostile(admin) -> list[tuple[str, float, float, str]]:
    from django.conf import settings

    from portfolio.excel.importing import import_preview
    from tests.portfolio.excel import corpus

    d = WORK / "hostile"
    d.mkdir()
    buffer = io.BytesIO()
    wb = Workbook()
    wb.active.append(["项目代码"])
    wb.save(buffer)
    cases = [
        ("0-byte file", corpus.hostile_empty(d)),
        ("CSV renamed .xlsx", corpus.hostile_csv_renamed(d)),
        (".xls renamed .xlsx", corpus.hostile_xls_renamed(d)),
        ("truncated zip", corpus.hostile_truncated(d, buffer.getvalue())),
        ("password-protected", corpus.hostile_encrypted(d)),
        ("XML bomb (billion laughs)", corpus.hostile_xml_bomb(d)),
        ("zip bomb, 120 MB sheet (over the cap)", corpus.hostile_zip_bomb(_sub(d, "a"), megabytes=120)),
        ("zip bomb, 60 MB sheet (ratio)", corpus.hostile_zip_bomb(_sub(d, "b"), megabytes=60)),
        ("lying dimension, 25,000 rows", corpus.hostile_lying_dimension(d, rows=25000)),
        ("dimension A1:XFD1048576 + far cell", corpus.hostile_far_cell(d)),
        (
            f"rows over the cap ({settings.IMPORT_MAX_ROWS:,})",
            corpus.too_many_rows(d, rows=settings.IMPORT_MAX_ROWS + 100),
        ),
        ("formula in a data cell", corpus.formula_in_cell(d, code(0))),
    ]
    out = []
    for label, path in cases:
        data = path.read_bytes()
        start = time.perf_counter()
        result = import_preview(data=data, filename=path.name, actor=admin)
        elapsed = time.perf_counter() - start
        tracemalloc.start()  # a second run for the memory: tracing slows Python down several times
        import_preview(data=data, filename=path.name, actor=admin)
        _c, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert not result.ok, label
        out.append((f"{label} ({len(data) / 1024:,.0f} KB)", elapsed, peak / 1024 / 1024, str(result.problems[0])))
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000, help="rows of the file read and of the hostile cases")
    parser.add_argument("--import-rows", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--trace-rows", type=int, default=100_000, help="largest file run again under tracemalloc")
    parser.add_argument("--peer-rows", type=int, default=10_000, help="largest file the peers import")
    parser.add_argument("--peers", default="tuned,default", help="tuned,default (the default one takes minutes)")
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--months", type=int, default=9)
    parser.add_argument("--export-rows", type=int, default=100_000)
    parser.add_argument("--sections", default="import,read", help="import,read,hostile,export")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child, Path(args.file), args.trace)
    sections = args.sections.split(",")
    print(f"{connection.vendor} {connection.settings_dict['NAME']}; work folder {WORK}")
    if "import" in sections:
        bench_import(args)
    n = args.rows
    if "read" in sections:
        path = dispatch_file(WORK / "dispatch.xlsx", n)
        print(f"\n== Reading a {n:,}-row file ==")
        o, c, rows = bench_read(path)
        print(f"openpyxl read-only (defusedxml):  {o:7.2f} s  {rows / o:9,.0f} rows/s")
        print(f"python-calamine:                  {c:7.2f} s  {rows / c:9,.0f} rows/s   ({o / c:.1f}x)")
    if {"hostile", "export"} & set(sections):
        if "import" in sections:
            print("\n(hostile files and the export run on a database of their own: --sections hostile,export)")
            return
        plan_year, admin = setup_db(n)
        if "hostile" in sections:
            print("\n== Hostile files (import preview, the whole path) ==")
            for label, elapsed, peak, message in bench_hostile(admin):
                print(f"{label:48s} {elapsed * 1000:8.1f} ms  peak {peak:6.1f} MB  {message[:70]}")
        if "export" in sections:
            export(args, plan_year)


def export(args, plan_year):
    # The plan already holds --rows projects (the hostile files' set-up): the export writes them all.
    m = max(args.export_rows, ProjectYear.objects.filter(plan_year=plan_year).count())
    setup_db(m)
    print(f"\n== Exporting the schedule of {m:,} projects ==")
    result = bench_export(plan_year, m)
    print(f"ours (query + write_schedule):    {result['ours']:7.2f} s")
    print(
        f"bare openpyxl write-only:         {result['bare']:7.2f} s   ratio {result['ours'] / result['bare']:.2f}"
        f"   (the same project and {result['milestones']:,} milestone cells, unstyled, values handed to it)"
    )
    small, large = export_peak(plan_year, m // 10), export_peak(plan_year, m)
    print(f"peak Python memory of the export: {small:6.1f} MB at {m // 10:,} rows, {large:6.1f} MB at {m:,} rows")


if __name__ == "__main__":
    main()
