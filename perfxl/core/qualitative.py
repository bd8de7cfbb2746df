"""Qualitative indicators (rules.md §4): three tiers read from the words of 实际完成值."""

from __future__ import annotations

from enum import Enum

from perfxl.core.grammar import normalise_text


class Tier(Enum):
    ACHIEVED = "达成"
    PARTIAL = "部分达成"
    MISSED = "未达成"


# Words that say the target was met, whatever the target's own wording [MoF][PRAC].
ACHIEVED_WORDS = frozenset(
    {
        "达成",
        "达成年度指标",
        "达成预期指标",
        "达成预期目标",
        "达到预期",
        "达到预期目标",
        "已达成",
        "完成",
        "已完成",
        "全部完成",
        "顺利完成",
        "按期完成",
        "按时完成",
        "如期完成",
        "圆满完成",
        "按时",
        "及时",
        "是",
        "已使用",
        "投入使用",
        "已投入使用",
        "得到应用",
        "已应用",
        "有效",
        "达标",
        "已达标",
        "合格",
        "符合",
        "符合要求",
        "良好",
        "满意",
        "正常",
        "正常运行",
    }
)
NEGATION_PREFIXES = ("没有", "未", "不", "无")
NEGATION_WORDS = frozenset({"否"})
# The tier names themselves, as offered by the generated forms' dropdowns, mean what they say
# whatever the target's wording.
MISSED_WORDS = frozenset({"未达成", "未达到", "未完成"})
# 不断/无偿… start with a negation character without negating anything.
NOT_NEGATIONS = ("不断", "无偿", "无缝", "无障碍")
PARTIAL_PREFIXES = ("大部分", "部分", "基本", "较")


def classify(target_text: str, actual_text: str) -> Tier | None:
    """The tier an actual text reaches against a qualitative target; None when undecidable."""
    target = normalise_text(target_text)
    actual = normalise_text(actual_text)
    if not actual:
        return None
    if actual == target or actual in ACHIEVED_WORDS:
        return Tier.ACHIEVED
    if actual in MISSED_WORDS:
        return Tier.MISSED
    # A target that is itself negative (无安全事故) is met by a negative actual (无事故): only the
    # officer can tell, so negation decides nothing there.
    if not _is_negated(target) and (actual in NEGATION_WORDS or _is_negated(actual)):
        return Tier.MISSED
    if actual.startswith(PARTIAL_PREFIXES):
        return Tier.PARTIAL
    return None


def _is_negated(text: str) -> bool:
    return text.startswith(NEGATION_PREFIXES) and not text.startswith(NOT_NEGATIONS)
