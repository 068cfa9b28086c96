"""Writing the county's schedule as the offices know it: a title, the unit line, a two-row header
with merged group cells, projects grouped by category in the report's order, each group led by its
subtotal row and the whole by a total row, with SUM formulas so that an edit in Excel recalculates.
Then the category rollup, the milestones and (for a month) the monthly dispatch sheet.

The big sheets are written with openpyxl's write-only mode: rows stream to disk as they come from
a database iterator, so memory does not grow with the number of projects. Each column has one
styled cell that is reused row after row, which keeps the cost per cell close to bare openpyxl.
Text a user typed is always written as a string cell (data_type 's'), so `=HYPERLINK(…)` in a
project name stays text and never becomes a formula."""

from dataclasses import dataclass
from types import MethodType
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.utils.exceptions import IllegalCharacterError
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from portfolio.selectors import category_rollup
from projects.models import Category, Milestone, PlanYear, ProgressReport, ResponsibleUnit
from projects.selectors import project_list

from .importing import STAGE_LABELS

MONEY_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0.00"
CHINESE_NUMERALS = "一二三四五六七八九十"
THIN = Side(style="thin", color="999999")


def _style(name: str, *, number_format="General", bold=False, fill=None, wrap=False, align="left", size=10):
    return NamedStyle(
        name=name,
        number_format=number_format,
        font=Font(name="宋体", size=size, bold=bold),
        fill=PatternFill("solid", fgColor=fill) if fill else PatternFill(),
        border=Border(left=THIN, right=THIN, top=THIN, bottom=THIN),
        alignment=Alignment(horizontal=align, vertical="center", wrap_text=wrap),
    )


STYLES = {
    "title": NamedStyle(name="yy_title", font=Font(name="黑体", size=16, bold=True),
                        alignment=Alignment(horizontal="center", vertical="center")),
    "unit": NamedStyle(name="yy_unit", font=Font(name="宋体", size=10), alignment=Alignment(horizontal="left")),
    "header": _style("yy_header", bold=True, fill="DDEBF7", wrap=True, align="center"),
    "text": _style("yy_text", wrap=True),
    "center": _style("yy_center", align="center"),
    "money": _style("yy_money", number_format=MONEY_FORMAT, align="right"),
    "percent": _style("yy_percent", number_format=PERCENT_FORMAT, align="right"),
    "sub_text": _style("yy_sub_text", bold=True, fill="F2F2F2"),
    "sub_money": _style("yy_sub_money", number_format=MONEY_FORMAT, bold=True, fill="F2F2F2", align="right"),
    "sub_percent": _style("yy_sub_percent", number_format=PERCENT_FORMAT, bold=True, fill="F2F2F2", align="right"),
    "sub_int": _style("yy_sub_int", number_format="0", bold=True, fill="F2F2F2", align="center"),
}


@dataclass(frozen=True)
class Col:
    key: str
    header: str
    group: str = ""  # the merged cell above, when the column sits under a group
    width: float = 12
    kind: str = "text"  # text / center / money / percent


def schedule_columns(year: int, month: int) -> list[Col]:
    y = f"{year}年"
    return [
        Col("row_no", "序号", width=6, kind="center"),
        Col("code", "项目代码", width=24, kind="center"),
        Col("name", "项目名称", width=30),
        Col("stage", "建设性质", width=8, kind="center"),
        Col("scope", "建设内容及规模", width=40),
        Col("location", "建设地点", width=12),
        Col("period", "建设起止年限", width=12, kind="center"),
        Col("total_investment", "总投资", width=14, kind="money"),
        Col("government_investment", "政府性投资", group="其中", width=14, kind="money"),
        Col("social_investment", "社会性投资", group="其中", width=14, kind="money"),
        Col("completed_before_year", "至上年底累计完成投资", width=14, kind="money"),
        Col("annual_plan", "计划投资", group=y, width=14, kind="money"),
        Col("completed_ytd", f"1-{month}月完成", group=y, width=14, kind="money"),
        Col("completion_rate", "完成率（%）", group=y, width=10, kind="percent"),
        Col("latest_percent", "累计形象进度（%）", width=10, kind="percent"),
        Col("annual_target", "年度建设目标", width=30),
        Col("owner_unit", "业主单位", width=20),
        Col("responsible_unit", "责任单位", width=14),
        Col("leader", "挂钩领导", width=10),
        Col("remarks", "备注", width=16),
    ]


class _ColumnCell(Cell):
    """A cell whose style never changes: its style id is looked up once, not once per row
    (openpyxl hashes the style on every write)."""

    __slots__ = ("_style_id",)

    @property
    def style_id(self):
        return self._style_id


class _Row:
    """One reusable styled cell per column: set the value, append, repeat."""

    def __init__(self, ws, styles: list[str]):
        self.cells = []
        for style in styles:
            cell = _ColumnCell(ws)
            cell.style = STYLES[style].name
            cell._style_id = Cell.style_id.fget(cell)
            self.cells.append(cell)

    def values(self, values) -> list:
        out = []
        append = out.append
        for cell, value in zip(self.cells, values):
            if value is None:
                append(None)
            elif value.__class__ is str:
                if not value:
                    append(None)
                    continue
                try:
                    cell.value = value
                except IllegalCharacterError:  # control characters pasted from elsewhere
                    cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
                cell.data_type = "s"  # never a formula, whatever the user typed
                append(cell)
            else:
                cell.value = value
                append(cell)
        return out



def _cells_to_row(self, cells, row_idx):
    """WriteOnlyWorksheet._values_to_row for rows made only of our own cells: openpyxl's version
    first tries each Cell as a value, fails, formats the error (repr of the cell) and catches it —
    a third of the export's time. Ours places the cell and hands it on."""
    for col_idx, cell in enumerate(cells, 1):
        if cell is None:
            continue
        cell.column = col_idx
        cell.row = row_idx
        yield cell


def _fast(ws):
    ws._values_to_row = MethodType(_cells_to_row, ws)
    return ws


def _formula_row(ws, styles: list[str], values: list, *, texts: tuple[int, ...] = ()) -> list:
    """A row whose strings starting with = are our formulas, except at the indexes in `texts`
    (names people typed: always text)."""
    row = []
    for i, (style, value) in enumerate(zip(styles, values)):
        cell = WriteOnlyCell(ws, value=value)
        if isinstance(value, str) and (i in texts or not value.startswith("=")):
            cell.data_type = "s"
        cell.style = STYLES[style].name
        row.append(cell)
    return row


def _setup_sheet(ws, columns: list[Col], *, header_rows: int, first_header_row: int, freeze_col: str = "D"):
    for i, col in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = col.width
    ws.freeze_panes = f"{freeze_col}{first_header_row + header_rows}"
    ws.print_title_rows = f"{first_header_row}:{first_header_row + header_rows - 1}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "8"  # A3
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _title_rows(ws, title: str, unit_line: str, width: int):
    ws.append(_formula_row(ws, ["title"], [title]))
    ws.merged_cells.add(f"A1:{get_column_letter(width)}1")
    ws.append(_formula_row(ws, ["unit"], [unit_line]))
    ws.merged_cells.add(f"A2:{get_column_letter(width)}2")


def _two_row_header(ws, columns: list[Col], top: int):
    """Row `top` carries the group cells (其中, 2022年) and the single-row headers, merged down;
    row `top + 1` the columns under a group."""
    upper, lower = [], []
    i = 0
    while i < len(columns):
        col = columns[i]
        letter = get_column_letter(i + 1)
        if col.group:
            j = i
            while j + 1 < len(columns) and columns[j + 1].group == col.group:
                j += 1
            ws.merged_cells.add(f"{letter}{top}:{get_column_letter(j + 1)}{top}")
            for k in range(i, j + 1):
                upper.append(col.group)
                lower.append(columns[k].header)
            i = j + 1
        else:
            ws.merged_cells.add(f"{letter}{top}:{letter}{top + 1}")
            upper.append(col.header)
            lower.append("")
            i += 1
    ws.append(_formula_row(ws, ["header"] * len(columns), upper))
    ws.append(_formula_row(ws, ["header"] * len(columns), lower))


def _register_styles(wb):
    for style in STYLES.values():
        if style.name not in wb.named_styles:
            wb.add_named_style(style)


def write_schedule(out, *, plan_year: PlanYear, month: int | None = None, projects=None,
                   dispatch_month: int | None = None) -> None:
    """The county's schedule to `out` (a path or a binary file). `projects` narrows it (an office's
    own projects); `dispatch_month` adds that month's dispatch sheet."""
    rollup = category_rollup(plan_year=plan_year, month=month, projects=projects)
    period = rollup.period
    wb = Workbook(write_only=True)
    _register_styles(wb)
    _schedule_sheet(wb, plan_year, period, rollup, projects)
    _rollup_sheet(wb, plan_year, rollup)
    versions = list(plan_year.versions.order_by("ordinal"))
    if len(versions) > 1:  # the plan was adjusted: 调整前 beside 调整后
        before = category_rollup(plan_year=plan_year, month=month, projects=projects, plan_version=versions[0])
        _adjustment_sheet(wb, plan_year, versions, before, rollup)
    _milestone_sheet(wb, plan_year, projects)
    if dispatch_month:
        _dispatch_sheet(wb, plan_year, dispatch_month, projects)
    wb.save(out)


def _schedule_sheet(wb, plan_year, period, rollup, projects):
    ws = _fast(wb.create_sheet("项目计划表"))
    columns = schedule_columns(plan_year.year, period.month)
    width = len(columns)
    _setup_sheet(ws, columns, header_rows=2, first_header_row=3)
    _title_rows(ws, f"{plan_year.title or f'云阳县{plan_year.year}年县级重大项目计划'}（{plan_year.year}年1-{period.month}月）",
                f"单位：万元　　序时进度：{period.time_elapsed}%", width)
    _two_row_header(ws, columns, top=3)
    index = {c.key: i for i, c in enumerate(columns)}
    letters = {c.key: get_column_letter(i + 1) for i, c in enumerate(columns)}
    money_keys = [c.key for c in columns if c.kind == "money"]
    # Rows: 1-2 title, 3-4 header, 5 total, then per category its subtotal line and its projects.
    groups = []
    row_no = 6
    for category_row in rollup.rows:
        first, last = row_no + 1, row_no + category_row.projects
        groups.append((row_no, first, last, category_row))
        row_no = last + 1
    sub_styles = [
        "sub_money" if c.kind == "money" else "sub_percent" if c.kind == "percent" else "sub_text" for c in columns
    ]

    def rate_formula(r):
        plan, done = f"{letters['annual_plan']}{r}", f"{letters['completed_ytd']}{r}"
        return f'=IF({plan}=0,"",ROUND({done}/{plan}*100,2))'

    total = [None] * width
    total[index["row_no"]] = "合计"
    total[index["name"]] = f"共{rollup.total.projects}个项目"
    for key in money_keys:
        cells = ",".join(f"{letters[key]}{g[0]}" for g in groups)
        total[index[key]] = f"=SUM({cells})" if cells else 0
    total[index["completion_rate"]] = rate_formula(5)
    ws.append(_formula_row(ws, sub_styles, total))
    ws.merged_cells.add(f"{letters['row_no']}5:{letters['code']}5")

    row_styles = ["center" if c.kind == "center" else c.kind for c in columns]
    writer = _Row(ws, row_styles)
    # Plain tuples, not model instances: building 100,000 projects with their relations would
    # cost more than writing them.
    qs = project_list(plan_year=plan_year, period=period, qs=projects).select_related(None).values_list(
        "category_id", "project__code", "project__name", "stage", "project__scope", "project__location",
        "project__start_year", "project__end_year",
        "total_investment", "government_investment", "social_investment", "completed_before_year",
        "annual_plan", "completed_ytd", "latest_percent", "annual_target", "project__owner_unit__name",
        "project__responsible_unit__name", "project__leader", "project__remarks",
    )
    iterator = qs.iterator(chunk_size=2000)
    pending = next(iterator, None)
    hundred, cent = Decimal(100), Decimal("0.01")
    for n, (sub_row, first, last, category_row) in enumerate(groups):
        line = [None] * width
        line[index["row_no"]] = f"{CHINESE_NUMERALS[n] if n < 10 else n + 1}、{category_row.name}（{category_row.projects}个）"
        for key in money_keys:
            col = letters[key]
            line[index[key]] = f"=SUM({col}{first}:{col}{last})" if category_row.projects else 0
        line[index["completion_rate"]] = rate_formula(sub_row)
        ws.append(_formula_row(ws, sub_styles, line))
        ws.merged_cells.add(f"{letters['row_no']}{sub_row}:{letters['name']}{sub_row}")
        for i in range(category_row.projects):
            if pending is None or pending[0] != category_row.category.pk:
                raise RuntimeError("project rows changed while the schedule was being written")
            (_cat, code, name, stage, scope, location, start, end, total, government, social, before, plan, done,
             percent, target, owner, unit, leader, remarks) = pending
            rate = (done * hundred / plan).quantize(cent) if plan else None
            ws.append(writer.values((
                i + 1, code, name, STAGE_LABELS.get(stage, stage), scope, location, f"{start}-{end}",
                total, government, social, before, plan, done, rate, percent, target, owner, unit, leader, remarks,
            )))
            pending = next(iterator, None)
    foot = [None] * width
    foot[0] = "注：1. 金额单位为万元；2. 完成投资为审核通过的月度报表之和；3. 小计、合计行为公式，修改项目数据后自动重算。"
    ws.append(_formula_row(ws, ["unit"], foot[:1]))


def _rollup_sheet(wb, plan_year, rollup):
    ws = _fast(wb.create_sheet("分类汇总"))
    m = rollup.period.month
    columns = [
        Col("name", "类别", width=26), Col("projects", "项目数", width=8, kind="center"),
        Col("total", "总投资", width=14, kind="money"), Col("plan", "年度计划投资", width=14, kind="money"),
        Col("done", f"1-{m}月完成投资", width=14, kind="money"), Col("rate", "完成率（%）", width=10, kind="percent"),
        Col("elapsed", "序时进度（%）", width=10, kind="percent"), Col("gap", "差额（百分点）", width=10, kind="percent"),
    ]
    _setup_sheet(ws, columns, header_rows=1, first_header_row=3, freeze_col="B")
    _title_rows(ws, f"{plan_year.year}年1-{m}月县级重大项目分类汇总", "单位：万元", len(columns))
    ws.append(_formula_row(ws, ["header"] * len(columns), [c.header for c in columns]))
    styles = ["text", "center", "money", "money", "money", "percent", "percent", "percent"]
    for r in [*rollup.rows, rollup.total]:
        ws.append(_formula_row(ws, styles if r.category else ["sub_text", "sub_int", "sub_money", "sub_money",
                                                               "sub_money", "sub_percent", "sub_percent",
                                                               "sub_percent"], [
            r.name or "合计", r.projects, r.total_investment, r.annual_plan, r.completed_ytd, r.completion_rate,
            r.time_elapsed, r.gap_points,
        ], texts=(0,)))


def _adjustment_sheet(wb, plan_year, versions, before, after):
    """Per category, the annual plan and completion rate of the adopted version (调整前) and of the
    current one (调整后), against the same completed investment."""
    ws = _fast(wb.create_sheet("计划调整"))
    columns = [
        Col("name", "类别", width=26),
        Col("plan_before", f"调整前年度计划（{versions[0].name}）", width=18, kind="money"),
        Col("rate_before", "调整前完成率（%）", width=12, kind="percent"),
        Col("plan_after", f"调整后年度计划（{versions[-1].name}）", width=18, kind="money"),
        Col("rate_after", "调整后完成率（%）", width=12, kind="percent"),
    ]
    _setup_sheet(ws, columns, header_rows=1, first_header_row=3, freeze_col="B")
    _title_rows(ws, f"{plan_year.year}年县级重大项目计划调整前后对照（1-{after.period.month}月）", "单位：万元",
                len(columns))
    ws.append(_formula_row(ws, ["header"] * len(columns), [c.header for c in columns]))
    for old, new in [*zip(before.rows, after.rows), (before.total, after.total)]:
        styles = ["text", "money", "percent", "money", "percent"] if new.category else [
            "sub_text", "sub_money", "sub_percent", "sub_money", "sub_percent"]
        ws.append(_formula_row(ws, styles, [new.name or "合计", old.annual_plan, old.completion_rate,
                                            new.annual_plan, new.completion_rate], texts=(0,)))


def _milestone_sheet(wb, plan_year, projects):
    ws = _fast(wb.create_sheet("节点目标"))
    columns = [
        Col("code", "项目代码", width=24, kind="center"), Col("name", "项目名称", width=30),
        Col("title", "节点", width=30), Col("kind", "类型", width=8, kind="center"),
        Col("target", "目标进度（%）", width=10, kind="percent"), Col("due", "截止日期", width=12, kind="center"),
        Col("met", "完成日期", width=12, kind="center"),
    ]
    _setup_sheet(ws, columns, header_rows=1, first_header_row=3, freeze_col="C")
    _title_rows(ws, f"{plan_year.year}年县级重大项目节点目标", "", len(columns))
    ws.append(_formula_row(ws, ["header"] * len(columns), [c.header for c in columns]))
    qs = Milestone.objects.filter(project_year__plan_year=plan_year)
    if projects is not None:
        qs = qs.filter(project_year__in=projects)
    writer = _Row(ws, ["center", "text", "text", "center", "percent", "center", "center"])
    for m in qs.select_related("project_year__project").order_by(
        "project_year__category__order", "project_year__project__code", "due_date", "pk"
    ).iterator(chunk_size=2000):
        ws.append(writer.values((
            m.project_year.project.code, m.project_year.project.name, m.title, str(m.get_kind_display()), m.target_percent,
            m.due_date.isoformat(), m.met_on.isoformat() if m.met_on else "",
        )))


def dispatch_columns(month: int) -> list[Col]:
    return [
        Col("row_no", "序号", width=6, kind="center"), Col("code", "项目代码", width=24, kind="center"),
        Col("name", "项目名称", width=30), Col("month", "填报月份", width=10, kind="center"),
        Col("investment_completed", "本月完成投资", width=14, kind="money"),
        Col("ytd", f"1-{month}月完成投资", width=14, kind="money"),
        Col("physical_percent", "累计形象进度（%）", width=10, kind="percent"),
        Col("physical_narrative", "形象进度", width=30), Col("problems", "存在问题", width=24),
        Col("next_month_plan", "下月计划", width=24), Col("percent_drop_reason", "进度下降原因", width=16),
        Col("status", "状态", width=8, kind="center"),
    ]


def _dispatch_sheet(wb, plan_year, month, projects):
    from projects.selectors import Period

    ws = _fast(wb.create_sheet(f"{month}月调度"))
    columns = dispatch_columns(month)
    _setup_sheet(ws, columns, header_rows=1, first_header_row=3)
    _title_rows(ws, f"云阳县{plan_year.year}年{month}月县级重大项目调度表", "单位：万元", len(columns))
    ws.append(_formula_row(ws, ["header"] * len(columns), [c.header for c in columns]))
    period = Period(year=plan_year.year, month=month)
    qs = project_list(plan_year=plan_year, period=period, qs=projects).select_related(None).select_related("project")
    reports = {
        r.project_year_id: r for r in ProgressReport.objects.filter(
            project_year__plan_year=plan_year, year=plan_year.year, month=month, is_current=True
        ).only("project_year_id", *("investment_completed", "physical_percent", "physical_narrative", "problems",
                               "next_month_plan", "percent_drop_reason", "status"))
    }
    writer = _Row(ws, ["center", "center", "text", "center", "money", "money", "percent", "text", "text", "text",
                       "text", "center"])
    for i, p in enumerate(qs.iterator(chunk_size=2000), start=1):
        r = reports.get(p.pk)
        ws.append(writer.values((
            i, p.project.code, p.project.name, f"{plan_year.year}-{month:02d}",
            r.investment_completed if r else None, p.completed_ytd, r.physical_percent if r else None,
            r.physical_narrative if r else "", r.problems if r else "", r.next_month_plan if r else "",
            r.percent_drop_reason if r else "", str(r.get_status_display()) if r else "",
        )))


def write_template(out, *, plan_year: PlanYear | None = None) -> None:
    """A blank plan sheet for offices, with drop-down lists for category, stage and unit."""
    year = plan_year.year if plan_year else 2022
    wb = Workbook()
    ws = wb.active
    ws.title = "项目计划表"
    lists = wb.create_sheet("选项")
    lists.sheet_state = "hidden"
    categories = [c.name for c in Category.objects.order_by("order")]
    stages = list(STAGE_LABELS.values())
    units = [u.name for u in ResponsibleUnit.objects.order_by("name")]
    for col, (title, values) in enumerate((("项目类别", categories), ("建设性质", stages), ("责任单位", units)), 1):
        lists.cell(row=1, column=col, value=title)
        for row, value in enumerate(values, start=2):
            lists.cell(row=row, column=col, value=value).data_type = "s"
    columns = [
        Col("code", "项目代码", width=24), Col("name", "项目名称", width=30), Col("category", "项目类别", width=22),
        Col("stage", "建设性质", width=10), Col("scope", "建设内容及规模", width=40),
        Col("location", "建设地点", width=12), Col("period", "建设起止年限", width=12),
        Col("total_investment", "总投资", width=14, kind="money"),
        Col("government_investment", "政府性投资", width=14, kind="money"),
        Col("social_investment", "社会性投资", width=14, kind="money"),
        Col("completed_before_year", "至上年底累计完成投资", width=14, kind="money"),
        Col("annual_plan", f"{year}年计划投资", width=14, kind="money"),
        Col("annual_target", "年度建设目标", width=30), Col("owner_unit", "业主单位", width=20),
        Col("responsible_unit", "责任单位", width=16), Col("leader", "挂钩领导", width=10),
        Col("remarks", "备注", width=16),
    ]
    _register_styles(wb)
    ws["A1"] = f"云阳县{year}年县级重大项目计划表（填报）"
    ws["A1"].style = STYLES["title"].name
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
    ws["A2"] = "单位：万元"
    for i, col in enumerate(columns, start=1):
        cell = ws.cell(row=3, column=i, value=col.header)
        cell.style = STYLES["header"].name
        ws.column_dimensions[get_column_letter(i)].width = col.width
        if col.kind == "money":
            for r in range(4, 504):
                ws.cell(row=r, column=i).number_format = MONEY_FORMAT
    for col_key, list_col, values in (("category", "A", categories), ("stage", "B", stages),
                                      ("responsible_unit", "C", units)):
        index = next(i for i, c in enumerate(columns, start=1) if c.key == col_key)
        letter = get_column_letter(index)
        dv = DataValidation(type="list", formula1=f"'选项'!${list_col}$2:${list_col}${max(len(values), 1) + 1}",
                            allow_blank=True, showErrorMessage=True)
        dv.error = "请从下拉列表中选择"
        dv.add(f"{letter}4:{letter}503")
        ws.add_data_validation(dv)
    ws.freeze_panes = "C4"
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    wb.save(out)
