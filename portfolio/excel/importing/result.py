"""What an import reports: every row new, changed, unchanged or in error, and every problem."""

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from ..parsing import Problem


@dataclass(slots=True)  # one per row of the file: no per-instance __dict__
class RowPreview:
    sheet: str
    row: int
    kind: str  # "plan" or "dispatch"
    code: str
    name: str = ""
    month: int | None = None
    status: str = "unchanged"  # new / changed / unchanged / error
    changes: list = field(default_factory=list)  # (label, old, new) as text


_LINE = json.JSONEncoder(ensure_ascii=False)  # json.dumps(…, ensure_ascii=False) builds one per call
SHOWN = 200  # rows of each kind an import keeps to show; the rest are counted and fingerprinted
_KINDS = ("error", "new", "changed", "unchanged")


@dataclass
class ImportResult:
    """Rows are handed over one by one (add_row) as they are checked: the result counts them and
    folds each into the fingerprint, and keeps only the first SHOWN of each kind, so a province's
    month (100,000 rows) costs the same memory here as a county's. Every problem is kept (each
    names its sheet, row and column)."""

    filename: str
    rows: list[RowPreview] = field(default_factory=list)  # the kept ones, in file order
    problems: list[Problem] = field(default_factory=list)
    applied: bool = False
    # why the file cannot be a plan adjustment at all (year not adopted, name taken, not allowed):
    # the upload form shows it on its version fields rather than as a row problem
    adjustment_refused: str = ""
    counts: dict = field(default_factory=lambda: dict.fromkeys(_KINDS, 0))
    _digest: Any = field(default_factory=hashlib.sha256, repr=False)

    def add_row(self, row: RowPreview) -> None:
        """One checked row, its status and changes final."""
        self.counts[row.status] += 1
        line = [row.sheet, row.row, row.kind, row.code, row.month, row.status, [list(map(str, c)) for c in row.changes]]
        self._digest.update(_LINE.encode(line).encode() + b"\n")
        if self.counts[row.status] <= SHOWN:
            self.rows.append(row)

    def clear_rows(self) -> None:
        self.rows.clear()
        self.counts = dict.fromkeys(_KINDS, 0)
        self._digest = hashlib.sha256()

    def fingerprint(self) -> str:
        """Every row's place, fate and field changes, as one digest (the kept rows and the rest)."""
        return self._digest.hexdigest()

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def has_changes(self) -> bool:
        return bool(self.counts["new"] or self.counts["changed"])

    @property
    def shown_rows(self) -> list[RowPreview]:
        """The kept rows, errors first, then new, changed and unchanged ones, each in file order."""
        order = {kind: i for i, kind in enumerate(_KINDS)}
        return sorted(self.rows, key=lambda r: order[r.status])

    @property
    def rows_hidden(self) -> int:
        return sum(self.counts.values()) - len(self.rows)
