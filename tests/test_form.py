"""rules.md §5–§7: a whole 自评表 — the two seed forms, the form checks, grades and the profile."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from perfxl.cli import bundled_example
from perfxl.contract.profiles import load_profile
from perfxl.core.budget import Funds, FundsRow
from perfxl.core.findings import Level
from perfxl.core.form import FormInput, FormResult, evaluate_form
from perfxl.core.indicator import IndicatorInput
from perfxl.core.numbers import to_decimal
from perfxl.core.profile import ProfileError, profile_from_mapping
from perfxl.projectlist import load_project_list

D = Decimal
PROFILE = load_profile()
# The seed forms (rules.md §7), as the project-list loader reads them.
SEED_FORMS = {form.name: form for form in load_project_list(bundled_example()).forms}
EXPECTED = yaml.safe_load((Path(__file__).parent / "data" / "seed-2022-expected.yaml").read_text(encoding="utf-8"))[
    "projects"
]
REASON = "原因：受疫情影响；措施：调整工作计划。"
SEED_NAMES = sorted(EXPECTED)


@pytest.fixture(params=SEED_NAMES)
def seed(request) -> tuple[FormResult, dict]:
    return evaluate_form(SEED_FORMS[request.param], PROFILE), EXPECTED[request.param]


def _codes(findings, level: Level | None = None) -> list[str]:
    return [f.code for f in findings if level is None or f.level is level]


# --- the seed forms (rules.md §7, expected.yaml) ---------------------------------------------------


def test_seed_has_both_forms():
    assert set(SEED_FORMS) == set(EXPECTED) == {"业务工作经历", "鉴定考务经费"}


def test_seed_rate_budget_score_total_and_grade(seed):
    # rules.md §7: 业务工作经历 59.58% / 5.96 / 89.96; 鉴定考务经费 65.67% / 6.57 / 92.57.
    result, expected = seed
    assert result.rate == to_decimal(expected["rate"])
    assert result.budget_score == to_decimal(expected["budget_score"])
    assert result.total == to_decimal(expected["total"])
    assert result.grade == expected["grade"]


def test_seed_rule_scores_of_the_rows_the_officers_overrode(seed):
    result, expected = seed
    by_name = {r.input.name: r for r in result.indicators}
    for name, rule_score in expected["rule_scores"].items():
        assert by_name[name].rule.score == to_decimal(rule_score), name


def test_seed_final_scores_are_the_officers_where_typed(seed):
    result, _ = seed
    for r in result.indicators:
        expected = r.input.score if r.input.score is not None else r.rule.score
        assert r.score == expected
        assert r.score is not None


def test_seed_total_is_budget_score_plus_indicator_scores(seed):
    # rules.md §3: 总分 = budget score + Σ indicator scores, each already rounded to 2 decimals.
    result, _ = seed
    assert result.total == result.budget_score + sum(r.score for r in result.indicators)


def test_seed_warnings_are_exactly_the_expected_ones(seed):
    result, expected = seed
    warned = {r.input.name for r in result.indicators if Level.WARNING in {f.level for f in r.findings}}
    assert warned == set(expected["warnings_expected"])
    # …and there is no other warning anywhere on the form.
    indicator_warnings = sum(len(_codes(r.findings, Level.WARNING)) for r in result.indicators)
    assert result.count(Level.WARNING) == indicator_warnings == len(expected["warnings_expected"])
    assert set(_codes(result.findings, Level.WARNING)) == {"over_achievement"}


def test_seed_forms_have_no_errors(seed):
    result, _ = seed
    assert _codes(result.findings, Level.ERROR) == []
    assert not result.has_errors


SEED_OVERRIDES = {
    "业务工作经历": {"鉴定考试完成情况", "考生满意度"},  # 2.8 → 3, 4.89 → 4
    "鉴定考务经费": {"考务工作完成情况", "考生满意度"},  # 10.5 → 12, 4.89 → 4
}


def test_seed_overrides_are_reported(seed):
    # rules.md §4: "An override is legal; perfxl reports it". Officer scores equal to the rule (the 0s of
    # the rows not carried out) are not overrides.
    result, _ = seed
    overridden = {r.input.name for r in result.indicators if r.overridden}
    reported = {r.input.name for r in result.indicators if "override" in _codes(r.findings, Level.INFO)}
    assert overridden == reported == SEED_OVERRIDES[result.form.name]


def test_seed_missed_indicators():
    result = evaluate_form(SEED_FORMS["业务工作经历"], PROFILE)
    # 课题报告完成情况, 课题报告验收合格率, 课题报告完成及时性, 课题应用情况, 鉴定考试完成情况, 考生满意度
    assert result.missed_indicators == 6


# --- form checks (rules.md §5) ---------------------------------------------------------------------


BASE = SEED_FORMS["鉴定考务经费"]


@pytest.mark.parametrize("field", ["name", "department", "unit"])
@pytest.mark.parametrize("blank", ["", "   "])
def test_missing_header_field_is_an_error(field, blank):
    # rules.md §5: "missing 项目名称/主管部门/实施单位 (error)".
    result = evaluate_form(replace(BASE, **{field: blank}), PROFILE)
    errors = [f for f in result.findings if f.level is Level.ERROR]
    assert [(f.code, f.field) for f in errors] == [("missing_field", field)]


def _reweighted(form: FormInput, changes: dict[str, Decimal]) -> FormInput:
    rows = [replace(r, weight=changes.get(r.name, r.weight)) for r in form.indicators]
    return replace(form, indicators=rows)


def test_weights_not_summing_to_100_is_an_error():
    # rules.md §5: "Σ 三级 分值 + budget 分值 = 100 (error)".
    form = _reweighted(BASE, {"考务人员安排完成率": D("8")})  # 101
    result = evaluate_form(form, PROFILE)
    assert "weights_total" in _codes(result.findings, Level.ERROR)


def test_weights_summing_to_100_have_no_weight_findings():
    result = evaluate_form(BASE, PROFILE)
    assert not {"weights_total", "level1_weight"} & set(_codes(result.findings))


def test_level1_weights_other_than_the_profile_are_warnings():
    # rules.md §5: each 一级 total vs profile weights 产出50/效益30/满意度10 (warning: the MoF allows
    # adjustment; the seed's 职业培训基础能力建设资助 uses 55/25/10).
    form = _reweighted(BASE, {"考务人员安排完成率": D("12"), "考务工作完成情况": D("10")})  # 55/25/10
    result = evaluate_form(form, PROFILE)
    level1 = [f for f in result.findings if f.code == "level1_weight"]
    assert len(level1) == 2
    assert {f.level for f in level1} == {Level.WARNING}
    assert any("产出指标" in f.message for f in level1)
    assert any("效益指标" in f.message for f in level1)
    assert not any("满意度指标" in f.message for f in level1)
    assert "weights_total" not in _codes(result.findings)


def test_form_without_indicators_is_an_error():
    result = evaluate_form(replace(BASE, indicators=[]), PROFILE)
    assert "no_indicators" in _codes(result.findings, Level.ERROR)


def test_total_is_none_while_an_indicator_has_no_score():
    # Decided: total is None unless the budget score and every indicator score exist.
    rows = list(BASE.indicators)
    rows[0] = replace(rows[0], actual=None)
    result = evaluate_form(replace(BASE, indicators=rows), PROFILE)
    assert result.budget_score == D("6.57")
    assert result.indicators[0].score is None
    assert result.total is None
    assert result.grade is None


def test_total_is_none_while_the_budget_has_no_score():
    funds = Funds(fiscal=FundsRow(initial=D("5736420"), annual=D("1440512")))
    result = evaluate_form(replace(BASE, funds=funds), PROFILE)
    assert result.budget_score is None
    assert all(r.score is not None for r in result.indicators)
    assert result.total is None
    assert result.grade is None


def test_total_is_none_with_a_zero_budget():
    funds = Funds(fiscal=FundsRow(D("0"), D("0"), D("0")))
    result = evaluate_form(replace(BASE, funds=funds), PROFILE)
    assert result.total is None
    assert "budget_zero" in _codes(result.findings, Level.ERROR)


# --- grades (rules.md §5: 优 ≥ 90, 良 [80, 90), 中 [60, 80), 差 < 60) --------------------------------


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        ("100", "优"),
        ("90", "优"),
        ("89.99", "良"),
        ("80", "良"),
        ("79.99", "中"),
        ("60", "中"),
        ("59.99", "差"),
        ("0", "差"),
    ],
)
def test_grade_bands(total, grade):
    assert PROFILE.grade(D(total)) == grade


def _one_row_form(score: Decimal) -> FormInput:
    # Budget fully executed (10) + one indicator of weight 90 scored by the officer.
    row = IndicatorInput("产出指标", "数量指标", "测试指标", ">=100%", D("90"), 1, score, REASON)
    funds = Funds(fiscal=FundsRow(D("100"), D("100"), D("100")))
    return FormInput("测试项目", "测试部门", "测试单位", funds, [row])


@pytest.mark.parametrize(
    ("score", "total", "grade"),
    [("80", "90", "优"), ("79.99", "89.99", "良"), ("70", "80", "良"), ("50", "60", "中"), ("49.99", "59.99", "差")],
)
def test_grade_of_a_form_at_the_band_edges(score, total, grade):
    result = evaluate_form(_one_row_form(D(score)), PROFILE)
    assert result.total == D(total)
    assert result.grade == grade


def test_grade_bands_come_from_the_profile():
    strict = PROFILE.with_overrides({"grades": [95, 85, 70]})
    assert strict.grade(D("92.57")) == "良"
    assert strict.grade(D("69.99")) == "差"


# --- the profile (rules.md §6) ---------------------------------------------------------------------


def test_default_profile_matches_rules_md():
    # rules.md §6: budget_weight 10 · level1_weights {产出指标: 50, 效益指标: 30, 满意度指标: 10} ·
    # cap_budget_rate true · reverse_rule ratio · over_achievement 1.3 · partial_share 0.7 · grades
    # 90/80/60 · rate_decimals 4 · score_decimals 2.
    assert PROFILE.name == "mof-2020"
    assert PROFILE.budget_weight == D("10")
    assert dict(PROFILE.level1_weights) == {"产出指标": D("50"), "效益指标": D("30"), "满意度指标": D("10")}
    assert PROFILE.cap_budget_rate is True
    assert PROFILE.reverse_rule == "ratio"
    assert PROFILE.over_achievement == D("1.3")
    assert PROFILE.partial_share == D("0.7")
    assert PROFILE.grades == (D("90"), D("80"), D("60"))
    assert PROFILE.rate_decimals == 4
    assert PROFILE.score_decimals == 2
    assert PROFILE.tier_bounds == (D("0.8"), D("0.6"))  # rules.md §4: 达成 [80%, 100%]; 部分达成 [60%, 80%)


def test_profile_round_trips_through_a_mapping():
    assert profile_from_mapping(PROFILE.to_mapping()) == PROFILE


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"unknown_setting": 1}, "unknown_setting"),
        ({"reverse_rule": "quadratic"}, "reverse_rule"),
        ({"reverse_rule": None}, "reverse_rule"),
        ({"grades": [80, 90, 60]}, "grades"),  # not descending
        ({"grades": [90, 90, 60]}, "grades"),
        ({"grades": [90, 80]}, "grades"),
        ({"over_achievement": "0.9"}, "over_achievement"),
        ({"partial_share": "1.5"}, "partial_share"),
        ({"budget_weight": "ten"}, "budget_weight"),
        ({"cap_budget_rate": "yes"}, "cap_budget_rate"),
        ({"rate_decimals": 4.0}, "rate_decimals"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_profile_settings_raise_profile_error(change, key):
    data = {**PROFILE.to_mapping(), **change}
    with pytest.raises(ProfileError) as caught:
        profile_from_mapping(data)
    assert caught.value.key == key


def test_missing_profile_setting_raises_profile_error():
    data = PROFILE.to_mapping()
    del data["budget_weight"]
    with pytest.raises(ProfileError) as caught:
        profile_from_mapping(data)
    assert caught.value.key == "budget_weight"


def test_with_overrides_checks_too():
    with pytest.raises(ProfileError):
        PROFILE.with_overrides({"reverse_rule": "harsh"})


def test_unknown_profile_name_raises_profile_error():
    with pytest.raises(ProfileError):
        load_profile("no-such-profile")
