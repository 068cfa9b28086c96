"""The child process that opens an uploaded workbook (`python -m portfolio.excel.sandbox`): the
guards of scanning.py, then calamine for the values, under an address-space and CPU limit. A
native reader that aborts, loops or allocates without bound takes down this child, never a web
worker or the command; reading.py turns its death into a refusal.

Protocol: stdin = 4-byte length + JSON parameters + the file's bytes; stdout = JSON, either
{"sheets": [...]} or {"refused": code, "params": {...}}. No Django is imported here."""

import datetime
import io
import json
import math
import resource
import sys

import python_calamine as calamine

from portfolio.excel.scanning import Limits, Refusal, SheetScan, scan

WORKSHEET = "WorkSheet"


def _encode(value):
    if isinstance(value, datetime.datetime):
        return {"$": "datetime", "v": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"$": "date", "v": value.isoformat()}
    if isinstance(value, datetime.time):
        return {"$": "time", "v": value.isoformat()}
    if isinstance(value, datetime.timedelta):
        return {"$": "timedelta", "v": value.total_seconds()}
    raise TypeError(type(value).__name__)


def _extent(rows: list[list]) -> tuple[int, int]:
    """The last row and column (1-based counts) holding a value."""
    last_row = last_col = 0
    for r, row in enumerate(rows):
        for c in range(len(row) - 1, -1, -1):
            if row[c] not in ("", None):
                last_row = r + 1
                last_col = max(last_col, c + 1)
                break
    return last_row, last_col


def read(data: bytes, params: dict) -> dict:
    limits = Limits(
        max_uncompressed=params["max_uncompressed"], max_rows=params["max_rows"], max_elements=params["max_elements"]
    )
    kind, scans = scan(data, params["ext"], limits)
    try:
        workbook = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except calamine.PasswordError:
        raise Refusal("ENCRYPTED") from None
    sheets = []
    for meta in workbook.sheets_metadata:
        if WORKSHEET not in str(meta.typ):
            continue
        checked: SheetScan | None = scans.get(meta.name)
        if checked is None:
            raise Refusal("NONSTANDARD")  # a sheet the guards did not see
        sheet = workbook.get_sheet_by_name(meta.name)
        if sheet.height > limits.row_limit:
            raise Refusal("TOO_MANY_ROWS", sheet=meta.name, max=limits.max_rows)
        if sheet.width > 200:
            raise Refusal("TOO_MANY_COLUMNS", sheet=meta.name, max=200)
        rows = sheet.to_python(skip_empty_area=False)
        last_row, last_col = _extent(rows)
        if last_row > checked.rows or last_col > checked.columns:
            raise Refusal("NONSTANDARD")  # the reader found values where the guards saw no cell
        sheets.append(
            {
                "name": meta.name,
                "rows": rows[:last_row] if last_row else [],
                "merges": [list(map(list, m)) for m in (sheet.merged_cell_ranges or [])],
                "formula_cells": sorted(checked.formula_cells),
                "percent_cells": sorted(checked.percent_cells),
            }
        )
    if not sheets:
        raise Refusal("NO_SHEETS")
    return {"kind": kind, "sheets": sheets}


def _peak_kb() -> int:
    """This process's peak resident memory since its exec (ru_maxrss would include the parent's
    before the exec)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def main() -> None:
    stdin = sys.stdin.buffer
    size = int.from_bytes(stdin.read(4), "big")
    params = json.loads(stdin.read(size))
    data = stdin.read()
    memory, seconds = params["memory"], max(1, math.ceil(params["cpu_seconds"]))
    # Limits set once the process has started and read its input: anything past them is the file's.
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
    try:
        out = read(data, params)
    except Refusal as exc:
        out = {"refused": exc.code, "params": exc.params}
    except MemoryError:
        out = {"refused": "RESOURCES", "params": {}}
    except BaseException as exc:  # noqa: BLE001 — pyo3's PanicException is a BaseException
        # calamine reports allocation failures as panics ("capacity overflow", "memory allocation")
        text = str(exc).lower()
        out = {"refused": "RESOURCES" if "alloc" in text or "capacity" in text else "DAMAGED", "params": {}}
    out["peak_kb"] = _peak_kb()  # for benchmarks/intake_bench.py
    sys.stdout.buffer.write(json.dumps(out, default=_encode, ensure_ascii=False).encode())


if __name__ == "__main__":
    main()
