"""Cell values as people type them → Decimal, percent and month, and the structured problem a
cell that cannot be read becomes (sheet, row, column, value, what is wrong — in Chinese)."""

import datetime
import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

CENT = Decimal("0.01")
TEN_THOUSAND = Decimal("10000")
HUNDRED = Decimal("100")
EXCEL_EPOCH = datetime.date(1899, 12, 30)
MONEY_MAX_EXPONENT = 20


class CellMsg:
    """Problems a cell or a row can have; tests name these instead of repeating the text."""

    NOT_A_NUMBER = _("This is not a number.")
    NEGATIVE = _("An amount cannot be negative.")
    NOT_A_PERCENT = _("This is not a percent (write 58, 0.58 or 58%).")
    PERCENT_RANGE = _("A percent must be between 0 and 100.")
    NOT_A_MONTH = _("This is not a month (write 2022-03, 2022.03, 2022年3月 or a date).")
    NOT_A_PERIOD = _("This is not a construction period (write 2021-2024).")
    FORMULA = _("This cell holds a formula; paste the values (Paste Special → Values) and import again.")
    REQUIRED = _("This value is required.")
    TOO_LONG = _("This text is longer than %(n)s characters.")
    TOO_LARGE = _("This amount is far too large; check the unit (万元) and the digits.")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file, a row or a cell. Row is 1-based as Excel shows it; column is
    the letter (with the header text when there is one)."""

    message: str
    sheet: str = ""
    row: int | None = None
    column: str = ""
    header: str = ""
    value: str = ""

    def __str__(self) -> str:
        where = []
        if self.sheet:
            where.append(gettext("sheet %(s)s") % {"s": self.sheet})
        if self.row:
            where.append(gettext("row %(r)s") % {"r": self.row})
        if self.column:
            col = f"{self.column}（{self.header}）" if self.header else self.column
            where.append(gettext("column %(c)s") % {"c": col})
        if self.value not in ("", None):
            where.append(gettext("value “%(v)s”") % {"v": self.value})
        return ("，".join(where) + "：" if where else "") + str(self.message)


class CellError(ValueError):
    """Raised by the parsers below; the importer turns it into a Problem with the cell's place."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def column_letter(index: int) -> str:
    """0-based column index → A, B, …, AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def normalize_text(value) -> str:
    """Full-width → half-width (NFKC), trimmed; None → ''."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


def match_key(value) -> str:
    """The key names are matched by (owner units, responsible units): NFKC, no spaces, case-folded.
    Only for finding; what a person wrote is stored as written."""
    return "".join(normalize_text(value).split()).casefold()


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


_NUMBER_NOISE = re.compile(r"[,\s，'_]")
_EMPTY_NUMBER = {"", "-", "—", "–", "/", "－", "——"}


def _to_decimal(value) -> Decimal | None:
    if value is None or isinstance(value, bool):
        raise CellError(CellMsg.NOT_A_NUMBER)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise CellError(CellMsg.NOT_A_NUMBER)
        return Decimal(str(value))  # the shortest repr: 1234.5, not 1234.49999…
    if isinstance(value, Decimal):
        return value
    text = _NUMBER_NOISE.sub("", unicodedata.normalize("NFKC", str(value)))
    if text in _EMPTY_NUMBER:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise CellError(CellMsg.NOT_A_NUMBER) from None
    if not number.is_finite():
        raise CellError(CellMsg.NOT_A_NUMBER)
    return number


def parse_money(value, *, scale: Decimal = Decimal(1)) -> Decimal | None:
    """A money cell in 万元 (scale 1) or 亿元 (scale 10000) → 万元, two decimals; blank → None."""
    if is_blank(value):
        return None
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        if text.endswith("亿元"):
            scale, text = TEN_THOUSAND, text[:-2]
        elif text.endswith("万元"):
            scale, text = Decimal(1), text[:-2]
        elif text.endswith("万"):
            scale, text = Decimal(1), text[:-1]
        value = text
    number = _to_decimal(value)
    if number is None:
        return None
    if number < 0:
        raise CellError(CellMsg.NEGATIVE)
    number *= scale
    # Past 10^20 万元 no column could hold it, and quantize would overflow the context; the
    # model's own limit (max_digits) is checked as a row problem later.
    if number.adjusted() >= MONEY_MAX_EXPONENT:
        raise CellError(CellMsg.TOO_LARGE)
    return number.quantize(CENT, rounding=ROUND_HALF_UP)


def parse_percent(value, *, fraction: bool = False) -> Decimal | None:
    """58, "58", "58%" → 58.00; 0.58 → 58.00 when the cell is formatted as a percent or the
    column is read as fractions (`fraction`). Blank → None."""
    if is_blank(value):
        return None
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        if text.endswith("%"):
            fraction, value = False, text[:-1]
        else:
            value = text
    try:
        number = _to_decimal(value)
    except CellError:
        raise CellError(CellMsg.NOT_A_PERCENT) from None
    if number is None:
        return None
    if fraction:
        number *= HUNDRED
    # The range first: 1e30 cannot even be quantized.
    if not Decimal(0) <= number <= HUNDRED + Decimal("0.005"):
        raise CellError(CellMsg.PERCENT_RANGE)
    number = number.quantize(CENT, rounding=ROUND_HALF_UP)
    if number > HUNDRED:
        raise CellError(CellMsg.PERCENT_RANGE)
    return number


_MONTH_PATTERNS = [
    re.compile(r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*(?:月(?:份)?)?(?:[-./]\d{1,2}(?:日)?)?(?:\s.*)?$"),
    re.compile(r"^(\d{4})(\d{2})$"),
]


_MONTH_ONLY = re.compile(r"^(\d{1,2})\s*(?:月(?:份)?)?$")


def parse_month(value) -> tuple[int | None, int] | None:
    """A month as (year, month): Excel serials, dates, 2022-03, 2022.03, 2022/3, 2022年3月, 202203;
    a bare month (3, "3月") gives (None, 3), the year coming from the title or the plan."""
    if is_blank(value):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        raise CellError(CellMsg.NOT_A_MONTH)
    if (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and float(value).is_integer()
        and 1 <= value <= 12
    ):
        return None, int(value)
    if isinstance(value, datetime.datetime):
        return value.year, value.month
    if isinstance(value, datetime.date):
        return value.year, value.month
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if isinstance(value, float) and not value.is_integer() and 2000 < value < 2100:
            # 2022.03 typed into a number cell arrives as the float 2022.03
            year, month = divmod(round(value * 100), 100)
            if 1 <= month <= 12:
                return int(year), int(month)
            raise CellError(CellMsg.NOT_A_MONTH)
        serial = int(value)
        if 200001 <= serial <= 210012 and 1 <= serial % 100 <= 12:
            return serial // 100, serial % 100
        if 1 <= serial < 2958466:
            day = EXCEL_EPOCH + datetime.timedelta(days=serial)
            return day.year, day.month
        raise CellError(CellMsg.NOT_A_MONTH)
    text = normalize_text(value)
    match = _MONTH_ONLY.match(text)
    if match and 1 <= int(match.group(1)) <= 12:
        return None, int(match.group(1))
    for pattern in _MONTH_PATTERNS:
        match = pattern.match(text)
        if match:
            year, month = int(match.group(1)), int(match.group(2))
            if 1 <= month <= 12:
                return year, month
    raise CellError(CellMsg.NOT_A_MONTH)


_PERIOD = re.compile(r"^(\d{4})\s*年?\s*[-~—–至到－]+\s*(\d{4})\s*年?$")
_SINGLE_YEAR = re.compile(r"^(\d{4})\s*年?$")


def parse_period(value) -> tuple[int, int] | None:
    """建设起止年限: 2021-2024, 2021—2024年, 2021年至2024年, or one year."""
    if is_blank(value):
        return None
    text = normalize_text(value)
    match = _PERIOD.match(text)
    if match:
        return int(match.group(1)), int(match.group(2))
    match = _SINGLE_YEAR.match(text)
    if match:
        return int(match.group(1)), int(match.group(1))
    raise CellError(CellMsg.NOT_A_PERIOD)


def parse_text(value, *, max_length: int | None = None) -> str:
    """Text as typed (numbers that Excel stored as floats lose their .0)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        value = value.isoformat()
    text = str(value).strip()
    if max_length is not None and len(text) > max_length:
        raise CellError(CellMsg.TOO_LONG % {"n": max_length})
    return text
