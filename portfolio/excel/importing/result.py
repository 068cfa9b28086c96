"""What an import reports: every row new, changed, unchanged or in error, and every problem."""

from dataclasses import dataclass, field

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


@dataclass
class ImportResult:
    filename: str
    rows: list[RowPreview] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    applied: bool = False
    # why the file cannot be a plan adjustment at all (year not adopted, name taken, not allowed):
    # the upload form shows it on its version fields rather than as a row problem
    adjustment_refused: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def counts(self) -> dict:
        counts = {"new": 0, "changed": 0, "unchanged": 0, "error": 0}
        for row in self.rows:
            counts[row.status] += 1
        return counts

    @property
    def has_changes(self) -> bool:
        return any(row.status in ("new", "changed") for row in self.rows)
