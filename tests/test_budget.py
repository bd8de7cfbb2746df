"""rules.md §2: budget execution — 执行率 and its score."""

from __future__ import annotations

from decimal import Decimal

import pytest

from perfxl.contract.profiles import load_profile
from perfxl.core.budget import Funds, FundsRow, budget_score, evaluate_budget, execution_rate
from perfxl.core.findings import Level
from perfxl.core.numbers import to_decimal

D = Decimal
PROFILE = load_profile()
UNCAPPED = PROFILE.with_overrides({"cap_budget_rate": False})
W = PROFILE.budget_weight


def row(initial=None, annual=None, executed=None) -> FundsRow:
    return FundsRow(*(None if v is None else to_decimal(v) for v in (initial, annual, executed)))


def found(result) -> set[tuple[Level, str]]:
    return {(f.level, f.code) for f in result.findings}


def test_default_budget_weight_is_ten():
    assert PROFILE.budget_weight == D("10")


# --- execution_rate --------------------------------------------------------------------------------
# rules.md §2: "执行率 = 全年执行数 / 全年预算数 of the 年度资金总额 row, rounded to 4 decimals (shown as 59.58%)."


@pytest.mark.parametrize(
    ("annual", "executed", "rate"),
    [
        ("988374", "588865", D("0.5958")),  # seed 业务工作经历: 59.58%
        ("1440512", "945926.25", D("0.6567")),  # seed 鉴定考务经费: 65.67%
        ("1339850", "1278840.70", D("0.9545")),  # 委托服务经费: 0.954465… → 95.45%
        ("100", "100", D("1")),
        ("100", "120", D("1.2")),  # shown as is above 100%
        ("100", "0", D("0")),
        ("3", "2", D("0.6667")),
        ("200000", "1", D("0.0000")),  # 0.000005
        ("20000", "1", D("0.0001")),  # 0.00005: half away from zero
    ],
)
def test_execution_rate_is_rounded_to_four_places(annual, executed, rate):
    result = execution_rate(D(annual), D(executed), PROFILE)
    assert result == rate
    assert result.as_tuple().exponent == -4


@pytest.mark.parametrize(("annual", "executed"), [(None, D("5")), (D("5"), None), (None, None), (D("0"), D("5"))])
def test_execution_rate_is_none_without_both_amounts_or_with_zero_budget(annual, executed):
    assert execution_rate(annual, executed, PROFILE) is None


def test_rate_decimals_come_from_the_profile():
    two = PROFILE.with_overrides({"rate_decimals": 2})
    assert execution_rate(D("1339850"), D("1278840.70"), two) == D("0.95")


# --- budget_score ----------------------------------------------------------------------------------
# rules.md §2: "得分 = round(min(执行率, 1) × 分值, 2), 分值 = 10. The rate used is the rounded one:
# 1278840.70 / 1339850 → 95.45% → 9.55 (not 9.54)."


def test_budget_score_uses_the_rounded_rate():
    exact = D("1278840.70") / D("1339850")
    assert budget_score(exact, W, PROFILE) == D("9.54")  # what the unrounded rate would give
    rate = execution_rate(D("1339850"), D("1278840.70"), PROFILE)
    assert rate == D("0.9545")
    assert budget_score(rate, W, PROFILE) == D("9.55")


def test_evaluate_budget_scores_from_the_rounded_rate_also_from_float_cells():
    for executed in (D("1278840.70"), 1278840.7, "1,278,840.70"):
        result = evaluate_budget(Funds(fiscal=row(1339850, 1339850, executed)), PROFILE)
        assert result.rate == D("0.9545")
        assert result.score == D("9.55")
        assert result.findings == ()


@pytest.mark.parametrize(
    ("rate", "score"),
    [
        (D("0.5958"), D("5.96")),  # seed 业务工作经历
        (D("0.6567"), D("6.57")),  # seed 鉴定考务经费
        (D("0.9545"), D("9.55")),
        (D("0.0005"), D("0.01")),
        (D("0.0004"), D("0.00")),
        (D("0"), D("0")),
        (D("1"), D("10")),
    ],
)
def test_budget_score(rate, score):
    assert budget_score(rate, W, PROFILE) == score


@pytest.mark.parametrize(
    ("rate", "capped", "uncapped"), [(D("1.2"), D("10"), D("12")), (D("1.0001"), D("10"), D("10"))]
)
def test_budget_score_is_capped_above_full_execution(rate, capped, uncapped):
    # rules.md §2: "Rate above 100% is shown as is; the score is capped (profile)."
    assert PROFILE.cap_budget_rate is True
    assert budget_score(rate, W, PROFILE) == capped
    assert budget_score(rate, W, UNCAPPED) == uncapped


def test_budget_score_of_no_rate_is_none():
    assert budget_score(None, W, PROFILE) is None


# --- evaluate_budget -------------------------------------------------------------------------------


def test_seed_funds():
    funds = Funds(fiscal=row(1408340, 988374, 588865), carryover=row(0, 0), other=row(0, 0))
    result = evaluate_budget(funds, PROFILE)
    assert funds.total == row(1408340, 988374, 588865)
    assert (result.rate, result.score, result.findings) == (D("0.5958"), D("5.96"), ())


def test_total_is_the_column_sum_of_the_sources():
    # rules.md §1: 年度资金总额 = 当年财政拨款 + 上年结转资金 + 其他资金, column by column.
    funds = Funds(fiscal=row(100, 80, 60), carryover=row(10, 20, 20), other=row(1, 0, 5))
    assert funds.total == row(111, 100, 85)
    result = evaluate_budget(funds, PROFILE)
    assert (result.rate, result.score) == (D("0.85"), D("8.5"))


def test_executed_above_budget_shows_the_rate_warns_and_caps_the_score():
    # rules.md §5: "全年执行数 > 全年预算数 (warning)".
    funds = Funds(fiscal=row(100, 100, 120))
    result = evaluate_budget(funds, PROFILE)
    assert result.rate == D("1.2")
    assert result.score == D("10")
    assert found(result) == {(Level.WARNING, "over_executed")}
    uncapped = evaluate_budget(funds, UNCAPPED)
    assert (uncapped.rate, uncapped.score) == (D("1.2"), D("12"))


@pytest.mark.parametrize(
    "funds",
    [Funds(), Funds(fiscal=row(initial=100)), Funds(fiscal=row(initial=100, executed=80))],
)
def test_blank_budget_gives_blank_rate_and_score(funds):
    # rules.md §2: "全年预算数 blank → rate and score blank."
    result = evaluate_budget(funds, PROFILE)
    assert result.rate is None
    assert result.score is None
    assert "budget_zero" not in {f.code for f in result.findings}


def test_zero_budget_gives_no_rate_and_an_error():
    # rules.md §2: "全年预算数 = 0 → no rate; an error finding (「全年预算数为0，无法计算执行率」)."
    result = evaluate_budget(Funds(fiscal=row(100, 0, 0), carryover=row(0, 0, 0)), PROFILE)
    assert result.rate is None
    assert result.score is None
    assert found(result) == {(Level.ERROR, "budget_zero")}
    (finding,) = result.findings
    assert "全年预算数为0，无法计算执行率" in finding.message
    assert finding.field == "funds.total.annual"


def test_zero_budget_with_spending_is_still_an_error():
    result = evaluate_budget(Funds(fiscal=row(0, 0, 50)), PROFILE)
    assert result.rate is None
    assert (Level.ERROR, "budget_zero") in found(result)


def test_stated_total_not_equal_to_the_sources_is_an_error():
    # rules.md §5: "sub-rows not summing to 年度资金总额 (error)".
    funds = Funds(fiscal=row(100, 100, 80), carryover=row(0, 20, 10), stated_total=row(100, 100, 90))
    result = evaluate_budget(funds, PROFILE)
    assert found(result) == {(Level.ERROR, "funds_sum_mismatch")}
    (finding,) = result.findings
    assert finding.field == "funds.total.annual"
    assert result.rate == D("0.75")  # computed from the sources: 90 / 120


def test_stated_total_equal_to_the_sources_is_clean():
    funds = Funds(
        fiscal=row(1408340, 988374, 588865), carryover=row(0, 0), stated_total=row("1408340.00", 988374, 588865)
    )
    assert evaluate_budget(funds, PROFILE).findings == ()


def test_stated_total_alone_is_used_when_no_source_is_filled_in():
    funds = Funds(stated_total=row(1440512, 1440512, "945926.25"))
    result = evaluate_budget(funds, PROFILE)
    assert (result.rate, result.score, result.findings) == (D("0.6567"), D("6.57"), ())


def test_blank_executed_column_stays_none():
    funds = Funds(fiscal=row(100, 100), carryover=row(0, 0), other=row(0, 0))
    assert funds.total.executed is None
    assert funds.total.annual == D("100")
    result = evaluate_budget(funds, PROFILE)
    assert result.rate is None
    assert result.score is None
    assert result.findings == ()


def test_blank_cells_in_some_sources_do_not_blank_the_total():
    # The seed leaves 全年执行数 blank for 上年结转资金 and 其他资金.
    funds = Funds(fiscal=row(1440512, 1440512, "945926.25"), carryover=row(0, 0), other=row(0, 0))
    assert funds.total.executed == D("945926.25")


def test_negative_amount_is_an_error():
    result = evaluate_budget(Funds(fiscal=row(100, 100, -5)), PROFILE)
    assert (Level.ERROR, "negative_amount") in found(result)
    assert result.score == D("0")
