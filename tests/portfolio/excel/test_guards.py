"""The guards against files built to walk around them (issue: spreadsheet intake that cannot be
crashed or fooled): each file is refused with its own message, or its formula is found, and
nothing is written. Builders in corpus.py."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portfolio.excel import reading
from portfolio.excel.importing import import_apply, import_preview
from portfolio.excel.parsing import CellMsg
from projects.models import ProgressReport, Project

from . import corpus


@pytest.fixture
def nothing_written(db):
    """Asserts, after the test, that the database saw no write at all (not even one rolled back)."""
    with CaptureQueriesContext(connection) as queries:
        yield
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE", "SAVEPOINT"))
    ]
    assert writes == []


def refused_with(path, actor, message, **kwargs):
    result = import_apply(data=path.read_bytes(), filename=path.name, actor=actor, **kwargs)
    assert not result.applied
    assert [p.message for p in result.problems] == [str(message)]


def cell_problems(path, actor):
    result = import_preview(data=path.read_bytes(), filename=path.name, actor=actor)
    assert not result.ok
    return [(p.column, p.message) for p in result.problems]


# --- the reader's extent, whatever the markup ---------------------------------------------------


def test_far_cell_with_attributes_swapped(tmp_path, admin_user):
    refused_with(
        corpus.far_cell_attributes_swapped(tmp_path),
        admin_user,
        reading.FileMsg.TOO_MANY_COLUMNS % {"sheet": "Sheet1", "max": reading.MAX_COLUMNS},
    )


def test_cells_without_references_are_placed_as_a_reader_places_them(tmp_path, admin_user):
    refused_with(
        corpus.cells_without_references(tmp_path),
        admin_user,
        reading.FileMsg.TOO_MANY_COLUMNS % {"sheet": "Sheet1", "max": reading.MAX_COLUMNS},
    )


def test_rows_without_references_count(tmp_path, admin_user, settings):
    settings.IMPORT_MAX_ROWS = 20
    refused_with(
        corpus.rows_without_references(tmp_path, rows=200),
        admin_user,
        reading.FileMsg.TOO_MANY_ROWS % {"sheet": "Sheet1", "max": 20},
    )


def test_shared_string_count_checked_against_the_part(tmp_path, admin_user):
    refused_with(corpus.huge_shared_string_count(tmp_path), admin_user, reading.FileMsg.DAMAGED)


def test_damaged_member_is_a_refusal_not_a_zlib_error(tmp_path, admin_user):
    refused_with(corpus.damaged_member(tmp_path), admin_user, reading.FileMsg.DAMAGED)


def test_dimension_claiming_the_whole_grid_is_harmless(tmp_path, admin_user, project_a):
    path = corpus.whole_grid_dimension(tmp_path)
    result = import_preview(data=path.read_bytes(), filename=path.name, actor=admin_user)
    assert result.ok, [str(p) for p in result.problems]


# --- formulas by meaning ---------------------------------------------------------------------


@pytest.mark.parametrize("space", ["\n", "\t", "\r\n"])
def test_formula_tag_followed_by_whitespace(tmp_path, admin_user, project_a, space, nothing_written):
    assert cell_problems(corpus.formula_tag_with_whitespace(tmp_path, project_a.code, space), admin_user) == [
        ("D", str(CellMsg.FORMULA))
    ]


def test_formula_in_a_prefixed_sheet(tmp_path, admin_user, project_a, nothing_written):
    assert cell_problems(corpus.prefixed_sheet_with_formula(tmp_path, project_a.code), admin_user) == [
        ("D", str(CellMsg.FORMULA))
    ]


def test_formula_in_a_repeated_ods_cell(tmp_path, admin_user, project_a, nothing_written):
    problems = cell_problems(corpus.ods_repeated_formula(tmp_path, project_a.code), admin_user)
    assert ("C", str(CellMsg.FORMULA)) in problems


def test_formula_in_an_xls(tmp_path, admin_user, project_a, nothing_written):
    assert ("D", str(CellMsg.FORMULA)) in cell_problems(corpus.xls_with_formula(tmp_path, project_a.code), admin_user)


def test_strict_ooxml_is_refused_plainly(tmp_path, admin_user):
    refused_with(corpus.strict_ooxml(tmp_path), admin_user, reading.FileMsg.STRICT)


def test_relationship_prefix_bound_elsewhere(tmp_path, admin_user):
    refused_with(corpus.relationship_prefix_rebound(tmp_path), admin_user, reading.FileMsg.NONSTANDARD)


def test_two_entries_of_one_name(tmp_path, admin_user, project_a):
    refused_with(corpus.duplicate_entries(tmp_path, project_a.code), admin_user, reading.FileMsg.DUPLICATE_PART)


# --- DTDs anywhere, in any encoding -------------------------------------------------------------


def test_doctype_after_a_long_comment(tmp_path, admin_user):
    refused_with(corpus.doctype_after_comment(tmp_path), admin_user, reading.FileMsg.XML_BOMB)


@pytest.mark.parametrize("part", ["docProps/app.xml", "xl/worksheets/sheet1.xml", "customXml/item1.xml"])
def test_doctype_in_a_utf16_part(tmp_path, admin_user, part):
    refused_with(corpus.doctype_in_utf16_part(tmp_path, part), admin_user, reading.FileMsg.XML_BOMB)


# --- the reader cannot take the process down ----------------------------------------------------


def test_a_reader_that_runs_out_of_memory_is_a_refusal(tmp_path, admin_user, project_a, settings):
    # below what the child already uses: its next allocation fails, or it dies
    settings.IMPORT_READER_MEMORY_BYTES = 1
    path = corpus.too_many_rows(tmp_path, rows=5000)  # a few MB of XML to unpack and hold
    refused_with(path, admin_user, reading.FileMsg.RESOURCES)


def test_a_reader_that_takes_too_long_is_a_refusal(tmp_path, admin_user, project_a, settings):
    settings.IMPORT_READER_SECONDS = 0.01  # the child is killed before it can answer
    refused_with(corpus.values_in_cells(tmp_path, project_a.code), admin_user, reading.FileMsg.RESOURCES)


def test_element_budget(tmp_path, admin_user, settings):
    settings.IMPORT_MAX_XML_ELEMENTS = 1000
    refused_with(corpus.rows_without_references(tmp_path, rows=600), admin_user, reading.FileMsg.TOO_MANY_ELEMENTS)


# --- values no column can hold ---------------------------------------------------------------


@pytest.mark.parametrize(
    "amount, percent, month, column, message",
    [
        ("1e308", "10", "2022-03", "D", CellMsg.TOO_LARGE),
        ("1E30", "10", "2022-03", "D", CellMsg.TOO_LARGE),
        ("1", "1e30", "2022-03", "E", CellMsg.PERCENT_RANGE),
        ("1", "1e308", "2022-03", "E", CellMsg.PERCENT_RANGE),
        ("1", "10", "inf", "C", CellMsg.NOT_A_MONTH),
        ("1", "10", "NaN", "C", CellMsg.NOT_A_MONTH),
        ("1", "10", "1e300", "C", CellMsg.NOT_A_MONTH),
        ("NaN", "10", "2022-03", "D", CellMsg.NOT_A_NUMBER),
        ("1", "inf", "2022-03", "E", CellMsg.NOT_A_PERCENT),
    ],
)
def test_numbers_out_of_any_range_are_cell_problems(
    tmp_path, admin_user, project_a, amount, percent, month, column, message, nothing_written
):
    path = corpus.values_in_cells(tmp_path, project_a.code, amount=amount, percent=percent, month=month)
    assert cell_problems(path, admin_user) == [(column, str(message))]


def test_money_over_the_columns_digits_is_a_row_problem(tmp_path, admin_user, project_a, nothing_written):
    # 14 digits, 2 of them decimals: 10^12 万元 does not fit
    path = corpus.values_in_cells(tmp_path, project_a.code, amount="1000000000000")
    [(column, message)] = cell_problems(path, admin_user)
    assert column == "D" and "14" in message


def test_hostile_values_leave_the_tables_as_they_were(tmp_path, admin_user, project_a):
    before = Project.objects.count(), ProgressReport.objects.count()
    for amount in ("1e308", "1000000000000", "NaN"):
        path = corpus.values_in_cells(tmp_path, project_a.code, amount=amount, name=f"{amount}.xlsx")
        assert not import_apply(data=path.read_bytes(), filename=path.name, actor=admin_user).applied
    assert (Project.objects.count(), ProgressReport.objects.count()) == before


def test_every_refusal_is_quick_and_leaves_no_trace(tmp_path, admin_user, project_a):
    """Every hostile builder of the corpus at once: a refusal or a cell problem, never an
    exception, never a write."""
    builders = [
        corpus.far_cell_attributes_swapped,
        corpus.cells_without_references,
        corpus.huge_shared_string_count,
        corpus.damaged_member,
        corpus.strict_ooxml,
        corpus.relationship_prefix_rebound,
        corpus.doctype_after_comment,
        corpus.doctype_in_utf16_part,
        corpus.hostile_xml_bomb,
        corpus.hostile_far_cell,
        corpus.hostile_encrypted,
        corpus.hostile_ods_repeated_rows,
        corpus.hostile_ods_wide_cell,
    ]
    for builder in builders:
        path = builder(tmp_path)
        data = io.BytesIO(path.read_bytes()).getvalue()
        result = import_preview(data=data, filename=path.name, actor=admin_user)
        assert not result.ok and not result.rows, builder.__name__


# --- what real writers do is still accepted ---------------------------------------------------


def test_windows_separators_in_entry_names(tmp_path, admin_user, project_a):
    path = corpus.windows_separators(tmp_path, project_a.code)
    result = import_preview(data=path.read_bytes(), filename=path.name, actor=admin_user)
    assert result.ok and result.counts["new"] == 1, [str(p) for p in result.problems]


def test_a_wrong_reference_count_in_shared_strings_is_harmless(tmp_path, admin_user, project_a):
    path = corpus.shared_strings_with_a_wrong_reference_count(tmp_path, project_a.code)
    result = import_preview(data=path.read_bytes(), filename=path.name, actor=admin_user)
    assert result.ok and result.counts["new"] == 1, [str(p) for p in result.problems]


def test_a_binary_member_in_an_ods_is_not_parsed(tmp_path, admin_user, project_a):
    path = corpus.ods_with_binary_member(tmp_path, [{"code": project_a.code, "amount": 5, "percent": 10}])
    result = import_preview(data=path.read_bytes(), filename=path.name, actor=admin_user, month=3)
    assert result.ok and result.counts["new"] == 1, [str(p) for p in result.problems]


def test_a_password_protected_ods(tmp_path, admin_user):
    refused_with(corpus.ods_encrypted(tmp_path), admin_user, reading.FileMsg.ENCRYPTED)


def test_two_sheets_of_one_name(tmp_path, admin_user):
    refused_with(corpus.duplicate_sheet_names(tmp_path), admin_user, reading.FileMsg.NONSTANDARD)


def test_a_second_workbook_under_the_usual_name(tmp_path, admin_user, project_a):
    refused_with(corpus.second_workbook(tmp_path, project_a.code), admin_user, reading.FileMsg.NONSTANDARD)


def test_shared_strings_found_by_name_are_checked_too(tmp_path, admin_user):
    refused_with(corpus.unrelated_shared_strings(tmp_path), admin_user, reading.FileMsg.DAMAGED)


def test_two_relationships_with_one_id(tmp_path, admin_user):
    refused_with(corpus.duplicate_relationship_ids(tmp_path), admin_user, reading.FileMsg.NONSTANDARD)


def test_xls_dimensions_claiming_the_whole_grid(tmp_path, admin_user):
    refused_with(
        corpus.xls_lying_dimensions(tmp_path),
        admin_user,
        reading.FileMsg.TOO_MANY_COLUMNS % {"sheet": "调度", "max": reading.MAX_COLUMNS},
    )
