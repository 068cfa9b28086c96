"""The guards of the import: one namespace-aware, streaming look at every part of an uploaded
workbook, deciding whether the value reader may see it, and what it must know (formula cells,
percent cells, the true extent of each sheet). No Django here: this runs in the sandbox child
(sandbox.py) with the settings' caps passed in, and reports a refusal as a code the parent turns
into a message.

- zip (.xlsx, .ods): the central directory first (entry count, duplicate names, encryption,
  declared sizes, ratio); then every member is decompressed as a stream against a byte budget
  (a lying size field buys nothing; a damaged member is a refusal, not a zlib.error);
- XML: every XML member goes through expat with handlers (any encoding; a DOCTYPE, entity or
  notation declaration anywhere refused, as defusedxml does, without building elements), counted
  against an element budget;
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
from xml.parsers import expat

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
BINARY_SUFFIXES = (
    ".png",
    ".jpg",
    ".jpeg",
    ".gif",
    ".bmp",
    ".emf",
    ".wmf",
    ".tif",
    ".tiff",
    ".bin",
    ".wdp",
    ".jfif",
    ".ico",
    ".odg",
    ".ttf",
    ".fntdata",
)
# More formula cells than this in repeated ODS cells: the whole sheet is marked, not each cell.
MAX_FORMULA_CELLS = 50_000


class Refusal(Exception):
    """The file is refused; `code` names the message (reading.FileMsg), `params` fill it in."""

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
        except (
            zipfile.BadZipFile,
            zlib.error,
            EOFError,
            OSError,
            ValueError,
            NotImplementedError,
            RuntimeError,
        ) as exc:
            raise Refusal("RESOURCES" if "memory" in str(exc) else "DAMAGED") from None
        self._budget.take_bytes(len(chunk))
        buffer[: len(chunk)] = chunk
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
    by_name = {}
    for info in infos:
        # Two entries of one name (or of names a reader may fold together): which one a reader
        # takes differs between readers, so what we checked might not be what is read.
        name = info.filename.replace("\\", "/").lstrip("/")  # some writers use Windows separators
        if name.casefold() in seen:
            raise Refusal("DUPLICATE_PART")
        seen.add(name.casefold())
        by_name[name] = info
    if any(info.flag_bits & 0x1 for info in infos):
        raise Refusal("ENCRYPTED")
    return _Archive(archive, by_name), by_name


class _Archive:
    """The zip with its members by normalised name (forward slashes, no leading slash)."""

    def __init__(self, archive: zipfile.ZipFile, infos: dict):
        self.archive, self.infos = archive, infos

    def open(self, name: str):
        return self.archive.open(self.infos[name])


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
        if name == "mimetype" or name.lower().endswith(BINARY_SUFFIXES) or not _looks_like_xml(archive, name, budget):
            _drain(archive, name, budget)
        else:
            _expat(archive, name, budget)
    return kind, scans


def _read_member(archive, name: str, budget: _Budget, most: int) -> bytes:
    with _MemberStream(archive, name, budget) as stream:
        return stream.read(most)


def _looks_like_xml(archive, name: str, budget: _Budget) -> bool:
    """Whether a reader could take the member for XML: markup first (after a BOM and blanks), or
    UTF-16/32. Binary members no reader parses (LibreOffice's layout-cache) are only unpacked."""
    head = _read_member(archive, name, budget, 64)
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00", b"\x00<", b"<\x00")):
        return True
    return head.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n").startswith(b"<")


def _drain(archive, name: str, budget: _Budget) -> None:
    with _MemberStream(archive, name, budget) as stream:
        while stream.read(CHUNK):
            pass


def _refuse_dtd(*_args):
    raise Refusal("XML_BOMB")


def _expat(archive, name: str, budget: _Budget, start=None, end=None, counted=None) -> None:
    """Parse the member with expat, handing start(name, attrs) and end(name) the names as
    'namespace}local'. Any DOCTYPE (with or without entities, wherever it stands, in whatever
    encoding) is refused; elements are counted against the budget chunk by chunk. A start handler
    that counts the elements itself (a sheet's, called for every cell) passes `counted`, which
    returns its count so far: one Python call per element instead of two."""
    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    parser.UnparsedEntityDeclHandler = _refuse_dtd
    parser.NotationDeclHandler = _refuse_dtd
    parser.ExternalEntityRefHandler = _refuse_dtd
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    count = 0

    if counted is not None:
        on_start = start
    elif start is None:

        def on_start(name, attrs):
            nonlocal count
            count += 1
    else:

        def on_start(name, attrs):
            nonlocal count
            count += 1
            start(name, attrs)

    parser.StartElementHandler = on_start
    if end is not None:
        parser.EndElementHandler = end
    try:
        with _MemberStream(archive, name, budget) as stream:
            while True:
                chunk = stream.read(CHUNK)
                if not chunk:
                    break
                parser.Parse(chunk, False)
                if counted is not None:
                    count = counted()
                if count > budget.elements:
                    raise Refusal("TOO_MANY_ELEMENTS")
            parser.Parse(b"", True)
    except expat.ExpatError:
        raise Refusal("DAMAGED") from None
    if counted is not None:
        count = counted()
    budget.take_elements(count)


def _elements(archive, name: str, budget: _Budget, wanted: set) -> tuple[str, list]:
    """A small part's root name and its elements named in `wanted`, as (name, attrs, parent name)."""
    stack: list[str] = []
    found = []
    root = []

    def start(name, attrs):
        if not root:
            root.append(name)
        if name.rpartition("}")[2] in wanted:
            found.append((name, attrs, stack[-1] if stack else ""))
        stack.append(name)

    def end(name):
        stack.pop()

    _expat(archive, name, budget, start, end)
    return (root[0] if root else ""), found


# --- xlsx -------------------------------------------------------------------------------------


def _rels(archive, infos, budget, source_dir: str, rels_name: str) -> dict[str, str]:
    if rels_name not in infos:
        return {}
    _root, rels = _elements(archive, rels_name, budget, {"Relationship"})
    found = {}
    for name, attrs, _parent in rels:
        if name == f"{PKG_REL}}}Relationship" and attrs.get("Id") in found:
            raise Refusal("NONSTANDARD")  # two targets for one id: readers differ on which wins
        if name != f"{PKG_REL}}}Relationship" or attrs.get("TargetMode") == "External":
            continue
        target = attrs.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.join(source_dir, target)
        found[attrs.get("Id")] = (posixpath.normpath(path), attrs.get("Type", "").rpartition("/")[2])
    return found


def _by_type(rels: dict, kind: str, infos) -> str | None:
    return next((path for path, rel_type in rels.values() if rel_type == kind and path in infos), None)


def _scan_xlsx(archive, infos, budget) -> tuple[dict[str, SheetScan], set]:
    root_rels = _rels(archive, infos, budget, "", "_rels/.rels")
    workbook_path = _by_type(root_rels, "officeDocument", infos) or "xl/workbook.xml"
    if workbook_path not in infos:
        raise Refusal("NOT_SPREADSHEET")
    if "xl/workbook.xml" in infos and workbook_path != "xl/workbook.xml":
        # two workbooks: a reader going by the usual name would read the one we did not check
        raise Refusal("NONSTANDARD")
    root, sheet_elements = _elements(archive, workbook_path, budget, {"sheet"})
    ns, _, name = root.rpartition("}")
    if ns == STRICT_MAIN:
        raise Refusal("STRICT")
    if (ns, name) != (T_MAIN, "workbook"):
        raise Refusal("NOT_SPREADSHEET")
    base = posixpath.dirname(workbook_path)
    rels_name = posixpath.join(base, "_rels", posixpath.basename(workbook_path) + ".rels")
    rels = _rels(archive, infos, budget, base, rels_name)
    scanned = {"_rels/.rels", workbook_path, rels_name}
    styles = _by_type(rels, "styles", infos)
    percent_styles = set()
    if styles:
        percent_styles = _percent_styles(archive, styles, budget)
        scanned.add(styles)
    sheets: list[tuple[str, str]] = []
    for element, attrs, _parent in sheet_elements:
        rid = attrs.get(f"{T_REL}}}id")
        if element != f"{T_MAIN}}}sheet" or rid is None or rid not in rels:
            # a sheet a reader might still find by another route: we could not check it
            raise Refusal("NONSTANDARD")
        path = rels[rid][0]
        if path not in infos:
            raise Refusal("DAMAGED")
        sheet_name = attrs.get("name") or ""
        if any(sheet_name.casefold() == other.casefold() for other, _path in sheets):
            raise Refusal("NONSTANDARD")  # Excel forbids it; a reader by name would take either
        sheets.append((sheet_name, path))
    if not sheets:
        raise Refusal("NO_SHEETS")
    scans: dict[str, SheetScan] = {}
    for sheet_name, path in sheets:
        if path in scanned:
            raise Refusal("DAMAGED")
        scans[sheet_name] = _scan_worksheet(archive, path, sheet_name, percent_styles, budget)
        scanned.add(path)
    # The related part and any part a reader might find by its usual name.
    shared = {_by_type(rels, "sharedStrings", infos)} | {n for n in infos if n.casefold().endswith("sharedstrings.xml")}
    for part in filter(None, shared):
        _check_shared_strings(archive, part, budget)
        scanned.add(part)
    return scans, scanned


def _percent_styles(archive, path, budget) -> set[int]:
    """The cell style indexes (cellXfs) whose number format shows a percent."""
    _root, found = _elements(archive, path, budget, {"numFmt", "xf"})
    percent_formats = set(BUILTIN_PERCENT_FORMATS)
    styles = set()
    try:
        for name, attrs, _parent in found:
            if name == f"{T_MAIN}}}numFmt":
                code = re.sub(r'"[^"]*"|\\.', "", attrs.get("formatCode", ""))
                if "%" in code:
                    percent_formats.add(int(attrs.get("numFmtId", "-1")))
        xfs = [attrs for name, attrs, parent in found if name == f"{T_MAIN}}}xf" and parent == f"{T_MAIN}}}cellXfs"]
        for i, attrs in enumerate(xfs):
            if int(attrs.get("numFmtId", "0")) in percent_formats:
                styles.add(i)
    except ValueError:
        raise Refusal("DAMAGED") from None
    return styles


_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7})$")
_MAIN_C = f"{T_MAIN}}}c"


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


def _scan_worksheet(archive, path, sheet_name, percent_styles, budget) -> SheetScan:
    """Rows and cells by meaning: an element named c (in any namespace: a reader may match the
    local name) inside a row; its place from r="" or, without one, the next column / row; a child
    named f makes it a formula. The handlers run for every element of the sheet, so they count
    the elements themselves and remember column letters once seen."""
    limits = budget.limits
    row_limit = limits.row_limit
    scan = SheetScan()
    formula_cells, percent_cells = scan.formula_cells, scan.percent_cells
    row = 0  # 1-based number of the current row
    col = -1  # 0-based column of the last cell in the row
    rows_seen = 0
    cell = None  # [row0, col0, style, has formula]
    depth = 0  # inside the open cell
    root_seen = False
    max_row = max_col = 0
    elements = 0
    columns: dict[str, int] = {}  # column letters as written → 0-based index
    ref_match = _REF.match

    def start(name, attrs):
        nonlocal row, col, rows_seen, cell, depth, root_seen, elements
        elements += 1
        if cell is not None:
            depth += 1
            if name == "f" or name.endswith("}f"):
                cell[3] = True
            return
        if name == _MAIN_C and root_seen:  # the usual cell, told apart without splitting its name
            local = "c"
        else:
            ns, _, local = name.rpartition("}")
            if not root_seen:
                root_seen = True
                if ns == STRICT_MAIN:
                    raise Refusal("STRICT")
                if ns != T_MAIN:
                    raise Refusal("NONSTANDARD")
        if local == "c":
            ref = attrs.get("r")
            if ref is None:
                r0, c0 = max(row, 1) - 1, col + 1
            else:
                match = ref_match(ref)
                if not match:
                    raise Refusal("DAMAGED")
                letters, digits = match.groups()
                r0 = int(digits) - 1
                c0 = columns.get(letters)
                if c0 is None:
                    c0 = columns[letters] = _col_index(letters)
                if r0 < 0:
                    raise Refusal("DAMAGED")
            col = c0
            if c0 >= MAX_COLUMNS:
                raise Refusal("TOO_MANY_COLUMNS", sheet=sheet_name, max=MAX_COLUMNS)
            if r0 >= row_limit:
                raise Refusal("TOO_MANY_ROWS", sheet=sheet_name, max=limits.max_rows)
            cell = [r0, c0, attrs.get("s"), False]
            depth = 0
        elif local == "row":
            rows_seen += 1
            if rows_seen > row_limit:
                raise Refusal("TOO_MANY_ROWS", sheet=sheet_name, max=limits.max_rows)
            r = attrs.get("r")
            if r is None:
                row += 1
            else:
                if not r.isdigit() or not 0 < int(r) <= 1048576:
                    raise Refusal("DAMAGED")
                row = int(r)
            col = -1

    def end(name):
        nonlocal cell, depth, max_row, max_col
        if cell is None:
            return
        if depth:
            depth -= 1
            return
        r0, c0, style, formula = cell
        cell = None
        if r0 >= max_row:
            max_row = r0 + 1
        if c0 >= max_col:
            max_col = c0 + 1
        if formula:
            formula_cells.add((r0, c0))
        if style is not None and percent_styles:
            try:
                if int(style) in percent_styles:
                    percent_cells.add((r0, c0))
            except ValueError:
                raise Refusal("DAMAGED") from None

    _expat(archive, path, budget, start, end, counted=lambda: elements)
    scan.rows, scan.columns = max_row, max_col
    return scan


def _check_shared_strings(archive, path, budget) -> None:
    """A reader may reserve room for the counts the part declares: they must match what it holds."""
    declared = {}
    items = 0

    def start(name, attrs):
        nonlocal items
        local = name.rpartition("}")[2]
        if local == "si":
            items += 1
        elif local == "sst" and not declared:
            declared["seen"] = 1
            for attr in ("count", "uniqueCount"):
                value = attrs.get(attr)
                if value is not None:
                    if not value.isdigit() or len(value) > 12:
                        raise Refusal("DAMAGED")
                    declared[attr] = int(value)

    _expat(archive, path, budget, start)
    # Writers get `count` (references) wrong often enough; it only needs to be sane. The number of
    # distinct strings is what a reader reserves room for, and it cannot exceed what is there.
    if declared.get("uniqueCount", 0) > items or declared.get("count", 0) > budget.limits.max_elements:
        raise Refusal("DAMAGED")


# --- ods --------------------------------------------------------------------------------------


def _attr(attrs: dict, wanted: str):
    """An attribute by its local name, whatever its namespace (what a lenient reader does)."""
    for key, value in attrs.items():
        if key.rpartition("}")[2] == wanted:
            return value
    return None


def _repeat(attrs: dict, wanted: str) -> int:
    value = _attr(attrs, wanted)
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
    # a password-protected document lists how each part is encrypted
    if "META-INF/manifest.xml" in infos and _elements(archive, "META-INF/manifest.xml", budget, {"encryption-data"})[1]:
        raise Refusal("ENCRYPTED")
    limits = budget.limits
    scans: dict[str, SheetScan] = {}
    state = {
        "scan": None,
        "name": "",
        "row_pos": 0,
        "col_pos": 0,
        "repeat": 1,
        "content": False,
        "formulas": [],
        "cell": None,
        "depth": 0,
    }

    def start(name, attrs):
        if state["cell"] is not None:
            state["cell"][2] = True  # text or anything else inside the cell
            state["depth"] += 1
            return
        local = name.rpartition("}")[2]
        if local == "table" and state["scan"] is None:
            sheet_name = _attr(attrs, "name") or str(len(scans))
            state.update(scan=scans.setdefault(sheet_name, SheetScan()), name=sheet_name, row_pos=0)
        elif state["scan"] is None:
            return
        elif local == "table-row":
            state.update(repeat=_repeat(attrs, "number-rows-repeated"), col_pos=0, content=False, formulas=[])
        elif local in ("table-cell", "covered-table-cell"):
            span = _repeat(attrs, "number-columns-repeated")
            formula = _attr(attrs, "formula") is not None
            value_type = _attr(attrs, "value-type")
            state["cell"] = [
                state["col_pos"],
                span,
                value_type is not None or formula,
                formula,
                value_type == "percentage",
            ]
            state["depth"] = 0
            state["col_pos"] += span
            if state["col_pos"] > 1 << 24:
                raise Refusal("TOO_MANY_COLUMNS", sheet=state["name"], max=MAX_COLUMNS)

    def end(name):
        scan, sheet_name = state["scan"], state["name"]
        if state["cell"] is not None:
            if state["depth"]:
                state["depth"] -= 1
                return
            c0, span, holds, formula, percent = state["cell"]
            state["cell"] = None
            if holds:
                if c0 + span > MAX_COLUMNS:
                    raise Refusal("TOO_MANY_COLUMNS", sheet=sheet_name, max=MAX_COLUMNS)
                state["content"] = True
                scan.columns = max(scan.columns, c0 + span)
                if formula:
                    state["formulas"].append((c0, span))
                if percent and span == 1:
                    state["formulas"].append(("%", c0))
            return
        if scan is None:
            return
        local = name.rpartition("}")[2]
        if local == "table":
            state.update(scan=None, row_pos=0)
        elif local == "table-row":
            row_pos, repeat = state["row_pos"], state["repeat"]
            if state["content"]:
                last = row_pos + repeat
                if last > limits.row_limit:
                    raise Refusal("TOO_MANY_ROWS", sheet=sheet_name, max=limits.max_rows)
                scan.rows = max(scan.rows, last)
                for entry in state["formulas"]:
                    if entry[0] == "%":
                        if repeat == 1:
                            scan.percent_cells.add((row_pos, entry[1]))
                        continue
                    c0, span = entry
                    if len(scan.formula_cells) + span * repeat > MAX_FORMULA_CELLS:
                        scan.formula_cells.add((-1, -1))
                        continue
                    for r in range(row_pos, row_pos + repeat):
                        for c in range(c0, c0 + span):
                            scan.formula_cells.add((r, c))
            state["row_pos"] = row_pos + repeat

    _expat(archive, "content.xml", budget, start, end)
    if not scans:
        raise Refusal("NO_SHEETS")
    return scans, {"content.xml", "META-INF/manifest.xml"}


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
        body = stream[pos + 4 : pos + 4 + length]
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
            return raw[: length * 2].decode("utf-16-le")
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
