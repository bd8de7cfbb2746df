"""建议复核得分 and 复核总分 (review.md, issue 11 item 4): the rulebook's deductions applied to the 自评得分,
rounded as rules.md §3 rounds scores."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from perfxl.core.numbers import round_half_up
from perfxl.core.profile import Profile

ZERO = Decimal(0)


def suggested_score(
    self_score: Decimal | None, weight: Decimal, deduction: Decimal, profile: Profile
) -> Decimal | None:
    """max(0, 自评得分 − deduction × 分值), rounded half-up to the profile's score decimals; None without a
    自评得分. ``deduction``: the largest share of the findings on the row (docs/decisions.md, Review)."""
    if self_score is None:
        return None
    return round_half_up(max(ZERO, self_score - deduction * weight), profile.score_decimals)


def review_total(budget_score: Decimal | None, suggested: Sequence[Decimal | None], profile: Profile) -> Decimal | None:
    """预算执行率得分 + Σ 建议复核得分, rounded as the core rounds 总分; None where any of them is missing."""
    scores = [budget_score, *suggested]
    if any(score is None for score in scores):
        return None
    return round_half_up(sum((s for s in scores if s is not None), ZERO), profile.score_decimals)
