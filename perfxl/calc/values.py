"""Excel's value model and its coercions: what a cell holds and how operators and functions read it.

A value is one of: :data:`BLANK` (an empty cell), a ``Decimal`` number, a ``str``, a ``bool`` or an
:class:`ExcelError`. Numbers are decimals so that ROUND rounds half away from zero on the decimal
value, as Excel and rules.md §3 do; floats from cells enter through :func:`from_float` (15 significant
digits, as Excel keeps them). Arithmetic is exact where Excel's binary doubles are not: results agree to
Excel's 15 digits except when a double's error reaches the 15th (Excel's =1.2-1.1 is 0.0999999999999999).
"""

from __future__ import annotations

import datetime
import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, getcontext

from perfxl.core import cells
from perfxl.core.errors import PerfxlError
from perfxl.core.numbers import NotANumber, plain


class _Blank:
    """An empty cell: 0 to arithmetic, "" to text, FALSE to logic; equal to all three."""

    _instance: _Blank | None = None

    def __new__(cls) -> _Blank:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "BLANK"

    def __bool__(self) -> bool:
        return False


BLANK = _Blank()


@dataclass(frozen=True)
class ExcelError(PerfxlError):
    """An error value such as #VALUE!; raised inside the engine, held as a cell's value."""

    code: str

    def __str__(self) -> str:
        return self.code


VALUE = ExcelError("#VALUE!")
DIV0 = ExcelError("#DIV/0!")
NAME = ExcelError("#NAME?")
REF = ExcelError("#REF!")
NUM = ExcelError("#NUM!")
NA = ExcelError("#N/A")
ERROR_CODES = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA")

Value = object  # BLANK | Decimal | str | bool | ExcelError

# Text Excel (en-US, as a finance PC's Excel and WPS store formulas) turns into a number for arithmetic:
# "1,234.5", "50%", " 7 ", "(100)" (a negative, as typed in accounting). Only spaces around it (not tabs,
# line breaks or the no-break space of web pages, which leave it text) and ASCII digits (Python's \d would
# also read full-width "１２３", which LibreOffice leaves text).
_NUMERIC_TEXT = re.compile(
    r"^ *(?P<open>\( *)?(?P<sign>[+-]?)(?P<whole>\d{1,3}(?:,\d{3})+|\d*)(?P<fraction>\.\d*)?"
    r"(?:[eE](?P<exponent>[+-]?\d+))? *(?P<percent>%?) *(?(open)\)) *\Z",
    re.ASCII,
)
# Dates and times as a Chinese-locale Excel reads typed text: 2022-12-31, 2022/12/31, 2022年12月31日, 12:30,
# 12:30:15, and a date followed by a time.
_DATE = (
    r"(?P<year>\d{4})(?:(?P<separator>[-/])(?P<month>\d{1,2})(?P=separator)(?P<day>\d{1,2})"
    r"|年(?P<cmonth>\d{1,2})月(?P<cday>\d{1,2})日)"
)
_TIME = r"(?P<hour>\d{1,2}):(?P<minute>\d{1,2})(?::(?P<second>\d{1,2}(?:\.\d+)?))?"
_DATE_TEXT = re.compile(rf"^ *{_DATE}(?: +{_TIME})? *\Z", re.ASCII)
_TIME_TEXT = re.compile(rf"^ *{_TIME} *\Z", re.ASCII)
_EPOCH = datetime.date(1899, 12, 30)  # serial 0 of the 1900 date system, for dates from 1900-03-01 on

# The largest and smallest magnitudes of a binary double: beyond them Excel gives #NUM! (or 0).
_LARGEST = Decimal("1.7976931348623157E+308")
_SMALLEST = Decimal("2.2250738585072014E-308")


def from_float(value: float) -> Decimal:
    """A float from a cell as Excel keeps it: 15 significant digits (0.30000000000000004 is 0.3)."""
    if not math.isfinite(value):
        raise NotANumber(repr(value))
    number = Decimal(format(value, ".15g"))
    # Whole numbers without an exponent (1E+2 is 100), within the context's precision (not 1E+300).
    if number == number.to_integral_value() and number.adjusted() < getcontext().prec:
        return number.quantize(Decimal(1))
    return number


def significant(number: Decimal) -> Decimal:
    """A number to the 15 significant digits Excel keeps (and compares and rounds by): 1/3*3 is 1."""
    return Decimal(format(number, ".15g")) if number.is_finite() else number


def checked(number: Decimal) -> Decimal:
    """A result as a double holds it: #NUM! beyond its range (1E+300*1E+300), 0 below it; never -0."""
    magnitude = abs(number)
    if magnitude > _LARGEST:
        raise NUM
    if magnitude < _SMALLEST:
        return Decimal(0)  # also -0: Excel has no negative zero (=-0 is 0)
    return number


def number_from_text(text: str) -> Decimal | None:
    """ "1,234.5" → 1234.5, "50%" → 0.5, " 7 " → 7, "2022-12-31" → 44926; None for other text."""
    match = _NUMERIC_TEXT.match(text)
    if match is None:
        return _date_from_text(text)
    sign, whole, fraction, exponent = match.group("sign", "whole", "fraction", "exponent")
    if not whole and (not fraction or fraction == "."):
        return None
    if match.group("open") and sign:
        return None  # "(-5)" is text
    try:
        number = Decimal(f"{sign}{whole.replace(',', '') or '0'}{fraction or ''}e{exponent or '0'}")
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        return None
    if match.group("percent"):
        number = number / 100
    if match.group("open"):
        number = -number
    if abs(number) > _LARGEST:
        return None  # "1E+400" is text to Excel: no double holds it
    return number if abs(number) >= _SMALLEST else Decimal(0)


def _date_from_text(text: str) -> Decimal | None:
    """A date's serial number (days since 1899-12-30) plus the time as a fraction of a day."""
    match = _DATE_TEXT.match(text) or _TIME_TEXT.match(text)
    if match is None:
        return None
    serial = Decimal(0)
    if "year" in match.re.groupindex:
        try:
            date = datetime.date(
                int(match.group("year")),
                int(match.group("month") or match.group("cmonth")),
                int(match.group("day") or match.group("cday")),
            )
        except ValueError:
            return None  # 2022-02-30 stays text
        if date.year < 1900:
            return None
        days = (date - _EPOCH).days
        # Excel counts the 29 February 1900 that never was (Lotus 1-2-3's leap year): earlier days are one less.
        serial = Decimal(days - 1 if date < datetime.date(1900, 3, 1) else days)
    if match.group("hour"):
        hour, minute = int(match.group("hour")), int(match.group("minute"))
        second = Decimal(match.group("second") or 0)
        if minute > 59 or second >= 60 or (hour > 23 and "year" in match.re.groupindex):
            return None
        serial += (hour * 3600 + minute * 60 + second) / 86400
    return serial


def to_number(value: Value) -> Decimal:
    """A value as arithmetic reads it; raises the error value it gives otherwise."""
    if isinstance(value, ExcelError):
        raise value
    if isinstance(value, bool):
        return Decimal(int(value))
    if isinstance(value, Decimal):
        return value
    if value is BLANK:
        return Decimal(0)
    if isinstance(value, str):
        number = number_from_text(value)
        if number is None:
            raise VALUE
        return number
    raise VALUE


def to_bool(value: Value) -> bool:
    """A value as IF, AND, OR and NOT read it."""
    if isinstance(value, ExcelError):
        raise value
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal):
        return value != 0
    if value is BLANK:
        return False
    if isinstance(value, str):
        upper = value.strip().upper()
        if upper in ("TRUE", "FALSE"):
            return upper == "TRUE"
    raise VALUE


def to_text(value: Value) -> str:
    """A value as & and the text functions read it (numbers in the General format)."""
    if isinstance(value, ExcelError):
        raise value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, Decimal):
        return plain(value, significant=15)  # as the General format shows a result
    if value is BLANK:
        return ""
    return str(value)


def _rank(value: Value) -> int:
    """Excel orders values of different types: numbers < text < logical values."""
    if isinstance(value, Decimal):
        return 0
    if isinstance(value, str):
        return 1
    return 2


def compare(left: Value, right: Value) -> int:
    """-1, 0 or 1, as Excel's comparison operators order two values.

    Numbers compare by the 15 significant digits Excel keeps (=1/3*3=1 is TRUE); text case-insensitively,
    ordered as a collation orders it rather than by code point (full-width "１" and the ideographic space
    sort with "1" and " ", before letters).
    """
    if isinstance(left, ExcelError):
        raise left
    if isinstance(right, ExcelError):
        raise right
    if left is BLANK and right is BLANK:
        return 0
    if left is BLANK:
        left = _blank_as(right)
    if right is BLANK:
        right = _blank_as(left)
    left_rank, right_rank = _rank(left), _rank(right)
    if left_rank != right_rank:
        return -1 if left_rank < right_rank else 1
    if isinstance(left, str):
        if left.casefold() == str(right).casefold():
            return 0
        a, b = _text_key(left), _text_key(str(right))
    elif isinstance(left, Decimal):
        a, b = significant(left), significant(right)  # type: ignore[assignment,arg-type]
    else:
        a, b = left, right  # type: ignore[assignment]
    return (a > b) - (a < b)  # type: ignore[operator]


def _text_key(text: str) -> tuple[tuple[tuple[int, str], ...], str]:
    """A collation's order, roughly: by the compatibility-folded text (full-width as half-width), each
    character classed as spaces and symbols < digits < letters (so "¥100" and "１２３" sort before "a");
    equal only when the case-folded texts are equal."""
    casefolded = text.casefold()
    return tuple(
        (_CHARACTER_CLASS.get(unicodedata.category(c)[0], 2), c) for c in cells.folded(casefolded, keep_whitespace=True)
    ), casefolded


_CHARACTER_CLASS = {"Z": 0, "P": 0, "S": 0, "C": 0, "N": 1}  # letters and marks: 2


def _blank_as(other: Value) -> Value:
    if isinstance(other, Decimal):
        return Decimal(0)
    if isinstance(other, str):
        return ""
    return False


def cell_constant(value: object) -> Value:
    """A value as a Book reads it (None, float, int, str, bool) in the engine's model."""
    if value is None:
        return BLANK
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        try:
            return from_float(value)
        except NotANumber:
            return NUM
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal):
        return value
    return str(value)
