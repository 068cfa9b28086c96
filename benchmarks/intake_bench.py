"""Intake benchmark: run with the project's virtualenv python from the repository root,

    .venv/bin/python benchmarks/intake_bench.py [--rows 10000] [--files DIR]

on a temporary SQLite database. It prints:
- for every hostile file of the test corpus (tests/portfolio/excel/corpus.py): the time from bytes
  to refusal (the whole import_preview, child process included), the child's peak resident memory
  and the parent's peak Python allocation;
- the cost of the isolation: reading a small file, the 2022 plan export and a --rows dispatch file
  in the sandbox child (as every import does) vs the same guards and reader called in-process;
- with --files DIR: every file under DIR (e.g. the spreadsheets of calamine's and python-calamine's
  test folders) through import_preview: outcomes counted, exceptions listed, the slowest."""

import argparse
import io
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = Path(tempfile.mkdtemp(prefix="intake-bench-"))
os.environ["DATABASE_URL"] = f"sqlite:///{WORK / 'bench.sqlite3'}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

from portfolio.excel import reading, sandbox  # noqa: E402
from portfolio.excel.importing import import_preview  # noqa: E402
from portfolio.excel.writing import write_schedule  # noqa: E402
from projects.models import PlanYear, User  # noqa: E402
from tests.portfolio.excel import corpus  # noqa: E402


def hostile_files(d: Path, code: str) -> list[Path]:
    d.mkdir(exist_ok=True)
    plain = [
        corpus.hostile_empty,
        corpus.hostile_csv_renamed,
        corpus.hostile_xls_renamed,
        corpus.hostile_encrypted,
        corpus.hostile_xml_bomb,
        corpus.hostile_far_cell,
        corpus.hostile_ods_repeated_rows,
        corpus.hostile_ods_wide_cell,
        corpus.far_cell_attributes_swapped,
        corpus.cells_without_references,
        corpus.huge_shared_string_count,
        corpus.damaged_member,
        corpus.strict_ooxml,
        corpus.relationship_prefix_rebound,
        corpus.doctype_after_comment,
        corpus.doctype_in_utf16_part,
        corpus.whole_grid_dimension,
    ]
    with_code = [
        corpus.prefixed_sheet_with_formula,
        corpus.formula_tag_with_whitespace,
        corpus.duplicate_entries,
        corpus.ods_repeated_formula,
        corpus.xls_with_formula,
    ]
    files = [b(d) for b in plain] + [b(d, code) for b in with_code]
    files.append(corpus.hostile_zip_bomb(d, megabytes=90))
    files.append(corpus.hostile_lying_dimension(d, rows=30000))
    files.append(corpus.too_many_rows(d, rows=25000))
    files.append(corpus.rows_without_references(d, rows=30000))
    for amount in ("1e308", "NaN", "1000000000000"):
        files.append(corpus.values_in_cells(d, code, amount=amount, name=f"value-{amount}.xlsx"))
    return files


def timed(fn):
    tracemalloc.start()
    start = time.perf_counter()
    value = fn()
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return value, seconds, peak


def elapsed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10000)
    parser.add_argument("--files", type=Path, help="also run every file under this directory")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    call_command("loaddata", str(ROOT / "fixtures" / "plan_2022.json"), verbosity=0)
    actor = User.objects.create_superuser("bench", password="x")
    plan_year = PlanYear.objects.get(year=2022)
    code = plan_year.project_years.order_by("project__code").first().project.code

    print(
        f"Refusals (caps: upload {settings.IMPORT_MAX_UPLOAD_BYTES >> 20} MB, unpacked "
        f"{settings.IMPORT_MAX_UNCOMPRESSED_BYTES >> 20} MB, {settings.IMPORT_MAX_ROWS} rows, "
        f"child limited to {settings.IMPORT_READER_MEMORY_BYTES >> 20} MB)"
    )
    print(f"{'file':32} {'KB':>8} {'seconds':>8} {'child MB':>9} {'parent MB':>10}  outcome")
    slowest = (0.0, "")
    peak_child = 0
    for path in hostile_files(WORK / "corpus", code):
        data = path.read_bytes()
        result, seconds, parent_peak = timed(
            lambda data=data, path=path: import_preview(data=data, filename=path.name, actor=actor)
        )
        answer = (
            reading.run_sandbox(data, "." + path.name.rsplit(".", 1)[-1]) if data[:2] in (b"PK", b"\xd0\xcf") else {}
        )
        child = answer.get("peak_kb", 0) / 1024
        peak_child = max(peak_child, child)
        outcome = result.problems[0].message[:40] if result.problems else f"ok {result.counts}"
        print(
            f"{path.name:32} {len(data) / 1024:8.1f} {seconds:8.2f} {child:9.1f} {parent_peak / 2**20:10.1f}  {outcome}"
        )
        slowest = max(slowest, (seconds, path.name))
    print(f"slowest refusal: {slowest[1]} {slowest[0]:.2f} s; peak child memory {peak_child:.0f} MB")

    print("\nIsolation cost (median of 5): child process vs the same guards and reader in-process")
    small = corpus.values_in_cells(WORK, code)
    export = io.BytesIO()
    write_schedule(export, plan_year=plan_year, month=3, dispatch_month=3)
    big = corpus.raw_xlsx(
        WORK / "dispatch.xlsx",
        b"".join(
            corpus.dispatch_sheet_rows(
                [corpus.HEADER]
                + [
                    [f"YY2022-REG-{i % 1000:03d}", "项目名称" * 3, "2022-03", i % 97 + 0.5, i % 100]
                    for i in range(args.rows)
                ]
            )
        ),
    )
    params = {
        "ext": ".xlsx",
        "max_uncompressed": settings.IMPORT_MAX_UNCOMPRESSED_BYTES,
        "max_rows": settings.IMPORT_MAX_ROWS,
        "max_elements": settings.IMPORT_MAX_XML_ELEMENTS,
    }
    print(f"{'file':28} {'child s':>8} {'in-process s':>13} {'cost s':>7} {'child MB':>9}")
    for name, data in (
        ("2-row dispatch", small.read_bytes()),
        ("2022 plan export", export.getvalue()),
        (f"{args.rows}-row dispatch", big.read_bytes()),
    ):
        child = sorted(elapsed(lambda data=data: reading.read_workbook(data, "f.xlsx")) for _ in range(5))[2]
        inproc = sorted(elapsed(lambda data=data: sandbox.read(data, params)) for _ in range(5))[2]
        peak = reading.run_sandbox(data, ".xlsx").get("peak_kb", 0) / 1024
        print(f"{name:28} {child:8.3f} {inproc:13.3f} {child - inproc:7.3f} {peak:9.1f}")
    if args.files:
        outside_files(args.files, actor)


def outside_files(directory: Path, actor) -> None:
    from collections import Counter

    outcomes, times, failures = Counter(), [], []
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        start = time.perf_counter()
        try:
            result = import_preview(data=path.read_bytes(), filename=path.name, actor=actor)
            outcomes[result.problems[0].message[:60] if result.problems else "ok"] += 1
        except BaseException as exc:  # noqa: BLE001 — what the benchmark is looking for
            failures.append(f"{path}: {type(exc).__name__}: {exc}")
        times.append((time.perf_counter() - start, path.name))
    print(
        f"\n{len(times)} files under {directory}; exceptions: {len(failures)}; slowest: "
        f"{max(times)[1]} {max(times)[0]:.2f} s"
    )
    for line in failures:
        print("  ", line)
    for message, n in outcomes.most_common():
        print(f"{n:5}  {message}")


if __name__ == "__main__":
    main()
