"""Evaluate the formulas of a workbook as a spreadsheet would, over any source of cells.

Formula cells are computed in dependency order (precedents first, found from the parsed references),
so that long chains never recurse deeply and circular references are found. A formula the engine
cannot compute (an unsupported function or construct, a circular reference) keeps the value the file
already holds for it, and is listed in :attr:`Engine.uncomputed` with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, DivisionByZero, InvalidOperation, Overflow
from functools import lru_cache
from typing import Any, Protocol

from perfxl.calc.parser import (
    Binary,
    Call,
    ErrorLiteral,
    FormulaSyntaxError,
    Logical,
    Missing,
    Name,
    Node,
    Number,
    Reference,
    Text,
    Unary,
    parse,
)
from perfxl.calc.values import (
    BLANK,
    DIV0,
    NAME,
    NUM,
    REF,
    VALUE,
    ExcelError,
    Value,
    checked,
    compare,
    to_number,
    to_text,
)
from perfxl.core.errors import PerfxlError

Key = tuple[str, int, int]  # (sheet, row, column)


class Unsupported(PerfxlError):
    """A formula the engine does not compute; its text says why, in Chinese."""


class CellSource(Protocol):
    """What the engine needs of a workbook."""

    def sheet(self, name: str) -> str | None:
        """The sheet's name as the workbook spells it (names are case-insensitive), or None."""
        ...

    def constant(self, sheet: str, row: int, col: int) -> Value:
        """A cell's stored value (for a formula cell: its cached result); BLANK when empty."""
        ...

    def formulas(self, sheet: str) -> Mapping[tuple[int, int], str]:
        """The formula text of every formula cell of a sheet (shared formulas expanded)."""
        ...

    def occupied(self, sheet: str, area: Reference) -> Iterable[tuple[int, int]]:
        """The cells of ``area`` that exist in the file (the others are blank)."""
        ...

    def defined_name(self, name: str, sheet: str) -> Reference | None:
        """A defined name that refers to cells, sheet scope first; its Reference names its sheet.

        None when there is no such name (#NAME?); raises :class:`Unsupported` for a name that exists but
        is not a range (a constant or a formula), which the engine cannot compute.
        """
        ...


@dataclass(frozen=True)
class Area:
    """A reference as a function argument: the cells, not yet their values."""

    sheet: str
    ref: Reference

    @property
    def is_cell(self) -> bool:
        return self.ref.is_cell


Function = Callable[["Context", tuple[Node, ...]], object]


@dataclass
class Context:
    """One formula being evaluated: its cell, and the engine that reads other cells."""

    engine: Engine
    sheet: str
    row: int
    col: int

    def arg(self, node: Node) -> object:
        """An argument as a function receives it: an :class:`Area` for references, else a value."""
        if isinstance(node, Reference):
            return self.area(node)
        if isinstance(node, Name):
            ref = self.engine.source.defined_name(node.name, self.sheet)
            if ref is None:
                raise NAME
            return self.area(ref)
        if isinstance(node, Call):
            return self.call(node)  # IF and the like may give a reference: SUM(IF(A1,B1:B3)) sums B1:B3
        return self.value(node)

    def area(self, ref: Reference) -> Area:
        sheet = self.sheet if ref.sheet is None else self.engine.source.sheet(ref.sheet)
        if sheet is None:
            raise REF
        return Area(sheet, ref)

    def scalar(self, node: Node) -> Value:
        """An argument or operand as one value (a range gives the cell in the formula's row or column)."""
        value = self.arg(node)
        return self.single(value) if isinstance(value, Area) else value  # type: ignore[return-value]

    def single(self, area: Area) -> Value:
        ref = area.ref
        if ref.is_cell:
            return self.engine.value(area.sheet, ref.min_row, ref.min_col)
        # Implicit intersection, as Excel 2010 evaluates a range where one value is expected: the cell in
        # the formula's row (or column), on whichever sheet the range is.
        if ref.min_col == ref.max_col and ref.min_row <= self.row <= ref.max_row:
            return self.engine.value(area.sheet, self.row, ref.min_col)
        if ref.min_row == ref.max_row and ref.min_col <= self.col <= ref.max_col:
            return self.engine.value(area.sheet, ref.min_row, self.col)
        raise VALUE

    def values(self, area: Area) -> Iterator[Value]:
        """The non-blank values of a range, row by row."""
        for row, col in sorted(self.engine.source.occupied(area.sheet, area.ref)):
            value = self.engine.value(area.sheet, row, col)
            if value is not BLANK:
                yield value

    def value(self, node: Node) -> Value:
        return _EVALUATE[type(node)](self, node)

    def _reference(self, node: Reference | Name) -> Value:
        return self.scalar(node)

    def _call_value(self, node: Call) -> Value:
        result = self.call(node)
        return self.single(result) if isinstance(result, Area) else result  # type: ignore[return-value]

    @staticmethod
    def _error(node: ErrorLiteral) -> Value:
        raise ExcelError(node.code)

    def call(self, node: Call) -> object:
        function = self.engine.functions.get(node.name)
        if function is None:
            raise Unsupported(f"不支持的函数 {node.name}")
        return function(self, node.args)

    def _unary(self, node: Unary) -> Value:
        operand = self.value(node.operand)
        if node.op == "+":
            return operand
        number = to_number(operand)
        return checked(-number if node.op == "-" else number / 100)

    def _operand(self, node: Node) -> Value:
        try:
            return self.value(node)
        except ExcelError as error:
            return error

    def _binary(self, node: Binary) -> Value:
        # A chain of left-associative operators (=A1+A2+…+A900) is walked in a loop, not recursively.
        spine: list[Binary] = []
        current: Node = node
        while isinstance(current, Binary):
            spine.append(current)
            current = current.left
        result = self._operand(current)
        for link in reversed(spine):
            right = self._operand(link.right)
            try:
                result = _operate(link.op, result, right)
            except ExcelError as error:
                result = error
        if isinstance(result, ExcelError):
            raise result
        return result


# How each kind of node gives its value (a table, not a chain of isinstance tests: the hot path).
_EVALUATE: dict[type, Callable[[Context, Any], Value]] = {
    Reference: Context._reference,
    Name: Context._reference,
    Call: Context._call_value,
    Binary: Context._binary,
    Unary: Context._unary,
    Number: lambda ctx, node: node.value,
    Text: lambda ctx, node: node.value,
    Logical: lambda ctx, node: node.value,
    ErrorLiteral: lambda ctx, node: Context._error(node),
    Missing: lambda ctx, node: BLANK,
}


def _operate(op: str, left: Value, right: Value) -> Value:
    """One infix operator on two evaluated operands."""
    # An error in either operand is the result, the left one first, before any conversion fails
    # ("a"+NA() is #N/A, as with cells holding "a" and #N/A).
    for operand in (left, right):
        if isinstance(operand, ExcelError):
            raise operand
    if op == "&":
        return to_text(left) + to_text(right)
    if op in _COMPARISONS:
        return _COMPARISONS[op](compare(left, right))
    a, b = to_number(left), to_number(right)
    try:
        if op == "+":
            return checked(a + b)
        if op == "-":
            return checked(a - b)
        if op == "*":
            return checked(a * b)
        if op == "/":
            if b == 0:
                raise DIV0
            return checked(a / b)
        if op == "^":
            if a == 0 and b <= 0:
                raise NUM if b == 0 else DIV0
            if a < 0 and b != b.to_integral_value():
                raise NUM
            return checked(a**b)
    except (InvalidOperation, Overflow, DivisionByZero):
        raise NUM from None
    raise Unsupported(f"不支持的运算符 {op}")  # pragma: no cover - the parser makes only these


_COMPARISONS: dict[str, Callable[[int], bool]] = {
    "=": lambda c: c == 0,
    "<>": lambda c: c != 0,
    "<": lambda c: c < 0,
    ">": lambda c: c > 0,
    "<=": lambda c: c <= 0,
    ">=": lambda c: c >= 0,
}


@dataclass
class Engine:
    """Computes the formula cells of one workbook; values are memoised for the engine's life."""

    source: CellSource
    functions: Mapping[str, Function]
    uncomputed: dict[Key, str] = field(default_factory=dict)  # formula cell → why it kept its cached value
    _values: dict[Key, Value] = field(default_factory=dict)
    _trees: dict[Key, _Formula] = field(default_factory=dict)

    def value(self, sheet: str, row: int, col: int) -> Value:
        """What a cell shows: its formula's result, or its constant."""
        key = (sheet, row, col)
        if key in self._values:
            return self._values[key]
        if (row, col) not in self.source.formulas(sheet):
            constant = self._values[key] = self.source.constant(sheet, row, col)
            return constant
        self.calculate([key])
        return self._values[key]

    def forget(self, sheet: str) -> None:
        """Drop a sheet's constants and parsed formulas, keeping its formulas' results (other sheets may read
        them): a workbook of many sheets is computed in memory that does not grow with them."""
        formulas = self.source.formulas(sheet)
        for key in [k for k in self._values if k[0] == sheet and (k[1], k[2]) not in formulas]:
            del self._values[key]
        for key in [k for k in self._trees if k[0] == sheet]:
            del self._trees[key]

    def calculate(self, keys: Iterable[Key]) -> None:
        """Compute these formula cells and everything they depend on, precedents first."""
        for key in self._order(keys):
            self._values[key] = self._compute(key)

    def calculate_sheet(self, sheet: str) -> dict[tuple[int, int], Value]:
        """Every formula cell of a sheet, computed: (row, column) → value."""
        cells = self.source.formulas(sheet)
        self.calculate((sheet, row, col) for row, col in cells)
        return {cell: self._values[(sheet, *cell)] for cell in cells}

    # -- order --

    def _order(self, keys: Iterable[Key]) -> list[Key]:
        """Formula cells in an order where each comes after the formula cells it reads (iterative DFS)."""
        order: list[Key] = []
        state: dict[Key, int] = {}  # 1: on the stack, 2: placed
        for start in keys:
            if start in self._values or state.get(start) == 2:
                continue
            stack: list[tuple[Key, Iterator[Key]]] = [(start, iter(self._precedents(start)))]
            state[start] = 1
            while stack:
                key, pending = stack[-1]
                for precedent in pending:
                    if precedent in self._values or state.get(precedent) == 2:
                        continue
                    if state.get(precedent) == 1:  # a cycle: every cell on it keeps its cached value
                        for cell, _ in stack[[k for k, _ in stack].index(precedent) :]:
                            self.uncomputed.setdefault(cell, "循环引用")
                        continue
                    state[precedent] = 1
                    stack.append((precedent, iter(self._precedents(precedent))))
                    break
                else:
                    stack.pop()
                    state[key] = 2
                    order.append(key)
        return order

    def _formula(self, key: Key) -> _Formula:
        formula = self._trees.get(key)
        if formula is None:
            sheet, row, col = key
            formula = self._trees[key] = _analysed(self.source.formulas(sheet).get((row, col), ""))
        return formula

    def _tree(self, key: Key) -> Node | str:
        return self._formula(key).tree

    def _precedents(self, key: Key) -> Iterator[Key]:
        formula = self._formula(key)
        sheet = key[0]
        for ref in (*formula.references, *self._named(formula.names, sheet)):
            target = sheet if ref.sheet is None else self.source.sheet(ref.sheet)
            if target is None or (ref.is_cell and (target, ref.min_row, ref.min_col) in self._values):
                continue  # known already: its sheet need not be read again (a 目录 over a thousand forms)
            formulas = self.source.formulas(target)
            if ref.is_cell:
                if (ref.min_row, ref.min_col) in formulas:
                    yield (target, ref.min_row, ref.min_col)
                continue
            for row, col in formulas:
                if ref.min_row <= row <= ref.max_row and ref.min_col <= col <= ref.max_col:
                    yield (target, row, col)

    def _named(self, names: tuple[str, ...], sheet: str) -> Iterator[Reference]:
        for name in names:
            try:
                ref = self.source.defined_name(name, sheet)
            except Unsupported:
                continue  # the formula's evaluation reports it
            if ref is not None:
                yield ref

    # -- one cell --

    def _compute(self, key: Key) -> Value:
        sheet, row, col = key
        if key in self.uncomputed:
            return self.source.constant(sheet, row, col)
        tree = self._tree(key)
        if isinstance(tree, str):
            self.uncomputed[key] = tree
            return self.source.constant(sheet, row, col)
        context = Context(self, sheet, row, col)
        try:
            result = context.arg(tree) if not isinstance(tree, Call) else context.call(tree)
            if isinstance(result, Area):
                result = context.single(result)
        except ExcelError as error:
            return error
        except Unsupported as exc:
            self.uncomputed[key] = str(exc)
            return self.source.constant(sheet, row, col)
        except RecursionError:
            self.uncomputed[key] = "公式嵌套过深"
            return self.source.constant(sheet, row, col)
        # A formula whose result is an empty cell shows 0, as =A1 does when A1 is empty; Excel has no -0.
        if result is BLANK or (isinstance(result, Decimal) and result.is_zero()):
            return Decimal(0)
        return result


@dataclass(frozen=True)
class _Formula:
    """A formula's tree (or why it has none) and what it may read, worked out once per formula text."""

    tree: Node | str
    references: tuple[Reference, ...] = ()
    names: tuple[str, ...] = ()


@lru_cache(maxsize=8192)
def _analysed(text: str) -> _Formula:
    try:
        tree = parse(text)
    except FormulaSyntaxError as exc:
        return _Formula(f"公式无法识别（{exc}）")
    except RecursionError:
        return _Formula("公式嵌套过深")
    references: list[Reference] = []
    names: list[str] = []
    stack = [tree]
    while stack:  # iteratively: a deep formula must not exhaust the stack here
        current = stack.pop()
        if isinstance(current, Reference):
            references.append(current)
        elif isinstance(current, Name):
            names.append(current.name)
        elif isinstance(current, Call):
            stack.extend(current.args)
        elif isinstance(current, Binary):
            stack.extend((current.left, current.right))
        elif isinstance(current, Unary):
            stack.append(current.operand)
    return _Formula(tree, tuple(references), tuple(names))
