"""What each computed cell of a form shows, from the core's result: the generator caches these values
in new forms, and the agreement check holds returned ones against them.

A cell's value is what its formula computes: in udf mode the very function the cell calls
(perfxl.contract.functions), given the values of the cells it reads; the native formulas are built to
give the same (LibreOffice proves it). Here the values come from the form's one FormResult, with the
functions' texts, instead of running the rules again for each cell: the result already holds every
rule score the functions would compute (tests/test_contract.py holds the two against each other). The
check column, native in both modes, shows the fixed texts of the checks it can make itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from perfxl.contract import arguments as arg
from perfxl.contract.functions import rule_cell
from perfxl.contract.texts import BLANK, BUDGET_ZERO, NATIVE_CHECKS, SEPARATOR
from perfxl.core.budget import COLUMNS, BudgetResult, FundsRow
from perfxl.core.form import FormResult
from perfxl.core.indicator import IndicatorResult
from perfxl.core.numbers import to_float


def cell_value(value: object) -> object:
    """A computed value as a spreadsheet holds it: a float, a text, or "" for a blank result."""
    if value is None:
        return BLANK
    if isinstance(value, Decimal):
        return float(value)
    return value


@dataclass(frozen=True)
class RowValues:
    rule_score: object  # the 规则得分 cell, and the 得分 cell when no officer typed over it
    score: object  # what the 得分 cell holds: the officer's number or the rule score
    check: object


@dataclass(frozen=True)
class FormValues:
    funds_total: dict[str, object]  # by column: initial, annual, executed
    rate: object
    budget_score: object
    rows: tuple[RowValues, ...]
    total_weight: float
    total: object
    grade: object


def budget_cell(total: FundsRow, value: Decimal | None) -> object:
    """What PERF_RATE or PERF_BUDGET_SCORE shows for the form's totals: ``value`` is the core's rate or
    budget score from those totals."""
    if total.annual is None or total.executed is None:
        return BLANK
    if total.annual == 0:
        return BUDGET_ZERO
    return to_float(value)


def row_rule_cell(row: IndicatorResult, actual_cell: object) -> object:
    """What PERF_SCORE shows for a row whose 实际完成值 cell holds ``actual_cell``, from the row's result.

    The core scored the row from the same actual (the generator writes the list's actual as the cell
    reads it; a returned form's is read from the cell): only the arguments the function refuses before
    it scores (a blank cell, an error value, a range) are decided from the cell itself.
    """
    try:
        if arg.is_blank(row.input.target) or arg.is_blank(actual_cell):
            return BLANK
        arg.text(row.input.target, "年度指标值")
        arg.check_plain(actual_cell, "实际完成值")
    except arg.Unusable as exc:
        return str(exc)
    return rule_cell(row.rule)


def check_cell(row: IndicatorResult) -> str:
    """The native check column: the fixed texts of the row's findings it can see."""
    codes = {f.code for f in row.findings}
    return SEPARATOR.join(text for code, text in NATIVE_CHECKS.items() if code in codes)


def form_values(result: FormResult, actual_cells: Sequence[object]) -> FormValues:
    """The value of every computed cell of a form. ``actual_cells``: what each 实际完成值 cell holds."""
    total = result.form.funds.total
    budget: BudgetResult = result.budget
    rows = []
    for row, actual in zip(result.indicators, actual_cells, strict=True):
        rule = row_rule_cell(row, actual)
        score = rule if row.input.score is None else float(row.input.score)
        rows.append(RowValues(rule, score, check_cell(row)))
    weights = result.profile.budget_weight + sum((r.weight for r in result.form.indicators), Decimal(0))
    return FormValues(
        funds_total={column: cell_value(total.get(column)) for column, _ in COLUMNS},
        rate=budget_cell(total, budget.rate),
        budget_score=budget_cell(total, budget.score),
        rows=tuple(rows),
        total_weight=float(weights),
        total=cell_value(result.total),
        grade=cell_value(result.grade),
    )
