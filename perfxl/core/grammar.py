"""The grammar of 年度指标值 and 实际完成值 (rules.md §4): operator + number + unit, or text.

``parse_target`` and ``parse_actual`` never raise: a text that cannot be read comes back with
``error`` set, so that the caller can turn it into a finding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from perfxl.core.cells import folded, is_blank
from perfxl.core.labels import ACTUAL, TARGET
from perfxl.core.numbers import NotANumber, plain, to_decimal


class Op(Enum):
    GE = "≥"
    GT = ">"
    LE = "≤"
    LT = "<"
    EQ = "="

    @property
    def is_reverse(self) -> bool:
        """≤ and < targets reward staying below the value (costs, complaints, accidents)."""
        return self in (Op.LE, Op.LT)


# Longest first, so that 不高于 wins over 高于 and >= over >.
_PREFIX_OPERATORS: tuple[tuple[str, Op], ...] = tuple(
    sorted(
        {
            ">=": Op.GE,
            "≥": Op.GE,
            "≧": Op.GE,
            "=>": Op.GE,
            "不低于": Op.GE,
            "不少于": Op.GE,
            "不小于": Op.GE,
            "大于等于": Op.GE,
            "大于或等于": Op.GE,
            "达到": Op.GE,
            "至少": Op.GE,
            ">": Op.GT,
            "高于": Op.GT,
            "超过": Op.GT,
            "大于": Op.GT,
            "多于": Op.GT,
            "<=": Op.LE,
            "≤": Op.LE,
            "≦": Op.LE,
            "=<": Op.LE,
            "不高于": Op.LE,
            "不超过": Op.LE,
            "不大于": Op.LE,
            "不多于": Op.LE,
            "小于等于": Op.LE,
            "小于或等于": Op.LE,
            "控制在": Op.LE,
            "最多": Op.LE,
            "<": Op.LT,
            "低于": Op.LT,
            "小于": Op.LT,
            "少于": Op.LT,
            "==": Op.EQ,
            "=": Op.EQ,
            "等于": Op.EQ,
        }.items(),
        key=lambda item: -len(item[0]),
    )
)
_SYMBOL_CHARS = set("<>=≥≤≧≦")

# Suffix words come after the unit: 95%以上, 5%以内, 控制在100万元内.
_SUFFIX_OPERATORS: tuple[tuple[str, Op], ...] = (
    ("及以上", Op.GE),
    ("以上", Op.GE),
    ("之内", Op.LE),
    ("以内", Op.LE),
    ("以下", Op.LE),
    ("内", Op.LE),
)
_INCLUSIVE_MARKS = ("(含)", "(含本数)")

_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\d,])|[+-]?\.\d+")

# A unit is a short measure word; a longer tail or one naming a deadline means the text is a
# qualitative statement that happens to hold a number ("2022年12月底前完成").
_MAX_UNIT_LENGTH = 4
_NOT_IN_UNITS = set("前后底完成期")

PERCENT = "%"


def normalise_text(text: str) -> str:
    """Full-width forms to ASCII, no whitespace: the form in which texts are compared."""
    return folded(text).rstrip("。.;；")


@dataclass(frozen=True)
class Target:
    """A parsed 年度指标值."""

    text: str
    op: Op | None = None
    value: Decimal | None = None
    unit: str = ""
    error: str | None = None

    @property
    def is_quantitative(self) -> bool:
        return self.value is not None

    @property
    def is_percent(self) -> bool:
        return self.unit == PERCENT

    @property
    def normalised(self) -> str:
        return normalise_text(self.text)


@dataclass(frozen=True)
class Actual:
    """A parsed 实际完成值: a number with its unit, a text, or nothing (blank cell)."""

    text: str
    value: Decimal | None = None
    unit: str = ""
    error: str | None = None
    is_blank: bool = False

    @property
    def normalised(self) -> str:
        return normalise_text(self.text)


def _split_operator(text: str) -> tuple[Op | None, str]:
    for word, op in _PREFIX_OPERATORS:
        if text.startswith(word):
            return op, text[len(word) :]
    return None, text


def _split_suffix(unit: str) -> tuple[Op | None, str]:
    for mark in _INCLUSIVE_MARKS:
        unit = unit.replace(mark, "")
    for word, op in _SUFFIX_OPERATORS:
        if unit.endswith(word):
            return op, unit[: -len(word)]
    return None, unit


def _looks_like_unit(unit: str) -> bool:
    return len(unit) <= _MAX_UNIT_LENGTH and not any(ch.isdigit() for ch in unit) and not (set(unit) & _NOT_IN_UNITS)


def _parse_quantity(text: str) -> tuple[Op | None, Decimal, str] | str | None:
    """(op, value, unit) for a quantity, an error text for a broken one, None for plain text."""
    normal = normalise_text(text)
    op, rest = _split_operator(normal)
    starts_with_symbol = bool(normal) and normal[0] in _SYMBOL_CHARS
    match = _NUMBER.match(rest)
    if match is None:
        if starts_with_symbol:
            return "比较符号后缺少数值"
        return None
    tail = rest[match.end() :]
    suffix_op, unit = _split_suffix(tail)
    if op is Op.LE and normal.startswith("控制在") and suffix_op is None and tail.endswith("内"):
        suffix_op = Op.LE
    if not _looks_like_unit(unit):
        if starts_with_symbol:
            return f"无法识别的单位「{unit}」"
        return None
    if op is not None and suffix_op is not None and op is not suffix_op:
        return "前后比较方向矛盾"
    try:
        value = to_decimal(match.group(0))
    except NotANumber:  # pragma: no cover - the regex admits only numbers
        return "数值无法识别"
    return op or suffix_op, value, unit


def parse_target(text: str | None) -> Target:
    """Parse a 年度指标值 such as ``>=3次``, ``≥95%``, ``不高于5%``, ``0起`` or ``顺利完成``."""
    if is_blank(text):
        return Target(text="", error=f"{TARGET}为空")
    text = str(text).strip()
    parsed = _parse_quantity(text)
    if parsed is None:
        return Target(text=text)
    if isinstance(parsed, str):
        return Target(text=text, error=parsed)
    op, value, unit = parsed
    return Target(text=text, op=op or Op.EQ, value=value, unit=unit)


def parse_actual(value: object, target: Target | None = None) -> Actual:
    """Read a 实际完成值 as Excel or a project list passes it.

    A number is taken as Excel stores it: for a percentage target, 0.88 is 88%. Text is read with the
    target grammar; a bare number in text takes the target's unit ("88" against ≥90% means 88%).
    """
    if is_blank(value):
        return Actual(text="", is_blank=True)
    if isinstance(value, bool):
        return Actual(text=str(value), error=f"{ACTUAL}应为数值或文字")
    if isinstance(value, (int, float, Decimal)):
        try:
            number = to_decimal(value)
        except NotANumber:
            return Actual(text=str(value), error=f"{ACTUAL}不是有效数字")
        unit = ""
        if target is not None and target.is_percent:
            number *= 100
            unit = PERCENT
        elif target is not None:
            unit = target.unit
        return Actual(text=f"{plain(number)}{unit}", value=number, unit=unit)
    text = str(value).strip()
    parsed = _parse_quantity(text)
    if parsed is None:
        return Actual(text=text)
    if isinstance(parsed, str):
        return Actual(text=text, error=parsed)
    _, number, unit = parsed
    if not unit and target is not None:
        unit = target.unit
    return Actual(text=text, value=number, unit=unit)
