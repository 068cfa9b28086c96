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
    upper = ["序号", "项目名称", "统一项目代码", "建设性质", "总投资", "其中", None, "2022年", None, "责任单位",
             "业主单位", "建设起止年限", "备注"]
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
                i, row["name"], row["code"], row["stage"],
                _as_text(total, style=i % 3), _as_text(row["government"] / scale, style=(i + 1) % 3),
                _as_text(row["social"] / scale, style=(i + 2) % 3), float(row["plan"] / scale),
                row.get("target", "完成主体工程"), row["unit"], row["owner"], "2021—2024年", "",
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
    headers = ["项目编码", "项目名称", "填报月份", "当月完成投资", "工程进度（%）", "进展情况", "存在的问题",
               "下月计划"]
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
            return (f'<table:table-cell office:value-type="float" office:value="{value}">'
                    f"<text:p>{value}</text:p></table:table-cell>")
        return f'<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>'

    lines = [["云阳县2022年3月县级重大项目调度表"], [], ["项目代码", "项目名称", "本月完成投资", "累计形象进度（%）"]]
    lines += [[r["code"], r.get("name", ""), r["amount"], r["percent"]] for r in rows]
    body = "".join("<table:table-row>" + "".join(cell(v) for v in line) + "</table:table-row>" for line in lines)
    # LibreOffice closes a sheet with the rest of the grid as one repeated empty row.
    body += ('<table:table-row table:number-rows-repeated="1048000">'
             '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>')
    return _ods(path, body)


def hostile_ods_repeated_rows(d: Path) -> Path:
    """One row with content, repeated a million times: a few bytes that expand to a huge sheet."""
    body = ('<table:table-row><table:table-cell office:value-type="string"><text:p>项目代码</text:p>'
            '</table:table-cell></table:table-row><table:table-row table:number-rows-repeated="1000000">'
            '<table:table-cell table:number-columns-repeated="50" office:value-type="float" office:value="1">'
            "<text:p>1</text:p></table:table-cell></table:table-row>")
    return _ods(d / "repeated-rows.ods", body)


def hostile_ods_wide_cell(d: Path) -> Path:
    """A value repeated across 16,000 columns."""
    body = ('<table:table-row><table:table-cell table:number-columns-repeated="16000" office:value-type="string">'
            "<text:p>x</text:p></table:table-cell></table:table-row>")
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


def raw_xlsx(path: Path, sheet_body, *, dimension: str | None = None, prolog: bytes = b"",
             compresslevel: int = 6) -> Path:
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
    row = (f'<row r="2"><c r="A2" t="inlineStr"><is><t>{code}</t></is></c>'
           '<c r="C2" t="inlineStr"><is><t>2022-03</t></is></c>'
           '<c r="D2"><f>100+1</f><v>101</v></c><c r="E2"><v>10</v></c></row>').encode()
    return raw_xlsx(d / "formula.xlsx", head + row)
