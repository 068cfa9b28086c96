"""挂钩领导 in the schedule: the export writes the linked leader accounts' names, the import links
the accounts it names (several per cell), and an unknown name stops the row with what to do."""

import io

import openpyxl
import pytest

from portfolio.excel.importing import import_apply, import_preview
from portfolio.excel.importing.vocabulary import ImportMsg
from portfolio.excel.writing import write_schedule
from projects.models import Project
from projects.roles import Role
from tests import factories


@pytest.fixture
def leaders(db):
    return (
        factories.UserFactory(username="zhangsan", last_name="张", first_name="三", role=Role.LEADER),
        factories.UserFactory(username="ouyang", last_name="欧阳", first_name="娜娜", role=Role.LEADER),
    )


def _schedule(plan_year):
    buffer = io.BytesIO()
    write_schedule(buffer, plan_year=plan_year)
    book = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    sheet = book.worksheets[0]
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value == "挂钩领导":
                return book, sheet, cell.column
    raise AssertionError("no 挂钩领导 column")


def _cell(sheet, column, code):
    for row in sheet.iter_rows():
        if any(c.value == code for c in row):
            return sheet.cell(row=row[0].row, column=column)
    raise AssertionError(code)


def _bytes(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_export_writes_the_linked_leaders_names(project_a, leaders):
    project_a.leaders.set(leaders)
    book, sheet, column = _schedule(project_a.years.first().plan_year)
    assert _cell(sheet, column, project_a.code).value == "张三、欧阳娜娜"


def test_import_links_the_named_leaders(project_a, leaders, admin_user):
    book, sheet, column = _schedule(project_a.years.first().plan_year)
    _cell(sheet, column, project_a.code).value = "欧阳娜娜， 张三"
    result = import_apply(data=_bytes(book), filename="s.xlsx", actor=admin_user)
    assert result.applied, [str(p) for p in result.problems]
    assert set(Project.objects.get(pk=project_a.pk).leaders.all()) == set(leaders)
    # a blank cell unlinks them
    _cell(sheet, column, project_a.code).value = None
    assert import_apply(data=_bytes(book), filename="s.xlsx", actor=admin_user).applied
    assert not Project.objects.get(pk=project_a.pk).leaders.exists()


def test_unknown_leader_is_a_row_problem_and_nothing_is_written(project_a, leaders, admin_user):
    project_a.leaders.set([leaders[0]])
    book, sheet, column = _schedule(project_a.years.first().plan_year)
    _cell(sheet, column, project_a.code).value = "张三、李无名"
    preview = import_preview(data=_bytes(book), filename="s.xlsx", actor=admin_user)
    assert not preview.ok
    (problem,) = preview.problems
    assert "李无名" in str(problem) and problem.row and problem.header == "挂钩领导"
    assert import_apply(data=_bytes(book), filename="s.xlsx", actor=admin_user).applied is False
    assert list(Project.objects.get(pk=project_a.pk).leaders.all()) == [leaders[0]]


def test_an_office_may_not_relink_leaders_but_round_trips_them(project_a, leaders, office_a, admin_user):
    project_a.leaders.set([leaders[0]])
    book, sheet, column = _schedule(project_a.years.first().plan_year)
    unchanged = import_preview(data=_bytes(book), filename="s.xlsx", actor=office_a)
    assert unchanged.ok and not unchanged.has_changes, [str(p) for p in unchanged.problems]
    _cell(sheet, column, project_a.code).value = "欧阳娜娜"
    refused = import_apply(data=_bytes(book), filename="s.xlsx", actor=office_a)
    assert not refused.applied
    assert [p.message for p in refused.problems] == [str(ImportMsg.LEADERS_NOT_YOURS)]
    assert list(Project.objects.get(pk=project_a.pk).leaders.all()) == [leaders[0]]


def test_relinking_by_import_is_in_the_projects_history(project_a, leaders, admin_user):
    book, sheet, column = _schedule(project_a.years.first().plan_year)
    _cell(sheet, column, project_a.code).value = "张三"
    assert import_apply(data=_bytes(book), filename="s.xlsx", actor=admin_user).applied
    last = Project.objects.get(pk=project_a.pk).history.order_by("-history_date").first()
    assert last.history_user == admin_user and "张三" in last.history_change_reason
