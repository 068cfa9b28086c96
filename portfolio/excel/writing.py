"""Writing the county's schedule as the offices know it: a title, the unit line, a two-row header
with merged group cells, projects grouped by category in the report's order, each group led by its
subtotal row and the whole by a total row. Then the category rollup, the milestones and (for a
month) the monthly dispatch sheet; and the blank template offices fill in.

Written with XlsxWriter, through its public API only. Its constant-memory mode streams each row to
disk as it comes from a database iterator, so memory does not grow with the number of projects, and
it writes 100,000 projects faster than bare openpyxl write-only (benchmarks/excel_bench.py).

Figures are values, not formulas: subtotals, totals, completion rates and points behind 序时进度 are
the rollup's (projects.rules), so the workbook a user opens shows exactly what the pages and the
`rollup` command show, in any spreadsheet program, recalculated or not.

No text becomes a formula: every text cell is written with write_string (a string cell, whatever it
starts with: =, +, -, @), and the workbook is opened with strings_to_formulas and strings_to_urls
off, so even a merged cell's text stays text."""

import re
import time
from dataclasses import dataclass

import xlsxwriter
from django.db.models import FilteredRelation, Q
from django.utils import translation

from dispatch.excel import COLUMNS as PROBLEM_COLUMNS
from dispatch.excel import SHEET_TITLE as PROBLEM_SHEET_TITLE
from dispatch.excel import problem_row
from dispatch.models import Problem, ProblemState
from dispatch.rankings import ranking_rule, rankings
from dispatch.selectors import person, problems_with_status
from portfolio.selectors import category_rollup
from projects import formatting, rules
from projects.models import (
    Category,
    Milestone,
    MilestoneKind,
    PlanYear,
    Project,
    ProjectYear,
    ReportStatus,
    ResponsibleUnit,
)
from projects.selectors import Period, project_list

from .importing import STAGE_LABELS

MONEY_FORMAT = formatting.EXCEL_MONEY_FORMAT
PERCENT_FORMAT = formatting.EXCEL_PERCENT_FORMAT
CHINESE_NUMERALS = "一二三四五六七八九十"
GREY = "#999999"
# Characters XML 1.0 cannot carry (pasted from elsewhere): dropped rather than corrupting the file.
ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
OPTIONS = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}


def _cell_style(*, num_format=None, bold=False, fill=None, wrap=False, align="left", size=10) -> dict:
    style = {
        "font_name": "宋体",
        "font_size": size,
        "bold": bold,
        "border": 1,
        "border_color": GREY,
        "align": align,
        "valign": "vcenter",
        "text_wrap": wrap,
    }
    if num_format:
        style["num_format"] = num_format
    if fill:
        style["bg_color"] = fill
        style["pattern"] = 1
    return style


STYLES = {
    "title": {"font_name": "黑体", "font_size": 16, "bold": True, "align": "center", "valign": "vcenter"},
    "unit": {"font_name": "宋体", "font_size": 10, "align": "left"},
    "header": _cell_style(bold=True, fill="#DDEBF7", wrap=True, align="center"),
    "text": _cell_style(wrap=True),
    "center": _cell_style(align="center"),
    "money": _cell_style(num_format=MONEY_FORMAT, align="right"),
    "percent": _cell_style(num_format=PERCENT_FORMAT, align="right"),
    "int": _cell_style(num_format="0", align="center"),
    "sub_text": _cell_style(bold=True, fill="#F2F2F2"),
    "sub_money": _cell_style(num_format=MONEY_FORMAT, bold=True, fill="#F2F2F2", align="right"),
    "sub_percent": _cell_style(num_format=PERCENT_FORMAT, bold=True, fill="#F2F2F2", align="right"),
    "sub_int": _cell_style(num_format="0", bold=True, fill="#F2F2F2", align="center"),
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
        Col("completion_rate", rules.COMPLETION_RATE_LABEL_ZH, group=y, width=10, kind="percent"),
        Col("latest_percent", "累计形象进度（%）", width=10, kind="percent"),
        Col("annual_target", "年度建设目标", width=30),
        Col("owner_unit", "业主单位", width=20),
        Col("responsible_unit", "责任单位", width=14),
        Col("leader", "挂钩领导", width=10),
        Col("remarks", "备注", width=16),
    ]


class Sheet:
    """One worksheet written row after row. `row()` puts text as string cells and numbers as
    numbers, each in its column's style; None (or empty text) leaves a cell empty, or a styled blank
    where `blank` asks for one (header and subtotal rows keep their borders and fill)."""

    def __init__(self, book: "Book", name: str):
        self.ws = book.wb.add_worksheet(name)
        self.book = book
        self.next_row = 0
        self._formats: dict[int, tuple[list, list]] = {}

    def row(self, styles: list[str], values, *, blank: bool = False) -> int:
        r = self.next_row
        ws = self.ws
        # The row's formats, looked up once per list of styles (the project rows share one list).
        key = id(styles)
        cached = self._formats.get(key)
        if cached is None or cached[0] is not styles:
            cached = self._formats[key] = (styles, [self.book.formats[style] for style in styles])
        for c, (fmt, value) in enumerate(zip(cached[1], values, strict=False)):
            if value is None or value == "":
                if blank:
                    ws.write_blank(r, c, None, fmt)
            elif value.__class__ is str:
                # isprintable() is true for nearly every cell (CJK included) and cheaper than the
                # regex; text with a line break or a control character goes through the regex.
                ws.write_string(r, c, value if value.isprintable() else ILLEGAL_XML.sub("", value), fmt)
            else:
                ws.write_number(r, c, value, fmt)
        self.next_row = r + 1
        return r

    def merge(self, row: int, first_col: int, last_col: int, style: str, text: str) -> None:
        """Merge cells of the current row (constant-memory mode writes rows in order, so merges stay
        within one row) and put `text` in the first: the merge writes an empty string, then the
        text goes in as a string cell."""
        fmt = self.book.formats[style]
        self.ws.merge_range(row, first_col, row, last_col, "", fmt)
        self.ws.write_string(row, first_col, ILLEGAL_XML.sub("", text), fmt)

    def setup(self, columns: list[Col], *, header_rows: int, first_header_row: int, freeze_col: int = 3):
        for i, col in enumerate(columns):
            self.ws.set_column(i, i, col.width)
        self.ws.freeze_panes(first_header_row - 1 + header_rows, freeze_col)
        self.ws.repeat_rows(first_header_row - 1, first_header_row - 2 + header_rows)
        self.ws.set_landscape()
        self.ws.set_paper(8)  # A3
        self.ws.fit_to_pages(1, 0)

    def title(self, title: str, unit_line: str, width: int):
        for style, text in (("title", title), ("unit", unit_line)):
            self.merge(self.row([style], [None]), 0, width - 1, style, text)

    def header(self, columns: list[Col]):
        """One header row, or two when columns sit under a group (其中, 2022年): the group's
        merged cell above, its columns below; a single column's header stands in the upper row."""
        if not any(c.group for c in columns):
            self.row(["header"] * len(columns), [c.header for c in columns], blank=True)
            return
        upper = [c.group or c.header for c in columns]
        lower = [c.header if c.group else None for c in columns]
        top = self.row(["header"] * len(columns), upper, blank=True)
        i = 0
        while i < len(columns):
            j = i
            while columns[i].group and j + 1 < len(columns) and columns[j + 1].group == columns[i].group:
                j += 1
            if j > i:
                self.merge(top, i, j, "header", columns[i].group)
            i = j + 1
        self.row(["header"] * len(columns), lower, blank=True)


class Book:
    """An XlsxWriter workbook with the schedule's cell formats, made once and shared by the sheets."""

    def __init__(self, out, *, constant_memory: bool = True):
        self.wb = xlsxwriter.Workbook(out, {**OPTIONS, "constant_memory": constant_memory})
        self.formats = {name: self.wb.add_format(style) for name, style in STYLES.items()}

    def sheet(self, name: str) -> Sheet:
        return Sheet(self, name)

    def close(self):
        self.wb.close()


PROGRESS_EVERY = 2000  # rows between two progress reports


def schedule_rows(*, plan_year: PlanYear, projects=None, dispatch_month: int | None = None) -> int:
    """The project rows write_schedule writes (its progress counts these): the plan sheet's, and
    the dispatch sheet's again when there is one. One COUNT."""
    scope = ProjectYear.objects.all() if projects is None else projects
    n = scope.filter(plan_year=plan_year).count()
    return n * 2 if dispatch_month else n


def write_schedule(
    out,
    *,
    plan_year: PlanYear,
    month: int | None = None,
    projects=None,
    dispatch_month: int | None = None,
    progress=None,
) -> None:
    """The county's schedule to `out` (a path or a binary file). `projects` narrows it (an office's
    own projects); `dispatch_month` adds that month's dispatch sheet. `progress(rows_done)`, if
    given, is called every PROGRESS_EVERY project rows (an export job's heartbeat)."""
    rollup = category_rollup(plan_year=plan_year, month=month, projects=projects)
    book = Book(out)
    counter = _Counter(progress)
    _schedule_sheet(book, plan_year, rollup.period, rollup, projects, counter)
    counter.alive()
    _rollup_sheet(book, plan_year, rollup)
    versions = list(plan_year.versions.order_by("ordinal"))
    if len(versions) > 1:  # the plan was adjusted: 调整前 beside 调整后
        before = category_rollup(plan_year=plan_year, month=month, projects=projects, plan_version=versions[0])
        _adjustment_sheet(book, plan_year, versions, before, rollup)
    _milestone_sheet(book, plan_year, projects, counter)
    if dispatch_month:
        _dispatch_sheet(book, plan_year, dispatch_month, projects, counter)
        # The meeting's two other papers: the problem list and the units' ranking (dispatch app).
        counter.alive()
        _problem_sheet(book, plan_year, dispatch_month, projects)
        counter.alive()
        _ranking_sheet(book, plan_year, dispatch_month, projects)
    book.close()


class _Counter:
    """Counts written project rows and calls `progress(done)` every PROGRESS_EVERY of them, and at
    least every BEAT_SECONDS while anything is written (milestones, the other sheets), so a job's
    heartbeat never looks dead while the file is being written."""

    BEAT_SECONDS = 10

    def __init__(self, progress):
        self.progress, self.done = progress, 0
        self.last = time.monotonic()

    def tick(self):
        self.done += 1
        if self.progress is not None and self.done % PROGRESS_EVERY == 0:
            self.progress(self.done)
            self.last = time.monotonic()

    def alive(self):
        if self.progress is not None and time.monotonic() - self.last > self.BEAT_SECONDS:
            self.progress(self.done)
            self.last = time.monotonic()


def _figures(row) -> dict:
    """A rollup row's figures as the sheets write them: the rule's values, nothing recomputed."""
    return {
        "total_investment": row.total_investment,
        "government_investment": row.government_investment,
        "social_investment": row.social_investment,
        "annual_plan": row.annual_plan,
        "completed_ytd": row.completed_ytd,
        "completion_rate": row.completion_rate,
    }


def _schedule_sheet(book, plan_year, period, rollup, projects, counter):
    sheet = book.sheet("项目计划表")
    columns = schedule_columns(plan_year.year, period.month)
    width = len(columns)
    sheet.setup(columns, header_rows=2, first_header_row=3)
    title = plan_year.title or f"云阳县{plan_year.year}年县级重大项目计划"
    sheet.title(
        f"{title}（{plan_year.year}年1-{period.month}月）",
        f"单位：万元　　序时进度：{formatting.points(period.time_elapsed)}%",
        width,
    )
    sheet.header(columns)
    index = {c.key: i for i, c in enumerate(columns)}
    sub_styles = [
        "sub_money" if c.kind == "money" else "sub_percent" if c.kind == "percent" else "sub_text" for c in columns
    ]

    def summary_line(label: str, row, label_to: str, note: str | None = None):
        line = [None] * width
        line[index["name"]] = note
        for key, value in _figures(row).items():
            line[index[key]] = value
        r = sheet.row(sub_styles, line, blank=True)
        sheet.merge(r, index["row_no"], index[label_to], "sub_text", label)

    summary_line("合计", rollup.total, "code", note=f"共{rollup.total.projects}个项目")

    row_styles = [c.kind for c in columns]
    # Plain tuples, not model instances: building 100,000 projects with their relations would
    # cost more than writing them. completion_rate is the rule's SQL annotation.
    qs = (
        project_list(plan_year=plan_year, period=period, qs=projects)
        .select_related(None)
        .values_list(
            "category_id",
            "project__code",
            "project__name",
            "stage",
            "project__scope",
            "project__location",
            "project__start_year",
            "project__end_year",
            "total_investment",
            "government_investment",
            "social_investment",
            "completed_before_year",
            "annual_plan",
            "completed_ytd",
            "completion_rate",
            "latest_percent",
            "annual_target",
            "project__owner_unit__name",
            "project__responsible_unit__name",
            "project_id",
            "project__remarks",
        )
    )
    # 挂钩领导: the linked leader accounts' names, one query for the whole sheet.
    leader_names: dict[int, list[str]] = {}
    scope = (
        ProjectYear.objects.filter(plan_year=plan_year) if projects is None else projects.filter(plan_year=plan_year)
    )
    links = Project.leaders.through.objects.filter(project__in=scope.values("project_id")).select_related("user")
    for link in links.order_by("user__last_name", "user__first_name", "user__username"):
        leader_names.setdefault(link.project_id, []).append(person(link.user))
    iterator = qs.iterator(chunk_size=2000)
    pending = next(iterator, None)
    write, tick = sheet.row, counter.tick
    for n, category_row in enumerate(rollup.rows):
        numeral = CHINESE_NUMERALS[n] if n < 10 else str(n + 1)
        summary_line(f"{numeral}、{category_row.name}（{category_row.projects}个）", category_row, "name")
        for i in range(category_row.projects):
            if pending is None or pending[0] != category_row.category.pk:
                raise RuntimeError("project rows changed while the schedule was being written")
            (
                _cat,
                code,
                name,
                stage,
                scope,
                location,
                start,
                end,
                total,
                government,
                social,
                before,
                plan,
                done,
                rate,
                percent,
                target,
                owner,
                unit,
                project_id,
                remarks,
            ) = pending
            write(
                row_styles,
                (
                    i + 1,
                    code,
                    name,
                    STAGE_LABELS.get(stage, stage),
                    scope,
                    location,
                    f"{start}-{end}",
                    total,
                    government,
                    social,
                    before,
                    plan,
                    done,
                    rate,
                    percent,
                    target,
                    owner,
                    unit,
                    "、".join(leader_names.get(project_id, ())),
                    remarks,
                ),
            )
            tick()
            pending = next(iterator, None)
    sheet.row(
        ["unit"],
        [
            "注：1. 金额单位为万元；2. 完成投资为审核通过的月度报表之和；"
            "3. 小计、合计、完成率为系统按同一规则计算的数值，与分类汇总一致。"
        ],
    )


def _rollup_sheet(book, plan_year, rollup):
    sheet = book.sheet("分类汇总")
    m = rollup.period.month
    columns = [
        Col("name", "类别", width=26),
        Col("projects", "项目数", width=8, kind="int"),
        Col("total", "总投资", width=14, kind="money"),
        Col("plan", "年度计划投资", width=14, kind="money"),
        Col("done", f"1-{m}月完成投资", width=14, kind="money"),
        Col("rate", rules.COMPLETION_RATE_LABEL_ZH, width=10, kind="percent"),
        Col("elapsed", rules.TIME_ELAPSED_LABEL_ZH, width=10, kind="percent"),
        Col("behind", rules.BEHIND_SCHEDULE_LABEL_ZH, width=12, kind="percent"),
    ]
    sheet.setup(columns, header_rows=1, first_header_row=3, freeze_col=1)
    sheet.title(f"{plan_year.year}年1-{m}月县级重大项目分类汇总", "单位：万元", len(columns))
    sheet.header(columns)
    styles = [c.kind for c in columns]
    total_styles = [
        "sub_text",
        "sub_int",
        "sub_money",
        "sub_money",
        "sub_money",
        "sub_percent",
        "sub_percent",
        "sub_percent",
    ]
    for r in [*rollup.rows, rollup.total]:
        sheet.row(
            styles if r.category else total_styles,
            [
                r.name or "合计",
                r.projects,
                r.total_investment,
                r.annual_plan,
                r.completed_ytd,
                r.completion_rate,
                r.time_elapsed,
                r.behind_schedule_points,
            ],
            blank=True,
        )


def _adjustment_sheet(book, plan_year, versions, before, after):
    """Per category, the annual plan and completion rate of the adopted version (调整前) and of the
    current one (调整后), against the same completed investment."""
    sheet = book.sheet("计划调整")
    columns = [
        Col("name", "类别", width=26),
        Col("plan_before", f"调整前年度计划（{versions[0].name}）", width=18, kind="money"),
        Col("rate_before", "调整前" + rules.COMPLETION_RATE_LABEL_ZH, width=14, kind="percent"),
        Col("plan_after", f"调整后年度计划（{versions[-1].name}）", width=18, kind="money"),
        Col("rate_after", "调整后" + rules.COMPLETION_RATE_LABEL_ZH, width=14, kind="percent"),
    ]
    sheet.setup(columns, header_rows=1, first_header_row=3, freeze_col=1)
    sheet.title(
        f"{plan_year.year}年县级重大项目计划调整前后对照（1-{after.period.month}月）", "单位：万元", len(columns)
    )
    sheet.header(columns)
    styles = [c.kind for c in columns]
    total_styles = ["sub_text", "sub_money", "sub_percent", "sub_money", "sub_percent"]
    for old, new in [*zip(before.rows, after.rows, strict=False), (before.total, after.total)]:
        sheet.row(
            styles if new.category else total_styles,
            [
                new.name or "合计",
                old.annual_plan,
                old.completion_rate,
                new.annual_plan,
                new.completion_rate,
            ],
            blank=True,
        )


def _milestone_sheet(book, plan_year, projects, counter):
    sheet = book.sheet("节点目标")
    columns = [
        Col("code", "项目代码", width=24, kind="center"),
        Col("name", "项目名称", width=30),
        Col("title", "节点", width=30),
        Col("kind", "类型", width=8, kind="center"),
        Col("target", "目标进度（%）", width=10, kind="percent"),
        Col("due", "截止日期", width=12, kind="center"),
        Col("met", "完成日期", width=12, kind="center"),
    ]
    sheet.setup(columns, header_rows=1, first_header_row=3, freeze_col=2)
    sheet.title(f"{plan_year.year}年县级重大项目节点目标", "", len(columns))
    sheet.header(columns)
    styles = [c.kind for c in columns]
    write, alive = sheet.row, counter.alive
    for row in milestone_rows(plan_year, projects):
        write(styles, row)
        alive()


def milestone_rows(plan_year, projects=None):
    """The milestones sheet's rows, as written: plain tuples streamed from the database (200,000
    milestones at province scale)."""
    qs = Milestone.objects.filter(project_year__plan_year=plan_year)
    if projects is not None:
        qs = qs.filter(project_year__in=projects)
    kinds = {value: str(label) for value, label in MilestoneKind.choices}
    rows = (
        qs.order_by("project_year__category__order", "project_year__project__code", "due_date", "pk")
        .values_list(
            "project_year__project__code",
            "project_year__project__name",
            "title",
            "kind",
            "target_percent",
            "due_date",
            "met_on",
        )
        .iterator(chunk_size=2000)
    )
    for code, name, title, kind, target, due, met in rows:
        yield code, name, title, kinds.get(kind, kind), target, due.isoformat(), met.isoformat() if met else ""


def dispatch_columns(month: int) -> list[Col]:
    return [
        Col("row_no", "序号", width=6, kind="center"),
        Col("code", "项目代码", width=24, kind="center"),
        Col("name", "项目名称", width=30),
        Col("month", "填报月份", width=10, kind="center"),
        Col("investment_completed", "本月完成投资", width=14, kind="money"),
        Col("ytd", f"1-{month}月完成投资", width=14, kind="money"),
        Col("physical_percent", "累计形象进度（%）", width=10, kind="percent"),
        Col("physical_narrative", "形象进度", width=30),
        Col("problems", "存在问题", width=24),
        Col("next_month_plan", "下月计划", width=24),
        Col("percent_drop_reason", "进度下降原因", width=16),
        Col("status", "状态", width=8, kind="center"),
    ]


def _dispatch_sheet(book, plan_year, month, projects, counter):
    sheet = book.sheet(f"{month}月调度")
    columns = dispatch_columns(month)
    sheet.setup(columns, header_rows=1, first_header_row=3)
    sheet.title(f"云阳县{plan_year.year}年{month}月县级重大项目调度表", "单位：万元", len(columns))
    sheet.header(columns)
    period = Period(year=plan_year.year, month=month)
    # The month's current report joined to each row (at most one: a constraint), as plain tuples
    # streamed from the database: memory stays flat however many projects there are.
    qs = (
        project_list(plan_year=plan_year, period=period, qs=projects)
        .select_related(None)
        .annotate(
            month_report=FilteredRelation(
                "reports",
                condition=Q(reports__year=plan_year.year, reports__month=month, reports__is_current=True),
            )
        )
        .values_list(
            "project__code",
            "project__name",
            "completed_ytd",
            "month_report__investment_completed",
            "month_report__physical_percent",
            "month_report__physical_narrative",
            "month_report__problems",
            "month_report__next_month_plan",
            "month_report__percent_drop_reason",
            "month_report__status",
        )
    )
    statuses = {value: str(label) for value, label in ReportStatus.choices}
    styles = [c.kind for c in columns]
    label = f"{plan_year.year}-{month:02d}"
    write, tick = sheet.row, counter.tick
    for i, (code, name, ytd, amount, percent, narrative, problems, plan, drop, status) in enumerate(
        qs.iterator(chunk_size=2000), start=1
    ):
        write(
            styles,
            (
                i,
                code,
                name,
                label,
                amount,
                ytd,
                percent,
                narrative or "",
                problems or "",
                plan or "",
                drop or "",
                statuses.get(status, "") if status else "",
            ),
        )
        tick()


def _problem_sheet(book, plan_year, month, projects):
    """问题清单: the problems not yet closed, in the columns of dispatch.excel.COLUMNS."""
    sheet = book.sheet(PROBLEM_SHEET_TITLE)
    widths = dict(PROBLEM_COLUMNS)
    columns = [
        Col(name, name, width=widths[name], kind="center" if name in ("序号", "完成时限", "是否逾期") else "text")
        for name, _width in PROBLEM_COLUMNS
    ]
    sheet.setup(columns, header_rows=1, first_header_row=3, freeze_col=2)
    sheet.title(f"云阳县{plan_year.year}年{month}月县级重大项目问题清单", "", len(columns))
    sheet.header(columns)
    qs = Problem.objects.exclude(state=ProblemState.CLOSED)
    if projects is not None:
        qs = qs.filter(project_id__in=projects.values("project_id"))
    styles = [c.kind for c in columns]
    for n, p in enumerate(
        problems_with_status(qs).order_by("-overdue", "deadline", "pk").iterator(chunk_size=2000), start=1
    ):
        sheet.row(styles, [str(v) if not isinstance(v, int) else v for v in problem_row(n, p)])


def _ranking_sheet(book, plan_year, month, projects):
    """红黑榜 of units and townships for months 1..month, the rule under the title."""
    sheet = book.sheet("红黑榜")
    columns = [
        Col("rank", "名次", width=6, kind="int"),
        Col("name", "名称", width=22),
        Col("projects", "项目数", width=8, kind="int"),
        Col("plan", "年度计划（万元）", width=14, kind="money"),
        Col("done", "累计完成（万元）", width=14, kind="money"),
        Col("rate", rules.COMPLETION_RATE_LABEL_ZH, width=10, kind="percent"),
        Col("behind", rules.BEHIND_SCHEDULE_LABEL_ZH, width=12, kind="percent"),
        Col("on_time", "按时报送", width=9, kind="int"),
        Col("due", "应报", width=8, kind="int"),
        Col("overdue", "逾期问题", width=9, kind="int"),
    ]
    sheet.setup(columns, header_rows=1, first_header_row=3, freeze_col=2)
    with translation.override("zh-hans"):
        rule = ranking_rule()
    sheet.title(f"云阳县{plan_year.year}年1-{month}月县级重大项目红黑榜", rule, len(columns))
    sheet.header(columns)
    standings = rankings(
        plan_year=plan_year,
        period=Period(year=plan_year.year, month=month),
        project_years=ProjectYear.objects.all() if projects is None else projects,
    )
    styles = [c.kind for c in columns]
    for heading, rows in (("责任单位", standings["units"]), ("乡镇（街道）", standings["townships"])):
        sheet.row(["sub_text"] + ["sub_text"] * (len(columns) - 1), [heading] + [""] * (len(columns) - 1))
        for r in rows:
            sheet.row(
                styles,
                (
                    r.rank,
                    r.name,
                    r.projects,
                    r.annual_plan,
                    r.completed_ytd,
                    r.completion_rate,
                    r.behind_points,
                    r.reports_on_time,
                    r.reports_due,
                    r.problems_overdue,
                ),
            )


TEMPLATE_ROWS = 500


def write_template(out, *, plan_year: PlanYear | None = None) -> None:
    """A blank plan sheet for offices, with drop-down lists for category, stage and unit."""
    year = plan_year.year if plan_year else 2022
    book = Book(out, constant_memory=False)  # small, and its option lists are written after the sheet
    columns = [
        Col("code", "项目代码", width=24),
        Col("name", "项目名称", width=30),
        Col("category", "项目类别", width=22),
        Col("stage", "建设性质", width=10),
        Col("scope", "建设内容及规模", width=40),
        Col("location", "建设地点", width=12),
        Col("period", "建设起止年限", width=12),
        Col("total_investment", "总投资", width=14, kind="money"),
        Col("government_investment", "政府性投资", width=14, kind="money"),
        Col("social_investment", "社会性投资", width=14, kind="money"),
        Col("completed_before_year", "至上年底累计完成投资", width=14, kind="money"),
        Col("annual_plan", f"{year}年计划投资", width=14, kind="money"),
        Col("annual_target", "年度建设目标", width=30),
        Col("owner_unit", "业主单位", width=20),
        Col("responsible_unit", "责任单位", width=16),
        Col("leader", "挂钩领导", width=10),
        Col("remarks", "备注", width=16),
    ]
    sheet = book.sheet("项目计划表")
    ws = sheet.ws
    money = book.wb.add_format({"num_format": MONEY_FORMAT})
    for i, col in enumerate(columns):
        ws.set_column(i, i, col.width, money if col.kind == "money" else None)
    ws.merge_range(0, 0, 0, len(columns) - 1, "", book.formats["title"])
    ws.write_string(0, 0, f"云阳县{year}年县级重大项目计划表（填报）", book.formats["title"])
    ws.write_string(1, 0, "单位：万元")
    for i, col in enumerate(columns):
        ws.write_string(2, i, col.header, book.formats["header"])
    lists = book.sheet("选项").ws
    categories = [c.name for c in Category.objects.order_by("order")]
    stages = list(STAGE_LABELS.values())
    units = [u.name for u in ResponsibleUnit.objects.order_by("name")]
    for c, (title, values, key) in enumerate(
        (("项目类别", categories, "category"), ("建设性质", stages, "stage"), ("责任单位", units, "responsible_unit"))
    ):
        lists.write_string(0, c, title)
        for r, value in enumerate(values, start=1):
            lists.write_string(r, c, ILLEGAL_XML.sub("", value))
        target = next(i for i, col in enumerate(columns) if col.key == key)
        letter = chr(ord("A") + c)
        ws.data_validation(
            3,
            target,
            2 + TEMPLATE_ROWS,
            target,
            {
                "validate": "list",
                "source": f"='选项'!${letter}$2:${letter}${max(len(values), 1) + 1}",
                "ignore_blank": True,
                "error_message": "请从下拉列表中选择",
            },
        )
    lists.hide()
    ws.activate()
    ws.freeze_panes(3, 2)
    ws.repeat_rows(2)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    book.close()
