"""Importing the project plan (by project code) and the monthly dispatch report (by project code
and month) from the workbooks people have: preview first — every row new, changed (field by
field) or unchanged, every problem with its sheet, row and column — then apply all or nothing.

Plan rows go through projects.services.project_create/project_update, one by one (a county has a
few hundred projects); dispatch rows, which come by the thousand, go through projects.bulk, which
applies the same report rules to preloaded data and writes in bulk.

- vocabulary.py: messages, stage words, the fields of each kind of row;
- result.py: what an import reports (ImportResult, RowPreview);
- sheets.py: reading one sheet's rows through the cell parsers;
- plan_rows.py / monthly_rows.py: the two kinds of sheet, read and checked;
- run.py: the whole file, preview or apply."""

from ..parsing import column_letter
from .result import ImportResult, RowPreview
from .run import import_apply, import_preview
from .vocabulary import STAGE_LABELS, STAGE_WORDS, ImportMsg

__all__ = [
    "ImportResult",
    "ImportMsg",
    "RowPreview",
    "STAGE_LABELS",
    "STAGE_WORDS",
    "import_apply",
    "import_preview",
    "column_letter",
]
