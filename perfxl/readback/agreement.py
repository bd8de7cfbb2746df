"""What a form shows against what perfxl computes from its inputs: one number everywhere.

A form's result cells (the funds totals, 执行率, 预算执行率得分, each 得分, 总分, 等级) show what their
formulas give — computed by the spreadsheet, or by perfxl's own engine (``Book.calculate``) — or, on a
hand-made form, what the officer typed. perfxl's core computes the same cells from the inputs as perfxl
reads them. Where the two differ, the form is wrong or perfxl reads a cell differently from the form's
own formulas: either way an error finding on the cell, saying what the form shows and what it should
show. The numbers perfxl reports and publishes are the form's (:attr:`Agreement.result`), never a
silent second opinion.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from perfxl.calc.values import number_from_text
from perfxl.contract.fields import FIELDS
from perfxl.contract.texts import NEEDS_OFFICER
from perfxl.contract.values import FormValues, form_values
from perfxl.core.budget import COLUMNS
from perfxl.core.cells import folded
from perfxl.core.findings import Finding, error
from perfxl.core.form import FormResult
from perfxl.core.grammar import parse_actual, parse_target
from perfxl.core.labels import ACTUAL, SCORE
from perfxl.core.numbers import NotANumber, plain, round_half_up, to_decimal
from perfxl.readback.reader import ReadForm
from perfxl.workbook.base import Book, Ref

# Grades as officers write them out in full.
GRADE_WORDS = {"优秀": "优", "良好": "良", "中等": "中", "较差": "差"}
RATE_KEYS = frozenset({"budget.rate"})
# The reader's findings on a row that already say why its score differs.
ROW_PROBLEM_CODES = frozenset({"target_changed", "weight_changed", "weight_unreadable", "score_is_text"})
ROWS_CHANGED_CODES = frozenset({"indicator_added", "indicator_removed"})


@dataclass(frozen=True)
class Agreement:
    result: FormResult  # the core's result, carrying the numbers the form shows
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class _Cell:
    """One result cell as the form shows it."""

    key: str  # the field key: "budget.rate", "row.score" …
    ref: Ref
    shown: object
    formula: bool
    number_format: str
    lenient: bool  # a hand-made form's cell, read as a person reads it ("59.58%" typed as text is a number)

    @property
    def label(self) -> str:
        return FIELDS[self.key].label


def agree(book: Book, read: ReadForm, result: FormResult, *, generated: bool) -> Agreement:
    """Compare every result cell of a form with the core's value; the form's numbers, and the findings."""
    expected = form_values(result, read.actual_cells)
    checker = _Checker(book, read, generated)
    findings = list(checker.findings(expected, result))
    return Agreement(_shown_result(result, checker), tuple(findings))


class _Checker:
    def __init__(self, book: Book, read: ReadForm, generated: bool) -> None:
        self.book = book
        self.read = read
        self.generated = generated
        self.cells: dict[str, _Cell] = {}
        self.row_cells: list[_Cell | None] = []

    def cell(self, key: str, ref: Ref | None) -> _Cell | None:
        if ref is None:
            return None
        single = Ref.cell(ref.sheet, ref.min_row, ref.min_col)
        values = self.book.values(single)
        try:
            formula = self.book.formulas(single)[0][0]
        except NotImplementedError:  # an engine that cannot tell: as generated
            formula = self.generated
        return _Cell(key, single, values[0][0], formula, self.book.number_formats(single)[0][0], not self.generated)

    def typed(self, cell: _Cell) -> bool:
        """A value the officer typed (or a hand-made form's own formula): compared as displayed."""
        return not self.generated or not cell.formula

    # -- the checks, upstream first --

    def findings(self, expected: FormValues, result: FormResult) -> Iterator[Finding]:
        read = self.read
        upstream = False
        if self.generated and any(f"funds.{source}.annual" in read.fields for source in ("fiscal", "carryover")):
            for column, _ in COLUMNS:
                found = self.check(f"funds.total.{column}", expected.funds_total[column], upstream=False)
                upstream |= found is not None
                yield from _present(found)
        found = self.check("budget.rate", expected.rate, upstream=upstream)
        upstream |= found is not None
        yield from _present(found)
        found = self.check("budget.score", expected.budget_score, upstream=upstream)
        upstream |= found is not None
        yield from _present(found)
        rows_differ = False
        for index, refs in enumerate(read.rows):
            found = self.check_row(index, refs, expected)
            rows_differ |= found is not None
            yield from _present(found)
        if self.generated:
            yield from _present(self.check("total.weight", expected.total_weight, upstream=False))
        found = self.check("total.score", expected.total, upstream=upstream or rows_differ)
        yield from _present(found)
        yield from _present(
            self.check("total.grade", expected.grade, upstream=upstream or rows_differ or found is not None)
        )

    def check(self, key: str, expected: object, *, upstream: bool) -> Finding | None:
        """A finding where the cell differs from ``expected``; a computed cell below a difference is
        not reported again (its difference follows), a typed one always is."""
        cell = self.cell(key, self.read.fields.get(key))
        if cell is None:
            return None
        self.cells[key] = cell
        typed = self.typed(cell)
        wanted = _normal(expected)
        if typed and (wanted is None or (isinstance(wanted, str) and key != "total.grade")):
            return None  # nothing to verify a typed value against: the core's findings say why
        if _same(cell, expected, typed):
            return None
        if upstream and not typed:
            return error("result_differs", key, "")  # counted as a difference, not reported
        return self._finding(cell, expected, typed)

    def check_row(self, index: int, refs: dict[str, Ref], expected: FormValues) -> Finding | None:
        score = self.cell("row.score", refs.get("row.score"))
        self.row_cells.append(score)
        if score is None:
            return None
        officer = self.read.form.indicators[index].score
        if officer is not None and not score.formula:
            return None  # the officer's score is an input, not a result
        wanted = expected.rows[index].score
        typed = self.typed(score)
        if typed and not isinstance(_normal(wanted), Decimal):
            return None  # no rule score to hold a blank typed cell against: the core's findings say why
        if _same(score, wanted, typed):
            return None
        field_prefix = f"indicators[{index}]"
        if any(p.field.startswith(field_prefix) and p.code in ROW_PROBLEM_CODES for p in self.read.problems):
            return error("result_differs", field_prefix, "")  # the row's own finding says why
        cause = self._row_cause(index, refs, score)
        if cause is not None:
            return cause
        return self._finding(score, wanted, typed, field=f"{field_prefix}.score")

    # -- messages --

    def _finding(self, cell: _Cell, expected: object, typed: bool, field: str | None = None) -> Finding:
        shown, wanted = _display(cell.key, cell.shown), _display(cell.key, expected)
        if not typed:
            message = f"{cell.label}显示「{shown}」，按表中填写的内容应为「{wanted}」"
            if cell.key in ("total.score", "total.grade") and any(
                p.code in ROWS_CHANGED_CODES for p in self.read.problems
            ):
                message += "（指标行已被增删，表中的公式没有随之调整）"
        elif _normal(cell.shown, lenient=cell.lenient) is None:
            what = "为空" if self.generated else "未填写"
            message = f"{cell.label}{what}，按表中数据计算应为「{wanted}」"
        else:
            verb = "被改为" if self.generated else "填写为"
            message = f"{cell.label}{verb}「{shown}」，按表中数据计算应为「{wanted}」"
            if self.generated:
                message += "（公式已被覆盖，请恢复公式或改正）"
        return error("result_differs", field or cell.key, message).located(str(cell.ref))

    def _row_cause(self, index: int, refs: dict[str, Ref], score: _Cell) -> Finding | None:
        """Why a native form scores a row differently: what it shows and what to type instead."""
        if not self.generated or self.read.mode != "native" or not score.formula:
            return None
        actual = self.read.actual_cells[index]
        ref = refs.get("row.actual")
        if not isinstance(actual, str) or not actual.strip() or ref is None:
            return None
        target = parse_target(self.read.form.indicators[index].target)
        shown = _display("row.score", score.shown)
        where = f"indicators[{index}].actual"
        if target.is_quantitative:
            parsed = parse_actual(actual, target)
            typed = "" if parsed.value is None else f"{plain(parsed.value)}{'%' if target.is_percent else ''}"
            advice = f"请删除后重新输入数字 {typed}" if typed else "请填写数字"
            return error(
                "actual_is_text",
                where,
                f"{ACTUAL}「{actual}」是文字，表中的公式只计算数字（{SCORE}显示「{shown}」，不计入总分）：{advice}",
            ).located(str(ref))
        if score.shown == NEEDS_OFFICER:
            return error(
                "actual_not_an_option",
                where,
                f"{ACTUAL}「{actual}」不是下拉列表中的选项，"
                f"表中{SCORE}显示「{NEEDS_OFFICER}」：请从下拉列表中选择，或在{SCORE}栏直接填写分数",
            ).located(str(ref))
        return None


def _present(finding: Finding | None) -> Iterator[Finding]:
    """The findings to report: a difference that follows from another one carries no message."""
    if finding is not None and finding.message:
        yield finding


# -- values -------------------------------------------------------------------------------------


def _normal(value: object, *, lenient: bool = False) -> Decimal | str | None:
    """A cell's value for comparison: None (blank), a number, or normalised text.

    ``lenient``: read as a person reads a hand-made form ("59.58%", "89.96分" typed as text are numbers);
    otherwise text is text, as a formula reading the cell takes it.
    """
    if value is None or isinstance(value, bool):
        return None if value is None else str(value)
    if isinstance(value, (int, float, Decimal)):
        try:
            return to_decimal(value)
        except NotANumber:
            return None
    text = folded(value)
    if not text:
        return None
    if lenient:
        number = number_from_text(text.removesuffix("分"))
        if number is not None:
            return number
    return GRADE_WORDS.get(text, text)


def _same(cell: _Cell, expected: object, typed: bool) -> bool:
    shown, wanted = _readings(cell), _normal(expected)
    if isinstance(wanted, Decimal) and all(isinstance(r, Decimal) for r in shown):
        decimals = displayed_decimals(cell.number_format) if typed else None
        return any(_equal(r, wanted, decimals) for r in shown)  # type: ignore[arg-type]
    return shown == [wanted]


def _equal(a: Decimal, b: Decimal, decimals: int | None) -> bool:
    """Equal as a cell showing ``decimals`` places displays them (exactly, for None)."""
    return a == b if decimals is None else round_half_up(a, decimals) == round_half_up(b, decimals)


def _readings(cell: _Cell) -> list[Decimal | str | None]:
    """What a cell may mean: its value; on a hand-made form a rate typed without % (59.58 in General) also
    as a percentage."""
    value = _normal(cell.shown, lenient=cell.lenient)
    if (
        cell.lenient
        and cell.key in RATE_KEYS
        and isinstance(value, Decimal)
        and "%" not in cell.number_format
        and not (isinstance(cell.shown, str) and "%" in cell.shown)
    ):
        return [value, value / 100]
    return [value]


def displayed_decimals(number_format: str) -> int | None:
    """How many decimals a number format shows (percent counted: 0.00% → 4); None for General."""
    section = number_format.split(";")[0]
    bare = "".join(part for i, part in enumerate(section.split('"')) if i % 2 == 0).replace("\\", "")
    if not any(ch in bare for ch in "0#?"):
        return None
    _, point, fraction = bare.partition(".")
    decimals = sum(1 for ch in fraction if ch in "0#?") if point else 0
    return decimals + 2 * bare.count("%")


def _display(key: str, value: object) -> str:
    normal = _normal(value) if not isinstance(value, str) else (str(value).strip() or None)
    if normal is None:
        return "空白"
    if isinstance(normal, Decimal):
        if key in RATE_KEYS:
            return f"{plain(normal * 100)}%"
        return plain(normal)
    return str(value).strip()


# -- the numbers the form shows -----------------------------------------------------------------


def _number(cell: _Cell | None, computed: Decimal | None = None) -> Decimal | None:
    """The number a cell shows: of its readings, the one equal to the computed value, else the likeliest."""
    if cell is None:
        return None
    readings = [r for r in _readings(cell) if isinstance(r, Decimal)]
    if not readings:
        return None
    decimals = displayed_decimals(cell.number_format)
    matching = [r for r in readings if computed is not None and _equal(r, computed, decimals)]
    if matching:
        return matching[0]
    return readings[-1] if len(readings) > 1 and abs(readings[0]) > 2 else readings[0]


def _shown_result(result: FormResult, checker: _Checker) -> FormResult:
    """The core's result with the form's own numbers, where the form has the cell."""
    cells = checker.cells

    def shown(key: str, computed: Decimal | None) -> Decimal | None:
        return _number(cells[key], computed) if key in cells else computed

    budget = dataclasses.replace(
        result.budget, rate=shown("budget.rate", result.budget.rate), score=shown("budget.score", result.budget.score)
    )
    indicators = tuple(
        row if cell is None else dataclasses.replace(row, score=_number(cell))
        for row, cell in zip(result.indicators, checker.row_cells, strict=False)
    )
    indicators += result.indicators[len(indicators) :]
    grade = result.grade
    if "total.grade" in cells:
        text = _normal(cells["total.grade"].shown)
        grade = text if isinstance(text, str) else None
    return dataclasses.replace(
        result, budget=budget, indicators=indicators, total=shown("total.score", result.total), grade=grade
    )
