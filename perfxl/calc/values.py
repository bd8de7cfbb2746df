"""Excel's value model and its coercions: what a cell holds and how operators and functions read it.

A value is one of: :data:`BLANK` (an empty cell), a ``Decimal`` number, a ``str``, a ``bool`` or an
:class:`ExcelError`. Numbers are decimals so that ROUND rounds half away from zero on the decimal
value, as Excel and rules.md §3 do; floats from cells enter through perfxl.core.numbers.to_decimal
(15 significant digits, as Excel keeps them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from perfxl.core.numbers import NotANumber, to_decimal


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
class ExcelError(Exception):
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

# Text Excel (en-US, as a finance PC's Excel and WPS store formulas) turns into a number for arithmetic.
_NUMERIC_TEXT = re.compile(r"^\s*([+-]?)(\d{1,3}(?:,\d{3})+|\d*)(\.\d*)?(?:[eE]([+-]?\d+))?\s*(%?)\s*$")


def from_float(value: float) -> Decimal:
    return to_decimal(value)


def number_from_text(text: str) -> Decimal | None:
    """"1,234.5" → 1234.5, "50%" → 0.5, " 7 " → 7; None for text that is not a number."""
    match = _NUMERIC_TEXT.match(text)
    if match is None:
        return None
    sign, whole, fraction, exponent, percent = match.groups()
    if not whole and (not fraction or fraction == "."):
        return None
    try:
        number = Decimal(f"{sign}{whole.replace(',', '') or '0'}{fraction or ''}e{exponent or '0'}")
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        return None
    return number / 100 if percent else number


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
        return number_text(value)
    if value is BLANK:
        return ""
    return str(value)


def number_text(number: Decimal) -> str:
    """A number as the General format shows it: up to 15 significant digits, no trailing zeros."""
    if number == 0:
        return "0"
    rounded = Decimal(format(number, ".15g"))
    exponent = rounded.adjusted()
    if exponent >= 15 or exponent < -9:
        mantissa, _, power = format(rounded.normalize(), "E").partition("E")
        mantissa = mantissa.rstrip("0").rstrip(".") if "." in mantissa else mantissa
        sign = "-" if power.startswith("-") else "+"
        return f"{mantissa}E{sign}{power.lstrip('+-').zfill(2)}"
    return format(rounded.normalize(), "f")


def _rank(value: Value) -> int:
    """Excel orders values of different types: numbers < text < logical values."""
    if isinstance(value, Decimal):
        return 0
    if isinstance(value, str):
        return 1
    return 2


def compare(left: Value, right: Value) -> int:
    """-1, 0 or 1, as Excel's comparison operators order two values (text case-insensitively)."""
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
        a, b = left.casefold(), str(right).casefold()
    else:
        a, b = left, right  # type: ignore[assignment]
    return (a > b) - (a < b)  # type: ignore[operator]


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
