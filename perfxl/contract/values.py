"""What each computed cell of a form shows, from the core's result: the generator caches these values
in new forms, and the agreement check holds returned ones against them.

A cell's value is what its formula computes: in udf mode the very function the cell calls
(perfxl.contract.functions), given the values of the cells it reads; the native formulas are built to
give the same (LibreOffice proves it). Here the values come from the form's one FormResult, with the
functions' texts, instead of running the rules again for each cell: the result already holds the rule
score of every cell that holds what the core computed from (tests/test_contract.py holds the values
against the functions). The check column, native in both modes, shows the fixed texts of the checks it
can make itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from perfxl.contract import arguments as arg
from perfxl.contract.functions import rule_cell
from perfxl.contract.texts import BLANK, BUDGET_ZERO, NATIVE_CHECKS, SEPARATOR
from perfxl.core.budget import COLUMNS, budget_score, execution_rate
from perfxl.core.cells import is_blank
from perfxl.core.form import FormResult
from perfxl.core.grammar import parse_actual
from perfxl.core.indicator import IndicatorResult, rule_score
from perfxl.core.labels import ACTUAL, TARGET
from perfxl.core.numbers import to_decimal, to_float
from perfxl.core.profile import Profile


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


def _as_written(amount: Decimal) -> Decimal:
    """An amount as its cell holds it (a float) and a formula reads it back."""
    return to_decimal(float(amount))


def budget_cells(result: FormResult) -> tuple[object, object]:
    """What PERF_RATE and PERF_BUDGET_SCORE show for the form's 年度资金总额 (the native formulas the same)."""
    total, profile = result.form.funds.total, result.profile
    annual, executed = total.annual, total.executed
    if annual is None or executed is None:
        return BLANK, BLANK
    if annual == 0:
        return BUDGET_ZERO, BUDGET_ZERO
    rate, score = result.budget.rate, result.budget.score
    written = _as_written(annual), _as_written(executed)
    if written != (annual, executed):  # beyond the 15 digits a cell keeps: computed from what it keeps
        rate = execution_rate(*written, profile)
        score = budget_score(rate, profile.budget_weight, profile)
    return to_float(rate), to_float(score)


def row_rule_cell(row: IndicatorResult, actual_cell: object, profile: Profile) -> object:
    """What PERF_SCORE shows for a row whose 实际完成值 cell holds ``actual_cell``, from the row's result.

    The arguments the function refuses before it scores (a blank cell, an error value, a range) are
    decided from the cell. Otherwise the core's rule score is the cell's whenever the cell reads as the
    actual the core scored (a returned form's actuals are read from their cells; the generator writes the
    list's actual as the cell should hold it: 88% as 0.88); a cell that reads otherwise is scored as it
    reads.
    """
    try:
        if is_blank(row.input.target) or is_blank(actual_cell):
            return BLANK
        arg.text(row.input.target, TARGET)
        arg.check_plain(actual_cell, ACTUAL)
    except arg.UnusableArgument as exc:
        return str(exc)
    if actual_cell is not row.input.actual:
        actual = parse_actual(actual_cell, row.target)
        if actual != row.actual:
            return rule_cell(rule_score(row.target, actual, row.input.weight, profile))
    return rule_cell(row.rule)


def check_cell(row: IndicatorResult) -> str:
    """The native check column: the fixed texts of the row's findings it can see."""
    codes = {f.code for f in row.findings}
    return SEPARATOR.join(text for code, text in NATIVE_CHECKS.items() if code in codes)


def form_values(result: FormResult, actual_cells: Sequence[object]) -> FormValues:
    """The value of every computed cell of a form. ``actual_cells``: what each 实际完成值 cell holds."""
    total = result.form.funds.total
    rate, budget_score_value = budget_cells(result)
    rows = []
    for row, actual in zip(result.indicators, actual_cells, strict=True):
        rule = row_rule_cell(row, actual, result.profile)
        score = rule if row.input.score is None else float(row.input.score)
        rows.append(RowValues(rule, score, check_cell(row)))
    weights = result.profile.budget_weight + sum((r.weight for r in result.form.indicators), Decimal(0))
    return FormValues(
        funds_total={column: cell_value(total.get(column)) for column, _ in COLUMNS},
        rate=rate,
        budget_score=budget_score_value,
        rows=tuple(rows),
        total_weight=float(weights),
        total=cell_value(result.total),
        grade=cell_value(result.grade),
    )
