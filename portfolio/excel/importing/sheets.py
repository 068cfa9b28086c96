"""Reading a sheet whose header was found: cell by cell through the parsers, formulas refused,
category lines and totals told from project rows."""

import re
from dataclasses import dataclass
from typing import Any

from projects.models import Category

from ..headers import Header, row_kind
from ..parsing import CellError, CellMsg, Problem, is_blank, normalize_text, parse_money, parse_month, parse_percent
from ..reading import Sheet
from .vocabulary import _CODE, DISPATCH_MARKERS, PLAN_MARKERS


@dataclass
class _Cell:
    sheet: Sheet
    header: Header
    row: int  # 0-based

    def problem(self, field_name: str, message, value=None) -> Problem:
        column = self.header.columns.get(field_name)
        return Problem(
            message=str(message),
            sheet=self.sheet.name,
            row=self.row + 1,
            column=column.letter if column else "",
            header=column.header if column else "",
            value="" if value is None else normalize_text(value),
        )


MONTHS_REMEMBERED = 1000  # distinct month texts a sheet's reader keeps parsed


class _SheetReader:
    def __init__(self, sheet: Sheet, header: Header, problems: list):
        self.sheet, self.header, self.problems = sheet, header, problems
        self.fraction_columns = self._fraction_columns()
        self._cell_readers: dict[tuple, Any] = {}  # (field, parser, options) → cell_reader()

    def _fraction_columns(self) -> set:
        """Percent columns holding 0.58 for 58 %: cells formatted as percents are known one by
        one; for the rest, a column whose header does not say (%) and whose every number is
        between 0 and 1, some with decimals, is read as fractions."""
        result = set()
        for name, column in self.header.columns.items():
            if name not in ("physical_percent", "completion_rate") or column.unit == "%":
                continue
            numbers = [
                row[column.index]
                for row in self.sheet.rows[self.header.first_data_row :]
                if column.index < len(row)
                and isinstance(row[column.index], (int, float))
                and not isinstance(row[column.index], bool)
            ]
            if numbers and all(0 <= n <= 1 for n in numbers) and any(not float(n).is_integer() for n in numbers):
                result.add(column.index)
        return result

    def code(self, row: list) -> str:
        """The row's project code with spaces removed; "" when blank."""
        return normalize_text(self.value(row, "code")).replace(" ", "")

    def value(self, row: list, field_name: str):
        column = self.header.columns.get(field_name)
        if column is None or column.index >= len(row):
            return None
        return row[column.index]

    def has(self, field_name: str) -> bool:
        return field_name in self.header.columns

    def read(self, r: int, row: list, field_name: str, parser, **kwargs):
        """Parse one cell; on failure record the problem and return the sentinel ERROR."""
        key = (field_name, parser, *kwargs.items())
        cell_reader = self._cell_readers.get(key)
        if cell_reader is None:
            cell_reader = self._cell_readers[key] = self.cell_reader(field_name, parser, **kwargs)
        return cell_reader(r, row)

    def cell_reader(self, field_name: str, parser, **kwargs):
        """read() of one column as a function of (r, row), with what is the same on every row (the
        column, its unit's scale, whether it holds fractions) worked out once."""
        column = self.header.columns.get(field_name)
        if column is None:
            return lambda r, row: None
        index = column.index
        formula_cells = self.sheet.formula_cells
        if parser is parse_money:
            scale = self.header.scale_of(column)

            def parse(value, r):
                return parse_money(value, scale=scale)
        elif parser is parse_percent:
            percent_cells, fractions = self.sheet.percent_cells, index in self.fraction_columns

            def parse(value, r):
                return parse_percent(value, fraction=(r, index) in percent_cells or fractions)
        elif parser is parse_month:
            # A month column mostly repeats one text ("2022-10") down the sheet: each text is
            # parsed once. Only text (str equality is exact; 1 == 1.0 == True are not the same
            # cell) and only what parsed: a refusal is raised again for every cell.
            months: dict[str, tuple] = {}

            def parse(value, r):
                if isinstance(value, str):
                    period = months.get(value)
                    if period is None:
                        period = parse_month(value)
                        if period is not None and len(months) < MONTHS_REMEMBERED:
                            months[value] = period
                    return period
                return parse_month(value)
        else:

            def parse(value, r):
                return parser(value, **kwargs)

        # a value no parser foresaw: still the cell's problem, never a traceback
        unforeseen = CellMsg.NOT_A_MONTH if parser is parse_month else CellMsg.NOT_A_NUMBER

        def read(r: int, row: list):
            value = row[index] if index < len(row) else None
            if (r, index) in formula_cells:
                shown = "=" if is_blank(value) else value
                self.problems.append(_Cell(self.sheet, self.header, r).problem(field_name, CellMsg.FORMULA, shown))
                return ERROR
            try:
                return parse(value, r)
            except CellError as exc:
                self.problems.append(_Cell(self.sheet, self.header, r).problem(field_name, exc.message, value))
                return ERROR
            except (ArithmeticError, ValueError, TypeError, OverflowError):
                self.problems.append(_Cell(self.sheet, self.header, r).problem(field_name, unforeseen, value))
                return ERROR

        return read

    def data_rows(self):
        """(row index, row, texts) of the rows that may be projects; category lines are handed
        back as ("category", text). A row whose code cell holds a project code is a project row
        whatever else it holds: its other cells are not normalised for that, and its texts are
        None (callers look at texts only for rows without a code)."""
        key_columns = sorted(c.index for c in self.header.columns.values())
        code_index = self.header.columns["code"].index if self.has("code") else None
        name_index = self.header.columns["name"].index if self.has("name") else None
        rows = self.sheet.rows
        for r in range(self.header.first_data_row, len(rows)):
            row = rows[r]
            if code_index is not None and code_index < len(row):
                code = normalize_text(row[code_index])
                if _CODE.match(code.replace(" ", "")):
                    yield r, row, None  # a project code makes it a project row, whatever its name says
                    continue
            texts = [normalize_text(v) for v in row]
            kind = row_kind([texts[i] for i in key_columns if i < len(texts)] or texts)
            if kind == "total":
                yield r, None, " ".join(t for t in texts if t)
                continue
            if kind in ("blank", "note"):
                continue
            code = texts[code_index] if code_index is not None and code_index < len(texts) else ""
            name = texts[name_index] if name_index is not None and name_index < len(texts) else ""
            if not code and not name:
                continue  # a note or a stray figure beside the table
            yield r, row, texts


class _Error:
    def __repr__(self):
        return "ERROR"


ERROR = _Error()


def _sheet_kind(header: Header) -> str | None:
    columns = header.columns
    if "code" not in columns:
        return None
    if any(m in columns for m in DISPATCH_MARKERS) or (
        "physical_percent" in columns and not any(m in columns for m in PLAN_MARKERS)
    ):
        return "dispatch"
    if any(m in columns for m in PLAN_MARKERS):
        return "plan"
    return None


def _category_in(text: str, categories: list[Category]) -> Category | None:
    text = normalize_text(text).replace(" ", "")
    for category in sorted(categories, key=lambda c: -len(c.name)):
        if category.name in text or category.code == text.lower():
            return category
    for category in sorted(categories, key=lambda c: -len(c.name)):
        core = category.name.removeprefix("重大").removesuffix("项目")
        if core and core in text:
            return category
    return None


_NUMBERING = re.compile(
    r"^(?:第?[一二三四五六七八九十\d]+(?:类|部分)?\s*[、.．,，:：)）]?|[（(]\s*[一二三四五六七八九十\d]+\s*[)）])\s*"
)
_COUNT = re.compile(r"[（(]\s*(?:共\s*)?\d+\s*个?(?:项目)?\s*[)）]$|\d+\s*个$")


def heading_category(texts: list[str], categories: list[Category]) -> Category | None:
    """The category a heading row names, in any of the usual forms: 一、重大产业项目（65个）,
    （一）重大产业项目, 一 | | 重大产业项目 (numeral and name in different columns), 第一类 产业项目,
    industry. Only a row that is nothing but a heading: a project row that merely lacks its code
    and whose name mentions 产业 stays a project row (and its missing code a problem)."""
    text = "".join("".join(t.split()) for t in texts if t)
    if not text:
        return None
    bare = _COUNT.sub("", _NUMBERING.sub("", text))
    for category in categories:
        names = {
            category.name,
            category.name.removeprefix("重大"),
            category.name.removesuffix("项目"),
            category.name.removeprefix("重大").removesuffix("项目"),
            category.code.lower(),
        }
        if bare in names or bare.lower() in names:
            return category
    return None
