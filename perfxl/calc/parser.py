"""Excel formulas as the file stores them (``IF(F13="","",ROUND(G13*F13/3,2))``), parsed into a tree.

The grammar covers what spreadsheets write into forms: numbers, strings, TRUE/FALSE, error literals,
cell and range references (``$A$1``, ``A1:B2``, ``A:A``, ``1:3``, ``'Sheet'!A1``), defined names,
function calls, the prefix operators + and -, postfix %, and the infix operators ^ * / + - & = <> < >
<= >=, with Excel's precedence (negation binds tighter than ^: ``-2^2`` is 4). Array constants,
3-D references and references into other workbooks are reported as unsupported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from perfxl.core.errors import PerfxlError
from perfxl.sheetlib.addresses import MAX_COLUMN, MAX_ROW, column_letters, column_number, unquote_sheet


class FormulaSyntaxError(PerfxlError, ValueError):
    """A formula the parser cannot read (or a construct the engine does not support)."""


# -- the tree -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Number:
    value: Decimal


@dataclass(frozen=True)
class Text:
    value: str


@dataclass(frozen=True)
class Logical:
    value: bool


@dataclass(frozen=True)
class ErrorLiteral:
    code: str


@dataclass(frozen=True)
class Missing:
    """An omitted argument: ``IF(A1,,1)``."""


@dataclass(frozen=True)
class Reference:
    sheet: str | None  # None: the formula's own sheet
    min_row: int
    min_col: int
    max_row: int
    max_col: int

    @property
    def is_cell(self) -> bool:
        return self.min_row == self.max_row and self.min_col == self.max_col


@dataclass(frozen=True)
class Name:
    name: str


@dataclass(frozen=True)
class Call:
    name: str  # upper case, without the _xlfn. prefix
    args: tuple[Node, ...]


@dataclass(frozen=True)
class Unary:
    op: str  # "-", "+" or "%"
    operand: Node


@dataclass(frozen=True)
class Binary:
    op: str
    left: Node
    right: Node


Node = Number | Text | Logical | ErrorLiteral | Missing | Reference | Name | Call | Unary | Binary

# -- tokens -------------------------------------------------------------------------------------

_SHEET = r"(?:'(?P<quoted>(?:[^']|'')+)'|(?P<bare>[^\s!'\"(),;:+\-*/^&=<>%{}\[\]]+))!"
_CELL = r"\$?[A-Za-z]{1,3}\$?\d+"
_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<string>"(?:[^"]|"")*")
  | (?P<error>\#(?:NULL!|DIV/0!|VALUE!|REF!|NAME\?|NUM!|N/A|GETTING_DATA))
  | (?P<ref>(?:"""
    + _SHEET
    + r""")?
        (?:(?P<cells>"""
    + _CELL
    + r"(?::"
    + _CELL
    + r""")?)
          |(?P<cols>\$?[A-Za-z]{1,3}:\$?[A-Za-z]{1,3})
          |(?P<rows>\$?\d+:\$?\d+))(?![\w(.])
    )
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<function>(?:_xlfn\.|_xlws\.)?[A-Za-z_][\w.]*(?=\())
  | (?P<word>[\w\\][\w.]*)
  | (?P<op><>|<=|>=|[-+*/^&=<>%(),{};:!\[\]])
    """,
    re.VERBOSE,
)
_ADDRESS = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)")


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    node: Node | None = None


def _reference(match: re.Match[str]) -> Reference:
    quoted = match.group("quoted")
    sheet = unquote_sheet(f"'{quoted}'") if quoted is not None else match.group("bare")
    if sheet is not None and ("[" in sheet or ":" in sheet):  # no sheet name holds these
        raise FormulaSyntaxError(f"不支持的公式写法「{sheet}」（外部引用或三维引用）")
    if match.group("cells"):
        corners = [_ADDRESS.fullmatch(part) for part in match.group("cells").split(":")]
        rows = [int(c.group(2)) for c in corners if c]
        cols = [column_number(c.group(1)) for c in corners if c]
    elif match.group("cols"):
        cols = [column_number(part.strip("$")) for part in match.group("cols").split(":")]
        rows = [1, MAX_ROW]
    else:
        rows = [int(part.strip("$")) for part in match.group("rows").split(":")]
        cols = [1, MAX_COLUMN]
    if not all(1 <= r <= MAX_ROW for r in rows) or not all(1 <= c <= MAX_COLUMN for c in cols):
        raise FormulaSyntaxError("引用超出工作表范围")
    return Reference(sheet, min(rows), min(cols), max(rows), max(cols))


def _tokens(formula: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    while position < len(formula):
        match = _TOKEN.match(formula, position)
        if match is None:
            raise FormulaSyntaxError(f"无法识别的内容「{formula[position : position + 10]}」")
        position = match.end()
        kind = match.lastgroup
        text = match.group(0)
        if kind == "space":
            continue
        assert kind is not None  # the outer group closes last, so nested reference groups report "ref"
        if kind == "ref":
            tokens.append(_Token("operand", text, _reference(match)))
        elif kind == "string":
            tokens.append(_Token("operand", text, Text(text[1:-1].replace('""', '"'))))
        elif kind == "error":
            tokens.append(_Token("operand", text, ErrorLiteral(text.upper())))
        elif kind == "number":
            tokens.append(_Token("operand", text, Number(Decimal(text))))
        elif kind == "function":
            name = text.upper()
            for prefix in ("_XLFN.", "_XLWS."):
                name = name.removeprefix(prefix)
            tokens.append(_Token("function", name))
        elif kind == "word":
            upper = text.upper()
            if upper in ("TRUE", "FALSE"):
                tokens.append(_Token("operand", text, Logical(upper == "TRUE")))
            else:
                tokens.append(_Token("operand", text, Name(text)))
        else:
            if text in ("{", "}", "[", "]", ";", "!", ":"):
                raise FormulaSyntaxError(f"不支持的公式写法「{text}」（数组常量、三维引用或外部引用）")
            tokens.append(_Token("op", text))
    return tokens


# -- the parser (precedence climbing) ----------------------------------------------------------

_INFIX = {"=": 1, "<>": 1, "<": 1, ">": 1, "<=": 1, ">=": 1, "&": 2, "+": 3, "-": 3, "*": 4, "/": 4, "^": 5}


class _Parser:
    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.position = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.peek()
        if token is None:
            raise FormulaSyntaxError("公式不完整")
        self.position += 1
        return token

    def expression(self, min_power: int = 0) -> Node:
        left = self.prefix()
        while (token := self.peek()) is not None and token.kind == "op":
            if token.text == "%":
                self.take()
                left = Unary("%", left)
                continue
            power = _INFIX.get(token.text)
            if power is None or power <= min_power:
                break
            self.take()
            # ^ is left-associative in Excel (2^3^2 = 64), like every other infix operator.
            left = Binary(token.text, left, self.expression(power))
        return left

    def prefix(self) -> Node:
        token = self.take()
        if token.kind == "operand":
            assert token.node is not None
            return token.node
        if token.kind == "function":
            return self.call(token.text)
        if token.text in ("-", "+"):
            # Negation binds tighter than % and ^ (-2^2 is 4): its operand is one primary.
            return Unary(token.text, self.prefix())
        if token.text == "(":
            inner = self.expression()
            self.expect(")")
            return inner
        raise FormulaSyntaxError(f"此处不应有「{token.text}」")

    def call(self, name: str) -> Node:
        self.expect("(")
        args: list[Node] = []
        if self.peek_text() == ")":
            self.take()
            return Call(name, ())
        while True:
            if self.peek_text() in (",", ")"):
                args.append(Missing())
            else:
                args.append(self.expression())
            closing = self.take()
            if closing.text == ")":
                return Call(name, tuple(args))
            if closing.text != ",":
                raise FormulaSyntaxError(f"函数 {name} 的参数之间应为逗号")

    def peek_text(self) -> str | None:
        token = self.peek()
        return token.text if token is not None and token.kind == "op" else None

    def expect(self, text: str) -> None:
        token = self.take()
        if token.kind != "op" or token.text != text:
            raise FormulaSyntaxError(f"缺少「{text}」")


@lru_cache(maxsize=4096)
def parse(formula: str) -> Node:
    """The tree of a formula (with or without its leading =); raises FormulaSyntaxError."""
    text = formula[1:] if formula.startswith("=") else formula
    parser = _Parser(_tokens(text))
    node = parser.expression()
    if parser.peek() is not None:
        raise FormulaSyntaxError(f"多余的内容「{parser.peek().text}」")  # type: ignore[union-attr]
    return node


# -- shared formulas ----------------------------------------------------------------------------

_CORNERS = {  # one corner of each kind of reference: $ before a column and before a row
    "cells": re.compile(r"(?P<col_abs>\$?)(?P<col>[A-Za-z]{1,3})(?P<row_abs>\$?)(?P<row>\d+)"),
    "cols": re.compile(r"(?P<col_abs>\$?)(?P<col>[A-Za-z]{1,3})"),
    "rows": re.compile(r"(?P<row_abs>\$?)(?P<row>\d+)"),
}


def shift(formula: str, rows: int, cols: int) -> str:
    """A shared formula as it reads in a cell ``rows`` below and ``cols`` right of its master cell.

    Relative references move (cells, whole columns A:A and whole rows 1:3); absolute ones ($A$1), texts
    in quotes, sheet names, defined names and function names do not. A reference that would leave the
    sheet becomes #REF!, as in Excel. The formula is read with the parser's own tokens.
    """
    pieces: list[str] = []
    position = 0
    while position < len(formula):
        match = _TOKEN.match(formula, position)
        if match is None:  # not a formula the parser reads: left as it is, for the parser to report
            pieces.append(formula[position:])
            break
        text = match.group(0)
        if match.lastgroup == "ref":
            text = _shifted_reference(match, rows, cols)
        pieces.append(text)
        position = match.end()
    return "".join(pieces)


def _shifted_reference(match: re.Match[str], rows: int, cols: int) -> str:
    group = next(name for name in ("cells", "cols", "rows") if match.group(name))
    prefix = match.group(0)[: match.start(group) - match.start()]
    corners = []
    for corner in match.group(group).split(":"):
        parts = _CORNERS[group].fullmatch(corner).groupdict()  # type: ignore[union-attr]
        col_abs, col, row_abs, row = (parts.get(key) or "" for key in ("col_abs", "col", "row_abs", "row"))
        if col:
            column = column_number(col) + (0 if col_abs else cols)
            if not 1 <= column <= MAX_COLUMN:
                return "#REF!"
            col = column_letters(column)
        if row:
            number = int(row) + (0 if row_abs else rows)
            if not 1 <= number <= MAX_ROW:
                return "#REF!"
            row = str(number)
        corners.append(f"{col_abs}{col}{row_abs}{row}")
    return prefix + ":".join(corners)
