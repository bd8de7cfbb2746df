"""rules.md §4 (indicator scores) and the row checks of §5."""

from __future__ import annotations

from decimal import Decimal

import pytest

from perfxl.contract.profiles import load_profile
from perfxl.core.findings import Level
from perfxl.core.indicator import IndicatorInput, IndicatorResult, evaluate_indicator
from perfxl.core.qualitative import Tier

D = Decimal
PROFILE = load_profile()
LINEAR = PROFILE.with_overrides({"reverse_rule": "linear"})
ERROR, WARNING, INFO = Level.ERROR, Level.WARNING, Level.INFO


def evaluate(target, actual, weight=10, score=None, reason="", profile=PROFILE, name="测试指标") -> IndicatorResult:
    row = IndicatorInput(
        level1="产出指标",
        level2="数量指标",
        name=name,
        target=target,
        weight=D(str(weight)),
        actual=actual,
        score=None if score is None else D(str(score)),
        reason=reason,
    )
    return evaluate_indicator(row, profile)


def found(result: IndicatorResult) -> set[tuple[Level, str]]:
    return {(f.level, f.code) for f in result.findings}


def codes(result: IndicatorResult) -> set[str]:
    return {f.code for f in result.findings}


REASON = "原因：受疫情影响；措施：调整工作计划。"


# --- quantitative, positive targets ----------------------------------------------------------------
# rules.md §4: "≥, >, = with A > 0 (positive): B ≥ A → w; else round(w × B / A, 2); B < 0 → 0."


@pytest.mark.parametrize(
    ("target", "actual", "weight", "expected"),
    [
        (">=3次", "18次", 10, D("10")),  # seed 工作人员培训场次数
        (">=3次", "3次", 10, D("10")),  # B = A
        (">=90%", "90%", 5, D("5")),  # seed 受培训人员满意度
        (">=90%", "88%", 5, D("4.89")),  # rules.md §7: 考生满意度 ≥90% / 88% / 5 → 4.89
        (">=90%", 0.88, 5, D("4.89")),  # the same cell as Excel stores it
        (">=90%", "88", 5, D("4.89")),  # text "88" against a % target means 88%
        ("=100%", "0%", 1, D("0")),  # seed 课题报告验收合格率
        ("=100%", "100%", 10, D("10")),
        ("=100%", "99%", 10, D("9.9")),
        ("=5台", "5台", 3, D("3")),
        (">=8次", "1次", 1, D("0.13")),  # 1 × 1 / 8 = 0.125 → 0.13, half away from zero
        (">=500人次", "1,745人次", 10, D("10")),
        (">5家", "5家", 10, D("10")),  # "B ≥ A → w" holds for > too
        (">5家", "4家", 10, D("8")),
        ("不低于90%", "45%", 10, D("5")),
    ],
)
def test_positive_target(target, actual, weight, expected):
    result = evaluate(target, actual, weight, reason=REASON)
    assert result.rule.score == expected
    assert result.score == expected


@pytest.mark.parametrize(("target", "actual"), [(">=3次", "-1次"), ("=100%", -0.05), (">5", "-0.01")])
def test_positive_target_with_negative_actual_scores_zero(target, actual):
    # rules.md §4: "B < 0 → 0".
    assert evaluate(target, actual, reason=REASON).rule.score == D("0")


# --- quantitative, reverse targets -----------------------------------------------------------------
# rules.md §4: "≤, < with A > 0 (reverse): B ≤ A → w; else profile `reverse_rule`: `ratio` (default)
# w × A / B; `linear` w × (1 − (B − A) / A), 0 once B ≥ 2A."


@pytest.mark.parametrize(
    ("target", "actual", "expected"),
    [
        ("<=5%", "5%", D("10")),
        ("<=5%", "2%", D("10")),
        ("<=5%", "-1%", D("10")),
        ("<5起", "5起", D("10")),  # B ≤ A → w, also for <
        ("<=5%", "7.5%", D("6.67")),  # 10 × 5 / 7.5
        ("<=5%", "10%", D("5")),
        ("<=5%", "12%", D("4.17")),
        ("不超过100万元", "125万元", D("8")),
        ("控制在100万元内", "400万元", D("2.5")),
    ],
)
def test_reverse_target_ratio_rule(target, actual, expected):
    assert PROFILE.reverse_rule == "ratio"
    assert evaluate(target, actual, reason=REASON).rule.score == expected


@pytest.mark.parametrize(
    ("target", "actual", "expected"),
    [
        ("<=5%", "5%", D("10")),
        ("<=5%", "2%", D("10")),
        ("<=5%", "6%", D("8")),  # 10 × (1 − 1/5)
        ("<=5%", "7.5%", D("5")),
        ("<=3次", "4次", D("6.67")),  # 10 × (1 − 1/3)
        ("<=5%", "9.99%", D("0.02")),
        ("<=5%", "10%", D("0")),  # B = 2A
        ("<=5%", "12%", D("0")),  # "0 once B ≥ 2A", never negative
        ("<5", "100", D("0")),
    ],
)
def test_reverse_target_linear_rule(target, actual, expected):
    assert LINEAR.reverse_rule == "linear"
    assert evaluate(target, actual, reason=REASON, profile=LINEAR).rule.score == expected


# --- zero and negative targets ---------------------------------------------------------------------
# rules.md §4: "A = 0 (`0起`, `=0`, `≤0`, `0`): B ≤ 0 → w; else 0. `≥0` → w."
# Decided where rules.md is silent: `>0`: B > 0 → w; `<0`: B < 0 → w.


@pytest.mark.parametrize(
    ("target", "actual", "expected"),
    [
        ("0起", "0起", D("10")),
        ("0起", 0, D("10")),
        ("0起", "1起", D("0")),
        ("=0", "0", D("10")),
        ("=0", "-1", D("10")),
        ("=0", "0.01", D("0")),
        ("≤0", "0", D("10")),
        ("≤0", "0.5", D("0")),
        ("0", "0", D("10")),
        ("0", "2", D("0")),
        ("≥0", "-3", D("10")),
        ("≥0", "0", D("10")),
        ("≥0", "5", D("10")),
        (">0", "1", D("10")),
        (">0", "0", D("0")),
        (">0", "-1", D("0")),
        ("<0", "-1", D("10")),
        ("<0", "0", D("0")),
        ("<0", "1", D("0")),
    ],
)
def test_zero_target(target, actual, expected):
    result = evaluate(target, actual, reason=REASON)
    assert result.rule.score == expected
    assert "over_achievement" not in codes(result)


@pytest.mark.parametrize(
    ("target", "actual"),
    [("≤-5%", "-6%"), ("≤-5%", "-5%"), (">=-5%", "-3%"), ("<-2", "-3"), ("=-1", "-1")],
)
def test_negative_target_met_scores_weight(target, actual):
    # Decided: a target with A < 0 scores w when met.
    result = evaluate(target, actual)
    assert result.rule.score == D("10")
    assert result.findings == ()


@pytest.mark.parametrize(("target", "actual"), [("≤-5%", "-3%"), (">=-5%", "-8%"), ("=-1", "-2")])
def test_negative_target_missed_scores_zero_with_a_warning(target, actual):
    # Decided: else 0 with warning code negative_target_missed.
    result = evaluate(target, actual, reason=REASON)
    assert result.rule.score == D("0")
    assert found(result) == {(WARNING, "negative_target_missed")}


# --- over-achievement ------------------------------------------------------------------------------
# rules.md §4: "B ≥ `over_achievement` × A (profile, default 1.3) on a positive target → no deduction,
# but a warning that asks for the reason"; §5: "over-achievement with an empty reason (warning)".


@pytest.mark.parametrize(
    ("target", "actual", "flagged"),
    [
        (">=10次", "13次", True),  # exactly 1.3 × A
        (">=10次", "12.99次", False),  # just below
        (">=50%", 0.65, True),  # 65% = 1.3 × 50%, from a float cell
        (">=50%", 0.6499, False),
        (">=50%", "85%", True),  # seed 职业技能鉴定合格率
        (">=3次", "18次", True),  # seed 工作人员培训场次数
        (">=500人次", "1745人次", True),  # seed 培训覆盖人次数
        ("=5台", "7台", True),  # = with A > 0 is a positive target
        (">5家", "6.5家", True),
        ("<=5%", "1%", False),  # reverse target: staying far below is the aim
        ("≥0", "100", False),  # A = 0: no ratio
    ],
)
def test_over_achievement_flag_at_exactly_the_factor(target, actual, flagged):
    result = evaluate(target, actual)
    assert result.rule.over_achieved is flagged
    assert result.score == D("10")  # no deduction either way
    assert ("over_achievement" in codes(result)) is flagged
    if flagged:
        assert found(result) == {(WARNING, "over_achievement")}


def test_over_achievement_factor_comes_from_the_profile():
    strict = PROFILE.with_overrides({"over_achievement": 2})
    assert not evaluate(">=10次", "13次", profile=strict).rule.over_achieved
    assert evaluate(">=10次", "20次", profile=strict).rule.over_achieved


@pytest.mark.parametrize("reason", ["", "   "])
def test_over_achievement_with_empty_reason_is_a_warning(reason):
    result = evaluate(">=3次", "18次", reason=reason)
    assert found(result) == {(WARNING, "over_achievement")}


def test_over_achievement_with_a_reason_has_no_warning():
    result = evaluate(">=3次", "18次", reason="疫情后培训需求集中释放，次年调高指标值。")
    assert result.rule.over_achieved
    assert result.findings == ()


# --- qualitative tiers -----------------------------------------------------------------------------
# rules.md §4: 达成 [80%, 100%]; 部分达成 [60%, 80%); 未达成 [0, 60%).


@pytest.mark.parametrize(
    ("target", "actual"),
    [
        ("顺利完成", "顺利完成"),  # seed 培训工作开展情况: B equal to A
        ("顺利发放", "顺利发放"),  # seed 证书发放情况
        ("顺利完成", "顺利 完成"),  # after normalising spaces
        ("顺利完成", "顺利完成。"),
        ("达到ABC级", "达到ＡＢＣ级"),  # and full-width forms
        ("无安全事故", "无安全事故"),  # equal wins over the negation
        ("合理", "合理"),
        ("有效", "有效"),
        ("流畅", "流畅"),
        ("得到应用", "得到应用"),
    ],
)
def test_actual_equal_to_target_is_achieved(target, actual):
    result = evaluate(target, actual, weight=5)
    assert result.tier is Tier.ACHIEVED
    assert result.rule.score == D("5")
    assert result.findings == ()


@pytest.mark.parametrize(
    "actual", ["达成", "达成年度指标", "达成预期指标", "完成", "已完成", "按时", "及时", "是", "已使用", "投入使用"]
)
def test_achieved_words_score_the_weight(actual):
    # rules.md §4: an achieved word (`达成`, `达成年度指标`, `达成预期指标`, `完成`, `已完成`, `按时`,
    # `及时`, `是`, `已使用`, `投入使用`…) → 达成, score w.
    result = evaluate("得到应用", actual, weight=5)
    assert result.tier is Tier.ACHIEVED
    assert result.rule.score == D("5")
    assert result.findings == ()


@pytest.mark.parametrize(
    ("target", "actual"),
    [
        ("完成", "未完成"),  # seed 课题报告完成情况
        ("及时", "不及时"),  # seed 课题报告完成及时性
        ("得到应用", "未应用"),  # seed 课题应用情况
        ("完成", "没有完成"),
        ("有效", "无效"),
        ("得到应用", "否"),
        ("流畅", "不流畅"),
    ],
)
def test_negated_actual_is_missed_and_scores_zero(target, actual):
    # rules.md §4: "Negated B (`未…`, `不…`, `没有…`, `无…`, `否`) → 未达成, default 0."
    result = evaluate(target, actual, weight=1, reason=REASON)
    assert result.tier is Tier.MISSED
    assert result.rule.score == D("0")
    assert result.findings == ()


@pytest.mark.parametrize(
    ("target", "actual", "weight", "expected"),
    [
        ("顺利完成", "较顺利", 4, D("2.8")),  # rules.md §7: 鉴定考试完成情况 → 部分达成, 2.8
        ("顺利完成", "较顺利", 15, D("10.5")),  # expected.yaml: 考务工作完成情况 0.7 × 15
        ("完成", "基本完成", 10, D("7")),
        ("完成", "部分完成", 10, D("7")),
        ("完成", "大部分完成", 10, D("7")),
        ("合理", "较合理", 3, D("2.1")),
        ("流畅", "基本流畅", 1, D("0.7")),
    ],
)
def test_partial_actual_scores_the_partial_share_and_asks_to_confirm(target, actual, weight, expected):
    # rules.md §4: "Partial B (`较…`, `基本…`, `部分…`, `大部分…`) → 部分达成, default `partial_share` × w
    # (profile, 0.7), with a finding asking the officer to confirm."
    result = evaluate(target, actual, weight=weight, reason=REASON)
    assert result.tier is Tier.PARTIAL
    assert result.rule.score == expected
    assert result.score == expected
    assert found(result) == {(WARNING, "partial_confirm")}


def test_partial_share_comes_from_the_profile():
    profile = PROFILE.with_overrides({"partial_share": "0.65"})
    assert evaluate("顺利完成", "较顺利", weight=10, reason=REASON, profile=profile).rule.score == D("6.5")


@pytest.mark.parametrize(
    ("target", "actual"),
    [("完成", "进行中"), ("合理", "有待评估"), ("顺利完成", "情况一般"), ("得到应用", "100%"), ("完成", "2023年完成")],
)
def test_undecidable_actual_needs_an_officer_score(target, actual):
    # rules.md §4: "Anything else → no automatic score; the officer must enter one (finding)."
    result = evaluate(target, actual, reason=REASON)
    assert result.rule.score is None
    assert result.score is None
    assert result.tier is None
    assert found(result) == {(ERROR, "needs_officer_score")}


@pytest.mark.parametrize("actual", ["无事故", "否", "没有发生事故", "未发生安全事故", "不存在"])
def test_negated_target_is_never_missed_by_a_negated_actual(actual):
    # Decided: a qualitative target that is itself negated (无安全事故) is never judged 未达成 by
    # negation of the actual: the officer decides.
    result = evaluate("无安全事故", actual, reason=REASON)
    assert result.tier is not Tier.MISSED
    assert result.rule.score is None
    assert found(result) == {(ERROR, "needs_officer_score")}


# --- unparseable inputs ----------------------------------------------------------------------------


@pytest.mark.parametrize(("target", "actual"), [(">=3次", "97%"), (">=90%", "5次"), (">=90%", "5‰")])
def test_unit_mismatch_is_an_error(target, actual):
    # rules.md §4: "A unit that contradicts the target's (`次` against `%`) is an error finding."
    result = evaluate(target, actual, reason=REASON)
    assert result.rule.score is None
    assert found(result) == {(ERROR, "unit_mismatch")}


@pytest.mark.parametrize("target", [">=abc", "≥", "≥3次培训工作会议", ""])
def test_unparseable_target_is_an_error(target):
    # rules.md §5: "target text not parseable (error)".
    result = evaluate(target, "3次", reason=REASON)
    assert result.rule.score is None
    assert found(result) == {(ERROR, "target_unparseable")}


def test_text_actual_against_a_quantitative_target_is_an_error():
    result = evaluate(">=3次", "完成", reason=REASON)
    assert result.rule.score is None
    assert found(result) == {(ERROR, "actual_not_number")}


def test_bool_actual_is_an_error():
    result = evaluate(">=3次", True, reason=REASON)
    assert result.rule.score is None
    assert found(result) == {(ERROR, "actual_unparseable")}


@pytest.mark.parametrize("actual", [None, "", "  "])
def test_blank_actual_gives_no_score_and_no_error(actual):
    result = evaluate(">=3次", actual)
    assert result.score is None
    assert found(result) == {(INFO, "actual_missing")}


# --- reasons (rules.md §5) -------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   "])
def test_score_below_weight_without_reason_is_an_error(reason):
    # rules.md §5: "得分 < 分值 … with an empty 偏差原因分析及改进措施 (error)".
    result = evaluate(">=90%", "88%", weight=5, reason=reason)
    assert result.score == D("4.89")
    assert result.tier is Tier.ACHIEVED  # 97.8% of the weight: the tier alone would not ask
    assert found(result) == {(ERROR, "reason_missing")}


def test_score_below_weight_with_reason_is_clean():
    assert evaluate(">=90%", "88%", weight=5, reason=REASON).findings == ()


def test_tier_not_achieved_without_reason_is_an_error_even_at_full_score():
    # rules.md §5: "… or tier ≠ 达成, with an empty 偏差原因分析及改进措施 (error)". With weight 0 the
    # score equals the weight, so only the tier can ask for the reason.
    result = evaluate("顺利完成", "较顺利", weight=0)
    assert result.tier is Tier.PARTIAL
    assert result.score == result.input.weight
    assert (ERROR, "reason_missing") in found(result)


def test_missed_qualitative_without_reason_is_an_error():
    result = evaluate("完成", "未完成", weight=1)
    assert found(result) == {(ERROR, "reason_missing")}


# --- officer overrides -----------------------------------------------------------------------------
# rules.md §4: "An override is legal; perfxl reports it, checks it against the tier bands and requires a
# reason. For this check a band includes both its ends (考务工作完成情况 顺利完成 / 较顺利 / 15 → 12, i.e.
# 80%, is accepted as 部分达成)."


def test_override_at_the_top_of_the_partial_band_is_accepted():
    result = evaluate("顺利完成", "较顺利", weight=15, score=12, reason=REASON, name="考务工作完成情况")
    assert result.rule.score == D("10.5")
    assert result.tier is Tier.PARTIAL
    assert result.score == D("12")
    assert result.overridden
    assert found(result) == {(INFO, "override")}


@pytest.mark.parametrize(
    ("score", "inside"),
    [
        (D("12"), True),  # 80%: top end of 部分达成, included
        (D("9"), True),  # 60%: bottom end, included
        (D("10.5"), True),  # the rule score itself (not an override at all)
        (D("12.01"), False),
        (D("13"), False),
        (D("8.99"), False),
        (D("15"), False),
        (D("0"), False),
    ],
)
def test_override_band_check_is_inclusive_at_both_ends(score, inside):
    result = evaluate("顺利完成", "较顺利", weight=15, score=score, reason=REASON, name="考务工作完成情况")
    assert result.score == score
    assert ((WARNING, "override_outside_band") not in found(result)) is inside


def test_seed_override_inside_the_partial_band():
    # rules.md §7: 鉴定考试完成情况 顺利完成 / 较顺利 / 4 → 2.8 by default (officer: 3, inside the band).
    result = evaluate("顺利完成", "较顺利", weight=4, score=3, reason=REASON, name="鉴定考试完成情况")
    assert result.rule.score == D("2.8")
    assert result.score == D("3")
    assert found(result) == {(INFO, "override")}


def test_seed_override_of_a_quantitative_row():
    # rules.md §4: 考生满意度 ≥90% / 88% / 5 → 4 where the rule gives 4.89 (4 is 80%: bottom of 达成).
    result = evaluate(">=90%", 0.88, weight=5, score=4, reason=REASON, name="考生满意度")
    assert result.rule.score == D("4.89")
    assert result.tier is Tier.ACHIEVED
    assert result.score == D("4")
    assert result.overridden
    assert found(result) == {(INFO, "override")}


def test_override_below_the_achieved_band_is_a_warning():
    result = evaluate(">=90%", 0.88, weight=5, score="3.99", reason=REASON)
    assert found(result) == {(INFO, "override"), (WARNING, "override_outside_band")}


@pytest.mark.parametrize("score", [4, 5])
def test_override_without_reason_is_an_error(score):
    # Also when the officer raises 4.89 to the full 5: an override requires a reason.
    result = evaluate(">=90%", 0.88, weight=5, score=score)
    assert found(result) == {(INFO, "override"), (ERROR, "reason_missing")}


def test_override_message_names_the_indicator_and_both_scores():
    result = evaluate(">=90%", 0.88, weight=5, score=4, reason=REASON, name="考生满意度")
    (override,) = [f for f in result.findings if f.code == "override"]
    assert "考生满意度" in override.message
    assert "4.89" in override.message


def test_score_above_weight_is_an_error():
    # rules.md §5: "得分 > 分值 … (error)".
    result = evaluate(">=90%", 0.88, weight=5, score=6, reason=REASON)
    assert (ERROR, "score_above_weight") in found(result)
    assert (ERROR, "score_negative") not in found(result)


def test_negative_score_is_an_error():
    # rules.md §5: "得分 < 0 (error)".
    result = evaluate(">=90%", 0.88, weight=5, score=-1, reason=REASON)
    assert (ERROR, "score_negative") in found(result)
    assert (ERROR, "score_above_weight") not in found(result)


def test_officer_score_equal_to_the_rule_is_not_an_override():
    # Decided: an officer score is an override only when the rule gave a different score.
    result = evaluate("完成", "未完成", weight=1, score=0, reason=REASON, name="课题报告完成情况")
    assert not result.overridden
    assert result.findings == ()
    same = evaluate(">=90%", 0.88, weight=5, score="4.890", reason=REASON)
    assert not same.overridden
    assert same.findings == ()


def test_officer_score_settles_partial_confirm():
    # Decided: a typed officer score settles partial_confirm.
    result = evaluate("顺利完成", "较顺利", weight=4, score="2.8", reason=REASON)
    assert not result.overridden
    assert result.findings == ()
    raised = evaluate("顺利完成", "较顺利", weight=4, score=3, reason=REASON)
    assert "partial_confirm" not in codes(raised)


def test_officer_score_settles_needs_officer_score_and_is_not_an_override():
    # Decided: a typed officer score settles needs_officer_score; with no rule score it is no override.
    result = evaluate("合理", "有待评估", weight=10, score=10)
    assert result.rule.score is None
    assert result.score == D("10")
    assert not result.overridden
    assert result.findings == ()


def test_officer_score_below_weight_on_an_undecidable_row_needs_a_reason():
    result = evaluate("合理", "有待评估", weight=10, score=8)
    assert found(result) == {(ERROR, "reason_missing")}


def test_officer_full_score_on_a_partial_row_without_reason():
    result = evaluate("顺利完成", "较顺利", weight=4, score=4)
    assert found(result) == {(INFO, "override"), (WARNING, "override_outside_band"), (ERROR, "reason_missing")}


def test_officer_score_on_a_blank_actual_is_taken():
    result = evaluate(">=3次", None, weight=10, score=10)
    assert result.score == D("10")
    assert result.findings == ()


@pytest.mark.parametrize(
    ("target", "actual", "warned"),
    [
        (">=90%", "0.96", True),  # 0.96% or 96%: both plausible, read as 0.96% (rules.md §4)
        (">=90%", "1.5", True),  # 1.5% or 150%
        ("<=5%", "0.5", True),
        (">=90%", "96", False),  # 9600% is not plausible: the figure, silently
        (">=90%", "2.5", False),  # 250% is beyond twice 100%
        (">=90%", "0.96%", False),  # says %
        (">=90%", "0", False),  # 0 is 0% either way
        (">=90%", 0.96, False),  # a number as Excel stores it: 96%
        (">=3次", "0.96", False),  # not a percentage target
        ("完成", "0.96", False),
    ],
)
def test_text_without_percent_against_a_percent_target_warns_how_it_is_read(target, actual, warned):
    result = evaluate(target, actual, reason="说明")
    percent = [f for f in result.findings if f.code == "percent_ambiguous"]
    assert bool(percent) is warned, result.findings
    if warned:
        assert percent[0].level is WARNING and percent[0].field == "indicator.actual"


def test_percent_text_warning_says_both_readings_and_what_to_type():
    [finding] = [f for f in evaluate(">=90%", " 0.96 ", reason="说明").findings if f.code == "percent_ambiguous"]
    assert finding.message == "指标「测试指标」的实际完成值「0.96」未带 %，按 0.96% 读取；如为 96%，请改填为「96%」"
    assert evaluate(">=90%", "0.96", reason="说明").rule.score == D("0.11")  # read as 0.96%, as the warning says
