"""What each field cell of a form holds: the value or formula, its cached value, and how it is locked.

Cached values come from perfxl.contract.values, the one definition of what a computed cell shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from perfxl.contract.values import FormValues
from perfxl.core.form import FormResult
from perfxl.core.indicator import IndicatorResult
from perfxl.core.numbers import to_float
from perfxl.generate.formulas import Formulas, RowCells
from perfxl.generate.inputs import ActualDesign


@dataclass(frozen=True)
class CellContent:
    value: object = None  # a constant, or the formula text when ``formula`` is True
    formula: bool = False
    cached: object = None  # the formula's value as the Python core computes it
    unlocked: bool = False
    num_format: str | None = None
    validation: dict[str, object] | None = None


class FormCells:
    """The contents of every field of one form, given where its cells are (addresses passed in)."""

    def __init__(self, result: FormResult, formulas: Formulas, values: FormValues) -> None:
        self.result = result
        self.formulas = formulas
        self.values = values

    def funds_source(self, source: str, column: str) -> CellContent:
        return self._amount_input(getattr(self.result.form.funds, source).get(column), column)

    def _amount_input(self, value: Decimal | None, column: str) -> CellContent:
        # Budgets the list gives are the plan: locked. Execution figures are the officer's.
        unlocked = column == "executed" or value is None
        validation = (
            {
                "validate": "decimal",
                "criteria": ">=",
                "value": 0,
                "input_title": "金额（元）",
                "input_message": "请填写金额（元），没有填 0。",
                "error_title": "金额有误",
                "error_message": "金额应为不小于 0 的数字（元）。",
            }
            if unlocked
            else None
        )
        return CellContent(to_float(value), unlocked=unlocked, validation=validation)

    def funds_total(self, column: str, source_cells: list[str]) -> CellContent:
        if not source_cells:  # a template without source rows: the total is typed in
            return self._amount_input(self.result.form.funds.total.get(column), column)
        return CellContent(self.formulas.funds_total(source_cells), True, self.values.funds_total[column])

    def rate(self, annual: str, executed: str) -> CellContent:
        return CellContent(self.formulas.rate(annual, executed), True, self.values.rate)

    def budget_score(self, annual: str, executed: str, rate: str, weight: str) -> CellContent:
        return CellContent(self.formulas.budget_score(annual, executed, rate, weight), True, self.values.budget_score)

    def rule_score(self, index: int, cells: RowCells, design: ActualDesign) -> CellContent:
        return CellContent(self.formulas.rule_score(cells, design), True, self.values.rows[index].rule_score)

    def score(self, index: int, row: IndicatorResult, cells: RowCells, design: ActualDesign) -> CellContent:
        validation = {
            "validate": "decimal",
            "criteria": "between",
            "minimum": 0,
            "maximum": float(row.input.weight),
            "input_title": "得分",
            "input_message": "由公式自动计算。如需人工评分，可直接填写分数替代公式，并须填写偏差原因。",
            "error_title": "得分有误",
            "error_message": f"得分应在 0 到分值 {row.input.weight} 之间。",
        }
        if row.input.score is not None:
            return CellContent(float(row.input.score), unlocked=True, validation=validation)
        rule = self.rule_score(index, cells, design)
        return CellContent(rule.value, True, rule.cached, unlocked=True, validation=validation)

    def check(self, index: int, cells: RowCells, design: ActualDesign) -> CellContent:
        return CellContent(self.formulas.check(cells, design), True, self.values.rows[index].check)

    def total_weight(self, budget_weight: str, weights: str) -> CellContent:
        return CellContent(self.formulas.total_weight(budget_weight, weights), True, self.values.total_weight)

    def total(self, budget_score: str, scores: str) -> CellContent:
        count = len(self.result.indicators)
        return CellContent(self.formulas.total(budget_score, scores, count), True, self.values.total)

    def grade(self, total: str) -> CellContent:
        return CellContent(self.formulas.grade(total), True, self.values.grade)
