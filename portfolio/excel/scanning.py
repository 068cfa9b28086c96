"""The guards of the import: one namespace-aware, streaming look at every part of an uploaded
workbook, deciding whether the value reader may see it, and what it must know (formula cells,
percent cells, the true extent of each sheet). No Django here: this runs in the sandbox child
(sandbox.py) with the settings' caps passed in, and reports a refusal as a code the parent turns
into a message.

- zip (.xlsx, .ods): the central directory first (entry count, duplicate names, encryption,
  declared sizes, ratio); then every member is decompressed as a stream against a byte budget
  (a lying size field buys nothing; a damaged member is a refusal, not a zlib.error);
- XML: every XML member goes through defusedxml's iterparse (expat: any encoding, a DTD anywhere
  refused), counted against an element budget, elements cleared as they go;
- meaning, not text: cells, formulas and rows are recognised by element and namespace, with a
  cell's place computed as a reader computes it (no r="" → the next column, the next row), so
  prefixes, attribute order, whitespace and missing references change nothing; Strict OOXML and
  sheets that cannot be resolved through the standard relationships are refused;
- .xls: the BIFF records of the Workbook stream (olefile): FORMULA records, cell extents,
  DIMENSIONS, FILEPASS (a password)."""

import io
import posixpath
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, iterparse

T_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT_MAIN = "http://purl.oclc.org/ooxml/spreadsheetml/main"
T_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

MAX_ZIP_ENTRIES = 1000
MAX_COLUMNS = 200
HEADER_ROWS_ALLOWANCE = 50  # title and header rows above the data do not count against the cap
# A real sheet's XML compresses 5-30 times; a ratio in the hundreds on a big part is a bomb.
MAX_RATIO = 200
RATIO_CHECK_FROM = 1024 * 1024
CHUNK = 64 * 1024
BUILTIN_PERCENT_FORMATS = {9, 10}
# Members never parsed as XML by any reader unless a relationship points a sheet at them, in
# which case they are scanned as sheets anyway.
BINARY_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".emf", ".wmf", ".tif", ".tiff", ".bin", ".wdp",
                   ".jfif", ".ico", ".odg", ".ttf", ".fntdata")
# More formula cells than this in repeated ODS cells: the whole sheet is marked, not each cell.
MAX_FORMULA_CELLS = 50_000


class Refusal(Exception):
    """The file is refused; `code` names the message (reading.Msg), `params` fill it in."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code, self.params = code, params


@dataclass
class Limits:
    max_uncompressed: int
    max_rows: int
    max_elements: int

    @property
    def row_limit(self) -> int:
        return self.max_rows + HEADER_ROWS_ALLOWANCE


@dataclass
class SheetScan:
    rows: int = 0  # the extent a reader sees: last row holding a cell (1-based count)
    columns: int = 0
    formula_cells: set = field(default_factory=set)  # (row0, col0); (-1, -1) = the whole sheet
    percent_cells: set = field(default_factory=set)


def local(tag: str) -> tuple[str, str]:
    """'{ns}name' → (ns, name)."""
    if tag[:1] == "{":
        ns, _, name = tag[1:].partition("}")
        return ns, name
    return "", tag


# --- the entry point --------------------------------------------------------------------------

def scan(data: bytes, ext: str, limits: Limits) -> tuple[str, dict[str, SheetScan]]:
    """('xlsx' | 'ods' | 'xls', scans by sheet name), or Refusal."""
    if data.startswith(OLE2_MAGIC):
        return "xls", scan_xls(data, limits)
    if data.startswith(ZIP_MAGIC):
        return _scan_zip(data, limits)
    raise Refusal("NOT_SPREADSHEET")


# --- zip --------------------------------------------------------------------------------------

class _Budget:
    def __init__(self, limits: Limits):
        self.bytes = limits.max_uncompressed
        self.elements = limits.max_elements
        self.limits = limits

    def take_bytes(self, n: int) -> None:
        self.bytes -= n
        if self.bytes < 0:
            raise Refusal("UNCOMPRESSED")

    def take_elements(self, n: int) -> None:
        self.elements -= n
        if self.elements < 0:
            raise Refusal("TOO_MANY_ELEMENTS")


class _MemberStream(io.RawIOBase):
    """A zip member as a file for the XML parser: counts the bytes really produced against the
    budget and turns decompression errors into a refusal."""

    def __init__(self, archive: zipfile.ZipFile, name: str, budget: _Budget):
        self._stream = archive.open(name)
        self._budget = budget

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        try:
            chunk = self._stream.read(min(len(buffer), CHUNK))
        except MemoryError:
            raise Refusal("RESOURCES") from None
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError,
                RuntimeError) as exc:
            raise Refusal("RESOURCES" if "memory" in str(exc) else "DAMAGED") from None
        self._budget.take_bytes(len(chunk))
        buffer[:len(chunk)] = chunk
        return len(chunk)

    def close(self) -> None:
        self._stream.close()
        super().close()


def _open_zip(data: bytes) -> tuple[zipfile.ZipFile, dict[str, zipfile.ZipInfo]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError):
        raise Refusal("DAMAGED") from None
    if len(infos) > MAX_ZIP_ENTRIES:
        raise Refusal("ZIP_BOMB")
    seen = set()
    for info in infos:
        # Two entries of one name (or of names a reader may fold together): which one a reader
        # takes differs between readers, so what we checked might not be what is read.
        key = info.filename.replace("\\", "/").lstrip("/").casefold()
        if key in seen:
            raise Refusal("DUPLICATE_PART")
        seen.add(key)
    if any(info.flag_bits & 0x1 for info in infos):
        raise Refusal("ENCRYPTED")
    return archive, {info.filename: info for info in infos}


def _scan_zip(data: bytes, limits: Limits) -> tuple[str, dict[str, SheetScan]]:
    archive, infos = _open_zip(data)
    if sum(info.file_size for info in infos.values()) > limits.max_uncompressed:
        raise Refusal("UNCOMPRESSED")
    for info in infos.values():
        if info.file_size > RATIO_CHECK_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise Refusal("ZIP_BOMB")
    budget = _Budget(limits)
    if "xl/workbook.xml" in infos or "[Content_Types].xml" in infos:
        kind, scans, scanned = "xlsx", *_scan_xlsx(archive, infos, budget)
    elif "mimetype" in infos:
        if not _read_member(archive, "mimetype", budget, 200).startswith(ODS_MIME):
            raise Refusal("NOT_SPREADSHEET")
        kind, scans, scanned = "ods", *_scan_ods(archive, infos, budget)
    else:
        raise Refusal("NOT_SPREADSHEET")
    # Every other member: XML through the same parser (a DTD anywhere is refused), the rest
    # decompressed to check it and count its bytes.
    for name in infos:
        if name in scanned or name.endswith("/"):
            continue
        if name == "mimetype" or name.lower().endswith(BINARY_SUFFIXES):
            _drain(archive, name, budget)
        else:
            for _event in _parse(archive, name, budget):
                pass
    return kind, scans


def _read_member(archive, name: str, budget: _Budget, most: int) -> bytes:
    with _MemberStream(archive, name, budget) as stream:
        return stream.read(most)


def _drain(archive, name: str, budget: _Budget) -> None:
    with _MemberStream(archive, name, budget) as stream:
        while stream.read(CHUNK):
            pass


def _parse(archive, name: str, budget: _Budget, *, prune: bool = True):
    """(event, element) of the member, start and end, DTDs refused, every element counted. With
    `prune`, an element is removed from its parent once its end has been handed over, so memory
    stays flat whatever the part's size."""
    stream = _MemberStream(archive, name, budget)
    stack = []
    try:
        count = 0
        for event, elem in iterparse(stream, events=("start", "end"), forbid_dtd=True, forbid_entities=True,
                                     forbid_external=True):
            if event == "start":
                stack.append(elem)
                count += 1
                if count >= 1000:
                    budget.take_elements(count)
                    count = 0
                yield event, elem
            else:
                yield event, elem
                stack.pop()
                if prune and stack:
                    stack[-1].remove(elem)
        budget.take_elements(count)
    except DefusedXmlException:
        raise Refusal("XML_BOMB") from None
    except ParseError:
        raise Refusal("DAMAGED") from None
    finally:
        stream.close()


def _tree(archive, name: str, budget: _Budget):
    """A small part (workbook, relationships, styles) as a tree; still streamed and budgeted."""
    root = None
    for event, elem in _parse(archive, name, budget, prune=False):
        if root is None:
            root = elem
    return root


# --- xlsx -------------------------------------------------------------------------------------

def _rels(archive, infos, budget, source_dir: str, rels_name: str) -> dict[str, str]:
    if rels_name not in infos:
        return {}
    root = _tree(archive, rels_name, budget)
    found = {}
    for rel in root.iter(f"{{{PKG_REL}}}Relationship"):
        if rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.join(source_dir, target)
        found[rel.get("Id")] = posixpath.normpath(path)
    return found


def _scan_xlsx(archive, infos, budget) -> tuple[dict[str, SheetScan], set]:
    root_rels = _rels(archive, infos, budget, "", "_rels/.rels")
    workbook_path = next((p for p in root_rels.values() if p.endswith(".xml") and p in infos), "xl/workbook.xml")
    if workbook_path not in infos:
        raise Refusal("NOT_SPREADSHEET")
    workbook = _tree(archive, workbook_path, budget)
    ns, name = local(workbook.tag)
    if ns == STRICT_MAIN:
        raise Refusal("STRICT")
    if (ns, name) != (T_MAIN, "workbook"):
        raise Refusal("NOT_SPREADSHEET")
    base = posixpath.dirname(workbook_path)
    rels_name = posixpath.join(base, "_rels", posixpath.basename(workbook_path) + ".rels")
    rels = _rels(archive, infos, budget, base, rels_name)
    scanned = {"_rels/.rels", workbook_path, rels_name}
    styles = next((p for p in rels.values() if p.endswith("styles.xml") and p in infos), None)
    percent_styles = set()
    if styles:
        percent_styles = _percent_styles(_tree(archive, styles, budget))
        scanned.add(styles)
    sheets: list[tuple[str, str]] = []
    for sheet in workbook.iter():
        sns, sname = local(sheet.tag)
        if sname != "sheet":
            continue
        rid = sheet.get(f"{{{T_REL}}}id")
        if sns != T_MAIN or rid is None or rid not in rels:
            # a sheet a reader might still find by another route: we could not check it
            raise Refusal("NONSTANDARD")
        path = rels[rid]
        if path not in infos:
            raise Refusal("DAMAGED")
        sheets.append((sheet.get("name") or "", path))
    if not sheets:
        raise Refusal("NO_SHEETS")
    scans: dict[str, SheetScan] = {}
    total_cells = 0
    for sheet_name, path in sheets:
        if path in scanned:
            raise Refusal("DAMAGED")
        scans[sheet_name], cells = _scan_worksheet(archive, path, sheet_name, percent_styles, budget)
        total_cells += cells
        scanned.add(path)
    shared = next((p for p in rels.values() if p.endswith("sharedStrings.xml") and p in infos), None)
    if shared:
        _check_shared_strings(archive, shared, budget, total_cells)
        scanned.add(shared)
    return scans, scanned


def _percent_styles(root) -> set[int]:
    percent_formats = set(BUILTIN_PERCENT_FORMATS)
    for fmt in root.iter(f"{{{T_MAIN}}}numFmt"):
        code = re.sub(r'"[^"]*"|\\.', "", fmt.get("formatCode", ""))
        if "%" in code:
            try:
                percent_formats.add(int(fmt.get("numFmtId", "-1")))
            except ValueError:
                raise Refusal("DAMAGED") from None
    xfs = root.find(f"{{{T_MAIN}}}cellXfs")
    if xfs is None:
        return set()
    styles = set()
    for i, xf in enumerate(xfs.findall(f"{{{T_MAIN}}}xf")):
        try:
            if int(xf.get("numFmtId", "0")) in percent_formats:
                styles.add(i)
        except ValueError:
            raise Refusal("DAMAGED") from None
    return styles


_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7})$")


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


def _scan_worksheet(archive, path, sheet_name, percent_styles, budget) -> tuple[SheetScan, int]:
    """Rows and cells by meaning: an element named c (in any namespace: a reader may match the
    local name) inside a row; its place from r="" or, without one, the next column / row; a child
    named f makes it a formula."""
    limits = budget.limits
    scan = SheetScan()
    row = 0  # 1-based number of the current row
    col = -1  # 0-based column of the last cell in the row
    rows_seen = cells = 0
    cell = None  # [row0, col0, style, has_formula]
    depth_in_cell = 0
    too_many_rows = Refusal("TOO_MANY_ROWS", sheet=sheet_name, max=limits.max_rows)
    root_checked = False
    for event, elem in _parse(archive, path, budget):
        ns, name = local(elem.tag)
        if not root_checked:
            root_checked = True
            if ns == STRICT_MAIN:
                raise Refusal("STRICT")
            if ns != T_MAIN:
                raise Refusal("NONSTANDARD")
        if event == "start":
            if cell is not None:
                depth_in_cell += 1
                if name == "f":
                    cell[3] = True
                continue
            if name == "row":
                rows_seen += 1
                if rows_seen > limits.row_limit:
                    raise too_many_rows
                r = elem.get("r")
                if r is None:
                    row += 1
                else:
                    if not r.isdigit() or not 0 < int(r) <= 1048576:
                        raise Refusal("DAMAGED")
                    row = int(r)
                col = -1
            elif name == "c":
                cells += 1
                ref = elem.get("r")
                if ref is None:
                    r0, c0 = max(row, 1) - 1, col + 1
                else:
                    match = _REF.match(ref)
                    if not match:
                        raise Refusal("DAMAGED")
                    r0, c0 = int(match.group(2)) - 1, _col_index(match.group(1))
                    if r0 < 0:
                        raise Refusal("DAMAGED")
                col = c0
                if c0 >= MAX_COLUMNS:
                    raise Refusal("TOO_MANY_COLUMNS", sheet=sheet_name, max=MAX_COLUMNS)
                if r0 >= limits.row_limit:
                    raise too_many_rows
                cell = [r0, c0, elem.get("s"), False]
                depth_in_cell = 0
        else:
            if cell is not None and depth_in_cell:
                depth_in_cell -= 1
                continue
            if cell is not None and name == "c":
                r0, c0, style, formula = cell
                scan.rows = max(scan.rows, r0 + 1)
                scan.columns = max(scan.columns, c0 + 1)
                if formula:
                    scan.formula_cells.add((r0, c0))
                if style is not None and percent_styles:
                    try:
                        if int(style) in percent_styles:
                            scan.percent_cells.add((r0, c0))
                    except ValueError:
                        raise Refusal("DAMAGED") from None
                cell = None
    return scan, cells


def _check_shared_strings(archive, path, budget, total_cells: int) -> None:
    """A reader may reserve room for the counts the part declares: they must match what it holds."""
    declared = {}
    items = 0
    for event, elem in _parse(archive, path, budget):
        ns, name = local(elem.tag)
        if event == "start" and name == "sst" and not declared:
            for attr in ("count", "uniqueCount"):
                value = elem.get(attr)
                if value is not None:
                    if not value.isdigit() or len(value) > 12:
                        raise Refusal("DAMAGED")
                    declared[attr] = int(value)
            declared.setdefault("seen", 1)
        elif event == "end" and name == "si":
            items += 1
    if declared.get("uniqueCount", 0) > items or declared.get("count", 0) > max(total_cells, items):
        raise Refusal("DAMAGED")


# --- ods --------------------------------------------------------------------------------------

def _attr(elem, wanted: str):
    """An attribute by its local name, whatever its namespace (what a lenient reader does)."""
    for key, value in elem.attrib.items():
        if local(key)[1] == wanted:
            return value
    return None


def _repeat(elem, wanted: str) -> int:
    value = _attr(elem, wanted)
    if value is None:
        return 1
    if not value.isdigit() or len(value) > 9 or int(value) < 1:
        raise Refusal("DAMAGED")
    return int(value)


def _scan_ods(archive, infos, budget) -> tuple[dict[str, SheetScan], set]:
    """content.xml by meaning. OpenDocument compresses a run of equal rows or cells into one
    element with number-rows-repeated / number-columns-repeated; a reader expands them, so a
    row repeated a million times is a bomb. The position of the last row and column that hold
    something is what counts; trailing empty repeats (LibreOffice writes them) are harmless. A
    formula in a repeated cell is a formula in every cell it stands for."""
    if "content.xml" not in infos:
        raise Refusal("DAMAGED")
    limits = budget.limits
    scans: dict[str, SheetScan] = {}
    scan = None
    sheet_name = ""
    row_pos = col_pos = 0
    row_repeat = 1
    row_has_content = False
    row_formulas: list = []
    cell = None  # [col0, span, holds something, formula, percent] of the open cell
    for event, elem in _parse(archive, "content.xml", budget):
        _ns, name = local(elem.tag)
        if event == "start":
            if cell is not None:
                cell[2] = True  # text or anything else inside the cell
                continue
            if name == "table" and scan is None:
                sheet_name = _attr(elem, "name") or str(len(scans))
                scan = scans.setdefault(sheet_name, SheetScan())
                row_pos = 0
            elif scan is None:
                continue
            elif name == "table-row":
                row_repeat = _repeat(elem, "number-rows-repeated")
                col_pos, row_has_content, row_formulas = 0, False, []
            elif name in ("table-cell", "covered-table-cell"):
                span = _repeat(elem, "number-columns-repeated")
                formula = _attr(elem, "formula") is not None
                value_type = _attr(elem, "value-type")
                cell = [col_pos, span, value_type is not None or formula, formula, value_type == "percentage"]
                col_pos += span
                if col_pos > 1 << 24:
                    raise Refusal("TOO_MANY_COLUMNS", sheet=sheet_name, max=MAX_COLUMNS)
            continue
        if cell is not None:
            if name not in ("table-cell", "covered-table-cell"):
                continue
            c0, span, holds, formula, percent = cell
            cell = None
            if holds:
                if c0 + span > MAX_COLUMNS:
                    raise Refusal("TOO_MANY_COLUMNS", sheet=sheet_name, max=MAX_COLUMNS)
                row_has_content = True
                scan.columns = max(scan.columns, c0 + span)
                if formula:
                    row_formulas.append((c0, span))
                if percent and span == 1:
                    row_formulas.append(("%", c0))
        elif scan is None:
            continue
        elif name == "table":
            scan, row_pos = None, 0
        elif name == "table-row":
            if row_has_content:
                last = row_pos + row_repeat
                if last > limits.row_limit:
                    raise Refusal("TOO_MANY_ROWS", sheet=sheet_name, max=limits.max_rows)
                scan.rows = max(scan.rows, last)
                for entry in row_formulas:
                    if entry[0] == "%":
                        if row_repeat == 1:
                            scan.percent_cells.add((row_pos, entry[1]))
                        continue
                    c0, span = entry
                    if len(scan.formula_cells) + span * row_repeat > MAX_FORMULA_CELLS:
                        scan.formula_cells.add((-1, -1))
                        continue
                    for r in range(row_pos, row_pos + row_repeat):
                        for c in range(c0, c0 + span):
                            scan.formula_cells.add((r, c))
            row_pos += row_repeat
    if not scans:
        raise Refusal("NO_SHEETS")
    return scans, {"content.xml"}


# --- xls --------------------------------------------------------------------------------------

FORMULA_RECORDS = {0x0006, 0x0206, 0x0406}
CELL_RECORDS = {0x0203, 0x00FD, 0x027E, 0x0204, 0x0201, 0x0205, 0x0006, 0x0206, 0x0406, 0x00D6}
MULTI_CELL_RECORDS = {0x00BD, 0x00BE}  # MULRK, MULBLANK: row, first col, …, last col
BOF, EOF_RECORD, BOUNDSHEET, DIMENSIONS, FILEPASS = 0x0809, 0x000A, 0x0085, 0x0200, 0x002F


def scan_xls(data: bytes, limits: Limits) -> dict[str, SheetScan]:
    """The BIFF8 Workbook stream record by record: which sheet each record belongs to (by the
    BOF offsets the BOUNDSHEET records give), formula records, the cells' extent and DIMENSIONS
    (a reader may size its grid by it)."""
    import olefile

    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
        streams = {"/".join(entry).lower(): entry for entry in ole.listdir()}
        if "encryptedpackage" in streams or "encryptioninfo" in streams:
            raise Refusal("ENCRYPTED")
        entry = streams.get("workbook") or streams.get("book")
        if entry is None:
            raise Refusal("NOT_SPREADSHEET")
        if ole.get_size("/".join(entry)) > limits.max_uncompressed:
            raise Refusal("UNCOMPRESSED")
        stream = ole.openstream(entry).read()
    except Refusal:
        raise
    except Exception:  # olefile's errors on a damaged compound file, whatever their class
        raise Refusal("DAMAGED") from None
    offsets: dict[int, str] = {}
    scans: dict[str, SheetScan] = {}
    current: SheetScan | None = None
    current_name = ""
    pos = 0
    records = 0
    size = len(stream)
    while pos + 4 <= size:
        kind, length = struct.unpack_from("<HH", stream, pos)
        body = stream[pos + 4:pos + 4 + length]
        if len(body) < length:
            raise Refusal("DAMAGED")
        records += 1
        if records > limits.max_elements:
            raise Refusal("TOO_MANY_ELEMENTS")
        if kind == FILEPASS:
            raise Refusal("ENCRYPTED")
        if kind == BOUNDSHEET and length >= 8:
            offsets[struct.unpack_from("<I", body, 0)[0]] = _xls_sheet_name(body)
        elif kind == BOF and pos in offsets:
            current_name = offsets[pos]
            current = scans.setdefault(current_name, SheetScan())
        elif kind == EOF_RECORD:
            current = None
        elif current is not None:
            if kind == DIMENSIONS and length >= 12:
                _first_row, last_row, _first_col, last_col = struct.unpack_from("<IIHH", body, 0)
                _check_extent(current, last_row, last_col, current_name, limits, grow=False)
            elif kind in CELL_RECORDS and length >= 4:
                r, c = struct.unpack_from("<HH", body, 0)
                _check_extent(current, r + 1, c + 1, current_name, limits)
                if kind in FORMULA_RECORDS:
                    current.formula_cells.add((r, c))
            elif kind in MULTI_CELL_RECORDS and length >= 6:
                r, c = struct.unpack_from("<HH", body, 0)
                (last,) = struct.unpack_from("<H", body, length - 2)
                _check_extent(current, r + 1, max(c, last) + 1, current_name, limits)
        pos += 4 + length
    if not offsets:
        raise Refusal("DAMAGED")
    return scans


def _xls_sheet_name(body: bytes) -> str:
    length, flags = body[6], body[7] if len(body) > 7 else 0
    raw = body[8:]
    try:
        if flags & 0x1:
            return raw[:length * 2].decode("utf-16-le")
        return raw[:length].decode("latin-1")
    except UnicodeDecodeError:
        raise Refusal("DAMAGED") from None


def _check_extent(scan: SheetScan, rows: int, columns: int, sheet_name: str, limits: Limits, grow=True) -> None:
    if columns > MAX_COLUMNS:
        raise Refusal("TOO_MANY_COLUMNS", sheet=sheet_name, max=MAX_COLUMNS)
    if rows > limits.row_limit:
        raise Refusal("TOO_MANY_ROWS", sheet=sheet_name, max=limits.max_rows)
    if grow:
        scan.rows = max(scan.rows, rows)
        scan.columns = max(scan.columns, columns)
