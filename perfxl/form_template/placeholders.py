"""Placeholders in a template's text cells: plain field substitution, nothing that could run.

A template travels by e-mail, so its text is untrusted. A text cell such as ``（{{ year }} 年度）``
may name a few fields of the form (:data:`TEXT_FIELDS`); anything else between ``{{`` and ``}}``
(attribute chains, calls, operators, filters) and any ``{% … %}`` statement or ``{# … #}`` comment is
refused when the template is read. There is no expression language at all: rendering is a lookup
of each named field, so a template can neither run code nor loop nor build huge strings.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from perfxl.contract.fields import FIELDS
from perfxl.core.errors import PerfxlError

# The fields a text cell may show, with their Chinese labels for messages. row.* only in the band.
TEXT_FIELDS: dict[str, str] = {
    "year": "年度",
    "profile": "评分配置名称",
    **{
        key: FIELDS[key].label
        for key in ("project.name", "project.department", "project.unit", "goal.expected", "goal.actual")
    },
    "row.index": "指标序号",
    **{key: FIELDS[key].label for key in ("row.level1", "row.level2", "row.name", "row.target", "row.weight")},
}
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
OPEN, CLOSE = "{{", "}}"
STATEMENT_MARKS = ("{%", "{#")
SHOWN = 40  # characters of a refused placeholder quoted in the message


class PlaceholderError(PerfxlError, ValueError):
    """A text that is not plain text with known placeholders; the message is Chinese."""


@dataclass(frozen=True)
class TextPattern:
    """A text cell split into literal parts and field keys (a key is a ``Placeholder``)."""

    parts: tuple[str | Placeholder, ...]

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(part.key for part in self.parts if isinstance(part, Placeholder))

    def render(self, values: Mapping[str, object]) -> str:
        """The text with each placeholder replaced by its value (None shows as nothing)."""
        out = []
        for part in self.parts:
            if isinstance(part, Placeholder):
                value = values.get(part.key)
                out.append("" if value is None else str(value))
            else:
                out.append(part)
        return "".join(out)


@dataclass(frozen=True)
class Placeholder:
    key: str


def has_placeholders(text: str) -> bool:
    return OPEN in text or any(mark in text for mark in STATEMENT_MARKS)


def _quoted(text: str) -> str:
    return text if len(text) <= SHOWN else text[:SHOWN] + "…"


def parse_text(text: str) -> TextPattern:
    """Split ``text`` into literals and known placeholders; PlaceholderError (Chinese) otherwise.

    Linear in the length of the text: a hostile cell cannot make reading the template slow.
    """
    for mark in STATEMENT_MARKS:
        at = text.find(mark)
        if at >= 0:
            kind = "语句" if mark == "{%" else "注释"
            raise PlaceholderError(
                f"模板不支持 {mark} … {kind}（「{_quoted(text[at:])}」）：文字中只能使用 {{{{ 字段 }}}} 形式的占位符"
            )
    parts: list[str | Placeholder] = []
    position = 0
    while (start := text.find(OPEN, position)) >= 0:
        end = text.find(CLOSE, start + len(OPEN))
        if end < 0:
            raise PlaceholderError(f"占位符写法有误：「{_quoted(text[start:])}」缺少结尾的 }}}}")
        inner = text[start + len(OPEN) : end].strip()
        if not NAME.fullmatch(inner):
            raise PlaceholderError(
                f"占位符「{_quoted(text[start : end + len(CLOSE)])}」不是字段名：文字中只能使用 "
                f"{{{{ year }}}}、{{{{ project.name }}}} 等字段，不能写表达式"
            )
        if inner not in TEXT_FIELDS:
            known = "、".join(TEXT_FIELDS)
            raise PlaceholderError(f"文字中的占位符「{{{{ {_quoted(inner)} }}}}」不是可用的字段（可用：{known}）")
        if start > position:
            parts.append(text[position:start])
        parts.append(Placeholder(inner))
        position = end + len(CLOSE)
    if position < len(text):
        parts.append(text[position:])
    return TextPattern(tuple(parts))
