"""review.md's rules, applied by perfxl.review.review_forms: each fires on a form built to trigger it and
stays silent on a near miss; the seed forms trigger only what their content breaks; the suggested scores
and totals; the cross-form rules in linear time."""

from __future__ import annotations

import cProfile
import pstats
from dataclasses import replace
from decimal import Decimal

import pytest

from perfxl.cli import bundled_example
from perfxl.core.findings import Level
from perfxl.core.form import evaluate_form
from perfxl.projectlist import load_project_list
from perfxl.review import (
    FormReview,
    Review,
    ReviewedForm,
    indicator_key,
    load_rulebook,
    resolve_rulebook,
    review_forms,
    texts,
)
from tests.support.review_forms import CLEAN_ROWS, LONG_REASON, form_input, returned, row, with_row

D = Decimal
RULEBOOK = load_rulebook()


def _review(*forms: ReviewedForm, **options: object) -> Review:
    return review_forms(list(forms), RULEBOOK, **options)  # type: ignore[arg-type]


def _one(form: ReviewedForm, **options: object) -> FormReview:
    return _review(form, **options).forms[0]


def _codes(review: FormReview) -> list[tuple[str, str]]:
    """(code, field) of every finding of a form: "form" for the form's own."""
    own = [(f.code, f.field) for f in review.findings]
    return own + [(f.code, f.field) for r in review.indicators for f in r.findings]


def _messages(review: FormReview, code: str) -> list[str]:
    return [f.message for f in review.all_findings() if f.code == code]


def test_the_clean_form_triggers_no_rule() -> None:
    review = _one(returned())
    assert _codes(review) == []
    assert review.self_total == review.review_total == D("99.00")


# -- placeholder ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["*", "**", "/", "—", "——", "--", "xx", "XX", "无", "88/100", "＊", " / "])
def test_a_placeholder_actual_fires(typed: str) -> None:
    review = _one(returned(with_row(0, actual=typed, reason=LONG_REASON)))
    assert ("placeholder", "indicators[0].actual") in _codes(review)
    finding = review.indicators[0].findings[0]
    assert finding.level is Level.ERROR and "是占位符" in finding.message and finding.deduction == 0


def test_a_placeholder_target_fires() -> None:
    review = _one(returned(with_row(2, target="/", actual="520人次", score="30")))
    assert ("placeholder", "indicators[2].target") in _codes(review)
    assert "年度指标值「/」是占位符" in _messages(review, "placeholder")[0]


@pytest.mark.parametrize("typed", ["无投诉", "3/5次", "3次", 0.88, "x3次"])
def test_text_that_only_holds_a_placeholder_character_is_not_one(typed: object) -> None:
    review = _one(returned(with_row(0, actual=typed, reason=LONG_REASON)))
    assert "placeholder" not in {code for code, _ in _codes(review)}


def test_every_row_copying_its_target_is_a_placeholder_of_the_form() -> None:
    rows = [replace(r, actual=r.target) for r in CLEAN_ROWS]
    review = _one(returned(rows))
    assert ("placeholder", "indicators.actual") in _codes(review)
    assert "每一行的实际完成值都照抄了年度指标值" in _messages(review, "placeholder")[0]
    assert review.findings[0].deduction == 0  # a form's finding lowers no score


def test_one_row_not_copied_or_no_bound_among_the_targets_is_no_copy() -> None:
    some = [replace(r, actual=r.target) for r in CLEAN_ROWS[:3]] + [CLEAN_ROWS[3]]
    assert "placeholder" not in {code for code, _ in _codes(_one(returned(some)))}
    # Bare figures and texts copied: the actual may be the target exactly (5台 delivered, 完成 done).
    plain = [
        row("产出指标", "数量指标", "设备购置数量", "5台", 60, "5台"),
        row("效益指标", "社会效益指标", "培训工作开展情况", "顺利完成", 20, "顺利完成"),
        row("满意度指标", "服务对象满意度指标", "学员满意度", "=90%", 10, "90%"),
    ]
    assert "placeholder" not in {code for code, _ in _codes(_one(returned(plain)))}


# -- rate_above_100 -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "target", "actual", "field"),
    [
        ("验收合格率", "≥105%", "106%", "indicators[1].target"),
        ("验收合格率", "≥95%", "120%", "indicators[1].actual"),
        ("验收合格率", "≥95%", 1.2, "indicators[1].actual"),  # a cell showing 120%
        ("群众满意度", "≥95%", "101%", "indicators[1].actual"),
    ],
)
def test_a_rate_above_100_percent_fires(name: str, target: str, actual: object, field: str) -> None:
    review = _one(returned(with_row(1, name=name, target=target, actual=actual, reason=LONG_REASON)))
    assert ("rate_above_100", field) in _codes(review)
    assert "超过100%" in _messages(review, "rate_above_100")[0]


@pytest.mark.parametrize(
    ("name", "target", "actual"),
    [("验收合格率", "=100%", "100%"), ("培训人次增长", "≥105%", "120%"), ("群众满意度", "≥95%", "100%")],
)
def test_a_rate_at_100_percent_or_a_growth_above_it_is_silent(name: str, target: str, actual: str) -> None:
    review = _one(returned(with_row(1, name=name, target=target, actual=actual, reason=LONG_REASON)))
    assert "rate_above_100" not in {code for code, _ in _codes(review)}


# -- cost_lower_bound -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level1", "level2", "target"),
    [
        ("产出指标", "成本指标", "≥500元"),
        ("产出指标", "成本指标", "不低于500元"),
        ("产出指标", "成本指标", ">500元"),
        ("成本指标", "经济成本指标", "≥500元"),  # 成本指标 as a 一级 (财预〔2021〕101号)
    ],
)
def test_a_cost_with_a_lower_bound_fires(level1: str, level2: str, target: str) -> None:
    changed = with_row(0, level1=level1, level2=level2, name="人均培训成本", target=target, actual="500元")
    review = _one(returned(changed))
    assert ("cost_lower_bound", "indicators[0].target") in _codes(review)
    assert "成本应控制上限" in _messages(review, "cost_lower_bound")[0]


@pytest.mark.parametrize(("level2", "target"), [("成本指标", "≤500元"), ("成本指标", "=500元"), ("数量指标", "≥500元")])
def test_a_capped_cost_or_a_floored_quantity_is_silent(level2: str, target: str) -> None:
    review = _one(returned(with_row(0, level2=level2, name="人均培训成本", target=target, actual="500元")))
    assert "cost_lower_bound" not in {code for code, _ in _codes(review)}


# -- pseudo_quantitative --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("index", "target", "said"),
    [
        (2, "≥95%社会效益明显", "把数值与定性表述混在一起"),
        (0, "≥95%社会效益明显", "把数值与定性表述混在一起"),  # under any 一级
        (2, "95%以上群众生活明显改善", "把数值与定性表述混在一起"),
        (2, "培训效果明显", "含「效果明显」"),
        (2, "就业质量有所提高", "含「有所提高」"),
        (2, "服务水平进一步提升", "含「进一步提升」"),
        (2, "社会效益显著", "含「显著」"),
    ],
)
def test_a_pseudo_quantitative_target_fires_and_deducts_30_percent(index: int, target: str, said: str) -> None:
    review = _one(returned(with_row(index, target=target, score="30" if index != 1 else "20")))
    assert ("pseudo_quantitative", f"indicators[{index}].target") in _codes(review)
    (finding,) = [f for f in review.indicators[index].findings if f.code == "pseudo_quantitative"]
    assert said in finding.message and "建议扣减分值的30%" in finding.message
    assert finding.deduction == D("0.3")
    assert review.indicators[index].suggested == D("21.00")  # 30 − 30% × 30


@pytest.mark.parametrize(
    ("index", "target"),
    [(0, "培训效果明显"), (2, "顺利完成"), (2, "2022年12月底前完成"), (2, "≥95%"), (2, ">=abc")],
)
def test_verifiable_or_non_benefit_targets_are_not_pseudo_quantitative(index: int, target: str) -> None:
    review = _one(returned(with_row(index, target=target, score="30")))
    assert "pseudo_quantitative" not in {code for code, _ in _codes(review)}


# -- missing_dimension ----------------------------------------------------------------------------------


def test_a_form_without_satisfaction_or_benefit_indicators_misses_a_dimension() -> None:
    review = _one(returned(CLEAN_ROWS[:2]))
    assert _codes(review) == [("missing_dimension", "indicators.level1")]
    assert _messages(review, "missing_dimension") == ["缺少效益指标、满意度指标：产出、效益和满意度指标应齐全，请补充"]


def test_headings_spelled_without_their_suffix_are_the_dimensions() -> None:
    rows = [replace(r, level1=r.level1.removesuffix("指标") + " ") for r in CLEAN_ROWS]
    assert "missing_dimension" not in {code for code, _ in _codes(_one(returned(rows)))}


# -- framework ------------------------------------------------------------------------------------------


def test_a_heading_under_the_wrong_level1_fires_and_scores_0() -> None:
    review = _one(returned(with_row(0, level2="社会效益指标")))
    assert _codes(review) == [("framework", "indicators[0].level2")]
    (finding,) = review.indicators[0].findings
    assert "二级指标「社会效益指标」不属于一级指标「产出指标」，应归入「效益指标」" in finding.message
    assert finding.level is Level.ERROR and finding.deduction == 1
    assert (review.indicators[0].self_score, review.indicators[0].suggested) == (D(30), D("0.00"))
    assert review.review_total == D("69.00") and review.review_grade == "中"


def test_a_heading_outside_the_framework_fires() -> None:
    review = _one(returned(with_row(0, level2="其他指标")))
    assert (
        "不在共性指标框架「产出指标」之下（数量指标、质量指标、时效指标、成本指标）"
        in _messages(review, "framework")[0]
    )


@pytest.mark.parametrize(
    ("level1", "level2"),
    [
        ("产出指标", "数量"),
        ("产出指标", "数量 指标"),
        ("产出指标", "数量指标"),
        ("成本指标", "经济成本指标"),
        ("产出指标", ""),
    ],
)
def test_framework_headings_however_spelled_and_a_level1_outside_it_are_silent(level1: str, level2: str) -> None:
    review = _one(returned(with_row(0, level1=level1, level2=level2)))
    assert "framework" not in {code for code, _ in _codes(review)}


# -- payment_as_output ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["资金支付率", "预算执行率", "项目资金支付进度"])
def test_payment_as_an_output_fires_and_scores_0(name: str) -> None:
    review = _one(returned(with_row(0, name=name, target="=100%", actual="100%")))
    assert ("payment_as_output", "indicators[0].name") in _codes(review)
    assert review.indicators[0].suggested == D("0.00")


@pytest.mark.parametrize(("index", "name"), [(2, "资金支付率"), (0, "培训完成率")])
def test_payment_as_a_benefit_or_an_output_rate_is_silent(index: int, name: str) -> None:
    review = _one(returned(with_row(index, name=name, target="=100%", actual="100%")))
    assert "payment_as_output" not in {code for code, _ in _codes(review)}


# -- duplicate_indicator --------------------------------------------------------------------------------


def test_an_indicator_twice_fires_on_its_repeat() -> None:
    rows = list(CLEAN_ROWS)
    rows[1] = replace(rows[1], name=" 培训场次 ")
    review = _one(returned(rows))
    assert _codes(review) == [("duplicate_indicator", "indicators[1].name")]
    assert "与第1个指标（二级指标「数量指标」下）重复" in _messages(review, "duplicate_indicator")[0]


def test_different_names_are_no_duplicate() -> None:
    rows = list(CLEAN_ROWS)
    rows[1] = replace(rows[1], name="培训场次合格率")
    assert _codes(_one(returned(rows))) == []


# -- over_130_no_deduction ------------------------------------------------------------------------------


@pytest.mark.parametrize(("actual", "percent"), [("4次", "133%"), ("3.9次", "130%"), ("18次", "600%")])
def test_an_actual_at_130_percent_of_the_target_without_a_reason_fires(actual: str, percent: str) -> None:
    review = _one(returned(with_row(0, actual=actual)))
    assert _codes(review) == [("over_130_no_deduction", "indicators[0].reason")]
    message = _messages(review, "over_130_no_deduction")[0]
    assert f"为年度指标值「≥3次」的{percent}（130%以上）" in message and "不扣分" in message
    assert review.indicators[0].suggested == review.indicators[0].self_score == D(30)


@pytest.mark.parametrize(
    ("target", "actual", "reason"),
    [
        ("≥3次", "3.8次", ""),
        ("≥3次", "18次", "上级临时增加培训任务，年度目标设定偏低，明年调高目标"),
        ("≤3次", "1次", ""),
    ],
)
def test_below_130_percent_with_a_reason_or_on_a_cap_is_silent(target: str, actual: str, reason: str) -> None:
    review = _one(returned(with_row(0, target=target, actual=actual, reason=reason)))
    assert "over_130_no_deduction" not in {code for code, _ in _codes(review)}


# -- reason_quality -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reason", "said"),
    [
        ("疫情影响", "只有4个字（少于10个字）"),
        ("受疫情影响部分返工了", "只有10个字"),
        ("其他原因。", "过于笼统"),
        ("无", "过于笼统"),
        ("客观原因", "过于笼统"),
    ],
)
def test_a_short_or_vague_reason_where_one_is_needed_fires(reason: str, said: str) -> None:
    review = _one(returned(with_row(1, reason=reason)))
    if said == "只有10个字":  # exactly the minimum: long enough
        assert _codes(review) == []
        return
    assert _codes(review) == [("reason_quality", "indicators[1].reason")]
    assert said in _messages(review, "reason_quality")[0]


def test_a_short_reason_where_none_is_needed_is_silent() -> None:
    review = _one(returned(with_row(0, reason="无")))  # 3次 of ≥3次: full marks, nothing to explain
    assert _codes(review) == []


def test_the_same_reason_in_forms_of_two_units_fires_on_both() -> None:
    first = returned(unit="甲区职业培训中心", name="培训甲")
    second = returned(unit="乙区职业培训中心", name="培训乙")
    review = _review(first, second)
    for form, other in zip(review.forms, ("乙区职业培训中心", "甲区职业培训中心"), strict=True):
        assert _codes(form) == [("reason_quality", "indicators[1].reason")]
        assert f"与「{other}」1个其他实施单位的自评表逐字相同（模板残留）" in _messages(form, "reason_quality")[0]


def test_the_same_reason_in_forms_of_one_unit_or_a_different_reason_is_silent() -> None:
    same_unit = _review(returned(name="培训甲"), returned(name="培训乙"))
    assert [_codes(f) for f in same_unit.forms] == [[], []]
    other = with_row(1, reason=LONG_REASON + "，下年度改进")
    different = _review(returned(unit="甲区职业培训中心"), returned(other, unit="乙区职业培训中心"))
    assert [_codes(f) for f in different.forms] == [[], []]


def test_a_reason_copied_across_many_units_names_three_of_them() -> None:
    review = _review(*(returned(unit=f"第{i}培训中心", name=f"培训{i}") for i in range(6)))
    message = _messages(review.forms[0], "reason_quality")[0]
    assert "与「第1培训中心」、「第2培训中心」、「第3培训中心」等5个其他实施单位的自评表逐字相同" in message


# -- low_execution_no_reason ----------------------------------------------------------------------------


def test_low_execution_without_an_explanation_fires() -> None:
    review = _one(returned(executed="89990"))
    assert _codes(review) == [("low_execution_no_reason", "funds.total.executed")]
    assert _messages(review, "low_execution_no_reason") == [
        "预算执行率 89.99% 低于 90%，表中未说明执行率偏低的原因：请在实际完成情况或偏差原因分析及改进措施中说明"
    ]


@pytest.mark.parametrize(
    ("executed", "goal_actual"),
    [("90000", "全年完成培训任务。"), ("50000", "因采购延期，预算执行率偏低，结余资金将按规定收回。")],
)
def test_execution_at_the_threshold_or_explained_is_silent(executed: str, goal_actual: str) -> None:
    assert _codes(_one(returned(executed=executed, goal_actual=goal_actual))) == []


def test_an_explanation_in_a_reason_counts() -> None:
    rows = with_row(1, reason="验收延迟导致尾款未支付，执行率偏低，已督促供应商整改")
    assert _codes(_one(returned(rows, executed="50000"))) == []


# -- all_full_marks -------------------------------------------------------------------------------------


def test_every_indicator_at_full_marks_fires() -> None:
    review = _one(returned(with_row(1, actual="100%", reason="")))
    assert _codes(review) == [("all_full_marks", "indicators.score")]
    assert _messages(review, "all_full_marks") == [
        "全部4个三级指标均为满分：自评可能偏宽松，请重点核实完成情况和佐证材料"
    ]


def test_every_form_of_a_unit_at_100_fires_on_each_and_one_below_keeps_it_silent() -> None:
    full = with_row(1, actual="100%", reason="")
    review = _review(returned(full, name="甲"), returned(full, name="乙"), returned(full, name="丙", unit="他单位"))
    for form in review.forms[:2]:
        assert ("all_full_marks", "total") in _codes(form)
        assert "实施单位「某区职业培训中心」的全部2张自评表均为100分" in _messages(form, "all_full_marks")[1]
    assert _codes(review.forms[2]) == [("all_full_marks", "indicators.score")]  # a unit of one form
    mixed = _review(returned(full, name="甲"), returned(name="乙"))
    assert [_codes(f) for f in mixed.forms] == [[("all_full_marks", "indicators.score")], []]


# -- no_evidence ----------------------------------------------------------------------------------------


def test_an_indicator_marked_without_evidence_scores_0() -> None:
    form = returned()
    marked = {indicator_key(form.form, CLEAN_ROWS[2])}
    review = _one(form, no_evidence=marked)
    assert _codes(review) == [("no_evidence", "indicators[2].evidence")]
    assert review.indicators[2].suggested == D("0.00") and review.indicators[2].difference == D(-30)
    assert review.review_total == D("69.00")


def test_evidence_marks_of_another_indicator_or_form_are_silent() -> None:
    form = returned()
    other = returned(name="另一项目")
    marked = {indicator_key(other.form, CLEAN_ROWS[2]), indicator_key(form.form, row("", "", "无此指标", "", 0, None))}
    assert _codes(_one(form, no_evidence=marked)) == []


# -- declared_mismatch ----------------------------------------------------------------------------------


def test_the_form_as_declared_is_silent_however_its_targets_are_spelled() -> None:
    declared = form_input([replace(r, target=r.target.replace("≥", ">=")) for r in CLEAN_ROWS])
    review = _review(returned(), declared=[declared])
    assert _codes(review.forms[0]) == [] and review.findings == ()


def test_a_changed_target_or_weight_an_added_and_a_removed_indicator_fire() -> None:
    rows = list(CLEAN_ROWS)
    rows[0] = replace(rows[0], target="≥2次")
    rows[3] = replace(rows[3], weight=D(5))
    rows.append(row("满意度指标", "服务对象满意度指标", "企业满意度", "≥90%", 5, "95%"))
    declared = form_input(
        [*CLEAN_ROWS[:2], CLEAN_ROWS[3], row("效益指标", "社会效益指标", "就业人数", "≥50人", 30, None)]
    )
    review = _review(returned(rows), declared=[declared])
    assert [(code, field) for code, field in _codes(review.forms[0]) if code == "declared_mismatch"] == [
        ("declared_mismatch", "indicators"),
        ("declared_mismatch", "indicators[0].target"),
        ("declared_mismatch", "indicators[2].name"),
        ("declared_mismatch", "indicators[3].weight"),
        ("declared_mismatch", "indicators[4].name"),
    ]
    messages = _messages(review.forms[0], "declared_mismatch")
    assert "申报的三级指标「就业人数」未出现在自评表中（删除指标）" in messages[0]
    assert "年度指标值「≥2次」与申报的「≥3次」不一致" in messages[1]
    assert "指标「培训覆盖人次」不在申报的绩效目标中（新增指标）" in messages[2]
    assert "分值 5 与申报的 10 不一致" in messages[3]


def test_a_form_not_declared_and_a_declared_project_not_returned_are_reported() -> None:
    review = _review(returned(name="未申报的项目"), declared=[form_input(name="申报的项目")])
    assert _codes(review.forms[0]) == [("declared_mismatch", "name")]
    assert (
        "申报的项目中没有实施单位「某区职业培训中心」的项目「未申报的项目」"
        in _messages(review.forms[0], "declared_mismatch")[0]
    )
    assert [f.message for f in review.findings] == [
        "申报的项目「申报的项目」（实施单位「某区职业培训中心」）没有收到自评表：请核对是否漏报"
    ]


def test_forms_are_matched_by_unit_and_project_not_department() -> None:
    review = _review(returned(department="另一个主管部门"), declared=[form_input()])
    assert _codes(review.forms[0]) == []
    assert _codes(_review(returned(unit="另一单位"), declared=[form_input()]).forms[0]) == [
        ("declared_mismatch", "name")
    ]


def test_without_a_declared_list_the_rule_stays_out() -> None:
    assert _codes(_one(returned(name="未申报的项目"))) == []


# -- scores ---------------------------------------------------------------------------------------------


def test_the_largest_deduction_of_a_row_applies_not_their_sum() -> None:
    # framework (100%) and pseudo_quantitative (30%) on one row: 0, as framework alone.
    review = _one(returned(with_row(2, level2="数量指标", target="效果明显", score="30")))
    assert [f.code for f in review.indicators[2].findings] == ["pseudo_quantitative", "framework"]
    assert review.indicators[2].deduction == 1 and review.indicators[2].suggested == D("0.00")
    # Two 30% rules' worth on one row (a bureau's rulebook): 30%, not 60%.
    two = resolve_rulebook({"rules": {"placeholder": {"deduction": 0.3}}})
    both = review_forms([returned(with_row(2, target="/", actual="效果明显", score="30"))], two).forms[0]
    assert both.indicators[2].suggested == D("21.00")


def test_a_suggested_score_rounds_half_up_and_never_goes_below_0() -> None:
    # 5.545 − 30% × 7 = 3.445 → 3.45 (half up; half-even would give 3.44).
    rows = list(CLEAN_ROWS)
    rows[2] = replace(rows[2], weight=D(7), target="效果明显", score=D("5.545"), reason=LONG_REASON)
    rows[0] = replace(rows[0], weight=D(53))
    review = _one(returned(rows))
    assert review.indicators[2].suggested == D("3.45")
    assert review.indicators[2].difference == D("-2.095")
    # 自评总分 10 + 53 + 19 + 5.545 + 10 = 97.545 → 97.55; 复核总分 10 + 53 + 19 + 3.45 + 10 = 95.45.
    assert (review.self_total, review.review_total) == (D("97.55"), D("95.45"))
    below = resolve_rulebook({"rules": {"pseudo_quantitative": {"deduction": 0.9}}})
    rows[2] = replace(rows[2], score=D("1"))
    assert review_forms([returned(rows)], below).forms[0].indicators[2].suggested == D("0.00")


def test_grades_before_and_after() -> None:
    # Two rows lose everything: 99 − 30 − 30 = 39 → 差.
    form = returned(with_row(0, level2="社会效益指标"))
    review = _one(form, no_evidence={indicator_key(form.form, CLEAN_ROWS[2])})
    assert (review.self_total, review.self_grade) == (D("99.00"), "优")
    assert (review.review_total, review.review_grade, review.difference) == (D("39.00"), "差", D("-60.00"))


def test_without_a_self_score_there_is_no_suggested_score_or_total() -> None:
    review = _one(returned(with_row(2, target="效果明显", actual="待评估")))  # no rule score, no officer score
    assert review.indicators[2].self_score is None and review.indicators[2].suggested is None
    assert review.self_total is None and review.review_total is None and review.review_grade is None


# -- overrides and the rulebook in force ----------------------------------------------------------------


def test_a_disabled_rule_is_silent_and_a_changed_setting_applies() -> None:
    form = returned(with_row(0, level2="社会效益指标", actual="4次"))
    quiet = resolve_rulebook({"rules": {"framework": {"enabled": False}}, "settings": {"over_achievement_ratio": 1.4}})
    assert _codes(review_forms([form], quiet).forms[0]) == []
    assert [c for c, _ in _codes(_one(form))] == ["framework", "over_130_no_deduction"]


def test_a_changed_severity_is_the_findings() -> None:
    book = resolve_rulebook({"rules": {"over_130_no_deduction": {"severity": "info"}}})
    review = review_forms([returned(with_row(0, actual="4次"))], book).forms[0]
    assert [f.level for f in review.all_findings()] == [Level.INFO]


# -- the seed forms -------------------------------------------------------------------------------------


def test_the_seed_forms_trigger_only_what_their_content_breaks() -> None:
    """The two published 2022 forms (perfxl/examples/2022-two-projects.yaml), against their own list:
    - low_execution_no_reason on both: 执行率 59.58% and 65.67%, below 90%, and neither the 实际完成情况
      nor any 偏差原因 says why the money was not spent;
    - over_130_no_deduction on the three rows far over their target with no reason: 工作人员培训场次数
      18次 of ≥3次 (600%), 培训覆盖人次数 1745 of ≥500 (349%), 职业技能鉴定合格率 85% of ≥50% (170%).
    Nothing else: the headings are the framework's, every dimension is there, no rate passes 100%, no
    target is a placeholder or unverifiable, no name repeats within a form, the reasons are long and
    specific (and the nearly identical 考生满意度 reasons are of one unit), the targets are as declared."""
    project_list = load_project_list(bundled_example())
    forms = [ReviewedForm(evaluate_form(f, project_list.profile), "2022-two-projects.yaml") for f in project_list.forms]
    review = review_forms(forms, RULEBOOK, declared=project_list.forms)
    first, second = review.forms
    named = {
        form.result.form.name: [(f.code, "") for f in form.findings]
        + [(f.code, row.input.name) for row in form.indicators for f in row.findings]
        for form in review.forms
    }
    assert named == {
        "业务工作经历": [
            ("low_execution_no_reason", ""),
            ("over_130_no_deduction", "工作人员培训场次数"),
            ("over_130_no_deduction", "培训覆盖人次数"),
        ],
        "鉴定考务经费": [("low_execution_no_reason", ""), ("over_130_no_deduction", "职业技能鉴定合格率")],
    }
    assert review.findings == ()
    # No rule that fired deducts: the suggested scores are the self-evaluation's (rules.md §7).
    for form, total, grade in ((first, D("89.96"), "良"), (second, D("92.57"), "优")):
        assert all(r.suggested == r.self_score for r in form.indicators)
        assert (form.self_total, form.review_total, form.self_grade, form.review_grade) == (total, total, grade, grade)


# -- cross-form rules in linear time --------------------------------------------------------------------


def _many(count: int) -> list[ReviewedForm]:
    """``count`` forms, each of its own unit, all with the same reason (the worst case of the reason
    grouping: every form is a copy of every other), and the units' totals at 100 in pairs."""
    base = returned()
    forms = []
    for i in range(count):
        form = replace(base.result.form, unit=f"第{i // 2}单位", name=f"项目{i}")
        forms.append(ReviewedForm(replace(base.result, form=form), f"{i}.xlsx", "自评表"))
    return forms


def _calls(count: int) -> tuple[int, int]:
    forms = _many(count)
    profile = cProfile.Profile()
    profile.enable()
    review_forms(forms, RULEBOOK)
    profile.disable()
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    code = texts.reason_key.__code__
    keyed = stats.get((code.co_filename, code.co_firstlineno, code.co_name), (0, 0))[1]
    return keyed, sum(entry[1] for entry in stats.values())


@pytest.mark.slow  # reviews 3,000 forms under the profiler: about a second
def test_cross_form_rules_are_linear_in_the_number_of_forms() -> None:
    (keyed_1000, calls_1000), (keyed_2000, calls_2000) = _calls(1000), _calls(2000)
    rows = len(CLEAN_ROWS)
    assert (keyed_1000, keyed_2000) == (1000 * rows, 2000 * rows)  # every reason keyed once
    # Twice the forms, twice the work (a quadratic pass would take four times as many calls).
    assert calls_2000 <= 2.05 * calls_1000, (calls_1000, calls_2000)
