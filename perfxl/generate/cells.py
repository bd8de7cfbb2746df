"""What each field cell of a form holds: the value or formula, its cached value, and how it is locked.

The cached value of a formula cell is what the cell computes, obtained from the Python core: in udf
mode by calling the very UDF the cell calls, in native mode through the same UDF (the native
formulas are built to agree with it) or, for the check column, from the core's findings.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from perfxl.core.form import FormResult
from perfxl.core.indicator import IndicatorResult
from perfxl.core.numbers import to_float
from perfxl.generate.formulas import NATIVE_CHECKS, Formulas, RowCells
from perfxl.generate.inputs import ActualDesign
from perfxl.udfs import PERF_BUDGET_SCORE, PERF_CHECK, PERF_RATE, PERF_SCORE

SEPARATOR = "；"


@dataclass(frozen=True)
class CellContent:
    value: object = None  # a constant, or the formula text when ``formula`` is True
    formula: bool = False
    cached: object = None  # the formula's value as the Python core computes it
    unlocked: bool = False
    num_format: str | None = None
    validation: dict[str, object] | None = None


def _amount(value: Decimal | None) -> float | None:
    return to_float(value)


def cell_value(value: object) -> object:
    """A computed value as a spreadsheet holds it: a float, a text, or "" for a blank result."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return float(value)
    return value


class FormCells:
    """The contents of every field of one form, given where its cells are (``address``)."""

    def __init__(self, result: FormResult, formulas: Formulas, profile_arg: str | None) -> None:
        self.result = result
        self.formulas = formulas
        self.profile_arg = profile_arg  # passed to the UDFs computing cached values

    def funds_source(self, source: str, column: str) -> CellContent:
        return self._amount_input(getattr(self.result.form.funds, source).get(column), column)

    def _amount_input(self, value: Decimal | None, column: str) -> CellContent:
        # Budgets the list gives are the plan: locked. Execution figures are the officer's.
        unlocked = column == "executed" or value is None
        validation = {
            "validate": "decimal", "criteria": ">=", "value": 0,
            "input_title": "金额（元）", "input_message": "请填写金额（元），没有填 0。",
            "error_title": "金额有误", "error_message": "金额应为不小于 0 的数字（元）。",
        } if unlocked else None
        return CellContent(_amount(value), unlocked=unlocked, validation=validation)

    def funds_total(self, column: str, source_cells: list[str]) -> CellContent:
        value = self.result.form.funds.total.get(column)
        if not source_cells:  # a template without source rows: the total is typed in
            return self._amount_input(value, column)
        return CellContent(self.formulas.funds_total(source_cells), True, cell_value(value))

    def rate(self, annual: str, executed: str) -> CellContent:
        total = self.result.form.funds.total
        cached = PERF_RATE(_amount(total.annual), _amount(total.executed), self.profile_arg)
        return CellContent(self.formulas.rate(annual, executed), True, cached)

    def budget_score(self, annual: str, executed: str, rate: str, weight: str) -> CellContent:
        total = self.result.form.funds.total
        cached = PERF_BUDGET_SCORE(_amount(total.annual), _amount(total.executed),
                                   float(self.result.profile.budget_weight), self.profile_arg)
        return CellContent(self.formulas.budget_score(annual, executed, rate, weight), True, cached)

    def rule_score(self, row: IndicatorResult, cells: RowCells, design: ActualDesign) -> CellContent:
        cached = PERF_SCORE(row.input.target, design.cell_value, float(row.input.weight), self.profile_arg)
        return CellContent(self.formulas.rule_score(cells, design), True, cached)

    def score(self, row: IndicatorResult, cells: RowCells, design: ActualDesign) -> CellContent:
        validation = {
            "validate": "decimal", "criteria": "between", "minimum": 0, "maximum": float(row.input.weight),
            "input_title": "得分",
            "input_message": "由公式自动计算。如需人工评分，可直接填写分数替代公式，并须填写偏差原因。",
            "error_title": "得分有误", "error_message": f"得分应在 0 到分值 {row.input.weight} 之间。",
        }
        if row.input.score is not None:
            return CellContent(float(row.input.score), unlocked=True, validation=validation)
        rule = self.rule_score(row, cells, design)
        return CellContent(rule.value, True, rule.cached, unlocked=True, validation=validation)

    def check(self, row: IndicatorResult, cells: RowCells, design: ActualDesign, score: object) -> CellContent:
        if self.formulas.mode == "udf":
            cached = PERF_CHECK(row.input.target, design.cell_value, float(row.input.weight), score,
                                row.input.reason or None, self.profile_arg)
        else:
            codes = [f.code for f in row.findings if f.code in NATIVE_CHECKS]
            cached = SEPARATOR.join(NATIVE_CHECKS[code] for code in NATIVE_CHECKS if code in codes)
        return CellContent(self.formulas.check(cells, design), True, cached)

    def total_weight(self, budget_weight: str, weights: str) -> CellContent:
        form = self.result.form
        value = self.result.profile.budget_weight + sum((r.weight for r in form.indicators), Decimal(0))
        return CellContent(self.formulas.total_weight(budget_weight, weights), True, float(value))

    def total(self, budget_score: str, scores: str) -> CellContent:
        count = len(self.result.indicators)
        return CellContent(self.formulas.total(budget_score, scores, count), True, cell_value(self.result.total))

    def grade(self, total: str) -> CellContent:
        return CellContent(self.formulas.grade(total), True, cell_value(self.result.grade))
