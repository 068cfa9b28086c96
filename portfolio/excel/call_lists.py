"""Call lists as .xlsx, in the schedule's style (writing.Book): who has not reported this month and
需重点调度 projects, each with the person to call and the phone. Text cells are strings, never
formulas (writing.OPTIONS)."""

from itertools import chain, groupby

from dispatch.selectors import person
from projects.models import User

from .writing import Book, Col

DRAFT_STATUS = {"draft": "草稿未提交", "returned": "退回未重报"}


def _contacts(users) -> str:
    return "；".join(" ".join(x for x in (person(u), u.phone) if x) for u in users)


def streamed_units(rows, *, chunk_size: int = 2000):
    """_units for an export: the rows (an iterator ordered by unit) grouped lazily, the accounts to
    call read for each chunk's new units; memory holds one chunk, not the list."""
    contacts: dict[int, list[User]] = {}

    def with_contacts():
        chunk = []
        for row in rows:
            chunk.append(row)
            if len(chunk) == chunk_size:
                _add_contacts(contacts, chunk)
                yield from chunk
                chunk = []
        _add_contacts(contacts, chunk)
        yield from chunk

    for unit_id, group in groupby(with_contacts(), key=lambda row: row.project.responsible_unit_id):
        first = next(group)
        # The writer reads each unit's projects once, before asking for the next unit.
        projects = chain([first], group)  # noqa: B031
        yield {"unit": first.project.responsible_unit, "projects": projects, "contacts": contacts[unit_id]}


def _add_contacts(contacts: dict, chunk: list) -> None:
    new = {row.project.responsible_unit_id for row in chunk} - contacts.keys()
    if not new:
        return
    for unit_id in new:
        contacts[unit_id] = []
    for user in User.objects.filter(unit_id__in=new, is_active=True).order_by("username"):
        contacts[user.unit_id].append(user)


def write_missing_reports(out, *, period, units, count: int) -> None:
    """`units`: what the missing-reports page lists (unit, its projects, its office accounts), in
    order; may be a generator whose projects are streamed (each group is read once). `count`: the
    number of projects in all (the title says it before the rows are read)."""
    columns = [
        Col("unit", "责任单位", width=18),
        Col("person", "联系人", width=10),
        Col("phone", "联系电话", width=14, kind="center"),
        Col("code", "项目代码", width=24, kind="center"),
        Col("name", "项目名称", width=30),
        Col("category", "项目类别", width=14),
        Col("status", "本月报表", width=12, kind="center"),
        Col("accounts", "填报账号（电话）", width=30),
    ]
    book = Book(out)
    sheet = book.sheet("未报项目")
    sheet.setup(columns, header_rows=1, first_header_row=3, freeze_col=1)
    sheet.title(f"{period.year}年{period.month}月未报月度报表项目", f"共{count}个项目", len(columns))
    sheet.header(columns)
    styles = [c.kind for c in columns]
    for item in units:
        unit, accounts = item["unit"], _contacts(item["contacts"])
        for row in item["projects"]:
            sheet.row(
                styles,
                (
                    unit.name,
                    unit.contact_person,
                    unit.contact_phone,
                    row.project.code,
                    row.project.name,
                    row.category.name,
                    DRAFT_STATUS.get(row.draft_status, "未填报"),
                    accounts,
                ),
            )
    book.close()


def write_attention(out, *, plan_year, period, rows) -> None:
    """`rows`: portfolio.selectors.attention_projects, each with its responsible unit joined."""
    columns = [
        Col("row_no", "序号", width=6, kind="center"),
        Col("code", "项目代码", width=24, kind="center"),
        Col("name", "项目名称", width=30),
        Col("unit", "责任单位", width=18),
        Col("person", "联系人", width=10),
        Col("phone", "联系电话", width=14, kind="center"),
        Col("rate", "完成率（%）", width=10, kind="percent"),
        Col("behind", "落后序时进度（百分点）", width=12, kind="percent"),
        Col("overdue", "逾期节点（个）", width=10, kind="int"),
    ]
    book = Book(out)
    sheet = book.sheet("需重点调度")
    sheet.setup(columns, header_rows=1, first_header_row=3, freeze_col=3)
    sheet.title(f"{plan_year.year}年需重点调度项目（1-{period.month}月）", "", len(columns))
    sheet.header(columns)
    styles = [c.kind for c in columns]
    for n, row in enumerate(rows, start=1):
        unit = row.project.responsible_unit
        sheet.row(
            styles,
            (
                n,
                row.project.code,
                row.project.name,
                unit.name,
                unit.contact_person,
                unit.contact_phone,
                row.completion_rate,
                row.behind_schedule_points,
                row.overdue_milestones,
            ),
        )
    book.close()
