"""rules.md §4, target grammar and actual values: operator + number + unit, or text."""

from __future__ import annotations

from decimal import Decimal

import pytest

from perfxl.core.grammar import Op, normalise_text, parse_actual, parse_target

D = Decimal


# --- operators -------------------------------------------------------------------------------------
# rules.md §4: `>= ≥ ＞＝ 不低于 不少于 达到 以上`→ ≥; `> ＞ 高于 超过`→ >;
# `<= ≤ ＜＝ 不高于 不超过 以内 以下 控制在…内`→ ≤; `< ＜ 低于`→ <; `= ＝` or none → =.


@pytest.mark.parametrize(
    ("text", "op", "value", "unit"),
    [
        # → ≥
        (">=3次", Op.GE, D("3"), "次"),  # seed: 工作人员培训场次数
        ("≥95%", Op.GE, D("95"), "%"),
        ("＞＝95％", Op.GE, D("95"), "%"),
        ("＞＝９５％", Op.GE, D("95"), "%"),  # full-width digits
        ("不低于90%", Op.GE, D("90"), "%"),
        ("不少于3次", Op.GE, D("3"), "次"),
        ("达到100%", Op.GE, D("100"), "%"),
        ("95%以上", Op.GE, D("95"), "%"),
        ("500人次以上", Op.GE, D("500"), "人次"),
        # → >
        (">5", Op.GT, D("5"), ""),
        ("＞5家", Op.GT, D("5"), "家"),
        ("高于5%", Op.GT, D("5"), "%"),
        ("超过5家", Op.GT, D("5"), "家"),
        # → ≤
        ("<=5%", Op.LE, D("5"), "%"),
        ("≤5%", Op.LE, D("5"), "%"),
        ("＜＝5％", Op.LE, D("5"), "%"),
        ("不高于5%", Op.LE, D("5"), "%"),
        ("不超过5%", Op.LE, D("5"), "%"),
        ("5%以内", Op.LE, D("5"), "%"),
        ("5%以下", Op.LE, D("5"), "%"),
        ("30天以内", Op.LE, D("30"), "天"),
        ("控制在100万元内", Op.LE, D("100"), "万元"),
        ("控制在100万元以内", Op.LE, D("100"), "万元"),
        ("控制在5%以内", Op.LE, D("5"), "%"),
        # → <
        ("<5", Op.LT, D("5"), ""),
        ("＜5起", Op.LT, D("5"), "起"),
        ("低于5%", Op.LT, D("5"), "%"),
        # → =
        ("=100%", Op.EQ, D("100"), "%"),  # seed: 业务印刷工作完成率
        ("＝100％", Op.EQ, D("100"), "%"),
        ("100%", Op.EQ, D("100"), "%"),  # no operator means =
        ("=5台", Op.EQ, D("5"), "台"),  # seed: 设备购置数量
        ("0起", Op.EQ, D("0"), "起"),
    ],
)
def test_every_operator_spelling(text, op, value, unit):
    target = parse_target(text)
    assert target.error is None
    assert target.is_quantitative
    assert target.op is op
    assert target.value == value
    assert target.unit == unit
    assert target.text == text


def test_longest_operator_wins():
    # 不高于 contains 高于 and >= starts with >: the longer spelling decides.
    assert parse_target("不高于5%").op is Op.LE
    assert parse_target("不低于5%").op is Op.GE
    assert parse_target(">=5").op is Op.GE
    assert parse_target("<=5").op is Op.LE


@pytest.mark.parametrize("text", ["≥ 95 %", " >= 3 次 ", "不低于　90％"])
def test_spaces_and_full_width_spaces_are_ignored(text):
    target = parse_target(text)
    assert target.error is None
    assert target.op is Op.GE
    assert target.value in (D("95"), D("3"), D("90"))


@pytest.mark.parametrize(
    ("op", "reverse"),
    [(Op.GE, False), (Op.GT, False), (Op.EQ, False), (Op.LE, True), (Op.LT, True)],
)
def test_only_le_and_lt_are_reverse_targets(op, reverse):
    # rules.md §4: "≤, < with A > 0 (reverse)"; "≥, >, = with A > 0 (positive)".
    assert op.is_reverse is reverse


# --- units -----------------------------------------------------------------------------------------
# rules.md §4: anything after the number (`%`, `‰`, `个`, `次`, `人次`, `台`, `家`, `起`, `万元`, `元`, `天`…).


@pytest.mark.parametrize("unit", ["%", "‰", "个", "次", "人次", "台", "家", "起", "万元", "元", "天"])
def test_units(unit):
    target = parse_target(f">=12{unit}")
    assert target.error is None
    assert (target.op, target.value, target.unit) == (Op.GE, D("12"), unit)


def test_full_width_percent_is_percent():
    assert parse_target("≥95％").is_percent
    assert parse_target("≥95%").is_percent
    assert not parse_target("≥95‰").is_percent
    assert not parse_target(">=3次").is_percent


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("1,745人次", D("1745"), "人次"),  # rules.md §4: thousands separators (`1,745`)
        (">=1,000,000元", D("1000000"), "元"),
        ("＞＝１，７４５人次", D("1745"), "人次"),
        ("0.5万元", D("0.5"), "万元"),
        ("99.5%", D("99.5"), "%"),
    ],
)
def test_numbers_with_thousands_separators_and_decimals(text, value, unit):
    target = parse_target(text)
    assert target.error is None
    assert (target.value, target.unit) == (value, unit)


# --- qualitative targets ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["完成", "及时", "顺利完成", "合理", "有效", "流畅", "得到应用", "顺利发放", "无安全事故"]
)
def test_text_without_a_number_is_qualitative(text):
    target = parse_target(text)
    assert target.error is None
    assert not target.is_quantitative
    assert target.op is None and target.value is None
    assert target.text == text


@pytest.mark.parametrize(
    "text",
    [
        "2022年12月底前完成",  # tail holds 底/前/完成
        "12月底前",
        "3天后",
        "100项目完成",  # 完成
        "3次培训工作会议",  # tail longer than 4 characters
        "不低于3次培训工作会议",  # a word operator is not a comparison symbol
    ],
)
def test_number_followed_by_a_sentence_is_qualitative_text(text):
    target = parse_target(text)
    assert target.error is None
    assert not target.is_quantitative


@pytest.mark.parametrize(
    ("text", "op", "value", "unit"),
    [("≥30日", Op.GE, "30", "日"), ("≤3个工作日", Op.LE, "3", "个工作日"), ("3个工作日内", Op.LE, "3", "个工作日")],
)
def test_day_counts_are_quantities(text, op, value, unit):
    # 时效指标 are often day counts; 日 is a unit, not a date.
    target = parse_target(text)
    assert (target.op, target.value, target.unit) == (op, Decimal(value), unit)


@pytest.mark.parametrize("text", ["≥3次培训工作会议", "＞＝3次培训工作会议", ">=5年底前", "≤2022年12月底前"])
def test_comparison_symbol_before_a_sentence_is_a_parse_error(text):
    target = parse_target(text)
    assert target.error
    assert not target.is_quantitative


# --- parse errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [">=abc", "≥", ">=", "＜", "≤%"])
def test_comparison_symbol_without_a_number_is_a_parse_error(text):
    target = parse_target(text)
    assert target.error
    assert target.value is None


@pytest.mark.parametrize("text", [None, "", "   "])
def test_blank_target_is_an_error(text):
    assert parse_target(text).error


# --- actual values ---------------------------------------------------------------------------------
# rules.md §4: "A number from a cell is taken as Excel stores it: a cell showing 88% holds 0.88. For a
# percentage target, text without `%` (`"88"`) means 88%."


@pytest.mark.parametrize(
    ("actual", "target", "value", "unit"),
    [
        (0.88, ">=90%", D("88"), "%"),  # seed 考生满意度: the cell shows 88%
        (0.97, "≥95%", D("97"), "%"),
        (1, "=100%", D("100"), "%"),  # a cell showing 100% holds 1
        (0, "=100%", D("0"), "%"),
        (0.65, ">=50%", D("65"), "%"),
        (-0.05, "≤5%", D("-5"), "%"),
        (18, ">=3次", D("18"), "次"),  # a plain number takes the target's unit
        (18.0, ">=3次", D("18"), "次"),
        (1745, ">=500人次", D("1745"), "人次"),
        (1278840.7, "<=1339850元", D("1278840.7"), "元"),
        (0.88, "合理", D("0.88"), ""),
    ],
)
def test_number_actual_as_excel_stores_it(actual, target, value, unit):
    parsed = parse_actual(actual, parse_target(target))
    assert parsed.error is None
    assert not parsed.is_blank
    assert parsed.value == value
    assert parsed.unit == unit


def test_number_actual_without_a_target_keeps_its_value():
    parsed = parse_actual(0.88)
    assert (parsed.value, parsed.unit) == (D("0.88"), "")


@pytest.mark.parametrize(
    ("actual", "target", "value", "unit"),
    [
        ("18次", ">=3次", D("18"), "次"),  # rules.md §4 examples: `18次`, `97%`, `1,745人次`
        ("97%", ">=95%", D("97"), "%"),
        ("1,745人次", ">=500人次", D("1745"), "人次"),
        ("1745人次", ">=500人次", D("1745"), "人次"),
        ("88", ">=90%", D("88"), "%"),  # text "88" against a % target means 88%
        ("88.5", ">=90%", D("88.5"), "%"),
        ("８８％", ">=90%", D("88"), "%"),
        ("18", ">=3次", D("18"), "次"),
        ("-1次", ">=3次", D("-1"), "次"),
        ("5次", ">=90%", D("5"), "次"),  # the unit is kept: the mismatch is found by the scorer
        ("97%", ">=3次", D("97"), "%"),
        ("0起", "0起", D("0"), "起"),
    ],
)
def test_text_actual_uses_the_target_grammar(actual, target, value, unit):
    parsed = parse_actual(actual, parse_target(target))
    assert parsed.error is None
    assert parsed.value == value
    assert parsed.unit == unit
    assert parsed.text == actual


@pytest.mark.parametrize("actual", ["顺利完成", "较顺利", "未完成", "不及时", "2022年12月底前完成", "18次培训工作会议"])
def test_text_actual_without_a_quantity_is_qualitative(actual):
    parsed = parse_actual(actual, parse_target("完成"))
    assert parsed.error is None
    assert not parsed.is_blank
    assert parsed.value is None
    assert parsed.text == actual


@pytest.mark.parametrize("actual", [None, "", "   ", "\u3000"])
def test_blank_actual(actual):
    parsed = parse_actual(actual, parse_target(">=3次"))
    assert parsed.is_blank
    assert parsed.value is None
    assert parsed.error is None


@pytest.mark.parametrize("actual", [True, False])
def test_bool_actual_is_an_error(actual):
    parsed = parse_actual(actual, parse_target(">=90%"))
    assert parsed.error
    assert parsed.value is None
    assert not parsed.is_blank


@pytest.mark.parametrize("actual", [float("nan"), float("inf")])
def test_non_finite_number_actual_is_an_error(actual):
    parsed = parse_actual(actual, parse_target(">=90%"))
    assert parsed.error
    assert parsed.value is None


@pytest.mark.parametrize("actual", ["≥", ">=abc", "≥3次培训工作会议"])
def test_broken_actual_text_is_an_error(actual):
    assert parse_actual(actual, parse_target(">=3次")).error


# --- normalising texts -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("顺利 完成", "顺利完成"),
        (" 顺利完成。", "顺利完成"),
        ("顺利\u3000完成", "顺利完成"),
        ("ＡＢＣ级", "ABC级"),
        ("９５％", "95%"),
    ],
)
def test_normalise_text_folds_spaces_and_full_width_forms(text, expected):
    assert normalise_text(text) == expected
