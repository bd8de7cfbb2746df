"""How the review compares the texts of a form: headings, names, reasons and placeholders.

Every comparison goes through perfxl.core's folding (NFKC, no whitespace), so that full-width and
half-width spellings, and a stray space, compare equal, as the core compares 年度指标值 and 实际完成值.
"""

from __future__ import annotations

import re
import unicodedata

from perfxl.core.cells import folded
from perfxl.core.grammar import normalise_text

HEADING_SUFFIX = "指标"


def heading_key(heading: str) -> str:
    """A 一级 or 二级 heading as the framework matches it: folded, without a trailing 指标
    (「社会效益指标」, 「社会效益」 and 「社会效益 指标」 are one heading)."""
    text = folded(heading)
    return text.removesuffix(HEADING_SUFFIX) or text


def name_key(name: str) -> str:
    """A 三级指标's name as forms and the declared list are matched by."""
    return normalise_text(name)


def reason_key(reason: str) -> str:
    """A 偏差原因 as it is compared word for word: folded, without trailing punctuation."""
    return normalise_text(reason)


def bare(text: str) -> str:
    """Text without whitespace and punctuation: what remains of 「其他原因。」 is 「其他原因」."""
    return "".join(ch for ch in folded(text) if not unicodedata.category(ch).startswith("P"))


def is_placeholder(value: object, patterns: tuple[re.Pattern[str], ...]) -> bool:
    """Whether a typed text is, as a whole, one of the rulebook's placeholder patterns (``*``, ``/``, ``xx``…).

    Only text is a placeholder: a number in a cell is a value, and a blank cell is "not filled in"."""
    if not isinstance(value, str):
        return False
    text = folded(value)
    return bool(text) and any(pattern.fullmatch(text) for pattern in patterns)


def shown_text(value: object) -> str:
    """A cell's content as a message quotes it."""
    return folded(value, keep_whitespace=True).strip()
