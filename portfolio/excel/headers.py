"""The header vocabulary of county schedules (the layouts are described in docs/schedule-format.md)
and finding the header in a sheet: any order, up to ten rows of title and unit lines above it,
one or two header rows with merged group cells, the money unit (万元/亿元) from the header or the
unit line."""

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from .parsing import TEN_THOUSAND, column_letter, normalize_text

HEADER_SCAN_ROWS = 10

# field → the header texts that name it (compared after normalising: NFKC, no spaces, no unit).
VOCABULARY: dict[str, tuple[str, ...]] = {
    "row_no": ("序号", "编号"),
    "code": ("项目代码", "项目编码", "项目编号", "统一项目代码", "项目统一代码", "代码"),
    "name": ("项目名称", "名称"),
    "category": ("项目类别", "类别", "项目分类", "分类"),
    "stage": ("建设性质", "项目性质", "建设阶段"),
    "scope": ("建设内容及规模", "主要建设内容", "建设规模及内容", "建设内容"),
    "location": ("建设地点", "所在乡镇(街道)", "所在乡镇", "项目地点"),
    "period": ("建设起止年限", "建设年限", "起止年限", "建设期限"),
    "total_investment": ("总投资", "项目总投资", "计划总投资"),
    "government_investment": ("政府性投资", "政府投资"),
    "social_investment": ("社会性投资", "社会投资"),
    "completed_before_year": (
        "至上年底累计完成投资",
        "截至上年底累计完成",
        "截至上年底累计完成投资",
        "至上年底累计完成",
    ),
    "annual_plan": ("年度计划投资", "本年计划投资", "计划投资", "年度计划"),
    "annual_target": ("年度建设目标", "年度目标", "年度形象进度目标"),
    "owner_unit": ("业主单位", "项目业主"),
    "responsible_unit": ("责任单位", "牵头单位"),
    "leader": ("挂钩领导", "联系县领导", "挂钩县领导"),
    "remarks": ("备注",),
    "month": ("填报月份", "报告期", "月份", "填报期"),
    "investment_month": ("本月完成投资", "当月完成投资", "本月完成", "当月完成"),
    "completed_ytd": ("本年累计完成投资", "年度累计完成", "本年累计完成", "年度累计完成投资"),
    "completion_rate": ("完成率", "占年度计划", "年度计划完成率"),
    "physical_percent": ("累计形象进度", "工程进度", "累计工程进度"),
    "physical_narrative": ("形象进度", "进展情况", "形象进度描述", "项目进展情况"),
    "problems": ("存在问题", "困难问题", "存在的问题", "存在困难和问题"),
    "next_month_plan": ("下月计划", "下月工作计划"),
    "percent_drop_reason": ("进度下降原因", "进度回落原因"),
    "status": ("状态", "审核状态"),
}
_LOOKUP = {text: name for name, texts in VOCABULARY.items() for text in texts}
_YTD = re.compile(r"^(\d{4}年)?\d{1,2}[-~—–至到]\d{1,2}月(份)?(累计)?完成(投资)?$")
_UNIT = re.compile(r"[(（\[【]\s*(万元|亿元|%|％)\s*[)）\]】]")
_UNIT_LINE = re.compile(r"单位\s*[:：]?\s*(?:[^\s,，;；]*?[,，;；]\s*)?(亿元|万元)")
_PREFIXES = re.compile(r"^(其中[:：]?|\d{4}年(度)?)")
_SPACE = re.compile(r"\s+")


@dataclass
class Column:
    index: int
    field: str
    header: str
    unit: str = ""  # "万元", "亿元", "%" or "" when the header does not say

    @property
    def letter(self) -> str:
        return column_letter(self.index)


@dataclass
class Header:
    columns: dict[str, Column]
    first_data_row: int  # 0-based index into the sheet's rows
    scale: Decimal = Decimal(1)  # of the sheet's unit line: 1 for 万元, 10000 for 亿元
    title: str = ""
    notes: list[str] = field(default_factory=list)

    def scale_of(self, column: Column) -> Decimal:
        if column.unit == "亿元":
            return TEN_THOUSAND
        if column.unit == "万元":
            return Decimal(1)
        return self.scale


def clean_header(text) -> tuple[str, str]:
    """Header cell → (bare text, unit). '总投资（亿元）' → ('总投资', '亿元')."""
    text = _SPACE.sub("", unicodedata.normalize("NFKC", normalize_text(text)))
    unit = ""
    match = _UNIT.search(text)
    if match:
        unit = "%" if match.group(1) in ("%", "％") else match.group(1)
        text = _UNIT.sub("", text)
    return text, unit


def match_header(text) -> tuple[str | None, str]:
    """Header text → (field or None, unit)."""
    bare, unit = clean_header(text)
    if not bare:
        return None, unit
    for candidate in (bare, _PREFIXES.sub("", bare), _PREFIXES.sub("", _PREFIXES.sub("", bare))):
        if candidate in _LOOKUP:
            name = _LOOKUP[candidate]
            if name == "physical_narrative" and unit == "%":
                name = "physical_percent"
            return name, unit
        if _YTD.match(candidate):
            return "completed_ytd", unit
    return None, unit


def _match_row(cells: list[str]) -> dict[str, Column]:
    found: dict[str, Column] = {}
    for index, text in enumerate(cells):
        name, unit = match_header(text)
        if name and name not in found:
            found[name] = Column(index=index, field=name, header=_SPACE.sub("", normalize_text(text)), unit=unit)
    return found


def _filled(row: list, width: int, merges: list) -> list[str]:
    cells = [normalize_text(v) for v in row] + [""] * (width - len(row))
    return cells[:width]


def detect_header(rows: list[list], merges=(), row_offset: int = 0) -> Header | None:
    """Find the header among the first rows: the one (or two) rows naming the most known
    columns, with a project code or name among them. `merges` are calamine's merged ranges
    ((r0, c0), (r1, c1)) in sheet coordinates; `row_offset` is the sheet row of rows[0]."""
    top = rows[: HEADER_SCAN_ROWS + 1]
    if not top:
        return None
    width = max((len(r) for r in top), default=0)
    grid = [_filled(r, width, merges) for r in top]
    # A merged group cell (其中, 2022年) spreads its text over the columns it covers, so that
    # the row below reads 2022年 + 计划投资.
    for (r0, c0), (r1, c1) in merges or ():
        r0 -= row_offset
        r1 -= row_offset
        if 0 <= r0 < len(grid) and c0 < width:
            text = grid[r0][c0]
            for r in range(r0, min(r1, len(grid) - 1) + 1):
                for c in range(c0, min(c1, width - 1) + 1):
                    if r == r0 and not grid[r][c]:
                        grid[r][c] = text
    best: tuple[int, int, dict, int] | None = None  # (score, -rows, columns, first data row)
    for r in range(min(HEADER_SCAN_ROWS, len(grid))):
        candidates = [(_match_row(grid[r]), r + 1)]
        if r + 1 < len(grid):
            combined = []
            for c in range(width):
                upper, lower = grid[r][c], grid[r + 1][c]
                if lower and upper and lower != upper:
                    name, _ = match_header(lower)
                    combined.append(lower if name else upper + lower)
                else:
                    combined.append(lower or upper)
            candidates.append((_match_row(combined), r + 2))
        for columns, data_row in candidates:
            if "code" not in columns and "name" not in columns:
                continue
            score = len(columns)
            if score >= 2 and (best is None or score > best[0]):
                best = (score, 0, columns, data_row)
    if best is None:
        return None
    columns, data_row = best[2], best[3]
    above = " ".join(" ".join(c for c in row if c) for row in grid[:data_row])
    unit_line = _UNIT_LINE.search(above)  # 单位：亿元; a column's own (万元) overrides it
    scale = TEN_THOUSAND if unit_line and unit_line.group(1) == "亿元" else Decimal(1)
    title = next((c for row in grid[:data_row] for c in row if c), "")
    return Header(columns=columns, first_data_row=data_row, scale=scale, title=title)


# 一、… / （一）… / 第一类… : a category or group line, not a project
_GROUP_ROW = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[)）]|第[一二三四五六七八九十]+类)"
)
_SKIP_WORDS = ("合计", "总计", "小计", "全县合计", "总 计", "合 计")
_NOTE = re.compile(r"^(注|备注|说明|附注)\s*[:：0-9]")


def row_kind(texts: list[str]) -> str:
    """'blank', 'total' (合计/总计/小计 or a category line like 一、重大产业项目（65个）), 'note', or 'data'."""
    nonblank = [t for t in texts if t]
    if not nonblank:
        return "blank"
    first = nonblank[0].replace(" ", "")
    for text in nonblank[:3]:
        bare = text.replace(" ", "").replace("\u3000", "")
        if bare in _SKIP_WORDS or bare.startswith(("合计", "总计", "小计")) or _GROUP_ROW.match(bare):
            return "total"
    if _NOTE.match(first):
        return "note"
    return "data"
