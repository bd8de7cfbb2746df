"""The funds block and budget execution (rules.md §2)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from perfxl.core.findings import Finding, error, warning
from perfxl.core.numbers import round_half_up, shown
from perfxl.core.profile import Profile

# Source rows of the funds block, in form order, with their labels; 年度资金总额 is their sum.
SOURCES = (("fiscal", "当年财政拨款"), ("carryover", "上年结转资金"), ("other", "其他资金"))
COLUMNS = (("initial", "年初预算数"), ("annual", "全年预算数"), ("executed", "全年执行数"))
TOTAL_LABEL = "年度资金总额"
COLUMN_LABELS = dict(COLUMNS)


@dataclass(frozen=True)
class FundsRow:
    initial: Decimal | None = None
    annual: Decimal | None = None
    executed: Decimal | None = None  # None: not yet known (blank form)

    def get(self, column: str) -> Decimal | None:
        return getattr(self, column)


@dataclass(frozen=True)
class Funds:
    fiscal: FundsRow = FundsRow()
    carryover: FundsRow = FundsRow()
    other: FundsRow = FundsRow()
    stated_total: FundsRow | None = None  # a 年度资金总额 row as typed, checked against the sum

    @property
    def total(self) -> FundsRow:
        """Column sums of the sources; where no source is filled in, the 年度资金总额 as typed."""
        return FundsRow(*(self._column_total(column) for column, _ in COLUMNS))

    def source_sum(self, column: str) -> Decimal | None:
        return sum_present(getattr(self, key).get(column) for key, _ in SOURCES)

    def _column_total(self, column: str) -> Decimal | None:
        computed = self.source_sum(column)
        if computed is None and self.stated_total is not None:
            return self.stated_total.get(column)
        return computed


def sum_present(values: object) -> Decimal | None:
    """Sum of the amounts given; None when none is (a blank column stays blank)."""
    present = [v for v in values if v is not None]  # type: ignore[attr-defined]
    return sum(present, Decimal(0)) if present else None


@dataclass(frozen=True)
class BudgetResult:
    rate: Decimal | None
    score: Decimal | None
    findings: tuple[Finding, ...]


def execution_rate(annual: Decimal | None, executed: Decimal | None, profile: Profile) -> Decimal | None:
    """全年执行数 / 全年预算数, rounded; None when either is blank or the budget is 0."""
    if annual is None or executed is None or annual == 0:
        return None
    return round_half_up(executed / annual, profile.rate_decimals)


def budget_score(rate: Decimal | None, weight: Decimal, profile: Profile) -> Decimal | None:
    """round(min(rate, 1) × 分值, 2), from the rounded rate (1278840.70 / 1339850 → 95.45% → 9.55)."""
    if rate is None:
        return None
    used = min(rate, Decimal(1)) if profile.cap_budget_rate else rate
    return round_half_up(max(used, Decimal(0)) * weight, profile.score_decimals)


def evaluate_budget(funds: Funds, profile: Profile) -> BudgetResult:
    total = funds.total
    findings: list[Finding] = []
    if total.annual == 0:
        findings.append(error("budget_zero", "funds.total.annual", f"{COLUMN_LABELS['annual']}为0，无法计算执行率"))
    if total.annual is not None and total.executed is not None and total.executed > total.annual:
        findings.append(
            warning(
                "over_executed",
                "funds.total.executed",
                f"{COLUMN_LABELS['executed']} {shown(total.executed)} "
                f"超过{COLUMN_LABELS['annual']} {shown(total.annual)}，执行率超过100%",
            )
        )
    for key, label in (*SOURCES, ("total", TOTAL_LABEL)):
        row = total if key == "total" else getattr(funds, key)
        for column, column_label in COLUMNS:
            value = row.get(column)
            if value is not None and value < 0:
                findings.append(error("negative_amount", f"funds.{key}.{column}", f"{label}的{column_label}不能为负数"))
    findings.extend(stated_total_findings(funds))
    rate = execution_rate(total.annual, total.executed, profile)
    return BudgetResult(rate, budget_score(rate, profile.budget_weight, profile), tuple(findings))


def stated_total_findings(funds: Funds) -> list[Finding]:
    """The rule that a typed 年度资金总额 equals its sources' sum, column by column (rules.md §5).

    Stated here only: the project-list validation reports these same findings for a list.
    """
    stated = funds.stated_total
    if stated is None:
        return []
    findings = []
    for column, column_label in COLUMNS:
        given, computed = stated.get(column), funds.source_sum(column)
        if given is not None and computed is not None and given != computed:
            findings.append(
                error(
                    "funds_sum_mismatch",
                    f"funds.total.{column}",
                    f"{TOTAL_LABEL}的{column_label} {shown(given)} 不等于各资金来源之和 {shown(computed)}",
                )
            )
    return findings
