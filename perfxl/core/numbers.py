"""Decimal conversion and Excel-compatible rounding (rules.md §3).

Every number entering the core passes through :func:`to_decimal`, so that a float coming from an
Excel cell, a YAML number and a typed string all become the same exact decimal value.
"""

from __future__ import annotations

import re
import sys
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, getcontext, localcontext

from perfxl.core.errors import PerfxlError

# Excel keeps 15 significant digits; formatting a float to 15 digits recovers the decimal number the
# officer typed (0.1 + 0.2 shows as 0.3) and makes ROUND behave like Excel's at .xx5 boundaries.
_EXCEL_DIGITS = 15

_LARGEST_DOUBLE = Decimal(repr(sys.float_info.max))

_PLAIN_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$|^[+-]?\.\d+$")


class NotANumber(PerfxlError, ValueError):
    """Raised when a value cannot be read as a number."""


def to_decimal(value: object) -> Decimal:
    """Convert an int, float, Decimal or numeric text (thousands separators allowed) to Decimal."""
    if isinstance(value, bool):
        raise NotANumber(repr(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise NotANumber(str(value))
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise NotANumber(repr(value))
        excel = Decimal(format(value, f".{_EXCEL_DIGITS}g"))
        if abs(excel) > _LARGEST_DOUBLE:  # 15 digits of the largest doubles round past them: keep all
            return Decimal(repr(value))
        return _normalise(excel)
    if isinstance(value, str):
        text = value.strip()
        if not _PLAIN_NUMBER.match(text):
            raise NotANumber(value)
        try:
            return Decimal(text.replace(",", ""))
        except InvalidOperation as exc:  # pragma: no cover - the regex admits only valid numbers
            raise NotANumber(value) from exc
    raise NotANumber(repr(value))


def _normalise(value: Decimal) -> Decimal:
    """Drop an exponent form such as 1E+2 that format(..., 'g') produces for round floats.

    Only while the digits fit decimal's context (28): 1E+28 and beyond keep their exponent, as
    quantizing them raises InvalidOperation (and Excel shows them as 1E+28 too)."""
    if value == value.to_integral_value() and value.adjusted() < getcontext().prec:
        return value.quantize(Decimal(1))
    return value


def round_half_up(value: Decimal, decimals: int) -> Decimal:
    """Round half away from zero, as Excel's ROUND does: 9.545 -> 9.55, -2.5 -> -3.

    Any finite value rounds, however large: a cell may hold up to 9.99E+307, far beyond the 28 digits
    of decimal's default context, where a plain quantize raises InvalidOperation."""
    with localcontext() as context:
        digits = value.adjusted() + decimals + 1 if value.is_finite() else 0
        exponent = value.as_tuple().exponent  # a letter only for NaN and infinities, which are not finite
        if digits > context.prec and isinstance(exponent, int) and exponent >= -decimals:
            return value  # already exact to that place: 1E+28 stays short rather than 29 digits and ".00"
        context.prec = max(context.prec, digits + 1)
        return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


# Beyond these magnitudes a number is shown as Excel's General format shows it: 1E+28, 9.99E+307, 1E-300.
_SCIENTIFIC_FROM = Decimal(10) ** _EXCEL_DIGITS
_SCIENTIFIC_BELOW = Decimal("1E-9")


def shown(value: Decimal) -> str:
    """A number as a message shows it: its digits (588865, 945926.25), or Excel's E notation with 15
    significant digits where the digits would run to dozens or hundreds of characters."""
    magnitude = abs(value)
    if value.is_finite() and (magnitude >= _SCIENTIFIC_FROM or 0 < magnitude < _SCIENTIFIC_BELOW):
        return format(value.normalize(), f".{_EXCEL_DIGITS}G")
    return format(value, "f")


def plain(value: Decimal, *, significant: int | None = None) -> str:
    """A number as typed: no exponent, no trailing zeros (0.880 → 0.88, 1E+2 → 100); E notation for the huge.

    The one decimal-to-text of perfxl: messages, formula constants, cell texts. ``significant``: rounded
    first to that many significant digits, as Excel's General format shows a calculated result (1/7 →
    0.142857142857143 with 15); without it, every digit of the value is kept, as it was typed.
    """
    if value == 0:
        return "0"
    if significant is not None:
        value = Decimal(format(value, f".{significant}g"))
    return shown(value.normalize())


def to_float(value: Decimal | None) -> float | None:
    """The float a spreadsheet cell or a JSON number should carry for a result."""
    return None if value is None else float(value)
