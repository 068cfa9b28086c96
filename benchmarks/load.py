"""Load test (issue 12): gunicorn as production runs it, 16 signed-in users, the page mix against a
trivial view.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_scale_165 \\
        .venv/bin/python benchmarks/load.py [--seconds 60] [--users 16] [--workers 2]

starts `gunicorn -c config/gunicorn.py config.wsgi` (WEB_CONCURRENCY=--workers) on a free port with
the production settings (a throw-away secret key; `collectstatic` first, as a deployment does),
signs the users in (sessions made in this process with django.test.Client.force_login and stored
in the database the workers read — no password needed, so any generated or demo database works),
then runs, each user in its own thread over keep-alive http.client connections, keeping the cookies
the site sets as their browser would (the CSRF cookie of the pages' forms):

1. the page mix — the overview `/`, the project list (page 1 in the default order and a few
   sorts) and a project page the user may see — for --seconds;
2. the trivial signed-in view, /accounts/whoami, the same way, for --seconds;
3. the health endpoint, /healthz, the same way, for --seconds.

Two trivial views, because they answer different questions. Issue 12 compares the pages with "a
trivial view": what a request costs before the page does anything. /accounts/whoami is that for a
signed-in user — it goes through every middleware the pages go through (security, CSP, sessions,
language, CSRF, auth, the idle-session refresh, messages, history, axes), reads the session row and
the user as every page does, and answers a few bytes of JSON; it is a view a client uses (is my
session alive?), not one made for the benchmark. /healthz never reads the session or the user (it
is for load balancers, signed out), so it is a harsher floor: it shows what the session and user
reads themselves cost. The ratio the issue asks for is mix / whoami; mix / healthz is printed too.

The pages' cache (portfolio/page_cache.py) starts empty each run: the first view of each page and
scope in the mix is rendered in full (`--page-cache shared`, the default: one folder the workers
share, as production runs it; `memory`: each worker its own).

Prints req/s, p50, p95 and errors for each, and both ratios. `--threads N` sets gunicorn's threads
per worker (GUNICORN_THREADS; else config/gunicorn.py's default; 1 = the sync worker). The users:
leader, reviewer, finance, admin and office accounts of the data's units."""

import argparse
import http.client
import http.cookies
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SORTS = ("", "?sort=-completed_ytd", "?sort=flag", "?sort=name")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _sessions(users: int) -> list[tuple[str, str, list[str]]]:
    """(username, session cookie, project codes the user may see) for up to `users` accounts."""
    from django.conf import settings
    from django.test import Client

    from projects.models import User
    from projects.permissions import visible_project_years
    from projects.selectors import default_plan_year

    plan_year = default_plan_year()
    names = ["leader", "reviewer", "finance", "admin"]
    offices = User.objects.filter(username__startswith="office-", unit__isnull=False).order_by("username")
    names += list(offices.values_list("username", flat=True)[: max(0, users - len(names))])
    out = []
    for name in names[:users]:
        user = User.objects.get(username=name)
        client = Client()
        client.force_login(user)
        codes = list(
            visible_project_years(user)
            .filter(plan_year=plan_year)
            .order_by("?")
            .values_list("project__code", flat=True)[:50]
        )
        out.append((name, client.cookies[settings.SESSION_COOKIE_NAME].value, codes))
    return out


def _run(port: int, sessions, seconds: float, paths_for) -> dict:
    from django.conf import settings

    deadline = time.monotonic() + seconds
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def user(name, cookie, codes, seed):
        rng = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        # The user's cookie jar, as their browser keeps it: the session, then whatever the pages set
        # (the CSRF cookie of their forms).
        jar = {settings.SESSION_COOKIE_NAME: cookie}
        headers = {
            "Host": "127.0.0.1",
            "X-Forwarded-Proto": "https",  # as behind the TLS proxy (SECURE_SSL_REDIRECT)
        }
        mine, bad = [], []
        while time.monotonic() < deadline:
            path = paths_for(rng, codes)
            started = time.monotonic()
            try:
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in jar.items())
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                for header in response.headers.get_all("Set-Cookie") or ():
                    for name, morsel in http.cookies.SimpleCookie(header).items():
                        jar[name] = morsel.value
                if response.status != 200:
                    bad.append(f"{name} {path} {response.status}")
            except (OSError, http.client.HTTPException) as exc:
                bad.append(f"{name} {path} {exc!r}")
                conn.close()
            mine.append(time.monotonic() - started)
        conn.close()
        with lock:
            latencies.extend(mine)
            errors.extend(bad)

    threads = [threading.Thread(target=user, args=(*s, n)) for n, s in enumerate(sessions)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    return {
        "requests": len(latencies),
        "req_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
        "p95_ms": round(latencies[int(len(latencies) * 0.95)] * 1000, 1) if latencies else None,
        "errors": len(errors),
        "first_errors": errors[:5],
    }


def mix(rng, codes) -> str:
    choice = rng.random()
    if choice < 0.4:
        return "/"
    if choice < 0.7 or not codes:
        return "/projects/" + rng.choice(SORTS)
    return f"/projects/{rng.choice(codes)}/"


def whoami(rng, codes) -> str:
    return "/accounts/whoami"


def healthz(rng, codes) -> str:
    return "/healthz"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=None, help="threads per worker (GUNICORN_THREADS)")
    parser.add_argument("--settings", default="config.settings.production")
    parser.add_argument(
        "--page-cache",
        choices=("shared", "memory"),
        default="shared",
        help="the pages' cache: a folder the workers share (DJANGO_PAGE_CACHE_DIR, as the README's production "
        "section runs it; a fresh one each run) or each worker's memory",
    )
    args = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL"):
        print("Set DATABASE_URL to the database to load (PostgreSQL, as production).", file=sys.stderr)
        return 2
    os.environ["DJANGO_SETTINGS_MODULE"] = args.settings
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(60))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("collectstatic", "--noinput", verbosity=0)
    sessions = _sessions(args.users)
    port = _free_port()
    env = {**os.environ, "WEB_CONCURRENCY": str(args.workers), "GUNICORN_BIND": f"127.0.0.1:{port}"}
    cache_dir = tempfile.TemporaryDirectory(prefix="page-cache-")
    if args.page_cache == "shared":
        env["DJANGO_PAGE_CACHE_DIR"] = cache_dir.name
    else:
        env.pop("DJANGO_PAGE_CACHE_DIR", None)
    if args.threads is not None:
        env["GUNICORN_THREADS"] = str(args.threads)
    (ROOT / "benchmarks" / "out").mkdir(exist_ok=True)
    log = open(ROOT / "benchmarks" / "out" / "gunicorn-load.log", "w")  # noqa: SIM115 (closed below)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        threads = f" x {env.get('GUNICORN_THREADS', 'default')} threads"
        print(
            f"gunicorn (pid {server.pid}), {args.workers} workers{threads}, pages' cache {args.page_cache}, "
            f"{len(sessions)} users, "
            f"{args.seconds:.0f} s each; load average {os.getloadavg()[0]:.1f}"
        )
        _run(port, sessions, 3, mix)  # warm-up: imports, template compile, connections
        results = {
            "mix": _run(port, sessions, args.seconds, mix),
            "whoami": _run(port, sessions, args.seconds, whoami),
            "healthz": _run(port, sessions, args.seconds, healthz),
        }
    finally:
        server.terminate()
        server.wait(30)
        log.close()
        cache_dir.cleanup()
    for name, r in results.items():
        print(
            f"  {name:8} {r['req_s']:>7} req/s  p50 {r['p50_ms']} ms  p95 {r['p95_ms']} ms  "
            f"errors {r['errors']} of {r['requests']}"
        )
        for e in r["first_errors"]:
            print("     ", e)
    for trivial in ("whoami", "healthz"):
        ratio = results["mix"]["req_s"] / results[trivial]["req_s"] if results[trivial]["req_s"] else 0
        print(f"  mix / {trivial}: {ratio:.2f}")
    print(f"  load average after: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
