"""The review rules that read one indicator row alone (review.md): each returns its finding or None."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

from perfxl.core.cells import folded
from perfxl.core.grammar import PERCENT, Op
from perfxl.core.indicator import IndicatorResult
from perfxl.core.labels import ACTUAL, LEVEL1, LEVEL2, REASON, TARGET
from perfxl.core.numbers import plain, round_half_up
from perfxl.core.qualitative import Tier
from perfxl.review.emit import finding, label
from perfxl.review.model import ReviewFinding
from perfxl.review.rulebook import Rulebook
from perfxl.review.texts import bare, heading_key, is_placeholder, name_key, shown_text

HUNDRED = Decimal(100)
# A number with a percent sign, or a comparison sign at the start: a quantity inside a target's text.
_QUANTITY_IN_TEXT = re.compile(r"\d\s*[%‰]|^[<>=≥≤≧≦]+\s*\d")
_LOWER_BOUNDS = (Op.GE, Op.GT)
_UPWARD = (Op.GE, Op.GT, Op.EQ)

Check = Callable[[IndicatorResult, str, Rulebook], ReviewFinding | None]


def placeholder(row: IndicatorResult, where: str, rulebook: Rulebook) -> ReviewFinding | None:
    patterns = rulebook.settings.placeholder_patterns
    typed = [(TARGET, row.input.target, "target"), (ACTUAL, row.input.actual, "actual")]
    found = [(name, value, key) for name, value, key in typed if is_placeholder(value, patterns)]
    if not found:
        return None
    what = "、".join(f"{name}「{shown_text(value)}」" for name, value, _ in found)
    return finding(
        rulebook,
        "placeholder",
        f"{where}.{found[0][2]}",
        f"{label(row.input.name)}的{what}是占位符，未如实填写：请按{'、'.join(n for n, _, _ in found)}的实际内容填写",
    )


def rate_above_100(row: IndicatorResult, where: str, rulebook: Rulebook) -> ReviewFinding | None:
    key = name_key(row.input.name)
    if not key or not key.endswith(rulebook.settings.rate_suffixes):
        return None
    over = []
    target, actual = row.target, row.actual
    if target.is_percent and target.value is not None and target.value > HUNDRED:
        over.append((TARGET, target.text, "target"))
    if actual.unit == PERCENT and actual.value is not None and actual.value > HUNDRED:
        over.append((ACTUAL, actual.text, "actual"))
    if not over:
        return None
    what = "、".join(f"{field}「{text}」" for field, text, _ in over)
    return finding(
        rulebook,
        "rate_above_100",
        f"{where}.{over[0][2]}",
        f"{label(row.input.name)}是比率类指标，{what}超过100%：比率不会超过100%，请核实并改正",
    )


def cost_lower_bound(row: IndicatorResult, where: str, rulebook: Rulebook) -> ReviewFinding | None:
    headings = rulebook.settings.cost_keys
    if heading_key(row.input.level1) not in headings and heading_key(row.input.level2) not in headings:
        return None
    target = row.target
    if target.value is None or target.op not in _LOWER_BOUNDS:
        return None
    return finding(
        rulebook,
        "cost_lower_bound",
        f"{where}.target",
        f"成本{label(row.input.name)}的{TARGET}「{target.text}」设定的是下限：成本应控制上限，"
        "请改为「≤」「不高于」等上限值",
    )


def pseudo_quantitative(row: IndicatorResult, where: str, rulebook: Rulebook) -> ReviewFinding | None:
    target = row.target
    if target.value is not None:  # a quantity perfxl can score: verifiable
        return None
    text = target.normalised
    if _QUANTITY_IN_TEXT.search(text):
        return finding(
            rulebook,
            "pseudo_quantitative",
            f"{where}.target",
            f"{label(row.input.name)}的{TARGET}「{target.text}」把数值与定性表述混在一起，无法据以核验："
            "请改为可衡量的指标值（如「≥95%」）并写明口径",
        )
    if heading_key(row.input.level1) not in rulebook.settings.benefit_keys:
        return None
    words = [w for w in rulebook.settings.unverifiable_words if folded(w) in text]
    if not words:
        return None
    return finding(
        rulebook,
        "pseudo_quantitative",
        f"{where}.target",
        f"效益{label(row.input.name)}的{TARGET}「{target.text}」含「{words[0]}」，无法核验：请设置可衡量的指标值",
    )


def framework(row: IndicatorResult, where: str, rulebook: Rulebook) -> ReviewFinding | None:
    settings = rulebook.settings
    known = settings.framework_keys.get(heading_key(row.input.level1))
    level2 = heading_key(row.input.level2)
    if known is None or not level2:  # a 一级 the framework does not cover, or no 二级: not this rule's
        return None
    level1, allowed = known
    if level2 in allowed:
        return None
    heading = shown_text(row.input.level2)
    home = settings.framework_homes.get(level2)
    if home is not None:
        why = f"{LEVEL2}「{heading}」不属于{LEVEL1}「{level1}」，应归入「{home}」"
    else:
        why = f"{LEVEL2}「{heading}」不在共性指标框架「{level1}」之下（{'、'.join(settings.framework[level1])}）"
    return finding(
        rulebook, "framework", f"{where}.level2", f"{label(row.input.name)}的{why}：请按共性指标框架调整指标层级"
    )


def payment_as_output(row: IndicatorResult, where: str, rulebook: Rulebook) -> ReviewFinding | None:
    settings = rulebook.settings
    if heading_key(row.input.level1) not in settings.output_keys:
        return None
    name = name_key(row.input.name)
    words = [w for w in settings.payment_words if folded(w) in name]
    if not words:
        return None
    return finding(
        rulebook,
        "payment_as_output",
        f"{where}.name",
        f"产出{label(row.input.name)}以「{words[0]}」衡量资金支付或预算执行，而预算执行率已单独评分："
        "请改用反映项目产出的指标",
    )


def over_achievement(row: IndicatorResult, ratio: Decimal) -> Decimal | None:
    """actual / target where the actual reaches ``ratio`` × a positive upward target, else None."""
    target, actual = row.target, row.actual
    if target.value is None or target.op not in _UPWARD or target.value <= 0 or actual.value is None:
        return None
    if target.unit and actual.unit and target.unit != actual.unit:
        return None
    share = actual.value / target.value
    return share if share >= ratio else None


def over_130_no_deduction(row: IndicatorResult, where: str, rulebook: Rulebook) -> ReviewFinding | None:
    if row.input.reason.strip():
        return None
    ratio = rulebook.settings.over_achievement_ratio
    share = over_achievement(row, ratio)
    if share is None:
        return None
    return finding(
        rulebook,
        "over_130_no_deduction",
        f"{where}.reason",
        f"{label(row.input.name)}的{ACTUAL}「{row.actual.text}」为{TARGET}「{row.target.text}」的"
        f"{plain(round_half_up(share * HUNDRED, 0))}%（{plain(ratio * HUNDRED)}%以上），未说明原因：不扣分，"
        f"请说明超额完成的原因（{TARGET}是否设定过低）",
    )


def needs_reason(row: IndicatorResult, ratio: Decimal) -> bool:
    """Whether the row must explain itself: scored short of its 分值, not fully achieved, overridden or
    far over its target (rules.md §5, with the rulebook's over-achievement ratio)."""
    score = row.score
    short = score is not None and score < row.input.weight
    missed = row.rule.tier is not None and row.rule.tier is not Tier.ACHIEVED
    return short or missed or row.overridden or over_achievement(row, ratio) is not None


def reason_quality(row: IndicatorResult, where: str, rulebook: Rulebook) -> ReviewFinding | None:
    """A reason too short or too vague, where the row needs one (a reason copied across units: cross_form)."""
    reason = row.input.reason
    settings = rulebook.settings
    if not reason.strip() or not needs_reason(row, settings.over_achievement_ratio):
        return None
    quoted = shown_text(reason)
    if bare(reason) in settings.vague_keys:
        why = f"「{quoted}」过于笼统"
    elif len(folded(reason)) < settings.reason_min_length:
        why = f"「{quoted}」只有{len(folded(reason))}个字（少于{settings.reason_min_length}个字）"
    else:
        return None
    return finding(
        rulebook,
        "reason_quality",
        f"{where}.reason",
        f"{label(row.input.name)}的{REASON}{why}：请写明偏差的具体原因和改进措施",
    )


# The rules run on every row, in the rulebook's order.
ROW_CHECKS: tuple[tuple[str, Check], ...] = (
    ("placeholder", placeholder),
    ("rate_above_100", rate_above_100),
    ("cost_lower_bound", cost_lower_bound),
    ("pseudo_quantitative", pseudo_quantitative),
    ("framework", framework),
    ("payment_as_output", payment_as_output),
    ("over_130_no_deduction", over_130_no_deduction),
    ("reason_quality", reason_quality),
)


def check_row(row: IndicatorResult, where: str, rulebook: Rulebook) -> list[ReviewFinding]:
    found = []
    for code, check in ROW_CHECKS:
        if rulebook.enabled(code):
            result = check(row, where, rulebook)
            if result is not None:
                found.append(result)
    return found
