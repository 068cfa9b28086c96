"""Every page's server time against its floor, at several sizes (issue 12):

    .venv/bin/python benchmarks/pages.py --sizes 165,10000,100000 [--runs 5] [--json]
        [--postgres postgres://postgres@127.0.0.1:5432] [--db 165=bench_scale_165,...]
        [--sorts code,-completed_ytd] [--only overview,list]

Each size has its own database: on PostgreSQL (--postgres) bench_scale_165, bench_scale_10k and
bench_scale (100,000) unless --db says otherwise, else /tmp/bench-scale-<size>.sqlite3. A database
is migrated and filled on first use — the real 2022 plan with its demo reports (`setup_demo
--with-reports`) for 165, benchmarks/scale.py's generator for any other size — and reused while
its project count matches. Each size runs in a child process (one database per process).

For each page, in-process through django.test.Client signed in as the role that uses it (or the
management command through call_command): the median of --runs runs after a warm-up, the number of
queries (CaptureQueriesContext), the response's size, and the ratio of the median to the page's
floor — hand-written SQL (cursor.execute) computing the same result: the category GROUP BY for
the rollups, the same ORDER BY … LIMIT/OFFSET plus the count and footer sums for a list page, every
row the export writes for the export. Pages are measured as first views (the pages' cache emptied
before each run: what a page costs after any write) and, in the last column, as repeat views with
nothing changed (the figures from the cache). Settings: config.settings.test (DEBUG off, as in
production, fast password hashing)."""

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_DB = {165: "bench_scale_165", 10000: "bench_scale_10k", 100000: "bench_scale"}
YEAR = 2022
MONTHS = 9
PER_PAGE = 25

# --- Floors: the SQL a hand-written page would run ------------------------------------------------

PROGRESS_CTE = """
WITH ytd AS (
    SELECT project_year_id, SUM(investment_completed) AS ytd FROM projects_progressreport
    WHERE year = %(year)s AND month <= %(month)s AND status = 'approved' AND is_current
    GROUP BY project_year_id
), od AS (
    SELECT project_year_id, COUNT(*) AS n FROM projects_milestone
    WHERE due_date < %(as_of)s AND (met_on IS NULL OR met_on > %(as_of)s) GROUP BY project_year_id
), op AS (
    SELECT project_id, COUNT(*) AS n FROM dispatch_problem
    WHERE state <> 'raised' AND deadline < %(as_of)s AND (solved_on IS NULL OR solved_on > %(as_of)s)
    GROUP BY project_id
), base AS (
    SELECT py.id, py.project_id, py.category_id, py.stage, py.total_investment, py.government_investment,
           py.social_investment, py.annual_plan, COALESCE(ytd.ytd, 0) AS ytd, COALESCE(od.n, 0) AS od,
           COALESCE(op.n, 0) AS op,
           CASE WHEN py.annual_plan > 0 THEN COALESCE(ytd.ytd, 0) * 100.0 / py.annual_plan END AS rate
    FROM projects_projectyear py
    LEFT JOIN ytd ON ytd.project_year_id = py.id
    LEFT JOIN od ON od.project_year_id = py.id
    LEFT JOIN op ON op.project_id = py.project_id
    WHERE py.plan_year_id = %(plan_year)s
), rows AS (
    SELECT base.*, %(elapsed)s - rate AS behind,
           CASE WHEN %(elapsed)s - rate >= 30 OR od >= 2 OR op >= 2 THEN 2
                WHEN %(elapsed)s - rate >= 10 OR od >= 1 OR op >= 1 THEN 1 ELSE 0 END AS flag
    FROM base
)
"""
ROLLUP_FLOOR = (
    PROGRESS_CTE
    + """
SELECT c.id, c.name, COUNT(rows.id), SUM(total_investment), SUM(government_investment), SUM(social_investment),
       SUM(annual_plan), SUM(ytd), COUNT(*) FILTER (WHERE flag = 0), COUNT(*) FILTER (WHERE flag = 1),
       COUNT(*) FILTER (WHERE flag = 2)
FROM projects_category c LEFT JOIN rows ON rows.category_id = c.id GROUP BY c.id, c.name, c."order" ORDER BY c."order"
"""
)
LATEST_PERCENT = """(SELECT r.physical_percent FROM projects_progressreport r
    WHERE r.project_year_id = rows.id AND r.status = 'approved' AND r.is_current AND r.month <= %(month)s
    ORDER BY r.month DESC LIMIT 1)"""
SORT_SQL = {
    "code": "p.code",
    "name": "p.name",
    "flag": "flag",
    "category": 'c."order", p.code',
    "stage": "rows.stage",
    "responsible_unit": "u.name",
    "location": "p.location",
    "total_investment": "rows.total_investment",
    "annual_plan": "rows.annual_plan",
    "completed_ytd": "ytd",
    "completion_rate": "rate",
    "behind_schedule_points": "behind",
    "latest_percent": "latest_percent",
    "overdue_milestones": "od",
}


def list_floor(order: str, offset: int, where: str = "TRUE") -> list[str]:
    key = order.lstrip("-")
    direction = " DESC" if order.startswith("-") else ""
    keys = ", ".join(part + direction for part in SORT_SQL[key].split(", "))
    page = (
        PROGRESS_CTE
        + f"""SELECT rows.*, p.code, p.name, p.location, u.name, c.name, {LATEST_PERCENT} AS latest_percent
        FROM rows JOIN projects_project p ON p.id = rows.project_id
        JOIN projects_responsibleunit u ON u.id = p.responsible_unit_id
        JOIN projects_category c ON c.id = rows.category_id
        WHERE {where} ORDER BY {keys}, rows.id LIMIT {PER_PAGE} OFFSET {offset}"""
    )
    totals = (
        PROGRESS_CTE
        + f"""SELECT COUNT(*), SUM(rows.total_investment), SUM(rows.government_investment),
        SUM(rows.social_investment),
        SUM(annual_plan), SUM(ytd) FROM rows JOIN projects_project p ON p.id = rows.project_id WHERE {where}"""
    )
    return [page, totals]


MISSING_FLOOR = """
SELECT py.id, p.code, p.name, u.name FROM projects_projectyear py
JOIN projects_project p ON p.id = py.project_id JOIN projects_responsibleunit u ON u.id = p.responsible_unit_id
WHERE py.plan_year_id = %(plan_year)s AND NOT EXISTS (
    SELECT 1 FROM projects_progressreport r WHERE r.project_year_id = py.id AND r.year = %(year)s
    AND r.month = %(missing_month)s AND r.status IN ('submitted', 'approved'))
ORDER BY u.name, p.code
"""
PROJECT_FLOOR = [
    """SELECT p.*, py.* FROM projects_project p JOIN projects_projectyear py ON py.project_id = p.id
    WHERE p.code = %(code)s AND py.plan_year_id = %(plan_year)s""",
    """SELECT r.* FROM projects_progressreport r JOIN projects_projectyear py ON py.id = r.project_year_id
    JOIN projects_project p ON p.id = py.project_id WHERE p.code = %(code)s ORDER BY r.year DESC, r.month""",
    """SELECT m.* FROM projects_milestone m JOIN projects_projectyear py ON py.id = m.project_year_id
    JOIN projects_project p ON p.id = py.project_id WHERE p.code = %(code)s ORDER BY m.due_date, m.id""",
    """SELECT pr.* FROM dispatch_problem pr JOIN projects_project p ON p.id = pr.project_id
    WHERE p.code = %(code)s ORDER BY pr.deadline, pr.id""",
]
PROBLEMS_FLOOR = [
    """SELECT pr.*, p.code, p.name, u.name FROM dispatch_problem pr JOIN projects_project p ON p.id = pr.project_id
    LEFT JOIN projects_responsibleunit u ON u.id = pr.unit_id ORDER BY pr.deadline, pr.id LIMIT 25""",
    "SELECT COUNT(*) FROM dispatch_problem",
]
REVIEW_FLOOR = [
    """SELECT r.*, p.code, p.name FROM projects_progressreport r JOIN projects_projectyear py
    ON py.id = r.project_year_id JOIN projects_project p ON p.id = py.project_id
    WHERE r.status = 'submitted' ORDER BY r.submitted_at, r.id LIMIT 50""",
    """SELECT pr.*, p.name FROM dispatch_problem pr JOIN projects_project p ON p.id = pr.project_id
    WHERE pr.state IN ('raised', 'solved') ORDER BY pr.id LIMIT 50""",
]
RANKINGS_FLOOR = (
    PROGRESS_CTE
    + """SELECT u.id, u.name, COUNT(*), SUM(annual_plan), SUM(ytd), SUM(od), SUM(op)
    FROM rows JOIN projects_project p ON p.id = rows.project_id JOIN projects_responsibleunit u
    ON u.id = p.responsible_unit_id GROUP BY u.id, u.name
    ORDER BY SUM(ytd) * 100.0 / NULLIF(SUM(annual_plan), 0) DESC"""
)
EXPORT_FLOOR = [
    PROGRESS_CTE
    + """SELECT rows.*, p.code, p.name, p.scope, p.location, p.start_year, p.end_year, o.name, u.name, c.name
    FROM rows JOIN projects_project p ON p.id = rows.project_id JOIN projects_ownerunit o ON o.id = p.owner_unit_id
    JOIN projects_responsibleunit u ON u.id = p.responsible_unit_id JOIN projects_category c ON c.id = rows.category_id
    ORDER BY c."order", p.code""",
    """SELECT m.* FROM projects_milestone m JOIN projects_projectyear py ON py.id = m.project_year_id
    WHERE py.plan_year_id = %(plan_year)s ORDER BY m.project_year_id, m.due_date""",
    """SELECT r.project_year_id, r.investment_completed, r.physical_percent, r.physical_narrative, r.problems
    FROM projects_progressreport r JOIN projects_projectyear py ON py.id = r.project_year_id
    WHERE py.plan_year_id = %(plan_year)s AND r.month = %(month)s AND r.is_current""",
]


# --- Measuring -----------------------------------------------------------------------------------


def _median_seconds(fn, runs: int, warm: bool = False) -> float:
    if not warm:
        fn()  # warm-up: caches, the first compile of templates, PostgreSQL's buffers
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
        if times[-1] > 3 and len(times) >= 1:
            break  # a slow page's second run tells nothing new
    return statistics.median(times)


def _floor_seconds(statements, values, runs: int) -> float:
    from django.db import connection

    statements = [statements] if isinstance(statements, str) else statements

    def run():
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql, values)
                cursor.fetchall()

    return _median_seconds(run, runs)


def _measure(name, fn, floor, values, runs) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        size, status = fn()
    count = len(queries)  # now: the log is reset by the next request
    seconds = _median_seconds(fn, runs, warm=True)  # the counted run above was the warm-up
    floor_s = _floor_seconds(floor, values, runs) if floor else None
    repeat = getattr(fn, "repeat", None)
    return {
        "page": name,
        "status": status,
        "ms": round(seconds * 1000, 1),
        "repeat_ms": round(_median_seconds(repeat, runs) * 1000, 1) if repeat else None,
        "queries": count,
        "bytes": size,
        "floor_ms": round(floor_s * 1000, 1) if floor_s else None,
        "ratio": round(seconds / floor_s, 1) if floor_s else None,
    }


def _ensure_data(size: int) -> None:
    from django.core.management import call_command

    from projects.models import ProjectYear

    call_command("migrate", verbosity=0)
    have = ProjectYear.objects.filter(plan_year__year=YEAR).count()
    if have == size:
        return
    if have:
        raise SystemExit(f"This database holds {have} projects in {YEAR}, not {size}: drop it or pick another.")
    started = time.perf_counter()
    if size == 165:
        call_command("setup_demo", "--with-reports", stdout=io.StringIO())
    else:
        import scale

        scale.populate(projects=size, months=MONTHS, year=YEAR)
    print(f"  filled in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def measure_size(size: int, runs: int, only: set | None, sorts: list | None) -> list[dict]:
    from django.conf import settings as django_settings
    from django.core.cache import caches
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from portfolio.tables import ProjectTable
    from projects.models import PlanYear, ProjectYear, User
    from projects.selectors import current_period

    _ensure_data(size)
    plan_year = PlanYear.objects.get(year=YEAR)
    period = current_period(plan_year)
    values = {
        "year": YEAR,
        "month": period.month,
        "as_of": period.as_of,
        "plan_year": plan_year.pk,
        "elapsed": float(period.time_elapsed),
        "missing_month": 10 if period.month < 10 else 1,
    }
    postgres = connection.vendor == "postgresql"
    clients = {}
    for role in ("leader", "reviewer", "admin", "finance"):  # signed in first: no login in the counts
        clients[role] = Client(HTTP_HOST="localhost")
        clients[role].force_login(User.objects.get(username=role))

    def client(role):
        return clients[role]

    def page(role, url):
        # A first view: the pages' cache (portfolio/page_cache.py) is emptied before each run, so
        # the figures are computed and rendered as after any write. `fn.repeat` is the same page
        # viewed again with nothing changed (the fragments from the cache).
        def view():
            response = client(role).get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            return len(body), response.status_code

        def fn():
            caches["pages"].clear()
            return view()

        fn.repeat = view
        return fn

    def command(*args):
        def fn():
            out = io.StringIO()
            call_command(*args, stdout=out)
            return len(out.getvalue()), 0

        return fn

    def export_command():
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as f:
            call_command(
                "export_schedule", f.name, "--year", str(YEAR), "--month", str(period.month), stdout=io.StringIO()
            )
            return os.path.getsize(f.name), 0

    wanted = lambda key: only is None or key in only  # noqa: E731
    results = []

    def add(key, name, fn, floor):
        if wanted(key):
            print(f"  {size}: {name}", file=sys.stderr)
            results.append({"size": size, **_measure(name, fn, floor if postgres else floor, values, runs)})

    rollup_q = f"?year={YEAR}"
    add("overview", "/ (leader)", page("leader", "/"), ROLLUP_FLOOR)
    add("rollup", "admin rollup (admin)", page("admin", reverse("portfolio_admin:rollup") + rollup_q), ROLLUP_FLOOR)
    add("rollup", "rollup --format json", command("rollup", "--year", str(YEAR), "--format", "json"), ROLLUP_FLOOR)
    n = ProjectYear.objects.filter(plan_year=plan_year).count()
    # The last page a list serves: the data's last, or the deepest LIST_MAX_OFFSET allows (a deeper
    # ?page= is a 400, which measures nothing).
    last = max(1, min(-(-n // PER_PAGE), django_settings.LIST_MAX_OFFSET // PER_PAGE))
    columns = [c.name for c in ProjectTable(data=[]).columns if c.orderable]
    orders = sorts or [f"{sign}{c}" for c in columns for sign in ("", "-")]
    for order in orders:
        for number in (1, last):
            url = f"{reverse('portfolio:projects')}?sort={order}&page={number}"
            add(
                "list",
                f"/projects/ sort={order} page={number}",
                page("leader", url),
                list_floor(order, (number - 1) * PER_PAGE),
            )
    missing = reverse("portfolio_admin:missing_reports") + f"?year={YEAR}&month={values['missing_month']}"
    add("missing", f"missing reports month {values['missing_month']}", page("admin", missing), MISSING_FLOOR)
    code = ProjectYear.objects.filter(plan_year=plan_year).order_by("pk").values_list("project__code", flat=True)[0]
    values["code"] = code
    add("project", "project page", page("leader", reverse("portfolio:project", args=[code])), PROJECT_FLOOR)
    add("dispatch", "/problems/ (reviewer)", page("reviewer", reverse("dispatch:problems")), PROBLEMS_FLOOR)
    add("dispatch", "/review/ (reviewer)", page("reviewer", reverse("dispatch:review")), REVIEW_FLOOR)
    add("dispatch", "/rankings/ (leader)", page("leader", reverse("dispatch:rankings")), RANKINGS_FLOOR)
    my_floor = list_floor(
        "code",
        0,
        "p.id IN (SELECT project_id FROM projects_project_leaders l JOIN projects_user "
        "us ON us.id = l.user_id WHERE us.username = 'leader')",
    )
    add("dispatch", "/my/ (leader)", page("leader", reverse("dispatch:my")), my_floor)
    export = reverse("schedules:export") + f"?year={YEAR}&month={period.month}"
    add("export", "export (web, finance)", page("finance", export), EXPORT_FLOOR)
    add("export", "export_schedule command", export_command, EXPORT_FLOOR)
    add("trivial", "/healthz", page("leader", "/healthz"), "SELECT 1")
    # The signed-in trivial view (the session, the user, every middleware): what load.py compares with.
    add("trivial", "/accounts/whoami (leader)", page("leader", reverse("whoami")), "SELECT 1")
    return results


def _child(args) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import django

    django.setup()
    only = set(args.only.split(",")) if args.only else None
    sorts = args.sorts.split(",") if args.sorts else None
    print(json.dumps(measure_size(args.child, args.runs, only, sorts), default=str))
    return 0


def _database_url(args, size: int) -> str:
    if args.postgres:
        names = dict(DEFAULT_DB)
        for item in filter(None, (args.db or "").split(",")):
            k, v = item.split("=")
            names[int(k)] = v
        name = names.get(size, f"bench_scale_{size}")
        subprocess.run(
            ["psql", f"{args.postgres}/postgres", "-qc", f"CREATE DATABASE {name}"], capture_output=True, check=False
        )
        return f"{args.postgres}/{name}"
    return f"sqlite:///{tempfile.gettempdir()}/bench-scale-{size}.sqlite3"


def print_table(results: list[dict]) -> None:
    print(
        f"{'size':>7}  {'page':48} {'ms':>9} {'queries':>7} {'bytes':>10} {'floor ms':>9} {'ratio':>7} {'repeat ms':>9}"
    )
    for r in results:
        floor = "" if r["floor_ms"] is None else f"{r['floor_ms']:.1f}"
        ratio = "" if r["ratio"] is None else f"{r['ratio']:.1f}"
        repeat = "" if r.get("repeat_ms") is None else f"{r['repeat_ms']:.1f}"
        head = f"{r['size']:>7}  {r['page'][:48]:48} {r['ms']:>9.1f}"
        print(f"{head} {r['queries']:>7} {r['bytes']:>10,} {floor:>9} {ratio:>7} {repeat:>9}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="165,10000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--postgres", help="postgres://user@host:port (databases are named per size)")
    parser.add_argument("--db", help="size=name,… overriding the PostgreSQL database names")
    parser.add_argument("--only", help="overview,rollup,list,missing,project,dispatch,export,trivial")
    parser.add_argument("--sorts", help="list sorts to run, e.g. code,-completed_ytd (default: every column both ways)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return _child(args)
    results = []
    for size in (int(s) for s in args.sizes.split(",")):
        env = {**os.environ, "DATABASE_URL": _database_url(args, size)}
        child = [sys.executable, __file__, "--child", str(size), "--runs", str(args.runs)]
        for flag in ("only", "sorts"):
            if getattr(args, flag):
                child.append(f"--{flag}={getattr(args, flag)}")  # "=": a sort may begin with "-"
        done = subprocess.run(child, env=env, stdout=subprocess.PIPE, text=True, check=True)
        results += json.loads(done.stdout.strip().splitlines()[-1])
    if args.json:
        print(json.dumps(results, indent=1))
    else:
        print_table(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
