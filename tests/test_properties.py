"""Property tests: invariants of rules.md §2–§4 over random inputs."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perfxl.contract.profiles import load_profile
from perfxl.core.budget import Funds, FundsRow, budget_score, evaluate_budget
from perfxl.core.indicator import IndicatorInput, evaluate_indicator
from perfxl.core.numbers import round_half_up, to_decimal
from perfxl.core.qualitative import Tier

pytestmark = pytest.mark.slow  # hundreds of hypothesis examples per property

D = Decimal
RATIO = load_profile()
LINEAR = RATIO.with_overrides({"reverse_rule": "linear"})
PROPERTY = settings(database=None, deadline=None, max_examples=300)

POSITIVE_OPS = [">=", "≥", "＞＝", ">", "=", "", "不低于", "达到"]
REVERSE_OPS = ["<=", "≤", "＜＝", "<", "不超过", "低于"]
UNITS = ["", "%", "次", "人次", "万元", "天"]

targets = st.decimals(min_value=D("0.01"), max_value=D("100000"), places=2)
actuals = st.decimals(min_value=D("-1000"), max_value=D("1000000"), places=3)
weights = st.decimals(min_value=D("0"), max_value=D("100"), places=2)
profiles = st.sampled_from([RATIO, LINEAR])


def _text(number: Decimal) -> str:
    return format(number, "f")


def rule_score(op: str, a: Decimal, unit: str, b: Decimal, weight: Decimal, profile) -> Decimal | None:
    row = IndicatorInput("产出指标", "数量指标", "随机指标", f"{op}{_text(a)}{unit}", weight, f"{_text(b)}{unit}")
    return evaluate_indicator(row, profile).rule.score


# --- rule scores stay within [0, w] ---------------------------------------------------------------


@PROPERTY
@given(
    op=st.sampled_from(POSITIVE_OPS + REVERSE_OPS),
    a=targets,
    unit=st.sampled_from(UNITS),
    b=actuals,
    weight=weights,
    profile=profiles,
)
def test_quantitative_rule_score_stays_within_zero_and_the_weight(op, a, unit, b, weight, profile):
    score = rule_score(op, a, unit, b, weight, profile)
    assert score is not None
    assert D(0) <= score <= weight


@PROPERTY
@given(
    op=st.sampled_from(POSITIVE_OPS + REVERSE_OPS),
    a=st.sampled_from([D(0), D("-5"), D("-0.5")]),
    b=actuals,
    weight=weights,
)
def test_zero_and_negative_targets_score_zero_or_the_weight(op, a, b, weight):
    score = rule_score(op, a, "", b, weight, RATIO)
    assert score in (D(0), weight)


QUALITATIVE_TARGETS = ["完成", "及时", "顺利完成", "合理", "有效", "流畅", "得到应用", "无安全事故"]
QUALITATIVE_WORDS = [
    "完成",
    "已完成",
    "达成",
    "及时",
    "是",
    "投入使用",
    "顺利完成",
    "未完成",
    "不及时",
    "没有完成",
    "无效",
    "否",
    "较顺利",
    "基本完成",
    "部分完成",
    "大部分完成",
    "进行中",
    "无事故",
]


@PROPERTY
@given(
    target=st.sampled_from(QUALITATIVE_TARGETS),
    actual=st.one_of(st.sampled_from(QUALITATIVE_WORDS), st.text(max_size=12)),
    weight=weights,
    profile=profiles,
)
def test_qualitative_rule_score_stays_within_zero_and_the_weight(target, actual, weight, profile):
    row = IndicatorInput("效益指标", "社会效益指标", "随机指标", target, weight, actual)
    rule = evaluate_indicator(row, profile).rule
    if rule.score is None:
        return
    assert D(0) <= rule.score <= weight
    # rules.md §4: 达成 → w; 未达成 → 0 by default; 部分达成 → partial_share × w.
    expected = {
        Tier.ACHIEVED: weight,
        Tier.MISSED: D(0),
        Tier.PARTIAL: round_half_up(weight * profile.partial_share, profile.score_decimals),
    }
    assert rule.score == expected[rule.tier]


# --- monotonicity ----------------------------------------------------------------------------------


@PROPERTY
@given(
    op=st.sampled_from(POSITIVE_OPS),
    a=targets,
    unit=st.sampled_from(UNITS),
    b=st.lists(actuals, min_size=2, max_size=2),
    weight=weights,
)
def test_positive_target_score_never_falls_as_the_actual_rises(op, a, unit, b, weight):
    low, high = sorted(b)
    assert rule_score(op, a, unit, low, weight, RATIO) <= rule_score(op, a, unit, high, weight, RATIO)


@PROPERTY
@given(
    op=st.sampled_from(REVERSE_OPS),
    a=targets,
    unit=st.sampled_from(UNITS),
    b=st.lists(actuals, min_size=2, max_size=2),
    weight=weights,
    profile=profiles,
)
def test_reverse_target_score_never_rises_as_the_actual_rises(op, a, unit, b, weight, profile):
    low, high = sorted(b)
    assert rule_score(op, a, unit, low, weight, profile) >= rule_score(op, a, unit, high, weight, profile)


# --- rounding like Excel's ROUND -------------------------------------------------------------------


def _excel_round_thousandths_to_hundredths(thousandths: int) -> Decimal:
    """Half away from zero with integer arithmetic only: n/1000 rounded to 2 places."""
    quotient, remainder = divmod(abs(thousandths), 10)
    if remainder >= 5:
        quotient += 1
    sign = -1 if thousandths < 0 else 1
    return D(sign * quotient).scaleb(-2)


@PROPERTY
@given(thousandths=st.integers(min_value=-(10**15 - 1), max_value=10**15 - 1))
def test_round_half_up_of_a_float_cell_equals_excel_round(thousandths):
    # rules.md §3: "Half away from zero, like Excel's ROUND, on decimal values: 9.545 → 9.55."
    # Up to 15 significant digits, as Excel keeps them.
    exact = D(thousandths).scaleb(-3)
    cell = float(exact)
    assert to_decimal(cell) == exact
    assert round_half_up(to_decimal(cell), 2) == _excel_round_thousandths_to_hundredths(thousandths)


@PROPERTY
@given(thousandths=st.integers(min_value=-(10**15 - 1), max_value=10**15 - 1))
def test_round_half_up_of_a_decimal_equals_excel_round(thousandths):
    exact = D(thousandths).scaleb(-3)
    assert round_half_up(exact, 2) == _excel_round_thousandths_to_hundredths(thousandths)


# --- budget score stays within [0, budget_weight] when capped -----------------------------------


@PROPERTY
@given(
    annual=st.decimals(min_value=D("0.01"), max_value=D("10000000000"), places=2),
    executed=st.decimals(min_value=D("-1000000"), max_value=D("100000000000"), places=2),
)
def test_budget_score_stays_within_zero_and_the_budget_weight(annual, executed):
    assert RATIO.cap_budget_rate
    result = evaluate_budget(Funds(fiscal=FundsRow(annual, annual, executed)), RATIO)
    assert result.score is not None
    assert D(0) <= result.score <= RATIO.budget_weight


@PROPERTY
@given(
    rate=st.decimals(min_value=D("-1"), max_value=D("100"), places=4),
    weight=st.decimals(min_value=D("0"), max_value=D("100"), places=2),
)
def test_capped_budget_score_of_any_rate_stays_within_zero_and_the_weight(rate, weight):
    score = budget_score(rate, weight, RATIO)
    assert D(0) <= score <= weight
