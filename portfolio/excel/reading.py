"""Opening an uploaded workbook without trusting it. Every refusal happens before the file is
parsed in full, in time and memory bounded by the settings' caps, never by the file's word:

- size: empty files and files over IMPORT_MAX_UPLOAD_BYTES are refused unread;
- kind: the first bytes decide (zip, OLE2 compound file, text), not the name, so a .csv or .xls
  renamed .xlsx is named for what it is; an OLE2 file holding an EncryptedPackage is a
  password-protected workbook;
- zip: the central directory is read with zipfile before any XML parser sees a byte: entry count,
  the declared uncompressed sizes against IMPORT_MAX_UNCOMPRESSED_BYTES, the compression ratio,
  encrypted entries; a truncated zip fails here;
- XML: every part is decompressed as a stream, counting the bytes actually produced (a lying
  size field buys nothing) and refusing a DTD or entity declaration (XML bombs); the parts we
  parse ourselves go through defusedxml;
- sheets: rows and columns are counted while streaming, whatever the stored <dimension> says, so
  a sheet over IMPORT_MAX_ROWS is refused as soon as the count passes the cap; formula cells and
  percent-formatted cells are noted on the way.

Only then does calamine read the values, fast."""

import io
import re
import zipfile
from dataclasses import dataclass, field

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException
from django.conf import settings
from django.utils.translation import gettext_lazy as _

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
MAX_ZIP_ENTRIES = 1000
MAX_COLUMNS = 200
# A real sheet's XML compresses 5-30 times; a ratio in the hundreds on a big part is a bomb.
MAX_RATIO = 200
RATIO_CHECK_FROM = 1024 * 1024
CHUNK = 1024 * 1024
SUPPORTED = (".xlsx", ".xlsm", ".xls", ".ods")
NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
BUILTIN_PERCENT_FORMATS = {9, 10}


class FileMsg:
    EMPTY = _("The file is empty.")
    TOO_BIG = _("The file is larger than %(mb)s MB; split it or remove what is not needed.")
    UNSUPPORTED = _("Only .xlsx, .xls and .ods workbooks can be imported.")
    CSV = _("This is a text (CSV) file, not an Excel workbook; open it in Excel or WPS and save it as .xlsx.")
    XLS_RENAMED = _(
        "This is an old Excel 97-2003 (.xls) workbook with a %(ext)s name; save it as .xlsx in Excel or WPS, "
        "or upload it with its .xls name."
    )
    NOT_SPREADSHEET = _("This file is not an Excel or WPS workbook.")
    DAMAGED = _("The file is damaged or incomplete (perhaps the upload or download was cut short); save it again.")
    ENCRYPTED = _("The workbook is password-protected; remove the password (File → Info → Protect) and save it again.")
    UNCOMPRESSED = _("Unpacked, the workbook would be larger than %(mb)s MB; it cannot be imported.")
    ZIP_BOMB = _("The workbook is compressed suspiciously well (a “zip bomb”); it cannot be imported.")
    XML_BOMB = _("The workbook contains XML entity declarations, which Excel never writes; it cannot be imported.")
    TOO_MANY_ROWS = _("The sheet “%(sheet)s” has more than %(max)s rows; split the file.")
    TOO_MANY_COLUMNS = _("The sheet “%(sheet)s” has more than %(max)s columns.")
    NO_SHEETS = _("The workbook has no worksheets.")


class FileRefused(Exception):
    """The whole file is refused; nothing in it is read further."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass
class Sheet:
    name: str
    rows: list[list]
    merges: list = field(default_factory=list)
    formula_cells: set = field(default_factory=set)  # (row0, col0)
    percent_cells: set = field(default_factory=set)  # (row0, col0) formatted as a percent


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:g}"


def _sniff_text(data: bytes) -> bool:
    head = data[:4096]
    if b"\x00" in head:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            head.decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False


def read_workbook(data: bytes, filename: str) -> list[Sheet]:
    """The workbook's worksheets as rows of values, or FileRefused saying why not."""
    max_upload = settings.IMPORT_MAX_UPLOAD_BYTES
    if not data:
        raise FileRefused(FileMsg.EMPTY)
    if len(data) > max_upload:
        raise FileRefused(FileMsg.TOO_BIG % {"mb": _mb(max_upload)})
    ext = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if data.startswith(OLE2_MAGIC):
        if ENCRYPTED_PACKAGE in data:
            raise FileRefused(FileMsg.ENCRYPTED)
        if ext != ".xls":
            raise FileRefused(FileMsg.XLS_RENAMED % {"ext": ext or "?"})
        return _calamine_sheets(data, scans=None)
    if data.startswith(ZIP_MAGIC):
        if ext not in SUPPORTED or ext == ".xls":
            raise FileRefused(FileMsg.UNSUPPORTED if ext not in SUPPORTED else FileMsg.NOT_SPREADSHEET)
        scans = _inspect_zip(data)
        return _calamine_sheets(data, scans=scans)
    if ext == ".csv" or _sniff_text(data):
        raise FileRefused(FileMsg.CSV)
    if ext not in SUPPORTED:
        raise FileRefused(FileMsg.UNSUPPORTED)
    raise FileRefused(FileMsg.NOT_SPREADSHEET)


# --- zip inspection ---------------------------------------------------------------------------

@dataclass
class _SheetScan:
    rows: int = 0
    max_row: int = 0
    formula_cells: set = field(default_factory=set)
    percent_cells: set = field(default_factory=set)


def _inspect_zip(data: bytes) -> dict[str, _SheetScan]:
    """Check the archive and stream every XML part; return the scans of the sheets by name."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        raise FileRefused(FileMsg.DAMAGED) from None
    if len(infos) > MAX_ZIP_ENTRIES:
        raise FileRefused(FileMsg.ZIP_BOMB)
    if any(info.flag_bits & 0x1 for info in infos):
        raise FileRefused(FileMsg.ENCRYPTED)
    max_bytes = settings.IMPORT_MAX_UNCOMPRESSED_BYTES
    if sum(info.file_size for info in infos) > max_bytes:
        raise FileRefused(FileMsg.UNCOMPRESSED % {"mb": _mb(max_bytes)})
    for info in infos:
        if info.file_size > RATIO_CHECK_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise FileRefused(FileMsg.ZIP_BOMB)
    names = {info.filename for info in infos}
    budget = [max_bytes]
    try:
        if "xl/workbook.xml" in names:
            return _inspect_xlsx(archive, names, budget)
        ods = b"application/vnd.oasis.opendocument.spreadsheet"
        if "mimetype" in names and archive.read("mimetype").startswith(ods):
            return _scan_ods(archive, budget)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, KeyError, NotImplementedError, RuntimeError):
        raise FileRefused(FileMsg.DAMAGED) from None
    raise FileRefused(FileMsg.NOT_SPREADSHEET)


_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


def _stream_part(archive: zipfile.ZipFile, name: str, budget: list[int]):
    """Yield the part's bytes in chunks, refusing a DTD and counting against the byte budget."""
    with archive.open(name) as stream:
        first = True
        while True:
            chunk = stream.read(CHUNK)
            if not chunk:
                return
            budget[0] -= len(chunk)
            if budget[0] < 0:
                raise FileRefused(FileMsg.UNCOMPRESSED % {"mb": _mb(settings.IMPORT_MAX_UNCOMPRESSED_BYTES)})
            if first and _DTD.search(chunk[:4096]):
                raise FileRefused(FileMsg.XML_BOMB)
            first = False
            yield chunk


def _read_part(archive, name, budget) -> bytes:
    return b"".join(_stream_part(archive, name, budget))


def _parse(xml: bytes):
    try:
        return SafeET.fromstring(xml)
    except DefusedXmlException:
        raise FileRefused(FileMsg.XML_BOMB) from None
    except SafeET.ParseError:
        raise FileRefused(FileMsg.DAMAGED) from None


def _percent_styles(archive, names, budget) -> set[bytes]:
    if "xl/styles.xml" not in names:
        return set()
    root = _parse(_read_part(archive, "xl/styles.xml", budget))
    percent_formats = set(BUILTIN_PERCENT_FORMATS)
    for fmt in root.iter(f"{NS_MAIN}numFmt"):
        code = re.sub(r'"[^"]*"|\\.', "", fmt.get("formatCode", ""))
        if "%" in code:
            percent_formats.add(int(fmt.get("numFmtId", "-1")))
    xfs = root.find(f"{NS_MAIN}cellXfs")
    if xfs is None:
        return set()
    return {
        str(i).encode() for i, xf in enumerate(xfs.findall(f"{NS_MAIN}xf"))
        if int(xf.get("numFmtId", "0")) in percent_formats
    }


def _inspect_xlsx(archive, names, budget) -> dict[str, _SheetScan]:
    workbook = _parse(_read_part(archive, "xl/workbook.xml", budget))
    rels = {}
    if "xl/_rels/workbook.xml.rels" in names:
        for rel in _parse(_read_part(archive, "xl/_rels/workbook.xml.rels", budget)).iter(f"{NS_PKG_REL}Relationship"):
            target = rel.get("Target", "")
            target = target[1:] if target.startswith("/") else "xl/" + target
            rels[rel.get("Id")] = target
    percent = _percent_styles(archive, names, budget)
    scans = {}
    for sheet in workbook.iter(f"{NS_MAIN}sheet"):
        path = rels.get(sheet.get(f"{NS_REL}id"))
        if path in names:
            scans[sheet.get("name")] = _scan_sheet(archive, path, sheet.get("name"), percent, budget)
    # Parts we do not scan as sheets still get the prolog and budget checks.
    for name in names:
        if name.endswith((".xml", ".rels")) and name not in (
            "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml"
        ) and not name.startswith("xl/worksheets/sheet"):
            for _chunk in _stream_part(archive, name, budget):
                pass
    return scans


_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d{1,7})"([^>]*?)(/?)>(<f[ >/])?')
_ROW_TAG = re.compile(rb"<row[ >]")
_ANY_FORMULA = re.compile(rb"<f[ >/]")
_STYLE = re.compile(rb' s="(\d+)"')


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


def _scan_sheet(archive, path, sheet_name, percent_styles, budget) -> _SheetScan:
    scan = _SheetScan()
    max_rows = settings.IMPORT_MAX_ROWS
    # The header and title rows above the data do not count against the cap.
    row_limit = max_rows + 50
    carry = b""
    formulas_seen = 0
    for chunk in _stream_part(archive, path, budget):
        data = carry + chunk
        cut = data.rfind(b"<c ")
        if cut <= 0:
            cut = data.rfind(b"<")
        if cut <= 0:
            carry = data
            continue
        piece, carry = data[:cut], data[cut:]
        _scan_piece(piece, scan, percent_styles, row_limit, sheet_name)
        formulas_seen += len(_ANY_FORMULA.findall(piece))
    if carry:
        _scan_piece(carry, scan, percent_styles, row_limit, sheet_name)
        formulas_seen += len(_ANY_FORMULA.findall(carry))
    if formulas_seen > len(scan.formula_cells):
        # Cells without an r="A1" reference: we cannot tell where the formulas are, so no cell
        # of this sheet can be trusted to hold a typed value.
        scan.formula_cells.add((-1, -1))
    return scan


def _scan_piece(piece: bytes, scan: _SheetScan, percent_styles, row_limit: int, sheet_name: str) -> None:
    scan.rows += len(_ROW_TAG.findall(piece))
    if scan.rows > row_limit:
        raise FileRefused(FileMsg.TOO_MANY_ROWS % {"sheet": sheet_name, "max": settings.IMPORT_MAX_ROWS})
    max_row = scan.max_row
    for letters, row, attrs, _empty, formula in _CELL.findall(piece):
        r = int(row)
        if r > max_row:
            max_row = r
            if r > row_limit:
                raise FileRefused(FileMsg.TOO_MANY_ROWS % {"sheet": sheet_name, "max": settings.IMPORT_MAX_ROWS})
        if len(letters) > 1 and _col_index(letters) >= MAX_COLUMNS:
            raise FileRefused(FileMsg.TOO_MANY_COLUMNS % {"sheet": sheet_name, "max": MAX_COLUMNS})
        if formula:
            scan.formula_cells.add((r - 1, _col_index(letters)))
        if percent_styles and attrs:
            style = _STYLE.search(attrs)
            if style and style.group(1) in percent_styles:
                scan.percent_cells.add((r - 1, _col_index(letters)))
    scan.max_row = max_row


_ODS_TOKEN = re.compile(
    rb'<table:table(?=[ >])([^>]*)>'
    rb'|<table:table-row\b([^>]*?)(/?)>'
    rb'|(</table:table-row>)'
    rb'|<table:(?:covered-)?table-cell\b([^>]*?)(/?)>'
)
_ODS_NAME = re.compile(rb'table:name="([^"]*)"')
_ODS_ROWS = re.compile(rb'table:number-rows-repeated="(\d+)"')
_ODS_COLS = re.compile(rb'table:number-columns-repeated="(\d+)"')


def _scan_ods(archive, budget) -> dict[str, _SheetScan]:
    """content.xml as a stream of tags. OpenDocument compresses a run of equal rows or cells into
    one element with number-rows-repeated / number-columns-repeated; a reader expands them, so a
    single row repeated a million times, or a cell repeated across 16,000 columns with content
    after a million empty rows, is a bomb. Count the position of the last row and column that
    hold something, and refuse past the caps; trailing empty repeats (LibreOffice writes them)
    are harmless and ignored."""
    row_limit = settings.IMPORT_MAX_ROWS + 50
    scans: dict[str, _SheetScan] = {}
    scan, name = _SheetScan(), ""
    row_pos = col_pos = repeat = 0
    row_has_content = False
    carry = b""

    def walk(piece: bytes):
        nonlocal scan, name, row_pos, col_pos, repeat, row_has_content
        for match in _ODS_TOKEN.finditer(piece):
            table, row_attrs, row_self, row_end, cell_attrs, cell_self = match.groups()
            if table is not None:
                found = _ODS_NAME.search(table)
                name = found.group(1).decode("utf-8", "replace") if found else str(len(scans))
                scan = scans.setdefault(name, _SheetScan())
                row_pos = 0
            elif row_attrs is not None:
                rows = _ODS_ROWS.search(row_attrs)
                repeat = int(rows.group(1)) if rows else 1
                if row_self:
                    row_pos += repeat
                else:
                    col_pos, row_has_content = 0, False
            elif row_end is not None:
                if row_has_content:
                    scan.max_row = row_pos + repeat
                    if scan.max_row > row_limit:
                        raise FileRefused(FileMsg.TOO_MANY_ROWS % {"sheet": name, "max": settings.IMPORT_MAX_ROWS})
                row_pos += repeat
            elif cell_attrs is not None:
                cols = _ODS_COLS.search(cell_attrs)
                span = int(cols.group(1)) if cols else 1
                if b"office:value-type" in cell_attrs or not cell_self:
                    if col_pos + span > MAX_COLUMNS:
                        raise FileRefused(FileMsg.TOO_MANY_COLUMNS % {"sheet": name, "max": MAX_COLUMNS})
                    row_has_content = True
                    if repeat == 1 and span == 1:
                        if b"table:formula" in cell_attrs:
                            scan.formula_cells.add((row_pos, col_pos))
                        if b'office:value-type="percentage"' in cell_attrs:
                            scan.percent_cells.add((row_pos, col_pos))
                col_pos += span

    for chunk in _stream_part(archive, "content.xml", budget):
        data = carry + chunk
        cut = data.rfind(b"<")
        piece, carry = (data[:cut], data[cut:]) if cut > 0 else (b"", data)
        walk(piece)
    walk(carry)
    return scans


# --- values -----------------------------------------------------------------------------------

def _calamine_sheets(data: bytes, scans: dict[str, _SheetScan] | None) -> list[Sheet]:
    import python_calamine as calamine

    max_rows = settings.IMPORT_MAX_ROWS + 50
    try:
        workbook = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = []
        for meta in workbook.sheets_metadata:
            if str(meta.typ) not in ("SheetTypeEnum.WorkSheet", "WorkSheet") and "WorkSheet" not in str(meta.typ):
                continue
            sheet = workbook.get_sheet_by_name(meta.name)
            if sheet.height > max_rows:
                raise FileRefused(FileMsg.TOO_MANY_ROWS % {"sheet": meta.name, "max": settings.IMPORT_MAX_ROWS})
            if sheet.width > MAX_COLUMNS:
                raise FileRefused(FileMsg.TOO_MANY_COLUMNS % {"sheet": meta.name, "max": MAX_COLUMNS})
            scan = (scans or {}).get(meta.name)
            sheets.append(
                Sheet(
                    name=meta.name,
                    rows=sheet.to_python(skip_empty_area=False),
                    merges=list(sheet.merged_cell_ranges or []),
                    formula_cells=scan.formula_cells if scan else set(),
                    percent_cells=scan.percent_cells if scan else set(),
                )
            )
    except FileRefused:
        raise
    except calamine.PasswordError:
        raise FileRefused(FileMsg.ENCRYPTED) from None
    except Exception:  # calamine's errors (zip, xml, biff) all mean the same to the user
        raise FileRefused(FileMsg.DAMAGED) from None
    if not sheets:
        raise FileRefused(FileMsg.NO_SHEETS)
    return sheets
