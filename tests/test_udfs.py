"""The Excel UDFs fed with what Excel passes: floats, None for empty cells, text, error values."""

from __future__ import annotations

import inspect
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from perfxl import udfs
from perfxl.contract.profiles import load_profile, profile_to_json
from perfxl.excel.udf_metadata import udf_metadata, vba_wrappers
from perfxl.udfs import PERF_BUDGET_SCORE, PERF_CHECK, PERF_GRADE, PERF_RATE, PERF_SCORE

CJK = re.compile(r"[\u4e00-\u9fff]")


class TestRate:
    def test_seed_rates_as_fractions(self) -> None:
        assert PERF_RATE(988374.0, 588865.0) == 0.5958
        assert PERF_RATE(1440512.0, 945926.25) == 0.6567

    def test_numbers_typed_as_text_with_thousands_separators(self) -> None:
        assert PERF_RATE("988,374", "588,865") == 0.5958

    def test_empty_input_gives_a_blank_cell(self) -> None:
        assert PERF_RATE(None, 588865.0) == ""
        assert PERF_RATE(988374.0, "  ") == ""

    def test_zero_budget_and_unusable_inputs_give_chinese_error_text(self) -> None:
        assert PERF_RATE(0.0, 5.0) == "错误：全年预算数为0"
        assert PERF_RATE("很多", 5.0) == "错误：全年预算数应为数字"
        assert PERF_RATE("#N/A", 5.0) == "错误：全年预算数为 #N/A"
        assert PERF_RATE([[1.0, 2.0]], 5.0) == "错误：全年预算数应为单个单元格"
        assert PERF_RATE(True, 5.0) == "错误：全年预算数的类型无法识别"


class TestBudgetScore:
    def test_uses_the_rounded_rate(self) -> None:
        # 1278840.70 / 1339850 → 95.45% → 9.55, not 9.54 (rules.md §2)
        assert PERF_BUDGET_SCORE(1339850.0, 1278840.7) == 9.55

    def test_seed_scores_and_default_weight(self) -> None:
        assert PERF_BUDGET_SCORE(988374.0, 588865.0) == 5.96
        assert PERF_BUDGET_SCORE(988374.0, 588865.0, None) == 5.96
        assert PERF_BUDGET_SCORE(988374.0, 588865.0, 20.0) == 11.92

    def test_capped_at_the_weight(self) -> None:
        assert PERF_BUDGET_SCORE(100.0, 130.0) == 10.0

    def test_blank_and_bad(self) -> None:
        assert PERF_BUDGET_SCORE(None, None) == ""
        assert PERF_BUDGET_SCORE(0.0, 1.0) == "错误：全年预算数为0"
        assert PERF_BUDGET_SCORE(1.0, 1.0, "十") == "错误：分值应为数字"


class TestScore:
    @pytest.mark.parametrize(
        ("target", "actual", "weight", "expected"),
        [
            (">=90%", 0.88, 5.0, 4.89),  # a cell showing 88% holds 0.88
            (">=90%", "88%", 5.0, 4.89),
            (">=90%", "88", 5.0, 4.89),  # text without % against a % target means 88%
            ("=100%", 1.0, 10.0, 10.0),
            (">=3次", "18次", 10.0, 10.0),
            (">=3次", 2.0, 9.0, 6.0),
            ("≥500人次", "1,745人次", 10.0, 10.0),
            ("顺利完成", "较顺利", 4.0, 2.8),
            ("及时", "不及时", 1.0, 0.0),
            ("不高于5%", 0.1, 10.0, 5.0),
            ("0起", 0.0, 5.0, 5.0),
            (5.0, 5.0, 3.0, 3.0),  # a target cell holding a bare number
        ],
    )
    def test_rule_scores(self, target: object, actual: object, weight: float, expected: float) -> None:
        assert PERF_SCORE(target, actual, weight) == expected

    def test_blank_inputs(self) -> None:
        assert PERF_SCORE(None, 1.0, 5.0) == ""
        assert PERF_SCORE(">=90%", None, 5.0) == ""
        assert PERF_SCORE(">=90%", 0.9, None) == ""

    def test_texts_instead_of_scores(self) -> None:
        assert PERF_SCORE("顺利完成", "还可以", 4.0) == "请人工评分"
        assert PERF_SCORE(">=90%", "18次", 5.0) == "错误：单位与指标值不一致"
        assert PERF_SCORE(">=abc", "1", 5.0) == "错误：指标值无法识别"
        assert PERF_SCORE(">=90%", "很好", 5.0) == "错误：完成值应为数值"
        assert PERF_SCORE(">=90%", "#DIV/0!", 5.0) == "错误：实际完成值为 #DIV/0!"
        assert PERF_SCORE(">=90%", 0.9, "五") == "错误：分值应为数字"


class TestGrade:
    @pytest.mark.parametrize(
        ("total", "grade"),
        [
            (92.57, "优"),
            (90.0, "优"),
            (89.96, "良"),
            (80.0, "良"),
            (79.99, "中"),
            (60.0, "中"),
            (59.99, "差"),
            ("85", "良"),
        ],
    )
    def test_bands(self, total: object, grade: str) -> None:
        assert PERF_GRADE(total) == grade

    def test_blank_and_bad(self) -> None:
        assert PERF_GRADE(None) == ""
        assert PERF_GRADE("#REF!") == "错误：总分为 #REF!"


class TestCheck:
    def test_fine_rows_give_an_empty_cell(self) -> None:
        assert PERF_CHECK(">=3次", "3次", 10.0, 10.0, None) == ""
        assert PERF_CHECK(">=90%", 0.88, 5.0, 4.0, "受疫情影响") == ""  # override inside the band, with a reason
        assert PERF_CHECK(">=90%", None, 5.0, "", None) == ""  # not filled in yet

    def test_missing_reason(self) -> None:
        assert PERF_CHECK(">=90%", 0.88, 5.0, 4.89, None) == "得分低于分值，须填写偏差原因分析及改进措施"

    def test_several_findings_are_joined(self) -> None:
        text = PERF_CHECK("顺利完成", "较顺利", 15.0, 16.0, "")
        assert "得分 16 超过分值 15" in text
        assert "不在「部分达成」档的得分区间" in text
        assert "；" in text

    def test_score_cell_showing_a_formula_text(self) -> None:
        assert PERF_CHECK("顺利完成", "还可以", 4.0, "请人工评分", None) == (
            "无法根据「还可以」自动判定是否达成「顺利完成」，请人工填写得分"
        )

    def test_over_achievement_asks_for_a_reason(self) -> None:
        assert "超额完成" in PERF_CHECK(">=500人次", "1745人次", 10.0, 10.0, None)


class TestProfileArgument:
    """A form generated for a list with its own profile passes it to every UDF (a name or JSON)."""

    def test_named_and_spelled_out_profiles(self) -> None:
        assert PERF_SCORE("顺利完成", "较顺利", 4.0, "mof-2020") == 2.8
        custom = profile_to_json(load_profile().with_overrides({"partial_share": 0.5}))
        assert PERF_SCORE("顺利完成", "较顺利", 4.0, custom) == 2.0
        strict = profile_to_json(load_profile().with_overrides({"grades": [95, 85, 70]}))
        assert PERF_GRADE(92.57, strict) == "良"
        assert PERF_RATE(3.0, 1.0, profile_to_json(load_profile().with_overrides({"rate_decimals": 2}))) == 0.33

    def test_unknown_profile_is_reported_in_the_cell(self) -> None:
        assert PERF_GRADE(90.0, "guangdong-2030") == "错误：评分配置无法识别"
        assert PERF_GRADE(90.0, "{not json") == "错误：评分配置无法识别"


EXCEL_VALUES = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.booleans(),
    st.sampled_from(["#N/A", "#VALUE!", ">=90%", "较顺利", "1,745人次", "", "  "]),
    st.lists(st.floats(allow_nan=False), max_size=3),
)


@pytest.mark.slow  # a hypothesis search
@given(EXCEL_VALUES, EXCEL_VALUES, EXCEL_VALUES, EXCEL_VALUES, EXCEL_VALUES)
def test_a_udf_never_raises(a: object, b: object, c: object, d: object, e: object) -> None:
    for result in (
        PERF_RATE(a, b),
        PERF_BUDGET_SCORE(a, b, c),
        PERF_SCORE(a, b, c),
        PERF_GRADE(a),
        PERF_CHECK(a, b, c, d, e),
    ):
        assert isinstance(result, (float, str))


class TestXlwingsRegistration:
    def test_every_udf_is_registered_under_its_python_name(self) -> None:
        metadata = udf_metadata()
        assert set(metadata) == {f.__name__ for f in udfs.UDFS}

    def test_wrapper_signatures_match_the_python_functions(self) -> None:
        for name, record in udf_metadata().items():
            parameters = inspect.signature(getattr(udfs, name)).parameters
            assert [a["name"] for a in record["args"]] == list(parameters)
            optional = {a["name"] for a in record["args"] if "optional" in a}
            assert optional == {p for p, v in parameters.items() if v.default is not inspect.Parameter.empty}

    def test_every_argument_and_function_is_explained_in_chinese(self) -> None:
        for record in udf_metadata().values():
            assert CJK.search(record["ret"]["doc"])
            for argument in record["args"]:
                assert CJK.search(argument["doc"]), argument
                assert argument["options"].get("err_to_str") is True

    def test_vba_wrappers_call_the_perfxl_module(self) -> None:
        text = vba_wrappers()
        assert text.count("Function PERF_") == 5
        assert 'XLPy.CallUDF("perfxl.udfs", "PERF_BUDGET_SCORE", Array(budget, executed, weight, profile)' in text
        assert "Function PERF_BUDGET_SCORE(budget, executed, Optional weight, Optional profile)" in text
        assert text.isascii()
