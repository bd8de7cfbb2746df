"""The one home of spreadsheet helpers (perfxl.sheetlib, perfxl.core.cells, perfxl.core.numbers.plain),
checked against openpyxl as an independent implementation of the same rules."""

from __future__ import annotations

import random
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import openpyxl.xml.constants as openpyxl_constants
import pytest
from openpyxl.styles.numbers import BUILTIN_FORMATS
from openpyxl.utils.cell import column_index_from_string, get_column_letter, range_boundaries

from perfxl.calc.parser import Reference, parse
from perfxl.core.cells import folded, is_blank
from perfxl.core.numbers import plain
from perfxl.sheetlib import namespaces
from perfxl.sheetlib.addresses import (
    MAX_COLUMN,
    cell_address,
    column_letters,
    column_number,
    parse_cell,
    parse_range,
    quote_sheet,
    range_address,
    unquote_sheet,
)
from perfxl.sheetlib.number_formats import BUILTIN_NUMBER_FORMATS, builtin_format
from perfxl.workbook.base import parse_reference

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("column", "letters"),
    [(1, "A"), (26, "Z"), (27, "AA"), (52, "AZ"), (53, "BA"), (702, "ZZ"), (703, "AAA"), (16_384, "XFD")],
)
def test_edge_columns_round_trip(column: int, letters: str) -> None:
    assert column_letters(column) == letters
    assert column_number(letters) == column
    assert column_number(letters.lower()) == column


def test_every_column_of_a_sheet_agrees_with_openpyxl() -> None:
    for column in range(1, MAX_COLUMN + 1):
        letters = column_letters(column)
        assert letters == get_column_letter(column)
        assert column_number(letters) == column_index_from_string(letters) == column
    assert column_letters(MAX_COLUMN) == "XFD"


@pytest.mark.parametrize("letters", ["", "A1", "Ä", "$A", " A"])
def test_what_is_no_column_is_refused(letters: str) -> None:
    with pytest.raises(ValueError):
        column_number(letters)


@pytest.mark.parametrize("bad", [0, -1])
def test_numbers_below_one_are_refused(bad: int) -> None:
    with pytest.raises(ValueError):
        column_letters(bad)
    with pytest.raises(ValueError):
        cell_address(bad, 1)


def test_cells_and_ranges_format_and_parse() -> None:
    assert cell_address(13, 8) == "H13"
    assert cell_address(13, 8, absolute=True) == "$H$13"
    assert range_address(13, 8, 34, 8) == "H13:H34"
    assert range_address(13, 8, 34, 8, absolute=True) == "$H$13:$H$34"
    assert range_address(7, 6, 7, 6) == "F7"
    assert parse_cell("$XFD$1048576") == (1_048_576, 16_384)
    assert parse_cell("h13") == (13, 8)
    assert parse_range("B2:A1") == (1, 1, 2, 2)
    assert parse_range("$C$5") == (5, 3, 5, 3)
    for bad in ("A0", "A", "13", "A:A", "1:3", "Sheet!A1", "A1:", "A1:B"):
        with pytest.raises(ValueError):
            parse_range(bad)


def test_ranges_agree_with_openpyxl() -> None:
    rng = random.Random(10)
    for _ in range(2000):
        corners = [(rng.randint(1, 1_048_576), rng.randint(1, MAX_COLUMN)) for _ in range(2)]
        text = ":".join(cell_address(row, column, absolute=rng.random() < 0.5) for row, column in corners)
        col1, row1, col2, row2 = range_boundaries(text.replace("$", ""))  # corners as given
        min_row, min_col, max_row, max_col = min(row1, row2), min(col1, col2), max(row1, row2), max(col1, col2)
        assert parse_range(text) == (min_row, min_col, max_row, max_col), text
        assert range_address(*parse_range(text)) == range_address(min_row, min_col, max_row, max_col)


@pytest.mark.parametrize("name", ["Sheet1", "It's", "''", "a b", "项目 一", "业务工作经历（2022）", "𠀀表", "x!y"])
def test_quoted_sheet_names_read_back_through_the_parsers(name: str) -> None:
    quoted = quote_sheet(name)
    assert quoted.startswith("'") and quoted.endswith("'")
    assert quoted[1:-1].replace("''", "").count("'") == 0  # every apostrophe inside is doubled
    assert unquote_sheet(quoted) == name
    # The formula parser and the Book's reference parser read what the generator writes.
    assert parse(f"={quoted}!$H$13") == Reference(name, 13, 8, 13, 8)
    ref = parse_reference(f"{quoted}!$H$13:$H$34")
    assert ref is not None and (ref.sheet, ref.address) == (name, "H13:H34")


def test_quote_sheet_agrees_with_openpyxl_where_openpyxl_quotes() -> None:
    # openpyxl leaves names that need no quotes bare; where it quotes, the spelling is the same.
    from openpyxl.utils import quote_sheetname

    for name in ("It's", "a b", "项目 一", "x-y"):
        assert quote_sheet(name) == quote_sheetname(name)


def test_namespaces_agree_with_openpyxl() -> None:
    assert namespaces.SPREADSHEET == openpyxl_constants.SHEET_MAIN_NS
    assert namespaces.RELATIONSHIPS == openpyxl_constants.REL_NS
    assert namespaces.PACKAGE_RELATIONSHIPS == openpyxl_constants.PKG_REL_NS
    assert namespaces.CONTENT_TYPES == openpyxl_constants.CONTYPES_NS
    assert namespaces.CORE_PROPERTIES == openpyxl_constants.COREPROPS_NS
    assert namespaces.CUSTOM_PROPERTIES == openpyxl_constants.CUSTPROPS_NS
    assert namespaces.VARIANT_TYPES == openpyxl_constants.VTYPES_NS
    assert namespaces.DC_TERMS == openpyxl_constants.DCTERMS_NS
    assert namespaces.clark(namespaces.SPREADSHEET, "c") == f"{{{openpyxl_constants.SHEET_MAIN_NS}}}c"


def test_builtin_number_formats_agree_with_openpyxl() -> None:
    assert set(BUILTIN_NUMBER_FORMATS) == set(BUILTIN_FORMATS) == {*range(23), *range(37, 50)}
    # openpyxl's 44 lacks the section separators of the other accounting formats (41–43).
    differ = {i for i in BUILTIN_NUMBER_FORMATS if BUILTIN_NUMBER_FORMATS[i] != BUILTIN_FORMATS[i]}
    assert differ == {44}
    assert BUILTIN_NUMBER_FORMATS[44].count(";") == 3 == BUILTIN_NUMBER_FORMATS[43].count(";")
    assert (builtin_format(9), builtin_format(10), builtin_format(49)) == ("0%", "0.00%", "@")
    assert builtin_format(31) == builtin_format(164) == "General"  # locale formats and custom ids


def test_the_blank_cell_test() -> None:
    for value in (None, "", " ", "\t\n", "\u3000"):  # the ideographic space of a Chinese IME too
        assert is_blank(value)
    for value in (0, 0.0, False, "0", "-", "　x"):
        assert not is_blank(value)
    # Writers keep a text of spaces they were given.
    assert is_blank("", whitespace_is_blank=False) and is_blank(None, whitespace_is_blank=False)
    assert not is_blank(" ", whitespace_is_blank=False)


def test_nfkc_folding() -> None:
    assert folded("ＡＢＣ１２３％") == "ABC123%"
    assert folded("项　目　名　称") == "项目名称"
    assert folded("实际\n完成值") == "实际完成值"
    assert folded("项目资金（元）") == "项目资金(元)"
    assert folded("≥ ９５ %", keep_whitespace=True) == "≥ 95 %"
    assert folded(2022) == "2022"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("0.880", "0.88"),
        ("1E+2", "100"),
        ("-0", "0"),
        ("0E-5", "0"),
        ("588865", "588865"),
        ("945926.25", "945926.25"),
        ("-3.50", "-3.5"),
        ("0.00001", "0.00001"),
        ("1E+28", "1E+28"),
        ("9.99E+307", "9.99E+307"),
        ("1E-300", "1E-300"),
    ],
)
def test_decimal_text(value: str, text: str) -> None:
    assert plain(Decimal(value)) == text


def test_decimal_text_to_significant_digits() -> None:
    assert plain(Decimal(1) / 7, significant=15) == "0.142857142857143"
    assert plain(Decimal("123456789012345678"), significant=15) == "1.23456789012346E+17"
    assert plain(Decimal("0.1234567890123456789")) == "0.1234567890123456789"  # typed: every digit kept
    assert plain(Decimal("999999999999999.5"), significant=15) == "1E+15"
    assert plain(Decimal(0), significant=15) == "0"


def test_the_headless_batch_imports_no_openpyxl() -> None:
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, perfxl.batch.runner; print(' '.join(sorted(sys.modules)))"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    heavy = {name.split(".")[0] for name in loaded} & {"openpyxl", "numpy", "xlwings", "jinja2", "xlsxwriter"}
    assert heavy == set()
