"""Returned forms built to trigger a review rule, or to trigger none (tests of perfxl.review)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from perfxl.contract.profiles import load_profile
from perfxl.core.budget import Funds, FundsRow
from perfxl.core.form import FormInput, evaluate_form
from perfxl.core.indicator import IndicatorInput
from perfxl.review import ReviewedForm

PROFILE = load_profile()
LONG_REASON = "部分批次因供应商交货延迟返工，已更换供应商并加强验收"


def row(
    level1: str,
    level2: str,
    name: str,
    target: str,
    weight: int | str,
    actual: object,
    score: str | None = None,
    reason: str = "",
) -> IndicatorInput:
    return IndicatorInput(
        level1, level2, name, target, Decimal(weight), actual, None if score is None else Decimal(score), reason
    )


# A form no review rule fires on: every dimension, headings of the framework, no rate above 100%, no
# over-achievement, one row short of its 分值 with a reason that says why, 执行率 100%.
CLEAN_ROWS = (
    row("产出指标", "数量指标", "培训场次", "≥3次", 30, "3次"),
    row("产出指标", "质量指标", "验收合格率", "=100%", 20, "95%", reason=LONG_REASON),
    row("效益指标", "社会效益指标", "培训覆盖人次", "≥500人次", 30, "520人次"),
    row("满意度指标", "服务对象满意度指标", "学员满意度", "≥90%", 10, "92%"),
)


def form_input(
    rows: tuple[IndicatorInput, ...] | list[IndicatorInput] = CLEAN_ROWS,
    *,
    name: str = "职业技能培训",
    unit: str = "某区职业培训中心",
    department: str = "某区人力资源和社会保障局",
    annual: str = "100000",
    executed: str = "100000",
    goal_actual: str = "全年完成培训任务。",
) -> FormInput:
    funds = Funds(fiscal=FundsRow(Decimal(annual), Decimal(annual), Decimal(executed)))
    return FormInput(name, department, unit, funds, tuple(rows), "完成年度培训任务。", goal_actual)


def returned(
    rows: tuple[IndicatorInput, ...] | list[IndicatorInput] = CLEAN_ROWS, *, source: str = "自评表.xlsx", **head: str
) -> ReviewedForm:
    return ReviewedForm(evaluate_form(form_input(rows, **head), PROFILE), source, "自评表")


def with_row(index: int, **changes: object) -> tuple[IndicatorInput, ...]:
    """CLEAN_ROWS with one row changed (a score or weight given as text is read as a number)."""
    for key in ("score", "weight"):
        if isinstance(changes.get(key), (str, int)):
            changes[key] = Decimal(changes[key])  # type: ignore[arg-type]
    rows = list(CLEAN_ROWS)
    rows[index] = replace(rows[index], **changes)  # type: ignore[arg-type]
    return tuple(rows)
