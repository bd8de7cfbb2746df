"""perfxl.calc, case by case: each test asserts what Excel documents for a formula or a value.

Sources are Microsoft's function and operator pages unless a comment says otherwise; where LibreOffice
behaves differently, tests/test_calc_libreoffice.py records it. Cells are built in memory
(tests/support/cells.py) or written as real .xlsx packages for what depends on the file format.
"""

from __future__ import annotations

import time
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from perfxl.calc import BLANK, BUILTINS, ExcelError, udf
from perfxl.calc.parser import (
    Call,
    ErrorLiteral,
    FormulaSyntaxError,
    Logical,
    Missing,
    Name,
    Number,
    Reference,
    Text,
    Unary,
    parse,
    shift,
)
from perfxl.calc.values import compare, number_from_text
from perfxl.core.numbers import plain
from perfxl.readback.functions import FORM_FUNCTIONS
from perfxl.workbook.base import Ref
from perfxl.workbook.xlsx_book import XlsxBook
from tests.support.cells import engine_for, evaluate

D = Decimal
NA, VALUE, DIV0, NUM, REF, NAME = (
    ExcelError(code) for code in ("#N/A", "#VALUE!", "#DIV/0!", "#NUM!", "#REF!", "#NAME?")
)


def same(actual: object, expected: object) -> bool:
    """Equal and of the same kind: 1 is not TRUE, "1" is not 1."""
    if isinstance(expected, int | float) and not isinstance(expected, bool):
        expected = D(str(expected))
    return type(actual) is type(expected) and actual == expected


def check(formula: str, expected: object, cells: dict[str, object] | None = None) -> None:
    value = evaluate(formula, cells)
    assert same(value, expected), f"{formula}: {value!r}, expected {expected!r}"


# -- parsing ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ("=-2^2", 4),  # negation binds tighter than ^ ("Calculation operators and precedence": - before ^)
        ("=2^3^2", 64),  # ^ is left-associative: (2^3)^2
        ("=2^-2", 0.25),
        ("=-(3)^2", 9),
        ("=1+2&3", "33"),  # & comes after + and -: (1+2)&3
        ("=50%*2", 1),  # % before ^ and *
        ("=2^50%*4", D(2).sqrt() * 4),
        ("=2*3^2", 18),
        ("=10-2-3", 5),
        ("=1+1=2", True),  # comparisons last
        ('="a"&"b"="ab"', True),
        ("=1=1=1", False),  # (1=1)=1: TRUE is not the number 1
        ("=1<2=TRUE", True),
        ("=-A1%", -0.05),
    ],
)
def test_operator_precedence(formula: str, expected: object) -> None:
    check(formula, expected, {"A1": 5})


def test_strings_double_their_quotes() -> None:
    assert parse('="say ""hi"""') == Text('say "hi"')
    assert parse('=""') == Text("")
    check('=LEN("""")', 1)


def test_references_with_quoted_sheet_names_and_dollars() -> None:
    assert parse("='It''s 2022'!$B$3") == Reference("It's 2022", 3, 2, 3, 2)
    assert parse("=业务工作经历!F13") == Reference("业务工作经历", 13, 6, 13, 6)
    assert parse("=$A1:B$2") == Reference(None, 1, 1, 2, 2)
    assert parse("=B2:A1") == Reference(None, 1, 1, 2, 2)  # corners in any order
    assert parse("=A:C") == Reference(None, 1, 1, 1_048_576, 3)  # whole columns
    assert parse("=$2:3") == Reference(None, 2, 1, 3, 16_384)  # whole rows
    assert parse("=xfd1048576") == Reference(None, 1_048_576, 16_384, 1_048_576, 16_384)


def test_function_names_without_the_future_function_prefix() -> None:
    # Excel saves functions newer than 2007 as _xlfn.NAME (MS-XLSX 2.2.2); the engine calls NAME.
    assert parse("=_xlfn.IFNA(A1,0)") == Call("IFNA", (Reference(None, 1, 1, 1, 1), Number(D(0))))
    assert parse("=sum(1)") == Call("SUM", (Number(D(1)),))
    check("=_xlfn.IFNA(NA(),7)", 7)


def test_missing_arguments() -> None:
    assert parse("=IF(A1,,1)") == Call("IF", (Reference(None, 1, 1, 1, 1), Missing(), Number(D(1))))
    check("=IF(TRUE,,1)", 0)  # an omitted value is 0
    check("=IF(FALSE,1,)", 0)
    check("=IF(FALSE,1)", False)  # no value_if_false at all: FALSE


def test_literals() -> None:
    assert parse("=#DIV/0!") == ErrorLiteral("#DIV/0!")
    assert parse("=TRUE") == Logical(True)
    assert parse("=true") == Logical(True)
    assert parse("=Rate") == Name("Rate")
    assert parse("=50%") == Unary("%", Number(D(50)))
    check("=#N/A", NA)
    check("=1.5E+3", 1500)
    check("=.5", 0.5)


@pytest.mark.parametrize(
    "formula",
    [
        "=1+",
        "=(1",
        "=SUM(1",
        "=1)",
        "=,",
        "=SUM(1;2)",
        "=A1 A2",
        '="abc',
        "='Sheet!A1",
        "=",
        "=*2",
        "=1 2",
        "=XFE1",
        "=A0",
        "=A1048577",
    ],
)
def test_syntax_errors_raise(formula: str) -> None:
    with pytest.raises(FormulaSyntaxError):
        parse(formula)


@pytest.mark.parametrize(
    "formula",
    [
        "={1,2,3}",  # array constant
        "=SUM(Sheet1:Sheet3!A1)",  # 3-D reference
        "=SUM('Sheet 1:Sheet 3'!A1)",
        "=[1]Sheet1!A1",  # another workbook, as Excel stores it
        "='[预算.xlsx]Sheet1'!A1",
        "='C:\\表\\[预算.xlsx]Sheet1'!A1",
        "=SUM((A1,B1))",  # union
        "=SUM(A1:B2 B1:C2)",  # intersection
    ],
)
def test_unsupported_constructs_are_reported_not_evaluated(formula: str) -> None:
    with pytest.raises(FormulaSyntaxError):
        parse(formula)
    engine, _ = engine_for({"A1": 1, "B1": formula}, cached={"B1": 42})
    assert engine.value("S", 1, 2) == D(42)  # the value the file holds
    assert "公式无法识别" in engine.uncomputed[("S", 1, 2)]


# -- shared formulas ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("formula", "rows", "cols", "expected"),
    [
        ("=A1+$B$2+C$3+$D4", 1, 1, "=B2+$B$2+D$3+$D5"),  # relative, absolute, mixed
        ('=IF(F13="","",ROUND(G13*F13/3,2))', 2, 0, '=IF(F15="","",ROUND(G15*F15/3,2))'),
        ('="A1"&A1&"B$2"', 1, 0, '="A1"&A2&"B$2"'),  # texts untouched
        ("='My AB1'!A1+'It''s'!B2+Sheet2!C3", 1, 0, "='My AB1'!A2+'It''s'!B3+Sheet2!C4"),  # sheet names untouched
        ("=LOG10(A1)+Rate1+SUM(A1:B2)", 0, 1, "=LOG10(B1)+Rate1+SUM(B1:C2)"),  # functions and names untouched
        ("=SUM(A:A)+SUM($B:$B)+SUM(1:2)+SUM($3:$3)", 1, 1, "=SUM(B:B)+SUM($B:$B)+SUM(2:3)+SUM($3:$3)"),
        ("=A2-1", -1, 0, "=A1-1"),
        ("=A1+1", -1, 0, "=#REF!+1"),  # off the sheet: #REF!, as Excel fills it
        ("=SUM(A1:B5)", 0, -1, "=SUM(#REF!)"),
        ("=XFD1", 0, 1, "=#REF!"),
        ("=A1048576", 1, 0, "=#REF!"),
    ],
)
def test_shift(formula: str, rows: int, cols: int, expected: str) -> None:
    assert shift(formula, rows, cols) == expected


def test_a_shifted_reference_off_the_sheet_evaluates_to_ref() -> None:
    check(shift("=A1+1", -1, 0), REF)


# -- the value model ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("left", "right", "order"),
    [
        (BLANK, "", 0),
        (BLANK, D(0), 0),
        (BLANK, False, 0),
        (BLANK, BLANK, 0),  # blank is "", 0 and FALSE
        (BLANK, D(-1), 1),
        (BLANK, "a", -1),
        (BLANK, True, -1),
        (D(10**9), "", -1),
        ("", False, -1),
        (D(5), True, -1),
        ("zzz", True, -1),  # numbers < text < logical
        ("abc", "ABC", 0),
        ("完成", "完成", 0),
        ("完成", "完成 ", -1),  # case-insensitive, spaces count
        ("a", "B", -1),
        ("10", "9", -1),  # text compares as text
        ("１２３", "a", -1),
        ("¥100", "a", -1),
        ("\u3000", "a", -1),  # as a collation orders them
        ("１２３", "123", 1),  # full-width digits are not the same text
        (D("0.3"), D("0.30000000000000004"), 0),  # by Excel's 15 significant digits
        (D(1) / 3 * 3, D(1), 0),
    ],
)
def test_comparison_order(left: object, right: object, order: int) -> None:
    assert compare(left, right) == order
    assert compare(right, left) == -order


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("1,234", D(1234)),
        ("1,234,567.5", D("1234567.5")),
        ("50%", D("0.5")),
        (" 7 ", D(7)),
        ("-5", D(-5)),
        ("+5", D(5)),
        ("1e3", D(1000)),
        (".5", D("0.5")),
        ("5.", D(5)),
        ("(100)", D(-100)),
        ("2022-12-31", D(44926)),
        ("2022/12/31", D(44926)),
        ("2022年12月31日", D(44926)),
        ("12:00", D("0.5")),
        ("1900-01-01", D(1)),
        ("1900-03-01", D(61)),  # Excel keeps Lotus's 29 February 1900
        ("abc", None),
        ("", None),
        (" ", None),
        ("1,2345", None),
        ("１２３", None),
        ("\xa07", None),
        ("\t7", None),
        ("7\n", None),
        ("1e400", None),
        ("TRUE", None),
        ("2022-02-30", None),
        ("$1,234", None),
    ],
)
def test_numeric_text(text: str, number: Decimal | None) -> None:
    assert number_from_text(text) == number


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ('="1,234"+0', 1234),
        ('="50%"*2', 1),
        ('=" 7 "+0', 7),
        ('="3"*"4"', 12),  # "Excel converts text"
        ('="abc"+0', VALUE),
        ('="1,2345"+0', VALUE),
        ('=""+0', VALUE),
        ('="TRUE"+0', VALUE),
        ("=TRUE+TRUE", 2),
        ("=A1+1", 1),
        ('=A1&"x"', "x"),  # a logical and an empty cell in arithmetic
        ('=0.1+0.2&""', "0.3"),  # & shows numbers in the General format: 15 significant digits
        ('=1/3&""', "0.333333333333333"),
        ('=2/3&""', "0.666666666666667"),
        ('=-1/3&""', "-0.333333333333333"),
        ('=1E+20&""', "1E+20"),
        ('=123456789012345&""', "123456789012345"),
        ('=1E+15&""', "1E+15"),
        ('=1E-9&""', "0.000000001"),
        ('=1E-10&""', "1E-10"),
        ('=-0&""', "0"),
        ('=1.50&""', "1.5"),
        ('="A"&TRUE', "ATRUE"),  # "Calculation operators and precedence": ="A"&TRUE is ATRUE
        ("=1E+300*1E+300", NUM),
        ("=2^1024", NUM),
        ("=1E-300*1E-300", 0),  # the range of a double
        ("=0^0", NUM),
        ("=0^-1", DIV0),
        ("=(-8)^(1/3)", NUM),
        ("=(-8)^3", -512),
        ("=1/0", DIV0),
    ],
)
def test_coercions_and_arithmetic(formula: str, expected: object) -> None:
    check(formula, expected)


def test_text_of_long_results() -> None:
    assert plain(D(1) / 7, significant=15) == "0.142857142857143"
    assert plain(D("123456789012345678"), significant=15) == "1.23456789012346E+17"
    assert plain(D("-1.5E-12"), significant=15) == "-1.5E-12"


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ("=NA()+1/0", NA),
        ("=1/0+NA()", DIV0),
        ("=1/0&NA()", DIV0),
        ("=NA()=1/0", NA),  # the left error first
        ('="a"+NA()', NA),  # an error beats a conversion that fails
        ("=A1+A2", NA),
        ("=A2+A1", NA),
        ("=A2+1", VALUE),  # A1 holds #N/A, A2 "x"
        ("=A1+1/0", NA),
        ("=-A1", NA),
        ("=A1%", NA),
    ],
)
def test_errors_propagate_left_first(formula: str, expected: object) -> None:
    check(formula, expected, {"A1": NA, "A2": "x"})


def test_arithmetic_keeps_fifteen_digits_where_comparing_and_rounding() -> None:
    check("=1/3*3=1", True)
    check("=0.1+0.2=0.3", True)
    check("=INT(1/3*3)", 1)  # the double 1/3*3 is exactly 1 in Excel
    check("=ROUNDDOWN(1/3*3,0)", 1)
    check("=3*1.1=3.3", True)


# -- functions --------------------------------------------------------------------------------------------


def test_if_evaluates_only_the_branch_taken() -> None:
    check("=IF(TRUE,1,1/0)", 1)
    check("=IF(FALSE,1/0,2)", 2)
    engine, _ = engine_for({"A1": "=IF(B1>0,B1,NOSUCHFUNCTION(B1))", "B1": 5})
    assert engine.value("S", 1, 1) == D(5)
    assert engine.uncomputed == {}  # the branch with the unknown function never ran
    check("=IF(A1,1,2)", VALUE, {"A1": "abc"})  # text is not a logical value
    check('=IF("TRUE",1,2)', 1)
    check("=IF(A1,1,2)", 2, {"A1": None})  # an empty cell is FALSE
    check("=IF(0.5,1,2)", 1)


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ("=AND(FALSE,1/0)", DIV0),
        ("=OR(TRUE,NA())", NA),  # every argument is evaluated; errors propagate
        ("=AND(A1:A3)", True),
        ("=OR(A2:A3)", VALUE),  # text in a range is ignored; no logical left: #VALUE!
        ('=AND("TRUE")', VALUE),
        ('=OR("x",TRUE)', VALUE),  # text given directly is not
        ("=AND(A4)", VALUE),  # an empty cell is no logical value
        ("=AND(TRUE,1)", True),
        ("=AND(TRUE,0)", False),
        ("=OR(0,0)", False),
        ("=OR(A1:A3,A5)", NA),
        ("=AND(A6:A7)", False),  # numbers in a range count: 0 is FALSE
    ],
)
def test_and_or(formula: str, expected: object) -> None:
    check(formula, expected, {"A1": True, "A2": "x", "A3": "y", "A5": NA, "A6": 1, "A7": 0})


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ("=ISNUMBER(1/0)", False),
        ("=ISERROR(NA())", True),
        ("=ISERR(NA())", False),
        ("=ISERR(1/0)", True),
        ("=ISNA(A1)", True),
        ("=ISTEXT(A1)", False),
        ("=ISNUMBER(A2)", False),
        ("=ISNUMBER(A3)", True),
        ("=ISBLANK(A4)", True),
        ("=ISBLANK(A5)", False),
        ('=ISTEXT("")', True),
        ("=ISLOGICAL(1=1)", True),
        ("=ISNONTEXT(A4)", True),
        ("=ISNUMBER(TRUE)", False),
        ('=ISNUMBER("1")', False),
    ],
)
def test_is_functions_never_propagate_errors(formula: str, expected: object) -> None:
    check(formula, expected, {"A1": NA, "A2": "5", "A3": 5, "A5": '=""'})


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ("=SUM(A1:A4)", 1),
        ("=MIN(A2:A4)", 0),
        ("=MAX(A1:A4)", 1),  # text, logicals, blanks in ranges ignored
        ('=SUM(1,"2",TRUE)', 4),
        ('=SUM("5",15,TRUE)', 21),  # the "SUM function" example: text and TRUE typed in
        ('=MIN("3",5)', 3),
        ("=MAX(TRUE,0.5)", 1),
        ('=SUM("x")', VALUE),
        ("=SUM(A1:A5)", NA),
        ("=SUM(A1,A2,A3)", 1),  # single-cell references are references too
        ('=AVERAGE(1,2,"3")', 2),
        ("=AVERAGE(A2:A4)", DIV0),
        ("=MIN(A4)", 0),
    ],
)
def test_sum_min_max(formula: str, expected: object) -> None:
    check(formula, expected, {"A1": 1, "A2": "2", "A3": True, "A5": NA})


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ('=COUNT(1,"2","x",TRUE,1/0)', 3),  # numeric text and logicals typed as arguments count, errors do not
        ("=COUNT(A1:A6)", 1),
        ("=COUNT(A2,A3,A5)", 0),  # in references only numbers count, never failing
        ("=COUNTA(A1:A7)", 6),  # every value but an empty cell: "" and errors too
        ('=COUNTA(1,"",1/0)', 3),
        ("=COUNTA(A6)", 1),
        ("=COUNTA(A4)", 0),
    ],
)
def test_count_and_counta(formula: str, expected: object) -> None:
    check(formula, expected, {"A1": 1, "A2": "2", "A3": True, "A5": NA, "A6": '=""', "A7": "x"})


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        # Microsoft's examples ("ROUND function", "ROUNDUP function", "ROUNDDOWN function")
        ("=ROUND(2.15,1)", 2.2),
        ("=ROUND(2.149,1)", 2.1),
        ("=ROUND(-1.475,2)", -1.48),
        ("=ROUND(21.5,-1)", 20),
        ("=ROUND(626.3,-3)", 1000),
        ("=ROUND(1.98,-1)", 0),
        ("=ROUND(-50.55,-2)", -100),
        ("=ROUNDUP(3.2,0)", 4),
        ("=ROUNDUP(76.9,0)", 77),
        ("=ROUNDUP(3.14159,3)", 3.142),
        ("=ROUNDUP(-3.14159,1)", -3.2),
        ("=ROUNDUP(31415.92654,-2)", 31500),
        ("=ROUNDDOWN(3.2,0)", 3),
        ("=ROUNDDOWN(76.9,0)", 76),
        ("=ROUNDDOWN(3.14159,3)", 3.141),
        ("=ROUNDDOWN(-3.14159,1)", -3.1),
        ("=ROUNDDOWN(31415.92654,-2)", 31400),
        # half away from zero on the decimal value (rules.md §3): the double 2.675 is a hair below
        ("=ROUND(2.675,2)", 2.68),
        ("=ROUND(-2.5,0)", -3),
        ("=ROUND(0.5,0)", 1),
        ("=ROUND(1.005,2)", 1.01),
        ("=ROUND(A1,2)", 2.68),
        ("=ROUND(0.285*100,0)", 29),
        ("=ROUND(1234.5,-2)", 1200),
        ("=ROUND(2.5,0.9)", 3),  # digits are truncated
        ("=ROUND(1E+300,2)", 1e300),
        ("=ROUND(123456789012345678,-17)", 1e17),
        ("=ROUND(-0.001,2)", 0),
        ("=INT(-0.5)", -1),
        ("=INT(2.9)", 2),
    ],
)
def test_rounding(formula: str, expected: object) -> None:
    check(formula, expected, {"A1": 2.675})


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ('=TRIM("  a   b  ")', "a b"),
        ('=TRIM("\u3000a\u3000")', "\u3000a\u3000"),  # "TRIM function": only the 7-bit ASCII space (32)
        ('=TRIM(CHAR(9)&"a")', "\ta"),
        ('=SUBSTITUTE("Sales Data","Sales","Cost")', "Cost Data"),  # "SUBSTITUTE function" examples
        ('=SUBSTITUTE("Quarter 1, 2008","1","2",1)', "Quarter 2, 2008"),
        ('=SUBSTITUTE("Quarter 1, 2011","1","2",3)', "Quarter 1, 2012"),
        ('=SUBSTITUTE("a-b","-","+",3)', "a-b"),
        ('=SUBSTITUTE("abc","","x")', "abc"),
        ('=SUBSTITUTE("aaaa","aa","b",2)', "aab"),  # instances do not overlap
        ('=SUBSTITUTE("a","a","b",0)', VALUE),
        ('=LEN("汉字")', 2),
        ('=LEN("\U00020000")', 2),
        ("=LEN(1/3)", 17),
        ("=LEN(A1)", 0),  # UTF-16 units
        ("=CHAR(10)", "\n"),
        ("=CHAR(65)", "A"),
        ("=CHAR(0)", VALUE),
        ("=CHAR(256)", VALUE),
        ('=LEFT("abc",5)', "abc"),
        ('=RIGHT("abc",5)', "abc"),
        ('=RIGHT("abc",2)', "bc"),
        ('=LEFT("abc")', "a"),
        ('=RIGHT("abc",0)', ""),
        ('=LEFT("abc",-1)', VALUE),
        ('=CONCATENATE(1,TRUE,"x")', "1TRUEx"),
        ("=_xlfn.CONCAT(B1:B3)", "12x"),
        ("=_xlfn.CONCAT(B1:B4)", NA),
        ('=VALUE("1,234")', 1234),
        ("=VALUE(TRUE)", VALUE),
        ('=VALUE("x")', VALUE),
        ("=VALUE(A1)", 0),
    ],
)
def test_text_functions(formula: str, expected: object) -> None:
    check(formula, expected, {"B1": 1, "B2": 2, "B3": "x", "B4": NA})


def test_check_column_shape_treats_every_blank_as_blank() -> None:
    # perfxl's native 偏差原因 test: empty, spaces, ideographic spaces and line breaks are no reason.
    blank = 'LEN(TRIM(SUBSTITUTE(SUBSTITUTE(A1,"\u3000"," "),CHAR(10)," ")))=0'
    for reason, expected in [(None, True), ("", True), (" \u3000\n ", True), ("原因", False), (0, False)]:
        check(f"={blank}", expected, {"A1": reason})


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ('=IFERROR(1/0,"x")', "x"),
        ('=IFERROR(A1,"x")', "x"),
        ('=IFERROR(A2,"x")', "x"),  # error values from cells
        ('=IFERROR(A3,"x")', 0),
        ("=IFERROR(NA(),)", 0),
        ('=IFERROR(5,"x")', 5),
        ("=_xlfn.IFNA(A1,1)", 1),
        ("=_xlfn.IFNA(A2,1)", DIV0),
        ("=_xlfn.IFNA(NA(),1)", 1),
    ],
)
def test_iferror(formula: str, expected: object) -> None:
    check(formula, expected, {"A1": NA, "A2": "=1/0"})


# -- the engine -----------------------------------------------------------------------------------------------


def test_a_result_that_is_an_empty_cell_shows_zero() -> None:
    check("=A1", 0)
    check("=IF(TRUE,A1)", 0)
    check("=-A1", 0)
    check('=A1&""', "")
    engine, _ = engine_for({"A1": "=Other!A1"}, Other={"B1": 1})
    assert same(engine.value("S", 1, 1), 0)


def test_a_function_may_give_a_reference() -> None:
    check("=SUM(IF(TRUE,A1:A3))", 6, {"A1": 1, "A2": 2, "A3": 3})
    check("=ROWS(IF(TRUE,A1:A3))", 3)


def test_implicit_intersection() -> None:
    # A range where one value is expected gives the cell in the formula's row or column (Excel 2010).
    engine, _ = engine_for(
        {
            **{f"A{row}": row for row in range(1, 11)},
            "C1": 10,
            "D1": 20,
            "E1": 30,
            "B5": "=A1:A10*2",
            "D7": "=C1:E1",
            "B12": "=A1:A10",
            "C5": "=A1:B10",
            "F4": "=Other!A1:A10",
            "F2": "=_xlfn.SINGLE(A1:A10)",
        },
        Other={"A4": "four"},
    )
    assert same(engine.value("S", 5, 2), 10)
    assert same(engine.value("S", 7, 4), 20)
    assert same(engine.value("S", 12, 2), VALUE)  # row 12 is outside A1:A10
    assert same(engine.value("S", 5, 3), VALUE)  # a two-column range: no single cell
    assert same(engine.value("S", 4, 6), "four")  # on another sheet too
    assert same(engine.value("S", 2, 6), 2)


def test_defined_names() -> None:
    engine, _ = engine_for(
        {"A1": "=Rate*100", "B1": 0.06, "A2": "=Missing"}, names={"rate": Reference("S", 1, 2, 1, 2)}
    )
    assert same(engine.value("S", 1, 1), 6)  # names are case-insensitive
    assert same(engine.value("S", 2, 1), NAME)


def test_circular_references_keep_their_cached_values() -> None:
    engine, _ = engine_for(
        {"A1": "=B1+1", "B1": "=A1+1", "C1": "=A1*2", "D1": "=D1"}, cached={"A1": 5, "B1": 4, "D1": "x"}
    )
    assert [engine.value("S", 1, col) for col in (1, 2, 3, 4)] == [D(5), D(4), D(10), "x"]
    assert engine.uncomputed == {("S", 1, 1): "循环引用", ("S", 1, 2): "循环引用", ("S", 1, 4): "循环引用"}


def test_unsupported_functions_keep_their_cached_values() -> None:
    engine, _ = engine_for({"A1": "=VLOOKUP(1,B1:C2,2,FALSE)", "A2": "=A1+1"}, cached={"A1": 7})
    assert engine.value("S", 1, 1) == D(7)
    assert engine.value("S", 2, 1) == D(8)  # cells after it compute from the value it shows
    assert engine.uncomputed == {("S", 1, 1): "不支持的函数 VLOOKUP"}


@pytest.mark.slow
def test_a_long_chain_of_dependent_cells() -> None:
    cells: dict[str, object] = {"A1": 1, **{f"A{row}": f"=A{row - 1}+1" for row in range(2, 5001)}}
    engine, _ = engine_for(cells)
    assert engine.value("S", 5000, 1) == D(5000)  # dependency order, not recursion
    assert engine.uncomputed == {}


def test_a_long_sum_of_cells() -> None:
    formula = "=" + "+".join(f"B{row}" for row in range(1, 1201))  # about 6,000 characters
    engine, _ = engine_for({"A1": formula, **{f"B{row}": row for row in range(1, 1201)}})
    assert engine.value("S", 1, 1) == D(1200 * 1201 // 2)


@pytest.mark.parametrize(("depth", "computed"), [(300, True), (3000, False)])
def test_deep_nesting_is_computed_or_reported(depth: int, computed: bool) -> None:
    # Excel allows 64 nested functions; 100 IFs are beyond it and still computed.
    functions = depth // 3
    formulas = {
        "A1": "=" + "(" * depth + "1" + ")" * depth,
        "A2": "=" + "-" * depth + "1",
        "A3": "=" + "IF(TRUE," * functions + "1" + ")" * functions,
    }
    engine, _ = engine_for(formulas, cached={"A1": "cached", "A2": "cached", "A3": "cached"})
    values = [engine.value("S", row, 1) for row in (1, 2, 3)]
    if computed:
        assert values == [D(1), D(1), D(1)] and engine.uncomputed == {}
    else:  # the process survives; the cells keep what the file holds
        assert values == ["cached"] * 3
        assert set(engine.uncomputed.values()) == {"公式嵌套过深"}


def test_huge_ranges_cost_the_cells_present() -> None:
    cells = {"A1": 1, "A1000000": 2, "XFD1048576": "x", "C3": True}
    formulas = {
        "B1": "=SUM(S!A1:XFD1048576)",
        "B2": "=COUNTA(S!A:A)",
        "B3": "=COUNT(S!1:1048576)",
        "B4": "=ROWS(S!A:A)*COLUMNS(S!1:1)",
        "B5": "=MAX(S!A:XFD)",
    }
    engine, source = engine_for(cells, Formulas=formulas)
    started = time.perf_counter()
    values = [engine.value("Formulas", row, 2) for row in range(1, 6)]
    assert time.perf_counter() - started < 0.5
    assert values == [D(3), D(2), D(2), D(1_048_576 * 16_384), D(2)]
    assert source.reads < 100  # each formula read the few cells there are, not 17 billion


# -- UDFs as xlwings calls them --------------------------------------------------------------------------------


def test_udf_arguments_and_results() -> None:
    seen: list[tuple] = []

    def PERF_PROBE(*args: object) -> object:
        seen.append(args)
        if args and args[0] == "boom":
            raise ValueError
        return args[0] if args else None

    functions = {**BUILTINS, "PERF_PROBE": udf(PERF_PROBE)}
    cells = {"A1": 1.5, "A2": NA, "A3": "boom", "A4": True}
    assert same(evaluate('=PERF_PROBE(A1,A5,A2,A4,"t")', cells, functions=functions), 1.5)
    assert seen[-1] == (1.5, None, "#N/A", True, "t")  # numbers as floats, empty as None, errors as text
    assert same(evaluate("=PERF_PROBE(A3)", cells, functions=functions), VALUE)  # a UDF that raises
    assert same(evaluate("=PERF_PROBE(A1:A2)", cells, functions=functions), VALUE)  # ranges: one cell only
    assert same(evaluate("=PERF_PROBE()", cells, functions=functions), 0)  # None shows as an empty result


def test_form_functions_are_the_builtins_and_perfxls_udfs() -> None:
    assert set(BUILTINS) < set(FORM_FUNCTIONS)
    assert {"PERF_RATE", "PERF_SCORE", "PERF_GRADE", "PERF_CHECK"} <= set(FORM_FUNCTIONS)


# -- .xlsx packages ---------------------------------------------------------------------------------------------

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def package(path: Path, sheet_data: str, defined_names: str = "") -> Path:
    """A minimal .xlsx with one sheet "S" whose <sheetData> is given as XML."""
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets><sheet name="S" sheetId="1" r:id="rId1"/>'
            f"</sheets>{f'<definedNames>{defined_names}</definedNames>' if defined_names else ''}</workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{_MAIN}"><sheetData>{sheet_data}</sheetData></worksheet>',
    }
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' + text)
    return path


def calculated(path: Path) -> tuple[dict[str, object], dict[str, str]]:
    """Each cell's value after XlsxBook.calculate (as the Book reads it), and what it could not compute."""
    with XlsxBook(path) as book:
        calculation = book.calculate(FORM_FUNCTIONS)
        cells = sorted(book._sheet("S").cells)
        values = {
            f"{openpyxl.utils.get_column_letter(col)}{row}": book.values(Ref.cell("S", row, col))[0][0]
            for row, col in cells
        }
    return values, calculation.uncomputed


def test_shared_formulas_are_expanded(tmp_path: Path) -> None:
    # Excel and LibreOffice write a filled-down formula once, in its first cell (ECMA-376 §18.3.1.40).
    path = package(
        tmp_path / "shared.xlsx",
        (
            '<row r="1"><c r="A1"><v>1</v></c><c r="B1"><f t="shared" ref="B1:B3" si="0">A1*10+$A$1</f><v>0</v></c>'
            '<c r="C1"><f t="shared" ref="C1:E1" si="1">A1&amp;"|A1"</f></c><c r="D1"><f t="shared" si="1"/></c>'
            '<c r="E1"><f t="shared" si="1"/></c></row>'
            '<row r="2"><c r="A2"><v>2</v></c><c r="B2"><f t="shared" si="0"/><v>0</v></c></row>'
            '<row r="3"><c r="A3"><v>3</v></c><c r="B3"><f t="shared" si="0"/><v>0</v></c>'
            '<c r="C3"><f t="shared" si="9"/><v>5</v></c></row>'
        ),
    )
    values, uncomputed = calculated(path)
    assert [values["B1"], values["B2"], values["B3"]] == [11.0, 21.0, 31.0]
    assert [values["C1"], values["D1"], values["E1"]] == ["1|A1", "11|A1", "1|A1|A1"]  # D1 is B1&"|A1"…
    assert uncomputed == {"S!C3": "不支持的公式类型"}  # a shared formula without its master keeps its value
    assert values["C3"] == 5.0


def test_file_specific_cells(tmp_path: Path) -> None:
    path = package(
        tmp_path / "cells.xlsx",
        (
            '<row r="1"><c r="A1" t="inlineStr"/><c r="B1"><f>ISBLANK(A1)</f></c>'  # openpyxl's "": no content
            '<c r="C1" t="inlineStr"><is><t/></is></c><c r="D1"><f>ISBLANK(C1)</f></c>'  # an empty text
            '<c r="E1" t="e"><v>#N/A</v></c><c r="F1"><f>IFERROR(E1,"无")</f></c>'  # an error constant
            '<c r="G1" t="b"><v>1</v></c><c r="H1"><f>AND(G1,TRUE())</f></c>'  # LibreOffice writes TRUE()
            '<c r="I1" t="inlineStr"><is><r><t>达</t></r><r><t>标</t></r><rPh><t>ダ</t></rPh></is></c>'
            '<c r="J1"><f>I1&amp;"!"</f></c>'
            '<c r="K1"><f t="array" ref="K1">SUM(L1:L2*M1:M2)</f><v>11</v></c>'  # arrays keep their value
            '<c r="L1"><f>rate*2</f><v>0.12</v></c><c r="M1"><f>lower*2</f></c><c r="N1"><f>Nowhere+1</f></c>'
            '<c r="O1"><f>s!A1=""</f></c></row>'
        ),  # sheet names are case-insensitive
        '<definedName name="Rate">0.06</definedName><definedName name="Lower">S!$G$1</definedName>',
    )
    values, uncomputed = calculated(path)
    assert values["B1"] is True and values["D1"] is False
    assert values["F1"] == "无" and values["H1"] is True and values["J1"] == "达标!"
    assert values["K1"] == 11.0 and values["L1"] == 0.12  # not computed: kept
    assert values["M1"] == 2.0 and values["N1"] == "#NAME?" and values["O1"] is True
    assert uncomputed == {"S!K1": "不支持的公式类型", "S!L1": "名称 rate 不是单元格区域，无法计算"}


def test_huge_ranges_in_a_file_cost_the_cells_present(tmp_path: Path) -> None:
    path = package(
        tmp_path / "sparse.xlsx",
        (
            '<row r="1"><c r="A1"><v>1</v></c><c r="B1"><f>SUM(A:A)+COUNTA(C1:XFD1048576)</f></c></row>'
            '<row r="1048576"><c r="A1048576"><v>2</v></c><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c>'
            "</row>"
        ),
    )
    started = time.perf_counter()
    values, uncomputed = calculated(path)
    assert time.perf_counter() - started < 1
    assert values["B1"] == 4.0 and uncomputed == {}
