"""Reading a UDF's arguments: cell values as Excel passes them, each turned into what the core takes.

Excel (through xlwings) and perfxl's engine pass floats, text, None for an empty cell and error values
as their text ("#N/A"). An argument that cannot be used raises :class:`UnusableArgument`, whose text is what
the cell then shows.
"""

from __future__ import annotations

from decimal import Decimal

from perfxl.contract.profiles import profile_from_cell
from perfxl.contract.texts import EXCEL_ERRORS, PROFILE_UNUSABLE
from perfxl.core.cells import is_blank
from perfxl.core.errors import PerfxlError
from perfxl.core.labels import SCORE
from perfxl.core.numbers import NotANumber, to_decimal
from perfxl.core.profile import Profile, ProfileError


class UnusableArgument(PerfxlError):
    """An argument that cannot be used; its text is what the cell shows."""


def check_plain(value: object, label: str) -> None:
    """A single number or text; not a range, an error value or anything else."""
    if isinstance(value, (list, tuple)):
        raise UnusableArgument(f"错误：{label}应为单个单元格")
    if isinstance(value, str) and value.strip().upper() in EXCEL_ERRORS:
        raise UnusableArgument(f"错误：{label}为 {value.strip()}")
    if not isinstance(value, (str, int, float, Decimal)) or isinstance(value, bool):
        raise UnusableArgument(f"错误：{label}的类型无法识别")


def number(value: object, label: str) -> Decimal:
    check_plain(value, label)
    try:
        return to_decimal(value.strip() if isinstance(value, str) else value)
    except NotANumber:
        raise UnusableArgument(f"错误：{label}应为数字") from None


def optional_number(value: object, label: str) -> Decimal | None:
    return None if is_blank(value) else number(value, label)


def looks_numeric(text: str) -> bool:
    try:
        to_decimal(text.strip())
    except NotANumber:
        return False
    return True


def score_cell(value: object) -> Decimal | None:
    """A 得分 cell: a number, or the text of a score formula that gave none (请人工评分, 错误…)."""
    if is_blank(value) or (isinstance(value, str) and not looks_numeric(value)):
        return None
    return number(value, SCORE)


def text(value: object, label: str) -> str:
    check_plain(value, label)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def profile(value: object) -> Profile:
    """The scoring profile a form passes (a name or JSON); the default one when omitted."""
    if is_blank(value):
        return profile_from_cell(None)
    check_plain(value, "评分配置")
    try:
        return profile_from_cell(str(value))
    except ProfileError:
        raise UnusableArgument(PROFILE_UNUSABLE) from None
