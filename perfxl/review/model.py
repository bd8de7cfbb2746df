"""What the review reads (a returned form, as the batch has it) and what it gives (findings and suggested
scores per indicator, totals and grades per form). Plain, frozen data: the 复核表 writer reads it."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from perfxl.core.findings import Finding, Level
from perfxl.core.form import FormInput, FormResult
from perfxl.core.indicator import IndicatorInput, IndicatorResult
from perfxl.review.rulebook import Rulebook
from perfxl.review.texts import name_key

ZERO = Decimal(0)


class FormKey(NamedTuple):
    """A form as a bureau names it: 主管部门, 实施单位 and 项目名称, folded (perfxl.core.cells.folded)."""

    department: str
    unit: str
    project: str


class IndicatorKey(NamedTuple):
    """An indicator of a form by its 三级指标's name, folded: how the reviewer's marks name a row."""

    form: FormKey
    indicator: str


def form_key(form: FormInput) -> FormKey:
    return FormKey(name_key(form.department), name_key(form.unit), name_key(form.name))


def indicator_key(form: FormInput, row: IndicatorInput) -> IndicatorKey:
    return IndicatorKey(form_key(form), name_key(row.name))


@dataclass(frozen=True)
class ReviewedForm:
    """One returned form: the core's result (its FormInput holds 主管部门, 实施单位, 项目名称 and the
    indicators with the officer's scores) and where it came from."""

    result: FormResult
    source: str  # the file, as the batch names it
    sheet: str = ""  # the worksheet; "" for a form from a project list

    @property
    def form(self) -> FormInput:
        return self.result.form

    @property
    def key(self) -> FormKey:
        return form_key(self.result.form)


@dataclass(frozen=True)
class ReviewFinding:
    """What a review rule says about an indicator or a form, in Chinese, and what it takes off."""

    code: str  # the rule's code (perfxl.review.rulebook.RULE_CODES)
    level: Level
    field: str  # where in the form, as the core's findings say it: "indicators[3].target", "indicators", "funds"
    message: str  # what fired and what to do
    deduction: Decimal = ZERO  # share of the indicator's 分值; 0 for a form's finding

    def as_finding(self) -> Finding:
        return Finding(self.level, self.code, self.field, self.message)


@dataclass(frozen=True)
class IndicatorReview:
    index: int  # position in the form's indicator table (0-based)
    result: IndicatorResult
    self_score: Decimal | None  # 自评得分: the officer's score, else the rule score
    suggested: Decimal | None  # 建议复核得分; None where there is no 自评得分
    findings: tuple[ReviewFinding, ...] = field(default=())

    @property
    def input(self) -> IndicatorInput:
        return self.result.input

    @property
    def weight(self) -> Decimal:
        return self.result.input.weight

    @property
    def deduction(self) -> Decimal:
        """The share of the 分值 taken off: the largest of the findings' (docs/decisions.md, Review)."""
        return max((f.deduction for f in self.findings), default=ZERO)

    @property
    def difference(self) -> Decimal | None:
        """差异: 建议复核得分 − 自评得分 (0 or negative)."""
        if self.suggested is None or self.self_score is None:
            return None
        return self.suggested - self.self_score


@dataclass(frozen=True)
class FormReview:
    reviewed: ReviewedForm
    indicators: tuple[IndicatorReview, ...]
    findings: tuple[ReviewFinding, ...]  # the form's own: missing dimensions, every row copied, …
    self_total: Decimal | None  # 自评总分: the core's 总分
    review_total: Decimal | None  # 复核总分: 预算执行率得分 + Σ 建议复核得分, rounded as the core rounds 总分
    self_grade: str | None
    review_grade: str | None

    @property
    def result(self) -> FormResult:
        return self.reviewed.result

    @property
    def key(self) -> FormKey:
        return self.reviewed.key

    @property
    def difference(self) -> Decimal | None:
        if self.review_total is None or self.self_total is None:
            return None
        return self.review_total - self.self_total

    def all_findings(self) -> tuple[ReviewFinding, ...]:
        """The form's findings, then each indicator's, in table order."""
        return self.findings + tuple(f for row in self.indicators for f in row.findings)

    def count(self, level: Level) -> int:
        return sum(1 for f in self.all_findings() if f.level is level)


@dataclass(frozen=True)
class Review:
    rulebook: Rulebook
    forms: tuple[FormReview, ...]  # in the order given
    # Findings of no returned form: a declared project no form was returned for.
    findings: tuple[ReviewFinding, ...] = field(default=())

    def codes(self) -> set[str]:
        """The codes of every finding: the rules that fired."""
        return {f.code for form in self.forms for f in form.all_findings()} | {f.code for f in self.findings}
