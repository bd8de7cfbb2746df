"""Numbers in cells where a percentage is meant: what the number format says, and how to read a number typed
without % (hand-made forms, docs/decisions.md "Percentages typed as plain numbers").

Excel stores 88% as 0.88 in a cell formatted ``0%``; a cell without % in its format holds what was typed,
which for a percentage is either the figure (88 for 88%) or the fraction (0.88, say a formula's result).
A plain number ``x`` is therefore read as ``x%`` or ``100·x%``. Readings up to twice the larger of 100% and
the reference (the value it is compared with) are plausible; when only one reading is, it is taken; when
both are, the one nearer the reference on a ratio scale (100·x% when |x| ≤ reference / 10); when neither
is, the figure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from perfxl.core.cells import folded
from perfxl.core.findings import Finding, info, warning
from perfxl.core.grammar import parse_actual, parse_target
from perfxl.core.labels import ACTUAL, TARGET
from perfxl.core.numbers import plain, to_decimal

_QUOTED = re.compile(r'"([^"]*)"')
_ESCAPED = re.compile(r"\\(.)")
_FORMAT_TOKEN = re.compile(r'"([^"]*)"|\\(.)|([0#?]|General)|(%)', flags=re.IGNORECASE)
_PLAIN_LIMIT = Decimal(100)  # readings up to twice this (or twice the reference) are plausible


class PercentFormat(Enum):
    SCALED = "scaled"  # 0%, 0.00%, ">="0%: the cell holds the fraction
    LITERAL = "literal"  # 0"%", 0\%: the cell holds the figure and shows a % sign after it


def percent_format(code: str) -> PercentFormat | None:
    """What a number format (its first section) does with percentages; None: nothing."""
    section = code.split(";")[0]
    literals = "".join(_QUOTED.findall(section))
    bare = _QUOTED.sub("", section)
    literals += "".join(_ESCAPED.findall(bare))
    bare = _ESCAPED.sub("", bare)
    if "%" in bare:
        return PercentFormat.SCALED
    if "%" in literals:
        return PercentFormat.LITERAL
    return None


def shown_number(value: float | int, code: str) -> str:
    """A number as its format shows it, for what matters to a target: percent, and literal text around it
    (0.95 in ``">="0%`` → ">=95%", 90 in ``0"%"`` → "90%", 5 in ``General"台"`` → "5台")."""
    section = code.split(";")[0]
    number = to_decimal(value)
    if percent_format(section) is PercentFormat.SCALED:
        number *= 100
    # Literal text before the first digit placeholder is a prefix; all after it, and a %, a suffix.
    prefix = suffix = ""
    digits_seen = False
    for match in _FORMAT_TOKEN.finditer(section):
        quoted, escaped, digit, percent = match.groups()
        if digit is not None:
            digits_seen = True
        elif percent is not None:
            suffix += "%"
        elif digits_seen:
            suffix += quoted if quoted is not None else escaped
        else:
            prefix += quoted if quoted is not None else escaped
    return f"{prefix}{plain(number)}{suffix}"


class Certainty(Enum):
    LIKELY = "likely"  # the other reading is not plausible
    AMBIGUOUS = "ambiguous"  # both readings are plausible
    UNLIKELY = "unlikely"  # neither is: read as the figure typed


@dataclass(frozen=True)
class PercentReading:
    percent: Decimal  # the value read, in percent: 88 for 88%
    as_fraction: bool  # True: 0.88 → 88% (as Excel stores percentages); False: 88 → 88% (the figure typed)
    certainty: Certainty
    other: Decimal  # the other reading, in percent


def read_plain_number(number: Decimal, reference: Decimal) -> PercentReading:
    """How to read ``number``, typed without %, against a percentage of ``reference`` percent (number ≠ 0)."""
    figure, fraction = number, number * 100
    limit = 2 * max(_PLAIN_LIMIT, abs(reference))
    if abs(figure) > limit:
        return PercentReading(figure, False, Certainty.UNLIKELY, fraction)
    if abs(fraction) > limit:
        return PercentReading(figure, False, Certainty.LIKELY, fraction)
    # Both plausible: the nearer one to the reference, as a ratio (the readings differ by 100 times, so the
    # geometric middle lies at |number| = reference / 10).
    if abs(number) * 10 <= abs(reference):
        return PercentReading(fraction, True, Certainty.AMBIGUOUS, figure)
    return PercentReading(figure, False, Certainty.AMBIGUOUS, fraction)


# -- one indicator row ----------------------------------------------------------------------------------

_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[+-]?\.\d+")


@dataclass(frozen=True)
class RowPercentages:
    """A row's 年度指标值 and 实际完成值 as the core is to read them, and what was assumed to get there."""

    target: str
    actual: object
    findings: tuple[tuple[str, Finding], ...] = ()  # (the row field it is about, the finding), not yet located


def read_row_percentages(name: str, index: int, target: str, actual: object, actual_format: str) -> RowPercentages:
    """Make a row's percentages explicit where one side says % and the other is a plain number.

    ``target`` is the text shown (a number already formatted, :func:`shown_number`); ``actual`` the cell's
    value and ``actual_format`` its number format. A number in a % cell is Excel's fraction, as the core reads
    it; a plain number is read by :func:`read_plain_number` and passed on as the core should read it: the
    fraction as it is, the figure as text ("88%").
    """
    findings: list[tuple[str, Finding]] = []
    explicit, as_percent = _explicit_actual(actual, actual_format)
    parsed = parse_target(target)
    if parsed.value is not None and parsed.error is None and not parsed.unit and explicit is not None:
        number = parsed.value
        reading = read_plain_number(number, explicit) if number else None
        percent = reading.percent if reading else number
        target = _NUMBER.sub(plain(percent) + "%", folded(target, keep_whitespace=True), count=1)
        if reading is not None:
            findings.append(("row.target", _finding(reading, name, index, "target", TARGET, plain(number))))
        parsed = parse_target(target)
    if not parsed.is_percent or parsed.value is None:
        return RowPercentages(target, actual, tuple(findings))
    actual = as_percent
    if _is_number(actual) and explicit is None and actual != 0:
        number = to_decimal(actual)
        reading = read_plain_number(number, parsed.value)
        if not reading.as_fraction:
            actual = f"{plain(number)}%"
        findings.append(("row.actual", _finding(reading, name, index, "actual", ACTUAL, plain(number))))
    # Text without % against a % target is the core's to warn about (perfxl.core.indicator, percent_ambiguous).
    return RowPercentages(target, actual, tuple(findings))


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def _explicit_actual(actual: object, code: str) -> tuple[Decimal | None, object]:
    """The actual's value in percent where the cell says it is one, and the actual as the core is to read it
    against a percentage."""
    if _is_number(actual):
        kind = percent_format(code)
        if kind is PercentFormat.SCALED:
            return to_decimal(actual) * 100, actual
        if kind is PercentFormat.LITERAL:  # 88 shown as 88%: the figure
            return to_decimal(actual), f"{plain(to_decimal(actual))}%"
        return None, actual
    if isinstance(actual, str):
        typed = parse_actual(actual)
        if typed.value is not None and typed.unit == "%":
            return typed.value, actual
    return None, actual


def _finding(reading: PercentReading, name: str, index: int, attribute: str, label: str, typed: str) -> Finding:
    field = f"indicators[{index}].{attribute}"
    what = f"指标「{name}」的{label}「{typed}」未带 %"
    read = f"按 {plain(reading.percent)}% 读取"
    if reading.certainty is Certainty.LIKELY:
        return info("percent_read", field, f"{what}，{read}")
    if reading.certainty is Certainty.UNLIKELY:
        return warning("percent_unlikely", field, f"{what}，{read}，请核对")
    readings = sorted((reading.percent, reading.other), key=abs)
    return warning(
        "percent_ambiguous",
        field,
        f"{what}，可读作 {plain(readings[0])}% 或 {plain(readings[1])}%，{read}；请改填为「{plain(reading.percent)}%」",
    )
