"""One 自评表: its inputs, and everything computed and checked from them (rules.md §2–§5)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from perfxl.core.budget import COLUMNS, SOURCES, BudgetResult, Funds, evaluate_budget
from perfxl.core.findings import Finding, Level, error, warning
from perfxl.core.indicator import IndicatorInput, IndicatorResult, evaluate_indicator
from perfxl.core.labels import NAME, WEIGHT
from perfxl.core.numbers import round_half_up, shown
from perfxl.core.profile import Profile

FULL_MARKS = Decimal(100)
REQUIRED_HEADER = (("name", "项目名称"), ("department", "主管部门"), ("unit", "实施单位"))


@dataclass(frozen=True)
class FormInput:
    name: str
    department: str
    unit: str
    funds: Funds
    indicators: Sequence[IndicatorInput]
    goal_expected: str = ""
    goal_actual: str = ""


@dataclass(frozen=True)
class FormResult:
    form: FormInput
    profile: Profile
    budget: BudgetResult
    indicators: tuple[IndicatorResult, ...]
    total: Decimal | None
    grade: str | None
    findings: tuple[Finding, ...] = field(default=())

    @property
    def rate(self) -> Decimal | None:
        return self.budget.rate

    @property
    def budget_score(self) -> Decimal | None:
        return self.budget.score

    def count(self, level: Level) -> int:
        return sum(1 for f in self.findings if f.level is level)

    @property
    def has_errors(self) -> bool:
        return self.count(Level.ERROR) > 0

    @property
    def missed_indicators(self) -> int:
        """三级指标 whose score is below their weight (未达成指标数 of the bureau's summary)."""
        return sum(1 for r in self.indicators if r.score is not None and r.score < r.input.weight)


def evaluate_form(form: FormInput, profile: Profile) -> FormResult:
    """Compute 执行率, 预算得分, every indicator score, 总分 and 等级, and run every check."""
    findings: list[Finding] = []
    for key, label in REQUIRED_HEADER:
        if not getattr(form, key).strip():
            findings.append(error("missing_field", key, f"缺少{label}"))
    budget = evaluate_budget(form.funds, profile)
    findings.extend(budget.findings)
    # A form nothing has been filled in yet is a blank form: what it lacks is noted, not an error.
    missing = Level.ERROR if is_started(form) else Level.INFO
    findings.extend(_missing_funds(form, missing))
    results = tuple(
        evaluate_indicator(row, profile, where=f"indicators[{i}]", missing=missing)
        for i, row in enumerate(form.indicators)
    )
    for result in results:
        findings.extend(result.findings)
    findings.extend(_weight_findings(form.indicators, profile))
    scores = [budget.score, *(r.score for r in results)]
    # Officer scores may carry more decimals than rule scores; 总分 is shown to the same 2 places.
    known = [s for s in scores if s is not None]
    total = round_half_up(sum(known, Decimal(0)), profile.score_decimals) if len(known) == len(scores) else None
    grade = None if total is None else profile.grade(total)
    return FormResult(form, profile, budget, results, total, grade, tuple(findings))


def is_started(form: FormInput) -> bool:
    """Whether anything of the year's outcome is filled in: an execution figure, an actual or a score."""
    executed = any(getattr(form.funds, source).executed is not None for source, _ in SOURCES)
    stated = form.funds.stated_total is not None and form.funds.stated_total.executed is not None
    return executed or stated or any(row.actual is not None or row.score is not None for row in form.indicators)


def _missing_funds(form: FormInput, level: Level) -> list[Finding]:
    """Amounts the rate, and so 总分, cannot do without, each named on the row where it is typed.

    With no 全年预算数 (or 全年执行数) at all, the 当年财政拨款 row's is missing. Otherwise a source row in
    use (an amount other than 0) without its 全年预算数, or with a budget but no 全年执行数, lacks it.
    """
    total = form.funds.total
    labels = dict(COLUMNS)
    findings = []
    for column in ("annual", "executed"):
        if total.get(column) is None:
            findings.append(_missing(level, "fiscal", column, labels))
    for source, source_label in SOURCES:
        row = getattr(form.funds, source)
        if not any(row.get(column) for column, _ in COLUMNS):
            continue  # a row not in use: blank, or only zeros
        if row.annual is None and total.annual is not None:
            findings.append(_missing(level, source, "annual", labels, source_label))
        if row.executed is None and row.annual and total.executed is not None:
            findings.append(_missing(level, source, "executed", labels, source_label))
    return findings


def _missing(level: Level, source: str, column: str, labels: dict[str, str], row_label: str = "") -> Finding:
    return Finding(
        level,
        f"{column}_missing",
        f"funds.{source}.{column}",
        f"未填写{row_label}{labels[column]}，执行率、预算执行率得分和总分无法计算"
        if not row_label
        else f"未填写{row_label}的{labels[column]}，执行率、预算执行率得分和总分将不正确",
    )


def _weight_findings(rows: Sequence[IndicatorInput], profile: Profile) -> list[Finding]:
    if not rows:
        return [error("no_indicators", "indicators", "没有填写绩效指标")]
    findings = []
    total = profile.budget_weight + sum((r.weight for r in rows), Decimal(0))
    if total != FULL_MARKS:
        findings.append(
            error(
                "weights_total",
                "indicators.weight",
                f"{NAME}{WEIGHT}之和加预算执行率分值 {profile.budget_weight} 为 {shown(total)}，应为 {FULL_MARKS}",
            )
        )
    for level1, expected in profile.level1_weights.items():
        actual = sum((r.weight for r in rows if r.level1.strip() == level1), Decimal(0))
        if actual != expected:
            findings.append(
                warning(
                    "level1_weight",
                    "indicators.weight",
                    f"{level1}分值合计 {shown(actual)}，参考分值为 {expected}（可按规定调整，请确认）",
                )
            )
    return findings
