"""What each computed cell of a form shows, from the core's result: the generator caches these values
in new forms, and recalculation writes them into returned ones.

A cell's value is what its formula computes: in udf mode the very UDF the cell calls, given the values
of the cells it reads; the native formulas are built to give the same (LibreOffice proves it). The
check column, native in both modes, shows the fixed texts of the checks it can make itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from perfxl.core.budget import COLUMNS
from perfxl.core.form import FormResult
from perfxl.core.numbers import to_float
from perfxl.udfs import PERF_BUDGET_SCORE, PERF_RATE, PERF_SCORE

SEPARATOR = "；"
# The native check column: fixed texts, in the order PERF_CHECK reports the same findings.
NATIVE_CHECKS = {
    "score_above_weight": "得分超过分值",
    "score_negative": "得分不能为负数",
    "reason_missing": "须填写偏差原因分析及改进措施",
    "over_achievement": "超额完成，请说明原因",
}


def cell_value(value: object) -> object:
    """A computed value as a spreadsheet holds it: a float, a text, or "" for a blank result."""
    if value is None:
        return ""
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


def form_values(result: FormResult, profile_arg: str | None, actual_cells: Sequence[object]) -> FormValues:
    """The value of every computed cell of a form. ``actual_cells``: what each 实际完成值 cell holds."""
    total = result.form.funds.total
    annual, executed = to_float(total.annual), to_float(total.executed)
    rows = []
    for row, actual in zip(result.indicators, actual_cells, strict=True):
        weight = float(row.input.weight)
        rule = PERF_SCORE(row.input.target, actual, weight, profile_arg)
        score = rule if row.input.score is None else float(row.input.score)
        codes = {f.code for f in row.findings}
        check = SEPARATOR.join(text for code, text in NATIVE_CHECKS.items() if code in codes)
        rows.append(RowValues(rule, score, check))
    weights = result.profile.budget_weight + sum((r.weight for r in result.form.indicators), Decimal(0))
    return FormValues(
        funds_total={column: cell_value(total.get(column)) for column, _ in COLUMNS},
        rate=PERF_RATE(annual, executed, profile_arg),
        budget_score=PERF_BUDGET_SCORE(annual, executed, float(result.profile.budget_weight), profile_arg),
        rows=tuple(rows),
        total_weight=float(weights),
        total=cell_value(result.total),
        grade=cell_value(result.grade),
    )
