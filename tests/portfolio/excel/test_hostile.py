"""Broken and hostile files: each refused with its own clear message, nothing written, no
traceback. (The time bound is structural — caps checked before parsing — and measured by
benchmarks/excel_bench.py, not timed here.)"""

import io

import pytest

from portfolio.excel import reading
from portfolio.excel.importing import import_apply, import_preview
from portfolio.excel.parsing import CellMsg
from portfolio.excel.writing import write_schedule
from projects.models import ProgressReport, Project

from . import corpus


def refused(path, actor, **kwargs):
    data = path.read_bytes()
    result = import_apply(data=data, filename=path.name, actor=actor, **kwargs)
    assert not result.ok and not result.applied
    return [p.message for p in result.problems]


@pytest.fixture
def counts(db):
    def snapshot():
        return Project.objects.count(), ProgressReport.objects.count()

    return snapshot


def test_empty_file(tmp_path, admin_user):
    assert refused(corpus.hostile_empty(tmp_path), admin_user) == [str(reading.FileMsg.EMPTY)]


def test_csv_renamed_xlsx(tmp_path, admin_user):
    assert refused(corpus.hostile_csv_renamed(tmp_path), admin_user) == [str(reading.FileMsg.CSV)]


def test_xls_renamed_xlsx(tmp_path, admin_user):
    expected = str(reading.FileMsg.XLS_RENAMED % {"ext": ".xlsx"})
    assert refused(corpus.hostile_xls_renamed(tmp_path), admin_user) == [expected]


def test_truncated_zip(tmp_path, admin_user, plan_year, project_a):
    buffer = io.BytesIO()
    write_schedule(buffer, plan_year=plan_year)
    assert refused(corpus.hostile_truncated(tmp_path, buffer.getvalue()), admin_user) == [str(reading.FileMsg.DAMAGED)]


def test_password_protected(tmp_path, admin_user):
    assert refused(corpus.hostile_encrypted(tmp_path), admin_user) == [str(reading.FileMsg.ENCRYPTED)]


def test_xml_bomb(tmp_path, admin_user):
    assert refused(corpus.hostile_xml_bomb(tmp_path), admin_user) == [str(reading.FileMsg.XML_BOMB)]


def test_zip_bomb_by_ratio(tmp_path, admin_user):
    # 20 MB of blanks, well under the uncompressed cap, but compressed a thousandfold.
    assert refused(corpus.hostile_zip_bomb(tmp_path, megabytes=20), admin_user) == [str(reading.FileMsg.ZIP_BOMB)]


def test_zip_bomb_over_uncompressed_cap(tmp_path, admin_user, settings):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 5 * 1024 * 1024
    path = corpus.raw_xlsx(
        tmp_path / "big.xlsx",
        b"".join(
            corpus.dispatch_sheet_rows([corpus.HEADER] + [["YY2022-REG-001", "x" * 100, "2022-03", 1, 1]] * 60000)
        ),
    )
    assert refused(path, admin_user) == [str(reading.FileMsg.UNCOMPRESSED % {"mb": "5"})]


def test_lying_dimension_rows_counted_while_streaming(tmp_path, admin_user, settings):
    settings.IMPORT_MAX_ROWS = 100
    path = corpus.hostile_lying_dimension(tmp_path, rows=1000)
    assert refused(path, admin_user) == [str(reading.FileMsg.TOO_MANY_ROWS % {"sheet": "Sheet1", "max": 100})]


def test_dimension_claiming_the_whole_grid_with_a_far_cell(tmp_path, admin_user):
    path = corpus.hostile_far_cell(tmp_path)
    assert refused(path, admin_user) == [
        str(reading.FileMsg.TOO_MANY_COLUMNS % {"sheet": "Sheet1", "max": reading.MAX_COLUMNS})
    ]


def test_more_rows_than_the_cap(tmp_path, admin_user, settings):
    settings.IMPORT_MAX_ROWS = 50
    assert refused(corpus.too_many_rows(tmp_path, rows=120), admin_user) == [
        str(reading.FileMsg.TOO_MANY_ROWS % {"sheet": "Sheet1", "max": 50})
    ]


def test_upload_over_the_size_cap(tmp_path, admin_user, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1000
    path = corpus.too_many_rows(tmp_path, rows=500)
    assert refused(path, admin_user) == [str(reading.FileMsg.TOO_BIG % {"mb": f"{1000 / 1024 / 1024:g}"})]


def test_formula_in_a_data_cell_is_a_cell_problem(tmp_path, admin_user, project_a, counts):
    before = counts()
    result = import_apply(
        data=corpus.formula_in_cell(tmp_path, project_a.code).read_bytes(), filename="formula.xlsx", actor=admin_user
    )
    assert not result.applied
    [problem] = result.problems
    assert problem.message == str(CellMsg.FORMULA)
    assert (problem.sheet, problem.row, problem.column) == ("Sheet1", 2, "D")
    assert counts() == before


@pytest.mark.parametrize(
    "builder",
    [
        corpus.hostile_empty,
        corpus.hostile_csv_renamed,
        corpus.hostile_xls_renamed,
        corpus.hostile_encrypted,
        corpus.hostile_xml_bomb,
        corpus.hostile_far_cell,
    ],
)
def test_hostile_files_write_nothing(tmp_path, admin_user, project_a, counts, builder):
    before = counts()
    path = builder(tmp_path)
    preview = import_preview(data=path.read_bytes(), filename=path.name, actor=admin_user)
    assert not preview.ok and not preview.rows
    assert counts() == before


def test_ods_row_repeated_a_million_times(tmp_path, admin_user, settings):
    assert refused(corpus.hostile_ods_repeated_rows(tmp_path), admin_user) == [
        str(reading.FileMsg.TOO_MANY_ROWS % {"sheet": "调度", "max": settings.IMPORT_MAX_ROWS})
    ]


def test_ods_cell_repeated_across_the_grid(tmp_path, admin_user):
    assert refused(corpus.hostile_ods_wide_cell(tmp_path), admin_user) == [
        str(reading.FileMsg.TOO_MANY_COLUMNS % {"sheet": "调度", "max": reading.MAX_COLUMNS})
    ]
