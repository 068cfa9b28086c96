"""Property: however a sheet is serialised — prefixes, attribute order, whitespace inside tags,
cells and rows with or without r="", <f> before or after <v>, shared formulas — a formula cell is
found where a reader puts it and its value never imported. The guards decide by meaning, so
every way of writing the same sheet must give the same answer."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portfolio.excel.importing import import_preview
from portfolio.excel.parsing import CellMsg

from . import corpus

FORMULAS = [
    "<f>100+1</f>",
    "<f\n>100+1</f>",
    "<f\t>100+1</f>",
    '<f t="shared" ref="D2:D3" si="0">100+1</f>',
    '<f t="shared" si="0"/>',
    "<f><![CDATA[100+1]]></f>",
]


@st.composite
def serialisations(draw):
    return {
        "prefix": draw(st.sampled_from(["", "x:", "s:"])),
        "s_first": draw(st.booleans()),
        "space": draw(st.sampled_from(["", " ", "\n", "\t", "\r\n  "])),
        "cell_refs": draw(st.booleans()),
        "row_refs": draw(st.booleans()),
        "formula": draw(st.sampled_from(FORMULAS)),
        "f_after_v": draw(st.booleans()),
    }


def sheet_xml(code: str, how: dict) -> bytes:
    p, sp = how["prefix"], how["space"]

    def tag(name, attrs=(), body=None):
        attrs = list(attrs)
        if how["s_first"]:
            attrs.reverse()
        text = "".join(f' {k}="{v}"' for k, v in attrs)
        if body is None:
            return f"<{p}{name}{text}{sp}/>"
        return f"<{p}{name}{text}{sp}>{body}</{p}{name}{sp}>"

    def cell(ref, value):
        attrs = [("r", ref)] if how["cell_refs"] else []
        if isinstance(value, str) and value.startswith("<f"):
            f = value.replace("<f", f"<{p}f").replace("</f>", f"</{p}f>")
            v = f"<{p}v>101</{p}v>"
            return tag("c", [*attrs, ("s", "0")], v + f if how["f_after_v"] else f + v)
        if value is None:
            return tag("c", [*attrs, ("s", "0")])
        if isinstance(value, str):
            return tag("c", [*attrs, ("t", "inlineStr")], f"<{p}is><{p}t>{value}</{p}t></{p}is>")
        return tag("c", [*attrs, ("s", "0")], f"<{p}v>{value}</{p}v>")

    rows = [corpus.HEADER, [code, None, "2022-03", how["formula"], 10]]
    body = ""
    for r, values in enumerate(rows, start=1):
        cells = "".join(cell(f"{'ABCDE'[c]}{r}", v) for c, v in enumerate(values))
        body += tag("row", [("r", str(r))] if how["row_refs"] else [], cells)
    ns = f' xmlns{":" + p[:-1] if p else ""}="{corpus.MAIN_NS}"'
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><{p}worksheet{ns}><{p}sheetData>{body}</{p}sheetData></{p}worksheet>'
    ).encode()


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(how=serialisations())
def test_a_formula_is_found_however_the_sheet_is_written(tmp_path, admin_user, project_a, how):
    path = corpus.xlsx_parts(tmp_path / "s.xlsx", {"xl/worksheets/sheet1.xml": sheet_xml(project_a.code, how)})
    result = import_preview(data=path.read_bytes(), filename=path.name, actor=admin_user)
    assert [(p.row, p.column, p.message) for p in result.problems] == [(2, "D", str(CellMsg.FORMULA))], how
