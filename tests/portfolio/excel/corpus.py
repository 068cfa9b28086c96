"""Test workbooks built by code: the messy layouts offices really send, and hostile files.

Each builder writes into a directory (pytest's tmp_path) and returns the path. Nothing here is
hand-made, so the corpus can grow with every layout a user reports."""

import datetime
import io
import zipfile
from decimal import Decimal
from pathlib import Path

import xlwt
from openpyxl import Workbook
from openpyxl.styles import Alignment

# --- messy but valid ---------------------------------------------------------------------------


def messy_plan(path: Path, rows: list[dict], *, unit: str = "亿元") -> Path:
    """A plan as a county office keeps it: a merged title, a unit line, a two-row header with
    merged group cells, columns in their own order, category lines with counts, a 小计 row,
    a 合计 row, blank rows, notes under the table, numbers as text with separators and full-width
    digits. `rows` carry: code, name, category (name), stage, unit (responsible), owner, total,
    government, social, plan (all in 万元, Decimal)."""
    scale = Decimal(10000) if unit == "亿元" else Decimal(1)
    wb = Workbook()
    ws = wb.active
    ws.title = "计划表"
    ws["A1"] = "云阳县2022年县级重大项目计划表"
    ws.merge_cells("A1:M1")
    ws["A2"] = f"单位：{unit}"
    # Row 3: single headers merged down, group cells merged across; row 4: the grouped columns.
    upper = [
        "序号",
        "项目名称",
        "统一项目代码",
        "建设性质",
        "总投资",
        "其中",
        None,
        "2022年",
        None,
        "责任单位",
        "业主单位",
        "建设起止年限",
        "备注",
    ]
    lower = [None, None, None, None, None, "政府投资", "社会投资", "计划投资", "年度建设目标", None, None, None, None]
    for c, (u, lo) in enumerate(zip(upper, lower, strict=True), start=1):
        ws.cell(row=3, column=c, value=u)
        ws.cell(row=4, column=c, value=lo)
    for col in "ABCDEJKLM":
        ws.merge_cells(f"{col}3:{col}4")
    ws.merge_cells("F3:G3")
    ws.merge_cells("H3:I3")
    ws["A3"].alignment = Alignment(wrap_text=True)
    r = 5
    ws.cell(row=r, column=1, value="合计")
    r += 1
    by_category: dict[str, list] = {}
    for row in rows:
        by_category.setdefault(row["category"], []).append(row)
    numerals = "一二三四五六"
    for n, (category, members) in enumerate(by_category.items()):
        ws.cell(row=r, column=1, value=f"{numerals[n]}、{category}（{len(members)}个）")
        r += 1
        for i, row in enumerate(members, start=1):
            total = row["total"] / scale
            values = [
                i,
                row["name"],
                row["code"],
                row["stage"],
                _as_text(total, style=i % 3),
                _as_text(row["government"] / scale, style=(i + 1) % 3),
                _as_text(row["social"] / scale, style=(i + 2) % 3),
                float(row["plan"] / scale),
                row.get("target", "完成主体工程"),
                row["unit"],
                row["owner"],
                "2021—2024年",
                "",
            ]
            for c, value in enumerate(values, start=1):
                ws.cell(row=r, column=c, value=value)
            r += 1
        ws.cell(row=r, column=2, value="小计")
        r += 1
        r += 1  # a blank row between groups
    ws.cell(row=r, column=1, value="注：1. 本表金额单位为亿元；2. 项目以发改委审定为准。")
    ws.cell(row=r + 1, column=1, value="备注：数据截至2022年1月。")
    wb.save(path)
    return path


def _as_text(amount: Decimal, *, style: int):
    """0: a number; 1: text with thousands separators; 2: full-width digits."""
    if style == 0:
        return float(amount)
    text = f"{amount:,}"
    if style == 1:
        return text
    return text.replace(",", "").translate(str.maketrans("0123456789.", "０１２３４５６７８９．"))


def messy_dispatch(path: Path, rows: list[dict]) -> Path:
    """A dispatch sheet: months as a date, an Excel serial, 2022.03 text, 2022年3月 and 2022-03;
    percents as 58, "58%", and 0.58 in a percent-formatted cell. `rows`: code, month, amount,
    percent (Decimal points), narrative."""
    wb = Workbook()
    ws = wb.active
    ws.title = "月度调度"
    ws["A1"] = "云阳县2022年县级重大项目月度调度表"
    ws["A2"] = "填报单位：县交通局　　　单位：万元"
    headers = [
        "项目编码",
        "项目名称",
        "填报月份",
        "当月完成投资",
        "工程进度（%）",
        "进展情况",
        "存在的问题",
        "下月计划",
    ]
    for c, h in enumerate(headers, start=1):
        ws.cell(row=3, column=c, value=h)
    for i, row in enumerate(rows):
        r = 4 + i
        year, month = 2022, row["month"]
        forms = [
            datetime.date(year, month, 1),
            (datetime.date(year, month, 15) - datetime.date(1899, 12, 30)).days,  # a serial typed as a number
            f"{year}.{month:02d}",
            f"{year}年{month}月",
            f"{year}-{month:02d}",
        ]
        ws.cell(row=r, column=1, value=row["code"])
        ws.cell(row=r, column=2, value=row.get("name", ""))
        ws.cell(row=r, column=3, value=forms[i % len(forms)])
        ws.cell(row=r, column=4, value=f"{row['amount']:,}" if i % 2 else float(row["amount"]))
        percent_cell = ws.cell(row=r, column=5)
        kind = i % 3
        if kind == 0:
            percent_cell.value = float(row["percent"])
        elif kind == 1:
            percent_cell.value = f"{row['percent']}%"
        else:
            percent_cell.value = float(row["percent"] / 100)
            percent_cell.number_format = "0.00%"
        ws.cell(row=r, column=6, value=row.get("narrative", ""))
    ws.cell(row=4 + len(rows), column=1, value="合计")
    wb.save(path)
    return path


def xls_dispatch(path: Path, rows: list[dict]) -> Path:
    """The same kind of sheet, saved as an Excel 97-2003 .xls."""
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("调度")
    sheet.write(0, 0, "云阳县2022年3月县级重大项目调度表")
    for c, h in enumerate(["项目代码", "项目名称", "本月完成投资", "累计形象进度（%）"]):
        sheet.write(2, c, h)
    for i, row in enumerate(rows):
        sheet.write(3 + i, 0, row["code"])
        sheet.write(3 + i, 1, row.get("name", ""))
        sheet.write(3 + i, 2, float(row["amount"]))
        sheet.write(3 + i, 3, float(row["percent"]))
    book.save(str(path))
    return path


def ods_dispatch(path: Path, rows: list[dict]) -> Path:
    """An OpenDocument spreadsheet (WPS and LibreOffice save these), built from its XML."""

    def cell(value):
        if isinstance(value, (int, float, Decimal)):
            return (
                f'<table:table-cell office:value-type="float" office:value="{value}">'
                f"<text:p>{value}</text:p></table:table-cell>"
            )
        return f'<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>'

    lines = [["云阳县2022年3月县级重大项目调度表"], [], ["项目代码", "项目名称", "本月完成投资", "累计形象进度（%）"]]
    lines += [[r["code"], r.get("name", ""), r["amount"], r["percent"]] for r in rows]
    body = "".join("<table:table-row>" + "".join(cell(v) for v in line) + "</table:table-row>" for line in lines)
    # LibreOffice closes a sheet with the rest of the grid as one repeated empty row.
    body += (
        '<table:table-row table:number-rows-repeated="1048000">'
        '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    )
    return _ods(path, body)


def hostile_ods_repeated_rows(d: Path) -> Path:
    """One row with content, repeated a million times: a few bytes that expand to a huge sheet."""
    body = (
        '<table:table-row><table:table-cell office:value-type="string"><text:p>项目代码</text:p>'
        '</table:table-cell></table:table-row><table:table-row table:number-rows-repeated="1000000">'
        '<table:table-cell table:number-columns-repeated="50" office:value-type="float" office:value="1">'
        "<text:p>1</text:p></table:table-cell></table:table-row>"
    )
    return _ods(d / "repeated-rows.ods", body)


def hostile_ods_wide_cell(d: Path) -> Path:
    """A value repeated across 16,000 columns."""
    body = (
        '<table:table-row><table:table-cell table:number-columns-repeated="16000" office:value-type="string">'
        "<text:p>x</text:p></table:table-cell></table:table-row>"
    )
    return _ods(d / "wide.ods", body)


def _ods(path: Path, body: str) -> Path:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="调度">{body}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return path


# --- raw xlsx, for the hostile cases ---------------------------------------------------------

CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    b"</Types>"
)
ROOT_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    b'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    b'<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    b'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def _cell(ref: str, value) -> bytes:
    if isinstance(value, str):
        return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'.encode()
    return f'<c r="{ref}"><v>{value}</v></c>'.encode()


def dispatch_sheet_rows(rows: list[list], start: int = 1):
    """<row> elements for rows of values, the first at row `start`."""
    for i, values in enumerate(rows):
        r = start + i
        cells = b"".join(_cell(f"{chr(65 + c)}{r}", v) for c, v in enumerate(values) if v is not None)
        yield f'<row r="{r}">'.encode() + cells + b"</row>"


def raw_xlsx(
    path: Path, sheet_body, *, dimension: str | None = None, prolog: bytes = b"", compresslevel: int = 6
) -> Path:
    """An .xlsx whose sheet XML we write by hand; `sheet_body` is bytes or an iterable of bytes
    (streamed into the archive, so a huge sheet never sits in memory)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            head = prolog or SHEET_HEAD
            sheet.write(head)
            if dimension:
                sheet.write(f'<dimension ref="{dimension}"/>'.encode())
            sheet.write(b"<sheetData>")
            if isinstance(sheet_body, bytes):
                sheet.write(sheet_body)
            else:
                for piece in sheet_body:
                    sheet.write(piece)
            sheet.write(b"</sheetData></worksheet>")
    return path


HEADER = ["项目代码", "项目名称", "填报月份", "本月完成投资", "累计形象进度（%）"]


def hostile_empty(d: Path) -> Path:
    path = d / "empty.xlsx"
    path.write_bytes(b"")
    return path


def hostile_csv_renamed(d: Path) -> Path:
    path = d / "renamed-csv.xlsx"
    path.write_text("项目代码,项目名称,本月完成投资\nYY2022-REG-001,江龙高速,100\n", encoding="utf-8")
    return path


def hostile_xls_renamed(d: Path) -> Path:
    path = d / "renamed-xls.xlsx"
    book = xlwt.Workbook()
    book.add_sheet("s").write(0, 0, "项目代码")
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def hostile_truncated(d: Path, source: bytes) -> Path:
    path = d / "truncated.xlsx"
    path.write_bytes(source[: len(source) // 2])
    return path


def hostile_encrypted(d: Path) -> Path:
    """What Excel writes for a workbook with an opening password: an OLE2 compound file whose
    directory holds EncryptionInfo and EncryptedPackage streams (the header and directory are
    enough for the check; the encrypted bytes are noise)."""
    path = d / "encrypted.xlsx"
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    header[24:26] = (0x3E).to_bytes(2, "little")
    header[26:28] = (3).to_bytes(2, "little")
    header[28:30] = b"\xfe\xff"
    header[30:32] = (9).to_bytes(2, "little")

    def entry(name: str) -> bytes:
        raw = name.encode("utf-16-le") + b"\x00\x00"
        record = bytearray(128)
        record[: len(raw)] = raw
        record[64:66] = len(raw).to_bytes(2, "little")
        record[66] = 2
        return bytes(record)

    directory = entry("Root Entry") + entry("EncryptionInfo") + entry("EncryptedPackage") + entry("\x06DataSpaces")
    path.write_bytes(bytes(header) + directory + bytes(range(256)) * 64)
    return path


def hostile_xml_bomb(d: Path) -> Path:
    """Billion laughs in the sheet XML."""
    entities = b'<!ENTITY lol "lol">' + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode() for i in range(1, 10)
    )
    prolog = b'<?xml version="1.0"?><!DOCTYPE worksheet [' + entities + b"]>" + SHEET_HEAD.split(b"?>", 1)[1]
    body = b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
    return raw_xlsx(d / "xml-bomb.xlsx", body, prolog=prolog)


def hostile_zip_bomb(d: Path, megabytes: int = 120) -> Path:
    """A small file that unpacks to a sheet of `megabytes` MB: one row with a huge run of the
    same character, which deflate squeezes about a thousand times."""
    chunk = b" " * (1024 * 1024)

    def body():
        yield b'<row r="1"><c r="A1" t="inlineStr"><is><t>'
        for _ in range(megabytes):
            yield chunk
        yield b"</t></is></c></row>"

    return raw_xlsx(d / "zip-bomb.xlsx", body(), compresslevel=9)


def hostile_lying_dimension(d: Path, rows: int) -> Path:
    """<dimension ref="A1:E3"/> on a sheet that really has `rows` rows."""
    data = [HEADER] + [[f"YY2022-REG-{i % 1000:03d}", "项目", "2022-03", 1, 1] for i in range(rows)]
    return raw_xlsx(d / "lying-dimension.xlsx", dispatch_sheet_rows(data), dimension="A1:E3")


def hostile_far_cell(d: Path) -> Path:
    """A sheet whose dimension claims the whole grid and whose one stray cell sits at XFD5: a
    reader that trusts either would allocate 16384 columns per row."""
    data = [HEADER, ["YY2022-REG-001", "江龙高速", "2022-03", 1, 1]]
    body = b"".join(dispatch_sheet_rows(data)) + b'<row r="5"><c r="XFD5"><v>1</v></c></row>'
    return raw_xlsx(d / "far-cell.xlsx", body, dimension="A1:XFD1048576")


def too_many_rows(d: Path, rows: int) -> Path:
    data = [HEADER] + [[f"YY2022-REG-{i % 1000:03d}", "项目", "2022-03", 1, 1] for i in range(rows)]
    return raw_xlsx(d / "too-many-rows.xlsx", dispatch_sheet_rows(data), dimension=f"A1:E{rows + 1}")


def formula_in_cell(d: Path, code: str) -> Path:
    """A data cell that holds a formula (=100+1) rather than the value."""
    head = b"".join(dispatch_sheet_rows([HEADER]))
    row = (
        f'<row r="2"><c r="A2" t="inlineStr"><is><t>{code}</t></is></c>'
        '<c r="C2" t="inlineStr"><is><t>2022-03</t></is></c>'
        '<c r="D2"><f>100+1</f><v>101</v></c><c r="E2"><v>10</v></c></row>'
    ).encode()
    return raw_xlsx(d / "formula.xlsx", head + row)


# --- the classes around the guards: each builder walks around one way a text-pattern scanner
# --- could be fooled (see portfolio/excel/scanning.py) -----------------------------------------

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def xlsx_parts(path: Path, parts: dict[str, bytes], *, duplicate: tuple[str, bytes] | None = None) -> Path:
    """An .xlsx from the default parts with some replaced (`parts`: name → bytes, None drops it);
    `duplicate` adds a second entry with the name of an existing one."""
    base = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": ROOT_RELS,
        "xl/workbook.xml": WORKBOOK,
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
        "xl/worksheets/sheet1.xml": SHEET_HEAD
        + b"<sheetData>"
        + b"".join(dispatch_sheet_rows([HEADER]))
        + b"</sheetData></worksheet>",
    }
    base.update(parts)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in base.items():
            if data is not None:
                archive.writestr(name, data)
        if duplicate:
            import warnings

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # zipfile warns about the duplicate: that is the point
                archive.writestr(duplicate[0], duplicate[1])
    return path


def _sheet(body: bytes, head: bytes = SHEET_HEAD, tail: bytes = b"</worksheet>") -> bytes:
    return head + b"<sheetData>" + body + b"</sheetData>" + tail


def _data_row(code: str, amount_cell: bytes, r: int = 2) -> bytes:
    return (
        (
            f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>{code}</t></is></c>'
            f'<c r="C{r}" t="inlineStr"><is><t>2022-03</t></is></c>'
        ).encode()
        + amount_cell
        + f'<c r="E{r}"><v>10</v></c></row>'.encode()
    )


def far_cell_attributes_swapped(d: Path) -> Path:
    """The far cell of hostile_far_cell with its attributes in the other order."""
    body = b"".join(dispatch_sheet_rows([HEADER])) + b'<row r="5"><c s="0" r="XFD1048576"><v>1</v></c></row>'
    return xlsx_parts(d / "far-cell-swapped.xlsx", {"xl/worksheets/sheet1.xml": _sheet(body)})


def cells_without_references(d: Path, columns: int = 300) -> Path:
    """A row of cells with no r="": a reader places them one after another, past the column cap."""
    body = b"".join(dispatch_sheet_rows([HEADER])) + b"<row>" + b"<c><v>1</v></c>" * columns + b"</row>"
    return xlsx_parts(d / "no-refs.xlsx", {"xl/worksheets/sheet1.xml": _sheet(body)})


def rows_without_references(d: Path, rows: int) -> Path:
    body = b"".join(dispatch_sheet_rows([HEADER])) + b'<row><c t="inlineStr"><is><t>x</t></is></c></row>' * rows
    return xlsx_parts(d / "no-row-refs.xlsx", {"xl/worksheets/sheet1.xml": _sheet(body)})


def prefixed_sheet_with_formula(d: Path, code: str) -> Path:
    """The sheet as the .NET Open XML SDK writes it: every element with an x: prefix."""
    rows = b"".join(dispatch_sheet_rows([HEADER])) + _data_row(code, b'<c r="D2"><f>100+1</f><v>101</v></c>')
    for tag in (b"row", b"c", b"is", b"t", b"v", b"f"):
        rows = rows.replace(b"<" + tag + b" ", b"<x:" + tag + b" ").replace(b"<" + tag + b">", b"<x:" + tag + b">")
        rows = rows.replace(b"</" + tag + b">", b"</x:" + tag + b">")
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?><x:worksheet xmlns:x="{MAIN_NS}"><x:sheetData>'.encode()
        + rows
        + b"</x:sheetData></x:worksheet>"
    )
    return xlsx_parts(d / "prefixed.xlsx", {"xl/worksheets/sheet1.xml": sheet})


def formula_tag_with_whitespace(d: Path, code: str, space: str = "\n") -> Path:
    """<f followed by a newline or a tab instead of > or a space."""
    cell = f'<c r="D2"><f{space}>100+1</f><v>101</v></c>'.encode()
    body = b"".join(dispatch_sheet_rows([HEADER])) + _data_row(code, cell)
    return xlsx_parts(d / "formula-newline.xlsx", {"xl/worksheets/sheet1.xml": _sheet(body)})


def huge_shared_string_count(d: Path) -> Path:
    """sharedStrings.xml declaring 10^12 strings and holding one: a reader reserving room for the
    declared count asks for terabytes."""
    sst = (
        f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN_NS}" count="1000000000000" '
        'uniqueCount="1000000000000"><si><t>项目代码</t></si></sst>'
    ).encode()
    rels = WORKBOOK_RELS.replace(
        b"</Relationships>",
        b'<Relationship Id="rId9" Type="http://schemas.'
        b'openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
        b'Target="sharedStrings.xml"/></Relationships>',
    )
    sheet = _sheet(b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>')
    return xlsx_parts(
        d / "sst-count.xlsx",
        {"xl/sharedStrings.xml": sst, "xl/_rels/workbook.xml.rels": rels, "xl/worksheets/sheet1.xml": sheet},
    )


def damaged_member(d: Path) -> Path:
    """A zip whose directory is sound but whose sheet's deflate stream is garbage."""
    path = xlsx_parts(d / "damaged-member.xlsx", {})
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start + 2, start + min(info.compress_size, 60)):
        data[i] ^= 0x5A
    path.write_bytes(bytes(data))
    return path


def strict_ooxml(d: Path) -> Path:
    """A workbook in the Strict OOXML namespace (Excel's “Strict Open XML Spreadsheet”)."""
    strict = b"http://purl.oclc.org/ooxml/spreadsheetml/main"
    return xlsx_parts(
        d / "strict.xlsx",
        {
            "xl/workbook.xml": WORKBOOK.replace(MAIN_NS.encode(), strict),
            "xl/worksheets/sheet1.xml": _sheet(b"".join(dispatch_sheet_rows([HEADER]))).replace(
                MAIN_NS.encode(), strict
            ),
        },
    )


def relationship_prefix_rebound(d: Path) -> Path:
    """r: bound to another URI, so r:id is not the relationship id a reader matching the prefix
    text would take it for."""
    workbook = WORKBOOK.replace(
        b"http://schemas.openxmlformats.org/officeDocument/2006/relationships", b"http://example.com/not-relationships"
    )
    return xlsx_parts(d / "rebound.xlsx", {"xl/workbook.xml": workbook})


def doctype_after_comment(d: Path) -> Path:
    """A DOCTYPE past the first 4 KB: after a 5 KB comment."""
    sheet = (
        b'<?xml version="1.0" encoding="UTF-8"?><!--' + b"x" * 5000 + b"--><!DOCTYPE worksheet "
        b'[<!ENTITY a "aaaaaaaaaa">]>'
        + SHEET_HEAD.split(b"?>", 1)[1]
        + b"<sheetData>"
        + b"".join(dispatch_sheet_rows([HEADER]))
        + b"</sheetData></worksheet>"
    )
    return xlsx_parts(d / "doctype-late.xlsx", {"xl/worksheets/sheet1.xml": sheet})


def doctype_in_utf16_part(d: Path, part: str = "docProps/app.xml") -> Path:
    """A DOCTYPE in a UTF-16 part: no ASCII "<!DOCTYPE" in its bytes."""
    xml = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE p [<!ENTITY a "b">]><p>&a;</p>'
    return xlsx_parts(d / "doctype-utf16.xlsx", {part: xml.encode("utf-16")})


def duplicate_entries(d: Path, code: str) -> Path:
    """Two entries named xl/worksheets/sheet1.xml: one harmless, one with a formula."""
    formula = _sheet(b"".join(dispatch_sheet_rows([HEADER])) + _data_row(code, b'<c r="D2"><f>1+1</f><v>2</v></c>'))
    return xlsx_parts(d / "duplicate.xlsx", {}, duplicate=("xl/worksheets/sheet1.xml", formula))


def values_in_cells(
    d: Path, code: str, *, amount: str = "1", percent: str = "10", month: str = "2022-03", name: str = "dispatch.xlsx"
) -> Path:
    """One dispatch row whose amount, percent and month are raw <v> texts (1e308, NaN, inf…)."""

    def value(ref, text):
        if text.replace(".", "").replace("e", "").replace("E", "").replace("-", "").replace(
            "+", ""
        ).isdigit() or text.lower() in ("nan", "inf", "-inf", "infinity"):
            return f'<c r="{ref}"><v>{text}</v></c>'
        return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'

    row = (
        f'<row r="2"><c r="A2" t="inlineStr"><is><t>{code}</t></is></c>{value("C2", month)}'
        f"{value('D2', amount)}{value('E2', percent)}</row>"
    ).encode()
    return xlsx_parts(d / name, {"xl/worksheets/sheet1.xml": _sheet(b"".join(dispatch_sheet_rows([HEADER])) + row)})


def ods_repeated_formula(d: Path, code: str) -> Path:
    """An ODS formula cell standing for two cells (number-columns-repeated)."""

    def text(v):
        return f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'

    columns = ["项目代码", "项目名称", "本月完成投资", "累计形象进度（%）"]
    header = "<table:table-row>" + "".join(text(h) for h in columns) + "</table:table-row>"
    row = (
        "<table:table-row>"
        + text(code)
        + text("项目")
        + '<table:table-cell table:number-columns-repeated="2" table:formula="of:=1+1" office:value-type="float" '
        'office:value="2"><text:p>2</text:p></table:table-cell></table:table-row>'
    )
    return _ods(d / "ods-formula.ods", header + row)


def xls_with_formula(d: Path, code: str) -> Path:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("调度")
    for c, h in enumerate(["项目代码", "项目名称", "填报月份", "本月完成投资", "累计形象进度（%）"]):
        sheet.write(0, c, h)
    sheet.write(1, 0, code)
    sheet.write(1, 2, "2022-03")
    sheet.write(1, 3, xlwt.Formula("100+1"))
    sheet.write(1, 4, 10)
    path = d / "formula.xls"
    book.save(str(path))
    return path


def whole_grid_dimension(d: Path) -> Path:
    """A dimension claiming A1:XFD1048576 on a two-row sheet, no far cell."""
    data = [HEADER, ["YY2022-REG-001", "江龙高速", "2022-03", 1, 1]]
    return raw_xlsx(d / "whole-grid.xlsx", b"".join(dispatch_sheet_rows(data)), dimension="A1:XFD1048576")


def plan_with_headings(path: Path, rows: list[dict], *, style: str) -> Path:
    """A county plan whose category headings sit in the number and name columns
    (`split`: 一 | | 重大产业项目（65个）) or read （一）重大产业项目 (`paren`)."""
    wb = Workbook()
    ws = wb.active
    ws.append(
        [
            "序号",
            "项目代码",
            "项目名称",
            "总投资",
            "政府投资",
            "社会投资",
            "年度计划投资",
            "业主单位",
            "建设性质",
            "建设起止年限",
            "责任单位",
        ]
    )
    numerals = "一二三四五六"
    groups: dict[str, list] = {}
    for row in rows:
        groups.setdefault(row["category"], []).append(row)
    for n, (category, members) in enumerate(groups.items()):
        if style == "split":
            ws.append([numerals[n], None, f"{category}（{len(members)}个）"])
        else:
            ws.append([f"（{numerals[n]}）{category}"])
        for i, row in enumerate(members, start=1):
            ws.append(
                [
                    i,
                    row["code"],
                    row["name"],
                    float(row["total"]),
                    float(row["government"]),
                    float(row["social"]),
                    float(row["plan"]),
                    row["owner"],
                    "续建",
                    "2021-2024",
                    row["unit"],
                ]
            )
    wb.save(path)
    return path


def windows_separators(d: Path, code: str) -> Path:
    """A sound workbook whose entry names use backslashes, as some Windows tools write them."""
    path = d / "backslashes.xlsx"
    sheet = _sheet(b"".join(dispatch_sheet_rows([HEADER])) + _data_row(code, b'<c r="D2"><v>5</v></c>'))
    parts = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels\\.rels": ROOT_RELS,
        "xl\\workbook.xml": WORKBOOK,
        "xl\\_rels\\workbook.xml.rels": WORKBOOK_RELS,
        "xl\\worksheets\\sheet1.xml": sheet,
    }
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def ods_encrypted(d: Path) -> Path:
    """An ODS saved with a password: the manifest lists how content.xml is encrypted, and
    content.xml itself is noise."""
    path = d / "encrypted.ods"
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">'
        '<manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="x">'
        '<manifest:algorithm manifest:algorithm-name="Blowfish CFB" manifest:initialisation-vector="x"/>'
        "</manifest:encryption-data></manifest:file-entry></manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", bytes(range(256)) * 8, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return path


def ods_with_binary_member(d: Path, rows: list[dict]) -> Path:
    """A sound ODS carrying a binary member no reader parses (older LibreOffice's layout-cache)."""
    path = ods_dispatch(d / "layout-cache.ods", rows)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("layout-cache", b"\x00\x01\x02binary\xff" * 10)
    return path


def shared_strings_with_a_wrong_reference_count(d: Path, code: str) -> Path:
    """count (references) wrong, as some writers leave it; uniqueCount right: harmless."""
    strings = [*HEADER, code, "2022-03"]
    sst = (
        f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN_NS}" count="999" uniqueCount="{len(strings)}">'
        + "".join(f"<si><t>{s}</t></si>" for s in strings)
        + "</sst>"
    ).encode()
    rels = WORKBOOK_RELS.replace(
        b"</Relationships>",
        b'<Relationship Id="rId9" Type="http://schemas.'
        b'openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
        b'Target="sharedStrings.xml"/></Relationships>',
    )
    head = "".join(f'<c r="{chr(65 + i)}1" t="s"><v>{i}</v></c>' for i in range(len(HEADER)))
    body = (
        f'<row r="1">{head}</row><row r="2"><c r="A2" t="s"><v>5</v></c><c r="C2" t="s"><v>6</v></c>'
        '<c r="D2"><v>5</v></c><c r="E2"><v>10</v></c></row>'
    ).encode()
    return xlsx_parts(
        d / "sst-count-wrong.xlsx",
        {"xl/sharedStrings.xml": sst, "xl/_rels/workbook.xml.rels": rels, "xl/worksheets/sheet1.xml": _sheet(body)},
    )


def duplicate_sheet_names(d: Path) -> Path:
    """Two sheets named alike (Excel forbids it) pointing at different parts."""
    workbook = WORKBOOK.replace(
        b'<sheet name="Sheet1" sheetId="1" r:id="rId1"/>',
        b'<sheet name="Sheet1" sheetId="1" r:id="rId1"/><sheet name="sheet1" sheetId="2" r:id="rId2"/>',
    )
    rels = WORKBOOK_RELS.replace(
        b"</Relationships>",
        b'<Relationship Id="rId2" Type="http://schemas.openxmlformats.org'
        b'/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/>'
        b"</Relationships>",
    )
    return xlsx_parts(
        d / "same-names.xlsx",
        {"xl/workbook.xml": workbook, "xl/_rels/workbook.xml.rels": rels, "xl/worksheets/sheet2.xml": _sheet(b"")},
    )


def second_workbook(d: Path, code: str) -> Path:
    """The package's relationship names a harmless workbook; xl/workbook.xml, which a reader
    going by the usual name takes, shows a sheet with a formula."""
    root_rels = ROOT_RELS.replace(b"xl/workbook.xml", b"xl/other.xml")
    other_rels = WORKBOOK_RELS.replace(b"worksheets/sheet1.xml", b"worksheets/clean.xml")
    formula = _sheet(b"".join(dispatch_sheet_rows([HEADER])) + _data_row(code, b'<c r="D2"><f>1+1</f><v>2</v></c>'))
    return xlsx_parts(
        d / "two-workbooks.xlsx",
        {
            "_rels/.rels": root_rels,
            "xl/other.xml": WORKBOOK,
            "xl/_rels/other.xml.rels": other_rels,
            "xl/worksheets/clean.xml": _sheet(b"".join(dispatch_sheet_rows([HEADER]))),
            "xl/worksheets/sheet1.xml": formula,
        },
    )


def unrelated_shared_strings(d: Path) -> Path:
    """xl/sharedStrings.xml with a uniqueCount of 10^12 that no relationship points to."""
    sst = (
        f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN_NS}" uniqueCount="1000000000000">'
        "<si><t>x</t></si></sst>"
    ).encode()
    return xlsx_parts(d / "stray-sst.xlsx", {"xl/sharedStrings.xml": sst})


def duplicate_relationship_ids(d: Path) -> Path:
    rels = WORKBOOK_RELS.replace(
        b"</Relationships>",
        b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org'
        b'/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/>'
        b"</Relationships>",
    )
    return xlsx_parts(
        d / "same-ids.xlsx", {"xl/_rels/workbook.xml.rels": rels, "xl/worksheets/sheet2.xml": _sheet(b"")}
    )


def xls_lying_dimensions(d: Path, rows: int = 65536, columns: int = 256) -> Path:
    """An .xls whose DIMENSIONS record claims the whole BIFF8 grid (a reader may size its grid by
    it) over two real rows."""
    path = xls_dispatch(d / "dimensions.xls", [{"code": "YY2022-REG-001", "amount": 1, "percent": 1}])
    data = bytearray(path.read_bytes())
    at = data.find(b"\x00\x02\x0e\x00")  # DIMENSIONS, 14 bytes: first row, last row + 1 (u32), first, last col
    assert at > 0
    data[at + 8 : at + 12] = rows.to_bytes(4, "little")
    data[at + 14 : at + 16] = columns.to_bytes(2, "little")
    path.write_bytes(bytes(data))
    return path
