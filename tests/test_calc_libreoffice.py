"""perfxl's formula engine against LibreOffice, an independent engine, on every formula cell of two workbooks.

The semantics workbook (tests/support/calc_cases.py) puts every kind of value an officer might paste under
a matrix of formulas, the formulas of perfxl's native forms among them, and formulas on constants; the form
workbook is a generated native form with those values pasted into it. LibreOffice recalculates each
(headless, calculateAll) and saves it; perfxl's engine computes the same file (XlsxBook.calculate) and
the file LibreOffice saved (formulas as LibreOffice writes them: TRUE(), FALSE()). Every formula cell
must agree exactly, as both are read from the files (numbers to Excel's 15 significant digits, text
exactly, errors by kind, logical values as logical values), or be one of the known differences below:
where LibreOffice differs from Excel, the engine follows Excel, and each case says which source shows
Excel's behaviour. A known difference that no longer occurs fails the test too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl.utils import get_column_letter

from perfxl.calc.values import ExcelError, Value, number_from_text
from perfxl.readback.functions import FORM_FUNCTIONS
from perfxl.workbook.xlsx_book import XlsxBook
from perfxl_tools.uno_session import UnoSession
from tests.support.calc_cases import INPUTS, form_workbook, formula_results, semantics_workbook
from tests.support.office import require_libreoffice

require_libreoffice()
pytestmark = pytest.mark.libreoffice


Key = tuple[str, int, int]

# -- why LibreOffice and Excel differ, with the source for Excel's side ---------------------------------

WHY = {
    "logical": (
        "LibreOffice has no logical type: TRUE and FALSE are the numbers 1 and 0 (LibreOffice Help, 'TRUE "
        'function\': \'the logical value TRUE ... is 1\'), so ISNUMBER(TRUE) is TRUE, TRUE&"" is "1" and '
        "SUM/COUNT/MIN/MAX/AVERAGE count a cell holding TRUE. In Excel a logical value is its own type: "
        '="A"&TRUE is "ATRUE" (Microsoft, \'Calculation operators and precedence in Excel\', converting '
        "values), logical values in references are ignored by SUM, COUNT, MIN, MAX, AVERAGE (Microsoft's "
        "pages for each: 'Empty cells, logical values, or text in the array or reference are ignored') and "
        "sort after text (Microsoft, 'Sort data in a range or table': numbers, text, logical values)."
    ),
    "empty-text": (
        "LibreOffice loads a cell holding an empty text (<is><t/></is>, what Excel saves after pasting a "
        'formula\'s "" as a value) as an empty cell. Excel keeps the empty text: COUNTA counts it '
        "(Microsoft, 'COUNTA function': 'including error values and empty text (\"\")'), ISBLANK is FALSE, "
        "and arithmetic on it is #VALUE! as on any text that is not a number."
    ),
    "text-as-logical": (
        "LibreOffice converts numeric text to a number where IF and NOT expect a logical value "
        '(IF("88%",1,0) is 1). Excel does not: text other than "TRUE"/"FALSE" is #VALUE! there (Microsoft, '
        "'IF function' and 'NOT function': the argument is a logical value or an expression giving one)."
    ),
    "direct-text": (
        "LibreOffice rejects text typed directly into SUM, MIN, AVERAGE (#VALUE!). Excel converts it: "
        '\'=SUM("3", 2, TRUE) returns 6, because the text values are translated into numbers, and the '
        "logical value TRUE is translated into the number 1' (Microsoft, 'SUM function'; 'MIN function' "
        "and 'AVERAGE function': text representations of numbers typed into the list of arguments are "
        "counted)."
    ),
    "general-format": (
        "LibreOffice writes a number converted to text with three exponent digits (1E+020) and without "
        "scientific notation up to 16 digits or down to 1E-12. Excel's General format shows 15 significant "
        "digits and switches to scientific notation from 1E+15 and below 1E-9 with a two-digit exponent "
        "(Microsoft, 'Display numbers in scientific (exponential) notation': 1.23E+10; 'Number format codes': "
        "General). The engine follows Excel's rule; the thresholds are not verifiable without Excel."
    ),
    "date-text": (
        "LibreOffice converts only ISO 8601 dates (2022-12-31) in arithmetic by default (LibreOffice Help, "
        "'Formula options', 'Conversion from text to number': Convert only if unambiguous). Excel converts "
        "the dates its locale reads, 2022/12/31 and 2022年12月31日 in Chinese Excel (Microsoft, 'Calculation "
        'operators and precedence in Excel\': ="6/1/2001"-"5/1/2001" is 31).'
    ),
    "1900": (
        "LibreOffice counts days from 1899-12-30 without Lotus 1-2-3's 29 February 1900: its serials before "
        "1900-03-01 are one more than Excel's (Microsoft, 'Excel incorrectly assumes that the year 1900 is "
        "a leap year': 1900-01-01 is 1)."
    ),
    "no-break-space": (
        'LibreOffice reads "\\xa07" (a no-break space, as pasted from web pages) as 7. Excel leaves it text '
        "(Microsoft, 'Top ten ways to clean your data' and 'TRIM function': the nonbreaking space, CHAR(160), "
        "is not a space to Excel and must be removed with SUBSTITUTE before the text is a number)."
    ),
    "overflow-text": (
        'LibreOffice reads "1e400" as the largest double. Excel leaves it text: no cell holds a number '
        "beyond 9.99999999999999E+307 (Microsoft, 'Excel specifications and limits')."
    ),
    "currency-text": (
        'LibreOffice (en-US locale here) converts "$1,234" in arithmetic, as en-US Excel does (Microsoft, '
        "'Calculation operators and precedence in Excel': =1+\"$4.00\" is 5). The engine converts no currency "
        "text: which symbol is the currency depends on the PC's locale (¥ on a Chinese PC), and the forms' "
        "formulas never compute with pasted money text (ISNUMBER guards them). Known engine limitation."
    ),
    "power": (
        "LibreOffice computes 0^0 as 1, (-8)^(1/3) as -2 and 0^-1 as #NUM!. Excel gives #NUM!, #NUM! and "
        "#DIV/0! (Microsoft, 'POWER function' and the ^ operator; Excel has no real odd roots of negatives "
        "by ^)."
    ),
    "utf16": (
        "LibreOffice's LEN counts code points (LEN(\"\U00020000\") is 1). Excel's strings are UTF-16 and LEN "
        "counts code units: a character outside the Basic Multilingual Plane is 2 (as LENB and MID treat it)."
    ),
    "round-binary": (
        "LibreOffice rounds the binary double: 0.285*100 is 28.499999999999996, ROUND gives 28. Excel rounds "
        "the number as it keeps it, to 15 significant digits (28.5000000000000), giving 29, as ROUND(2.675,2) "
        "is 2.68 (Microsoft, 'ROUND function' examples; docs/decisions.md, 'A second engine')."
    ),
    "exact-decimal": (
        "Engine limitation, by design (rules.md §3): the engine computes with exact decimals and reads cells "
        "to 15 significant digits, where Excel and LibreOffice compute with binary doubles; they agree to "
        "15 digits except when a double's error reaches the 15th digit (=1.2-1.1 is 0.0999999999999999 in "
        "Excel and LibreOffice, 0.1 in the engine) or a cell holds more than 15 digits."
    ),
    "text-true": (
        'LibreOffice reads the text "TRUE" as 1 in arithmetic. Excel does not: it is text that is not a '
        "number, #VALUE! (Microsoft, 'Calculation operators and precedence in Excel': Excel converts text "
        "only if it is in a format that would usually be accepted for a number)."
    ),
}


@dataclass(frozen=True)
class Known:
    libreoffice: Value
    excel: Value  # what the engine gives
    why: str


def number(text: str) -> Decimal:
    return Decimal(text)


VALUE, NUM, DIV0 = ExcelError("#VALUE!"), ExcelError("#NUM!"), ExcelError("#DIV/0!")


# Cases by their description in the semantics workbook: "<input>: <template>" or the formula on constants.
def _texts(label: str, libreoffice: str, excel: str, why: str = "general-format") -> dict[str, Known]:
    return {
        f'{label}: ={{x}}&""': Known(libreoffice, excel, why),
        f"{label}: =LEN({{x}})": Known(number(str(len(libreoffice))), number(str(len(excel))), why),
    }


def _converted(label: str, libreoffice: Value, excel: Value, why: str) -> dict[str, Known]:
    """A text input that one side reads as a number and the other not (or as another number)."""
    fallback = "错" if isinstance(excel, ExcelError) else excel
    return {
        f"{label}: ={{x}}+0": Known(libreoffice, excel, why),
        f"{label}: =VALUE({{x}})": Known(libreoffice, excel, why),
        f'{label}: =IFERROR({{x}}+0,"错")': Known(
            "错" if isinstance(libreoffice, ExcelError) else libreoffice, fallback, why
        ),
    }


DATE = number("44926")  # 2022-12-31
KNOWN: dict[str, Known] = {
    **_texts("1e20", "1E+020", "1E+20"),
    **_texts("17 digits", "1.23456789012346E+017", "1.23456789012346E+17"),
    **_texts("tiny", "0.000000000001", "1E-12"),
    '=1E+20&""': Known("1E+020", "1E+20", "general-format"),
    '=1E+15&""': Known("1000000000000000", "1E+15", "general-format"),
    '=1234567890123456&""': Known("1234567890123456", "1.23456789012346E+15", "general-format"),
    '=1E-10&""': Known("0.0000000001", "1E-10", "general-format"),
    **_converted("TRUE text", number("1"), VALUE, "text-true"),
    **_converted("slash date text", VALUE, DATE, "date-text"),
    **_converted("chinese date text", VALUE, DATE, "date-text"),
    **_converted("1900-01-01 text", number("2"), number("1"), "1900"),
    '=VALUE("1900-02-28")': Known(number("60"), number("59"), "1900"),
    **_converted("no-break space", number("7"), VALUE, "no-break-space"),
    **_converted("1e400 text", number("1.79769313486232E+308"), VALUE, "overflow-text"),
    **_converted("dollar text", number("1234"), VALUE, "currency-text"),
    "=1=1=1": Known(True, False, "logical"),  # (1=1)=1: TRUE is not the number 1 in Excel
    '=SUM("1",TRUE,2)': Known(VALUE, number("4"), "direct-text"),
    '=MIN("3",5)': Known(VALUE, number("3"), "direct-text"),
    '=AVERAGE(1,2,"3")': Known(VALUE, number("2"), "direct-text"),
    "=(-8)^(1/3)": Known(number("-2"), NUM, "power"),
    "=0^0": Known(number("1"), NUM, "power"),
    "=0^-1": Known(NUM, DIV0, "power"),
    '=LEN("\U00020000")': Known(number("1"), number("2"), "utf16"),
    "=ROUND(0.285*100,0)": Known(number("28"), number("29"), "round-binary"),
    "=1.2-1.1": Known(number("0.0999999999999999"), number("0.1"), "exact-decimal"),
}


def _same(a: Value, b: Value, *, logical_as_number: bool = False) -> bool:
    if logical_as_number:
        a, b = (Decimal(int(v)) if isinstance(v, bool) else v for v in (a, b))
    return type(a) is type(b) and a == b


@dataclass
class Comparison:
    """The differences found, each explained or not."""

    explained: dict[str, list[str]]
    unexplained: list[str]


def compare(
    described: dict[Key, str],
    libreoffice: dict[Key, Value],
    engine: dict[Key, Value],
    lo_view: dict[Key, Value],
    label_of: Callable[[Key], str | None],
) -> Comparison:
    result = Comparison({}, [])
    for key, lo in sorted(libreoffice.items()):
        ours = engine.get(key)
        if _same(lo, ours):
            continue
        what = described.get(key, f"{key[0]}!{key[1]},{key[2]}")
        why = _explain(what, key, lo, ours, lo_view.get(key), label_of(key))
        if why is None:
            result.unexplained.append(f"{what!r}: LibreOffice {lo!r}, engine {ours!r}")
        else:
            result.explained.setdefault(why, []).append(what)
    return result


def _explain(what: str, key: Key, lo: Value, ours: Value, viewed: Value, label: str | None) -> str | None:
    known = KNOWN.get(what)
    if known is not None:
        return known.why if _same(lo, known.libreoffice) and _same(ours, known.excel) else None
    if _same(lo, ours, logical_as_number=True):
        return "logical"  # the engine's TRUE is LibreOffice's 1 (=TRUE() in a cell with a number format)
    # LibreOffice's view of the inputs (logical values as numbers, an empty text as an empty cell): the
    # engine computing that view gives what LibreOffice gives, and it is that view that changes the cell.
    if viewed is not None and _same(lo, viewed, logical_as_number=True) and not _same(ours, viewed):
        return "empty-text" if label == "empty text" else "logical"
    if what.endswith((": =IF({x},1,0)", ": =NOT({x})")) and _same(ours, VALUE) and label is not None:
        value = dict(INPUTS)[label]
        converted = number_from_text(value) if isinstance(value, str) else None
        if converted is not None:
            truth = converted != 0
            expected = Decimal(int(truth)) if "IF(" in what else (not truth)
            return "text-as-logical" if _same(lo, expected) else None
    return None


@pytest.fixture(scope="module")
def office():
    with UnoSession(timeout=300) as session:
        yield session


def _engine_results(path: Path, copy: Path) -> tuple[dict[Key, Value], dict[str, str]]:
    with XlsxBook(path) as book:
        calculation = book.calculate(FORM_FUNCTIONS)
        book.save(copy)
    return formula_results(copy), calculation.uncomputed


def test_semantics_workbook_agrees_with_libreoffice(office: UnoSession, tmp_path: Path) -> None:
    path = tmp_path / "semantics.xlsx"
    described = semantics_workbook(path)
    view = tmp_path / "semantics-lo-view.xlsx"
    semantics_workbook(view, as_libreoffice_reads=True)
    saved = tmp_path / "semantics-libreoffice.xlsx"
    office.recalculate(path, names=False, save_as=saved)
    libreoffice = formula_results(saved)
    lo_view, uncomputed = _engine_results(view, tmp_path / "view-engine.xlsx")
    assert uncomputed == {}
    labels = {row: label for row, (label, _) in enumerate(INPUTS, 2)}

    def label_of(key: Key) -> str | None:
        return labels.get(key[1]) if key[0] == "公式" else None

    found: set[str] = set()
    formula_cells = {key for key in libreoffice if key[0] != "输入"}
    assert len(formula_cells) > 2000
    for source in (path, saved):  # the formulas as written, and as LibreOffice writes them
        engine, uncomputed = _engine_results(source, tmp_path / f"engine-{source.name}")
        assert uncomputed == {}
        assert {key for key in engine if key[0] != "输入"} == formula_cells
        # LibreOffice saves the constants TRUE, FALSE and #N/A of the inputs as formulas: compared too.
        compared = {key: value for key, value in libreoffice.items() if key in engine}
        comparison = compare(described, compared, engine, lo_view, label_of)
        assert comparison.unexplained == [], "\n".join(comparison.unexplained)
        found |= set(comparison.explained)
        for why, cases in comparison.explained.items():
            print(f"{source.name}: {why}: {len(cases)} cells")
    stale = {what for what, known in KNOWN.items() if known.why not in found}
    assert not stale


def test_native_form_with_pasted_values_agrees_with_libreoffice(office: UnoSession, tmp_path: Path) -> None:
    path = form_workbook(tmp_path)
    view = form_workbook(tmp_path / "view", as_libreoffice_reads=True)
    saved = tmp_path / "form-libreoffice.xlsx"
    office.recalculate(path, names=False, save_as=saved)
    libreoffice = formula_results(saved)
    lo_view, uncomputed = _engine_results(view, tmp_path / "view-engine.xlsx")
    assert uncomputed == {}
    described = {key: f"{key[0]}!{get_column_letter(key[2])}{key[1]}" for key in libreoffice}
    found: set[str] = set()
    for source in (path, saved):
        engine, uncomputed = _engine_results(source, tmp_path / f"engine-{source.name}")
        assert uncomputed == {}
        # LibreOffice saves pasted TRUE, FALSE and error constants as formulas (=TRUE()): compared too.
        assert set(engine) <= set(libreoffice) and len(engine) > 300
        compared = {key: value for key, value in libreoffice.items() if key in engine}
        comparison = compare(described, compared, engine, lo_view, lambda key: None)
        assert comparison.unexplained == [], "\n".join(comparison.unexplained)
        found |= set(comparison.explained)
        print(source.name, len(libreoffice), {why: len(cases) for why, cases in comparison.explained.items()})
    assert found == {"logical"}  # TRUE pasted as an actual value or a score: ISNUMBER(TRUE) is TRUE there
