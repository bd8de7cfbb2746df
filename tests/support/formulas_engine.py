"""The `formulas` package as a second, pure-Python spreadsheet engine for the native forms.

`check_workbook` loads a generated file in `formulas`, computes every formula cell from scratch and
compares it with the value perfxl cached in the file (the core's result). Each formula cell ends in
one of four kinds:

- agrees: the engine computes the cached value;
- rounding: the engine differs only because its ROUND mishandles a decimal half (x.xx5) held as a
  binary float. This is proven per cell, not assumed: every ROUND call where the engine's result
  differs from Excel's documented ROUND has an operand exactly on a half in decimal (Excel's 15
  significant digits), the call happened in the cell or in one of the cells it depends on, and
  computing the whole workbook again with Excel's ROUND yields the cached value;
- unsupported: the formula, or a formula it depends on, calls a function the engine does not have;
- disagrees: anything else — a real difference between the engine and the core.

The file is loaded as generated: `formulas` copes with the defined names, the very hidden metadata
sheet, sheet protection, conditional formats and data validations of the forms as they are.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from pathlib import Path

import formulas
import formulas.functions.math as engine_math
import openpyxl
import schedula
from formulas.cell import InvRangesAssembler
from formulas.functions import XlError, get_functions, wrap_ufunc

from perfxl.core.numbers import round_half_up, to_decimal
from tests.support.office import plain

AGREES, ROUNDING, UNSUPPORTED, DISAGREES = "agrees", "rounding", "unsupported", "disagrees"

# A function call in a formula: a name directly followed by "(" (string literals are removed first).
_CALL = re.compile(r"(?<![\w.$!'])([A-Za-z_][A-Za-z0-9_.]*)\s*\(")
_STRING = re.compile(r'"(?:[^"]|"")*"')
# A single-cell node of the engine: '[book.xlsx]SHEET'!A1 (the engine upper-cases sheet names).
_CELL_NODE = re.compile(r"^'\[[^\]]+\](?P<sheet>(?:[^']|'')+)'!(?P<cell>[A-Z]+[0-9]+)$")


def excel_round(value: float, digits: int) -> Decimal:
    """Excel's documented ROUND: the number as Excel holds it (15 significant digits), halves away from zero.

    This is the core's own rounding (perfxl.core.numbers); tests/test_formulas_engine.py checks it
    against the examples of Microsoft's ROUND documentation.
    """
    return round_half_up(to_decimal(value), digits)


def on_decimal_half(value: float, digits: int) -> bool:
    """True if the value, in decimal, lies exactly halfway between two results of ROUND(value, digits)."""
    scaled = abs(to_decimal(value).scaleb(digits))
    return scaled - scaled.to_integral_value(rounding=ROUND_DOWN) == Decimal("0.5")


def functions_called(formula: str) -> set[str]:
    """The upper-case names of the functions a formula calls."""
    return {name.upper() for name in _CALL.findall(_STRING.sub('""', formula))}


def unsupported_functions(formula: str) -> set[str]:
    """The functions of a formula that the engine does not implement."""
    known = get_functions()  # a defaultdict: `in` does not add the name
    return {name for name in functions_called(formula) if name not in known}


@dataclass(frozen=True)
class RoundCall:
    """One ROUND the engine computed differently from Excel's documented ROUND."""

    cell: str  # SHEET!A1 of the formula cell that made the call
    operand: float
    digits: int
    engine: float
    excel: Decimal

    @property
    def proven_half(self) -> bool:
        """The operand is on a decimal half and the engine went to the other neighbour than Excel."""
        step = Decimal(1).scaleb(-self.digits)
        return on_decimal_half(self.operand, self.digits) and abs(to_decimal(self.engine) - self.excel) == step

    def __str__(self) -> str:
        return (
            f"{self.cell}: ROUND({self.operand!r}, {self.digits}) = {self.engine!r} in the engine, "
            f"{self.excel} in Excel (decimal operand {to_decimal(self.operand)})"
        )


class _InstrumentedRound:
    """The engine's own ROUND, which also notes every call where Excel's documented ROUND differs.

    With `excel` set it returns Excel's result instead: the second calculation that proves a
    difference is rounding only.
    """

    def __init__(self) -> None:
        self.excel = False
        self.cell = ""
        self.calls: list[RoundCall] = []

    def __call__(self, value: float, digits: float) -> float:
        engine = engine_math.xround(value, digits)  # the formula engine's ROUND, unchanged
        excel = excel_round(value, int(digits))
        if to_decimal(engine) != excel:
            self.calls.append(RoundCall(self.cell, value, int(digits), engine, excel))
        return float(excel) if self.excel else engine


@contextmanager
def _round_replaced_by(function: Callable) -> Iterator[None]:
    # Functions are bound when the engine compiles the formulas, so the swap lasts only for loading.
    table = get_functions()
    stock = table["ROUND"]
    table["ROUND"] = wrap_ufunc(function)
    try:
        yield
    finally:
        table["ROUND"] = stock


@dataclass
class Cell:
    sheet: str
    cell: str
    formula: str
    cached: object
    engine: object
    kind: str
    detail: str = ""

    def __str__(self) -> str:
        text = f"{self.sheet}!{self.cell} {self.formula[:90]}: cached {self.cached!r}, engine {self.engine!r}"
        return f"{text} ({self.detail})" if self.detail else text


@dataclass
class WorkbookCheck:
    path: Path
    cells: list[Cell]
    round_calls: list[RoundCall]
    problems: list[str] = field(default_factory=list)  # engine results that no kind explains

    def of_kind(self, kind: str) -> list[Cell]:
        return [c for c in self.cells if c.kind == kind]

    @property
    def unsupported(self) -> Counter[str]:
        """Function name → formula cells that call it."""
        return Counter(name for c in self.cells for name in unsupported_functions(c.formula))


@dataclass
class Figures:
    """Counts over many workbooks, for the README."""

    workbooks: int = 0
    forms: int = 0
    compared: int = 0
    agreeing: int = 0
    rounding: int = 0
    unsupported: int = 0
    disagreeing: int = 0
    unsupported_functions: Counter[str] = field(default_factory=Counter)

    def add(self, check: WorkbookCheck, forms: int) -> None:
        self.workbooks += 1
        self.forms += forms
        self.compared += len(check.cells)
        self.agreeing += len(check.of_kind(AGREES))
        self.rounding += len(check.of_kind(ROUNDING))
        self.unsupported += len(check.of_kind(UNSUPPORTED))
        self.disagreeing += len(check.of_kind(DISAGREES))
        self.unsupported_functions.update(check.unsupported)

    def __str__(self) -> str:
        names = ", ".join(f"{name} ({count})" for name, count in sorted(self.unsupported_functions.items()))
        return (
            f"{self.forms} forms in {self.workbooks} workbooks: {self.compared} formula cells compared, "
            f"{self.agreeing} agree, {self.rounding} differ only by the engine's ROUND, "
            f"{self.unsupported} unsupported{f' ({names})' if names else ''}, {self.disagreeing} disagree"
        )


def _value(ranges: object) -> object:
    """A solution entry of the engine as a plain Python value (None for an empty cell)."""
    value = getattr(ranges, "value", ranges)
    while hasattr(value, "shape") and value.shape:
        value = value[0] if len(value.shape) == 1 else value[0, 0]
    if value is schedula.EMPTY:
        return None
    if isinstance(value, XlError):
        return str(value)
    return value.item() if hasattr(value, "item") else value


def _same(engine: object, cached: object) -> bool:
    engine, cached = plain(engine), plain(cached)
    if isinstance(engine, bool) or isinstance(cached, bool):  # TRUE is not 1 in a comparison of results
        return type(engine) is type(cached) and engine == cached
    return engine == cached


def _cell_of(node: str) -> str | None:
    match = _CELL_NODE.match(node)
    return f"{match['sheet'].replace(chr(39) * 2, chr(39))}!{match['cell']}" if match else None


def _solution(solution: dict) -> dict[str, object]:
    values = {}
    for node, ranges in solution.items():
        cell = _cell_of(node)
        if cell is not None:
            values[cell] = _value(ranges)
    return values


def _splits_a_range(model: formulas.ExcelModel, node: str) -> bool:
    # The engine also links a defined name's range back to its cells (INV(range) → cells): an edge
    # against the flow of values, which would make every cell of a column depend on its neighbours.
    return isinstance(model.dsp.nodes[node].get("function"), InvRangesAssembler)


def _precedents(model: formulas.ExcelModel, node: str) -> set[str]:
    """Every SHEET!A1 the node's value depends on, through any number of formulas and ranges."""
    graph = model.dsp.dmap
    seen: set[str] = set()
    stack = [node]
    cells = set()
    while stack:
        for previous in graph.pred[stack.pop()]:
            if previous in seen or _splits_a_range(model, previous):
                continue
            seen.add(previous)
            cell = _cell_of(previous)
            if cell is not None:
                cells.add(cell)
            stack.append(previous)
    return cells


def _track_cells(model: formulas.ExcelModel, rounding: _InstrumentedRound) -> dict[str, str]:
    """Make each formula note its cell while it runs, so a ROUND call is known by cell; SHEET!A1 → node."""
    nodes = {}
    for node in model.dsp.nodes.values():
        outputs = node.get("outputs") or []
        if (
            node.get("type") != "function"
            or len(outputs) != 1
            or _cell_of(outputs[0]) is None
            or isinstance(node["function"], InvRangesAssembler)
        ):
            continue
        cell = _cell_of(outputs[0])
        nodes[cell] = outputs[0]

        def tracked(*args, _function=node["function"], _cell=cell, **kwargs):
            rounding.cell = _cell
            try:
                return _function(*args, **kwargs)
            finally:
                rounding.cell = ""

        node["function"] = tracked
    return nodes


def _file_formulas(path: Path) -> list[tuple[str, str, str, object]]:
    """(sheet, cell, formula, cached value) of every formula cell in the file, read by openpyxl."""
    formulas_book = openpyxl.load_workbook(path, read_only=True)
    values_book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    found = []
    for sheet in formulas_book.worksheets:
        cached = {
            (c.row, c.column): c.value
            for row in values_book[sheet.title].iter_rows()
            for c in row
            if hasattr(c, "column")
        }
        for row in sheet.iter_rows():
            for cell in row:
                if getattr(cell, "data_type", None) == "f":
                    found.append((sheet.title, cell.coordinate, str(cell.value), cached.get((cell.row, cell.column))))
    formulas_book.close()
    values_book.close()
    return found


def check_workbook(path: Path) -> WorkbookCheck:
    """Compute every formula cell of a generated workbook in `formulas` and classify it against the cache."""
    rounding = _InstrumentedRound()
    with _round_replaced_by(rounding):
        model = formulas.ExcelModel().loads(str(path)).finish()
    nodes = _track_cells(model, rounding)
    engine = _solution(model.calculate())
    round_calls = list(rounding.calls)
    file_formulas = _file_formulas(path)

    problems = []
    excel: dict[str, object] = {}
    if round_calls:
        rounding.excel, rounding.calls = True, []
        excel = _solution(model.calculate())
        round_calls += rounding.calls
    problems += [f"ROUND differs from Excel off a decimal half: {call}" for call in round_calls if not call.proven_half]

    uncheckable = {
        f"{sheet.upper()}!{cell}": unsupported_functions(formula)
        for sheet, cell, formula, _ in file_formulas
        if unsupported_functions(formula)
    }
    cells = []
    for sheet, cell, formula, cached in file_formulas:
        key = f"{sheet.upper()}!{cell}"
        if key not in engine:
            problems.append(f"{sheet}!{cell}: the engine computed no value for {formula}")
            continue
        value = engine[key]
        precedents = _precedents(model, nodes[key]) if key in nodes else set()
        missing = set().union(*(uncheckable[c] for c in precedents | {key} if c in uncheckable))
        if missing:
            kind, detail = UNSUPPORTED, "no " + ", ".join(sorted(missing)) + " in the engine"
        elif _same(value, cached):
            kind, detail = AGREES, ""
        elif (
            _same(excel.get(key), cached)
            and (calls := [c for c in round_calls if c.cell in precedents | {key}])
            and all(call.proven_half for call in calls)
        ):
            kind, detail = ROUNDING, "; ".join(dict.fromkeys(str(call) for call in calls))
        else:
            kind, detail = DISAGREES, ""
        cells.append(Cell(sheet, cell, formula, cached, value, kind, detail))
    return WorkbookCheck(path, cells, round_calls, problems)
