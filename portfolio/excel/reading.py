"""Opening an uploaded workbook without trusting it. Cheap checks here (size, kind by the first
bytes, not the name); then the file is opened in a child process (sandbox.py) with a memory and
time limit, where scanning.py's guards look at every part by meaning — DTDs, formulas, extents,
declared counts — before calamine reads the values. A file that makes the reader abort, loop or
allocate without bound kills the child only, and is refused with a message saying what to do.
Every refusal names what is wrong in the user's language; nothing is read further."""

import datetime
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .scanning import MAX_COLUMNS, OLE2_MAGIC, ZIP_MAGIC  # noqa: F401 — MAX_COLUMNS: part of this module's API

ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
SUPPORTED = (".xlsx", ".xlsm", ".xls", ".ods")
PROJECT_ROOT = Path(__file__).resolve().parents[2]


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
    UNCOMPRESSED = _(
        "Unpacked, the workbook would be larger than %(mb)s MB; split the file or remove the sheets, pictures and "
        "formatting that are not needed."
    )
    ZIP_BOMB = _(
        "The workbook is compressed suspiciously well (a “zip bomb”); copy the table into a new workbook in Excel "
        "or WPS and upload that."
    )
    XML_BOMB = _(
        "The workbook contains XML document type or entity declarations, which Excel never writes; open it in "
        "Excel or WPS and save it again as .xlsx."
    )
    TOO_MANY_ROWS = _("The sheet “%(sheet)s” has more than %(max)s rows; split the file.")
    TOO_MANY_COLUMNS = _("The sheet “%(sheet)s” has more than %(max)s columns.")
    NO_SHEETS = _("The workbook has no worksheets.")
    DUPLICATE_PART = _(
        "The workbook holds two parts with the same name, which Excel never writes; open it in Excel or WPS "
        "and save it again."
    )
    STRICT = _(
        "The workbook is saved as “Strict Open XML Spreadsheet”; save it again as an ordinary Excel Workbook (.xlsx)."
    )
    NONSTANDARD = _(
        "The workbook is not laid out as Excel or WPS write it, so it cannot be checked; open it in Excel or WPS "
        "and save it again as .xlsx."
    )
    TOO_MANY_ELEMENTS = _(
        "The workbook holds far more cells or formatting than a schedule needs; copy the table into a new "
        "workbook, or split the file."
    )
    RESOURCES = _(
        "The workbook could not be opened within the memory and time an import may use; open it in Excel or WPS, "
        "save it again as .xlsx, or split the file."
    )


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
        return _read_isolated(data, ext)
    if data.startswith(ZIP_MAGIC):
        if ext not in SUPPORTED or ext == ".xls":
            raise FileRefused(FileMsg.UNSUPPORTED if ext not in SUPPORTED else FileMsg.NOT_SPREADSHEET)
        return _read_isolated(data, ext)
    if ext == ".csv" or _sniff_text(data):
        raise FileRefused(FileMsg.CSV)
    if ext not in SUPPORTED:
        raise FileRefused(FileMsg.UNSUPPORTED)
    raise FileRefused(FileMsg.NOT_SPREADSHEET)


def _refusal(code: str, params: dict) -> FileRefused:
    message = getattr(FileMsg, code, None) if code.isupper() else None
    if message is None:
        message = FileMsg.DAMAGED
    if code == "UNCOMPRESSED":
        params = {"mb": _mb(settings.IMPORT_MAX_UNCOMPRESSED_BYTES)}
    return FileRefused(message % params if params else message)


def _read_isolated(data: bytes, ext: str) -> list[Sheet]:
    """Run sandbox.py on the bytes; its answer, or its death, becomes sheets or a refusal."""
    answer = run_sandbox(data, ext)
    if "refused" in answer:
        raise _refusal(str(answer["refused"]), answer.get("params") or {})
    return [
        Sheet(
            name=s["name"],
            rows=s["rows"],  # dates already decoded as the answer was parsed (_decode)
            merges=[tuple(tuple(p) for p in m) for m in s["merges"]],
            formula_cells={tuple(c) for c in s["formula_cells"]},
            percent_cells={tuple(c) for c in s["percent_cells"]},
        )
        for s in answer["sheets"]
    ]


def run_sandbox(data: bytes, ext: str) -> dict:
    """The child's answer as it sent it ({"sheets"…} or {"refused"…}, with its peak memory);
    a child that died or timed out answers {"refused": "RESOURCES"}."""
    params = json.dumps(
        {
            "ext": ext,
            "max_uncompressed": settings.IMPORT_MAX_UNCOMPRESSED_BYTES,
            "max_rows": settings.IMPORT_MAX_ROWS,
            "max_elements": settings.IMPORT_MAX_XML_ELEMENTS,
            "memory": settings.IMPORT_READER_MEMORY_BYTES,
            "cpu_seconds": settings.IMPORT_READER_SECONDS,
        }
    ).encode()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")]))}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "portfolio.excel.sandbox"],
            input=len(params).to_bytes(4, "big") + params + data,
            capture_output=True,
            # the CPU limit is the child's own (RLIMIT_CPU); the wall clock allows for a loaded machine
            timeout=settings.IMPORT_READER_SECONDS * settings.IMPORT_READER_WALL_FACTOR,
            cwd=PROJECT_ROOT,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:  # run() has killed the child
        return {"refused": "RESOURCES", "params": {}}
    try:
        answer = json.loads(done.stdout, object_hook=_decode) if done.returncode == 0 else None
    except ValueError:
        answer = None
    if not isinstance(answer, dict) or not ("refused" in answer or "sheets" in answer):
        return {"refused": "RESOURCES", "params": {}}  # killed by a limit, or aborted in a native reader
    return answer


_DECODERS = {
    "datetime": datetime.datetime.fromisoformat,
    "date": datetime.date.fromisoformat,
    "time": datetime.time.fromisoformat,
    "timedelta": lambda v: datetime.timedelta(seconds=v),
}


def _decode(obj: dict):
    """A JSON object of the child's answer: a date or time it encoded ({"$": kind, "v": …}) is
    decoded where json meets it, so the rows need no second pass; any other object stays."""
    if "$" in obj:
        return _DECODERS[obj["$"]](obj["v"])
    return obj
