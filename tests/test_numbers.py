"""rules.md §3: every number becomes an exact Decimal, and rounds half away from zero like Excel's ROUND."""

from __future__ import annotations

from decimal import Decimal

import pytest

from perfxl.core.numbers import NotANumber, round_half_up, shown, to_decimal, to_float

D = Decimal


# --- to_decimal ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, D("0")),
        (10, D("10")),
        (-3, D("-3")),
        (1339850, D("1339850")),
        (D("1278840.70"), D("1278840.70")),
        (D("-0.5"), D("-0.5")),
    ],
)
def test_int_and_decimal_are_taken_exactly(value, expected):
    result = to_decimal(value)
    assert isinstance(result, Decimal)
    assert result == expected


def test_decimal_is_returned_unchanged():
    value = D("9.545")
    assert to_decimal(value) is value


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.88, D("0.88")),  # a cell showing 88% holds 0.88 (rules.md §4)
        (2.675, D("2.675")),  # the binary float is 2.67499999…; the typed number was 2.675
        (9.545, D("9.545")),
        (1.005, D("1.005")),
        (1278840.7, D("1278840.7")),
        (945926.25, D("945926.25")),
        (0.1 + 0.2, D("0.3")),  # Excel's 15 significant digits show 0.3
        (100.0, D("100")),
        (-2.5, D("-2.5")),
        (1e16, D("10000000000000000")),
    ],
)
def test_float_is_read_as_the_decimal_excel_shows(value, expected):
    assert to_decimal(value) == expected


def test_round_float_has_no_exponent_form():
    # format(100.0, ".15g") is "100", format(1e16, ".15g") is "1e+16": neither may leak an exponent.
    assert str(to_decimal(100.0)) == "100"
    assert str(to_decimal(1e16)) == "10000000000000000"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", D("0")),
        ("42", D("42")),
        ("3.14", D("3.14")),
        ("-7.5", D("-7.5")),
        ("+7.5", D("7.5")),
        (".5", D("0.5")),
        ("-.5", D("-0.5")),
        ("  12.50  ", D("12.50")),
        ("1,745", D("1745")),  # thousands separators (rules.md §4: `1,745`)
        ("588,865", D("588865")),
        ("945,926.25", D("945926.25")),
        ("1,234,567.89", D("1234567.89")),
        ("-1,000", D("-1000")),
    ],
)
def test_numeric_text_including_thousands_separators(text, expected):
    assert to_decimal(text) == expected


@pytest.mark.parametrize(
    "value",
    [
        "",
        "   ",
        "abc",
        "12%",
        "18次",
        "1,74",  # a thousands group must have three digits
        "12,3456",
        "1,,000",
        "1.2.3",
        "1e5",
        "--1",
        None,
        True,
        False,
        float("nan"),
        float("inf"),
        float("-inf"),
        D("NaN"),
        D("Infinity"),
        [1],
        object(),
    ],
)
def test_bad_input_raises_not_a_number(value):
    with pytest.raises(NotANumber):
        to_decimal(value)


def test_not_a_number_is_a_value_error():
    assert issubclass(NotANumber, ValueError)


# --- round_half_up ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (D("9.545"), 2, D("9.55")),  # rules.md §3: 9.545 → 9.55
        (D("9.544"), 2, D("9.54")),
        (D("1.005"), 2, D("1.01")),  # Python's round(1.005, 2) gives 1.0
        (D("2.675"), 2, D("2.68")),
        (D("0.125"), 2, D("0.13")),  # banker's rounding would give 0.12
        (D("-2.5"), 0, D("-3")),  # away from zero, as Excel's ROUND(-2.5, 0)
        (D("2.5"), 0, D("3")),
        (D("-9.545"), 2, D("-9.55")),
        (D("-1.005"), 2, D("-1.01")),
        (D("0.95446"), 4, D("0.9545")),  # 1278840.70 / 1339850, rules.md §2
        (D("0.595785"), 4, D("0.5958")),
        (D("0.00005"), 4, D("0.0001")),
        (D("4.8888"), 2, D("4.89")),  # 考生满意度 5 × 88 / 90
        (D("10"), 2, D("10.00")),
    ],
)
def test_round_half_up_at_five_boundaries(value, decimals, expected):
    result = round_half_up(value, decimals)
    assert result == expected
    assert result.as_tuple().exponent == -decimals


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (2.675, D("2.68")),  # round(2.675, 2) == 2.67 in Python: the float is below the half
        (1.005, D("1.01")),  # round(1.005, 2) == 1.0
        (9.545, D("9.55")),
        (0.285, D("0.29")),
    ],
)
def test_rounding_a_float_through_to_decimal_matches_excel(number, expected):
    assert round(number, 2) != float(expected)  # the trap the spec warns about
    assert round_half_up(to_decimal(number), 2) == expected


def test_to_float_passes_none_through():
    assert to_float(None) is None
    assert to_float(D("9.55")) == 9.55


# --- numbers as large as a cell holds (issue 9) -------------------------------------------------------

HUGE = (1e28, 1e30, 1e300, -1e28, 9.99e307, 1.7976931348623157e308)


@pytest.mark.parametrize("number", HUGE)
def test_a_cell_s_largest_numbers_are_read_exactly_as_excel_shows_them(number):
    value = to_decimal(number)  # used to raise InvalidOperation from 1E+28 on (decimal's 28 digits)
    assert float(value) == number
    if number < 1.7976931348623e308:  # 15 digits of the largest doubles would be beyond them: all are kept
        assert value == D(format(number, ".15g"))


@pytest.mark.parametrize("number", HUGE)
@pytest.mark.parametrize("decimals", [0, 2, 4])
def test_round_half_up_of_huge_numbers_does_not_raise(number, decimals):
    value = to_decimal(number)
    assert round_half_up(value, decimals) == value
    assert round_half_up(value * D("1.5"), decimals) == value * D("1.5")
    assert round_half_up(-value, decimals) == -value


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        # beyond 28 digits, still exact and half away from zero
        (D("12345678901234567890123456789.005"), 2, D("12345678901234567890123456789.01")),
        (D("-12345678901234567890123456789.5"), 0, D("-12345678901234567890123456790")),
        (D("1E+28") + D("0.4"), 0, D("1E+28")),  # the sum is rounded to 28 digits before ROUND sees it
    ],
)
def test_round_half_up_beyond_decimal_s_default_precision(value, decimals, expected):
    assert round_half_up(value, decimals) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D("588865"), "588865"),
        (D("945926.25"), "945926.25"),
        (D("10.00"), "10.00"),
        (D("1E+1"), "10"),
        (D("0"), "0"),
        (D("-0.5"), "-0.5"),
        (D("999999999999999"), "999999999999999"),
        (D("1E+15"), "1E+15"),
        (D("1E+28"), "1E+28"),
        (D("1.000000000000000000000000000E+28"), "1E+28"),
        (D("10000000000000000000000000000.00"), "1E+28"),
        (D("-1E+28"), "-1E+28"),
        (D("9.99E+307"), "9.99E+307"),
        (D("1.01176275377539E+24"), "1.01176275377539E+24"),
        (D("1.2345678901234567890E+30"), "1.23456789012346E+30"),  # 15 significant digits, as Excel
        (D("1E-300"), "1E-300"),
    ],
)
def test_shown_writes_huge_numbers_in_excel_s_e_notation(value, expected):
    assert shown(value) == expected
