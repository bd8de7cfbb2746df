"""The functions behind the PERF_* worksheet functions: cell values in, a cell value out, never raising.

perfxl.udfs registers them with Excel through xlwings (under the Excel names of :data:`UDFS`), and
perfxl's formula engine calls them for udf-mode forms: both compute what these give. An empty required
input gives "" (a blank cell), an unusable one a short Chinese text starting with 错误.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from perfxl.contract import arguments as arg
from perfxl.contract.texts import BLANK, BUDGET_ZERO, CALCULATION_FAILED, SEPARATOR, SHORT_PROBLEMS, UNSCORABLE
from perfxl.core.budget import COLUMN_LABELS, budget_score, execution_rate
from perfxl.core.cells import is_blank
from perfxl.core.findings import Level
from perfxl.core.grammar import parse_actual, parse_target
from perfxl.core.indicator import IndicatorInput, RuleScore, evaluate_indicator, rule_score
from perfxl.core.labels import ACTUAL, REASON, TARGET, WEIGHT
from perfxl.core.numbers import to_float

log = logging.getLogger("perfxl.functions")


def _never_raise(compute: Callable[[], object]) -> object:
    try:
        return compute()
    except arg.UnusableArgument as exc:
        return str(exc)
    except Exception:  # a worksheet function must not raise into Excel; say so in the cell, the details in the log
        log.exception("a PERF_* function failed")
        return CALCULATION_FAILED


def rule_cell(rule: RuleScore) -> object:
    """What a 规则得分 cell shows for the rule's result: the score, or why there is none."""
    if rule.score is None:
        code = rule.problem.code if rule.problem is not None else ""
        return SHORT_PROBLEMS.get(code, UNSCORABLE)
    return to_float(rule.score)


def perf_rate(budget: object, executed: object, profile: object = None) -> object:
    """PERF_RATE: 全年执行数 ÷ 全年预算数, rounded as the profile says."""

    def compute() -> object:
        if is_blank(budget) or is_blank(executed):
            return BLANK
        annual, spent = arg.number(budget, COLUMN_LABELS["annual"]), arg.number(executed, COLUMN_LABELS["executed"])
        if annual == 0:
            return BUDGET_ZERO
        return to_float(execution_rate(annual, spent, arg.profile(profile)))

    return _never_raise(compute)


def perf_budget_score(budget: object, executed: object, weight: object = None, profile: object = None) -> object:
    """PERF_BUDGET_SCORE: the execution rate (capped as the profile says) times the weight."""

    def compute() -> object:
        if is_blank(budget) or is_blank(executed):
            return BLANK
        rules = arg.profile(profile)
        annual, spent = arg.number(budget, COLUMN_LABELS["annual"]), arg.number(executed, COLUMN_LABELS["executed"])
        points = arg.optional_number(weight, WEIGHT)
        if annual == 0:
            return BUDGET_ZERO
        rate = execution_rate(annual, spent, rules)
        return to_float(budget_score(rate, rules.budget_weight if points is None else points, rules))

    return _never_raise(compute)


def perf_score(target: object, actual: object, weight: object, profile: object = None) -> object:
    """PERF_SCORE: one 三级指标's rule score, or the short text of why the rule gives none."""

    def compute() -> object:
        if is_blank(target) or is_blank(actual) or is_blank(weight):
            return BLANK
        parsed = parse_target(arg.text(target, TARGET))
        arg.check_plain(actual, ACTUAL)
        points = arg.number(weight, WEIGHT)
        return rule_cell(rule_score(parsed, parse_actual(actual, parsed), points, arg.profile(profile)))

    return _never_raise(compute)


def perf_grade(total: object, profile: object = None) -> object:
    """PERF_GRADE: the grade of a total score."""

    def compute() -> object:
        if is_blank(total):
            return BLANK
        return arg.profile(profile).grade(arg.number(total, "总分"))

    return _never_raise(compute)


def perf_check(
    target: object, actual: object, weight: object, score: object, reason: object, profile: object = None
) -> object:
    """PERF_CHECK: the problems of one indicator row, joined; "" for a row without any."""

    def compute() -> object:
        if is_blank(target) or is_blank(weight):
            return BLANK
        if not is_blank(actual):
            arg.check_plain(actual, ACTUAL)
        row = IndicatorInput(
            level1="",
            level2="",
            name="",
            target=arg.text(target, TARGET),
            weight=arg.number(weight, WEIGHT),
            actual=None if is_blank(actual) else actual,
            score=arg.score_cell(score),
            reason="" if is_blank(reason) else arg.text(reason, REASON),
        )
        result = evaluate_indicator(row, arg.profile(profile))
        return SEPARATOR.join(f.message for f in result.findings if f.level is not Level.INFO)

    return _never_raise(compute)


# The worksheet functions by their Excel names, as perfxl.udfs registers them and formulas call them.
UDFS: dict[str, Callable[..., object]] = {
    "PERF_RATE": perf_rate,
    "PERF_BUDGET_SCORE": perf_budget_score,
    "PERF_SCORE": perf_score,
    "PERF_GRADE": perf_grade,
    "PERF_CHECK": perf_check,
}
