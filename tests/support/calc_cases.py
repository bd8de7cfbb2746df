"""Workbooks for comparing perfxl's formula engine with LibreOffice: what officers paste, and formulas over it.

The semantics workbook holds every kind of value an officer might paste (sheet 输入, column B) under a
matrix of formulas (sheet 公式: one row per input, one column per template) and formulas on constants
(sheet 直接). The form workbook is a generated native form whose 实际完成值, 得分 and 偏差原因 cells hold
those values. Both can be built "as LibreOffice reads them" (logical values as the numbers 1 and 0, an
empty text as an empty cell) to model LibreOffice's known differences exactly.
"""

from __future__ import annotations

import datetime
import random
import re
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import yaml

from perfxl.calc.values import ExcelError, Value
from perfxl.generate import generate
from perfxl.workbook.xlsx_book import XlsxBook
from perfxl.workbook.xlsx_formulas import XlsxCells
from tests.support.random_lists import random_list

EMPTY_TEXT = "\x00empty text\x00"  # written as <is><t></t></is>: a cell holding "" (openpyxl writes no <is>)


class Formula(str):
    """An input that is a formula (=1/0, =NA()) rather than a constant."""


# (label, value): what an officer types or pastes into a cell.
INPUTS: list[tuple[str, object]] = [
    ("number", 88),
    ("fraction", 0.88),
    ("percent text", "88%"),
    ("thousands text", "588,865"),
    ("spaced number", " 12 "),
    ("text", "abc"),
    ("chinese", "完成"),
    ("full-width digits", "１２３"),
    ("full-width percent", "８８％"),
    ("empty", None),
    ("empty text", EMPTY_TEXT),
    ("formula empty", Formula('=""')),
    ("true", True),
    ("false", False),
    ("div0 formula", Formula("=1/0")),
    ("na formula", Formula("=NA()")),
    ("na constant", ExcelError("#N/A")),
    ("date", datetime.datetime(2022, 12, 31)),
    ("1e300", 1e300),
    ("negative zero", -0.0),
    ("trailing space", "达标 "),
    ("line break", "a\nb"),
    ("exponent text", "1e3"),
    ("negative text", "-5"),
    ("ideographic space", "\u3000"),
    ("space", " "),
    ("2.675", 2.675),
    ("-2.5", -2.5),
    ("0.1+0.2", Formula("=0.1+0.2")),
    ("third", Formula("=1/3")),
    ("iso date text", "2022-12-31"),
    ("parenthesised", "(100)"),
    ("time text", "12:30"),
    ("big", 1234567.891),
    # Inputs under the short list of templates only (their differences are listed one by one).
    ("1e20", 1e20),
    ("17 digits", 123456789012345678),
    ("tiny", 1e-12),
    ("TRUE text", "TRUE"),
    ("slash date text", "2022/12/31"),
    ("chinese date text", "2022年12月31日"),
    ("1900-01-01 text", "1900-01-01"),
    ("no-break space", "\xa07"),
    ("1e400 text", "1e400"),
    ("dollar text", "$1,234"),
    ("yen text", "¥100"),
    ("tab", "\t7"),
    ("full-width yen", "￥100"),
]
SHORT_FROM = "1e20"

TEMPLATES = [
    "={x}",
    "={x}+0",
    "={x}*1",
    "=-{x}",
    "={x}%",
    '={x}&""',
    '={x}&"|"',
    "=LEN({x})",
    "=ISNUMBER({x})",
    "=ISTEXT({x})",
    "=ISBLANK({x})",
    "=ISLOGICAL({x})",
    "=ISERROR({x})",
    "=ISNA({x})",
    '={x}=""',
    "={x}=0",
    "={x}>0",
    '={x}<"a"',
    "={x}=TRUE",
    "={x}>=88",
    '={x}<>"完成"',
    "=IF({x},1,0)",
    '=IF({x}="","",1)',
    "=AND({x})",
    "=OR({x},FALSE)",
    "=AND({x},TRUE)",
    "=NOT({x})",
    "=SUM({x})",
    "=SUM({x},1)",
    "=MIN({x},5)",
    "=MAX({x},-1)",
    "=COUNT({x})",
    "=COUNTA({x})",
    "=ROUND({x},2)",
    "=ROUND({x},0)",
    "=ROUND({x},-1)",
    "=ROUNDUP({x},1)",
    "=ROUNDDOWN({x},1)",
    "=INT({x})",
    "=ABS({x})",
    "=VALUE({x})",
    "=TRIM({x})",
    "=LEN(TRIM({x}))",
    '=SUBSTITUTE({x}," ","_")',
    '=IFERROR({x},"错")',
    '=IFERROR({x}+0,"错")',
    '=CONCATENATE({x},"!")',
    "=LEFT({x},2)",
    "=RIGHT({x},2)",
    "={x}^2",
    "=AVERAGE({x},1)",
    "=SUM({x}+0)",
    "=ISNONTEXT({x})",
    "=ISERR({x})",
    '=_xlfn.IFNA({x},"无")',
    '=_xlfn.CONCAT({x},"!")',
    "=IF(TRUE,{x})",
    # The shapes of perfxl's native formulas (perfxl/generate/formulas.py), on the input as 实际完成值.
    '=IF({x}="","",IF(ISNUMBER({x}),IF({x}<0,0,IF({x}>=0.9,5,ROUND(5*{x}/0.9,2))),"错误：完成值应为数值"))',
    '=IF({x}="","",IF(ISNUMBER({x}),IF({x}<=3,5,ROUND(5*3/{x},2)),"错误：完成值应为数值"))',
    '=IF({x}="","",IF(OR({x}="完成",{x}="达成"),5,IF(OR({x}="基本完成",{x}="部分达成"),ROUND(5*0.7,2),'
    'IF(OR({x}="未完成",{x}="未达成"),0,"请人工评分"))))',
    '=LEN(TRIM(SUBSTITUTE(SUBSTITUTE({x},"\u3000"," "),CHAR(10)," ")))=0',
    '=IF(AND(ISNUMBER({x}),{x}>=0.9,{x}>=1.08),"超额完成，请说明原因 ","")',
    '=SUBSTITUTE(TRIM(IF(AND(ISNUMBER({x}),{x}>5),"得分超过分值 ","")&IF(AND(ISNUMBER({x}),{x}<0),'
    '"得分不能为负数 ",""))," ","；")',
    '=IF(OR({x}="",B1=""),"",IF({x}=0,"错误：全年预算数为0",ROUND(B1/{x},4)))',
    '=IF(COUNT({x},B1)=0,"",SUM({x},B1))',
    '=IF(ISNUMBER({x}),IF({x}>=90,"优",IF({x}>=80,"良",IF({x}>=60,"中","差"))),"")',
]
SHORT_TEMPLATES = [
    "={x}+0",
    "=VALUE({x})",
    "=ISNUMBER({x})",
    '={x}&""',
    "=LEN({x})",
    '={x}<"a"',
    '=IFERROR({x}+0,"错")',
]

LITERALS = [
    # precedence and syntax
    "=-2^2",
    "=2^3^2",
    "=1+2&3",
    "=50%*2",
    "=1<2=TRUE",
    '="a""b"',
    "=IF(TRUE,,1)",
    "=IF(FALSE,1,)",
    "=IF(FALSE,1)",
    "=#N/A",
    "=ISNA(#N/A)",
    "=2^-2",
    "=-(3)^2",
    "=10-2-3",
    "=2*3^2",
    "=1=1=1",
    '="x"&1=1',
    # 15 significant digits
    "=1/3*3=1",
    "=INT(1/3*3)",
    "=ROUNDDOWN(1/3*3,0)",
    "=0.1+0.2=0.3",
    "=1.2-1.1",
    "=1.2-1.1=0.1",
    "=ROUND(2.675,2)",
    "=ROUND(-2.5,0)",
    "=ROUND(1234.5,-2)",
    "=ROUND(0.5,0)",
    "=ROUND(1.005,2)",
    "=ROUNDUP(-1.21,1)",
    "=ROUNDDOWN(-1.29,1)",
    "=ROUND(0.285*100,0)",
    "=ROUND(1E+300,2)",
    "=ROUND(12345,-6)",
    # numbers as text
    '=0.1+0.2&""',
    '=1E+20&""',
    '=1E+15&""',
    '=123456789012345&""',
    '=1234567890123456&""',
    '=1E-9&""',
    '=1E-10&""',
    '=0.0001&""',
    '=1/3&""',
    '=-1/3&""',
    '=2/3&""',
    '=-0&""',
    '="x"&1E+100',
    "=LEN(1/7)",
    # ranges of a double
    "=1E+300*1E+300",
    "=1E-300*1E-300",
    "=2^1024",
    "=(-8)^(1/3)",
    "=0^0",
    "=0^-1",
    "=1E+308*10",
    # errors: evaluated left first
    '="a"+NA()',
    "=NA()+1/0",
    "=1/0+NA()",
    "=1/0&NA()",
    "=NA()=1/0",
    # logicals
    "=TRUE+TRUE",
    "=TRUE&FALSE",
    '="x"<TRUE',
    "=FALSE<TRUE",
    "=2>TRUE",
    "=TRUE=1",
    "=NOT(0)",
    '=NOT("")',
    # text functions
    '=LEN("汉字")',
    '=LEN("\U00020000")',
    "=LEN(CHAR(10))",
    '=TRIM("  a   b  ")',
    '=TRIM("\u3000a\u3000")',
    '=LEN(TRIM(" \u3000 "))',
    '=SUBSTITUTE("a-b-c","-","+",2)',
    '=SUBSTITUTE("a-b-c","-","+")',
    '=SUBSTITUTE("aaa","aa","b",2)',
    '=SUBSTITUTE("aaaa","aa","b",2)',
    '=SUBSTITUTE("abc","","x")',
    '=SUBSTITUTE("a-b","-","+",3)',
    '=RIGHT("abc",5)',
    '=LEFT("abc",5)',
    '=LEFT("abc",0)',
    '=RIGHT("abc",0)',
    '=LEFT("abc")',
    '=CONCATENATE(1,TRUE,"x")',
    "=CHAR(65)",
    '=_xlfn.CONCAT("a",1,TRUE)',
    # coercions
    '=VALUE("1,234")',
    '=VALUE("50%")',
    '=VALUE(" 7 ")',
    '=VALUE("x")',
    '=VALUE("")',
    '=VALUE("1e3")',
    '=VALUE("2022-12-31")',
    '=VALUE("1900-02-28")',
    '=VALUE("1900-03-01")',
    '=VALUE("(1,234.5)")',
    '=VALUE("2022-12-31 18:00")',
    '="3"*"4"',
    '=" 2 "^2',
    '="1,5"+0',
    '="1,234,567"+0',
    # comparisons
    '="a"<"B"',
    '="a"="A"',
    '="B">"a"',
    '="10"<"9"',
    '=1<"0"',
    '=""=0',
    '="完成"="完成 "',
    '="abc"<"abd"',
    '="Z"<"a"',
    '="１"<"2"',
    # aggregates and logic functions
    '=IFERROR(1/0,"x")',
    "=IFERROR(NA(),)",
    "=_xlfn.IFNA(NA(),1)",
    "=_xlfn.IFNA(1/0,1)",
    "=AND(TRUE,1)",
    '=AND("TRUE")',
    '=OR("x",TRUE)',
    "=AND(1/0,FALSE)",
    "=OR(FALSE,NA())",
    '=COUNT(1,"2","x",TRUE,1/0)',
    '=COUNTA(1,"","x",1/0)',
    '=SUM("1",TRUE,2)',
    '=SUM("x")',
    '=MIN("3",5)',
    "=MAX(TRUE,0.5)",
    '=ISNUMBER("1")',
    '=ISTEXT("")',
    '=ISBLANK("")',
    "=ISERR(NA())",
    "=ISERROR(NA())",
    "=ISLOGICAL(1=1)",
    '=AVERAGE(1,2,"3")',
    "=ABS(-0)",
    "=INT(-0.5)",
    "=10/3",
    "=ROUND(10/3,2)",
    "=100*1.1",
    "=0.07*100",
    "=1.1*1.1",
    "=3*1.1=3.3",
    "=SUM(0.1,0.2,0.3)=0.6",
    "=ROWS(A1:C5)",
    "=COLUMNS(A1:C5)",
    '=HYPERLINK("http://x","go")',
    "=ROUND(1.23456789E+20,-15)",
    '=CONCATENATE("a",1/3)',
]

# Formulas over the whole column of inputs (sheet 区域): references ignore text and logical values.
RANGE_FORMULAS = [
    "=SUM({r})",
    "=COUNT({r})",
    "=COUNTA({r})",
    "=MIN({r})",
    "=MAX({r})",
    "=AVERAGE({r})",
    "=AND({r})",
    "=OR({r})",
    "=SUM({clean})",
    "=COUNT({clean})",
    "=COUNTA({clean})",
    "=MIN({clean})",
    "=MAX({clean})",
    "=AVERAGE({clean})",
    "=AND({clean})",
    "=OR({clean})",
    "=SUM(输入!B:B)",
    "=COUNT(输入!B:B)",
    "=COUNTA(输入!A:A)",
    "=ROWS(输入!B:B)",
    "=SUM(IF(TRUE,{clean}))",
    "=_xlfn.CONCAT({few})",
    # implicit intersection: a one-column range in the formula's row, on another sheet
    "=输入!$B$2:$B$30",
    "=ISNUMBER(输入!$B$2:$B$30)",
    '=输入!$B$2:$B$30&""',
]


def input_rows() -> Iterator[tuple[int, str, object, list[str]]]:
    """(row on 输入, label, value, the templates it is put under)."""
    short = False
    for index, (label, value) in enumerate(INPUTS):
        short = short or label == SHORT_FROM
        yield index + 2, label, value, SHORT_TEMPLATES if short else TEMPLATES


def _as_libreoffice_reads(value: object) -> object:
    if isinstance(value, bool):
        return int(value)
    if value == EMPTY_TEXT:
        return None
    return value


def _logicals_as_numbers(formula: str) -> str:
    """TRUE and FALSE (constants or functions) outside quoted text as 1 and 0."""
    parts = re.split(r'("(?:[^"]|"")*")', formula)
    for index in range(0, len(parts), 2):
        parts[index] = re.sub(
            r"(?<![\w.])(TRUE|FALSE)(\(\))?(?![\w(])", lambda m: "1" if m.group(1) == "TRUE" else "0", parts[index]
        )
    return "".join(parts)


def _cell_value(value: object) -> object:
    if isinstance(value, ExcelError):
        return value.code  # openpyxl types a known error text as an error constant
    if value == EMPTY_TEXT:
        return "EMPTYTEXTMARKER"
    return value


def semantics_workbook(path: Path, *, as_libreoffice_reads: bool = False) -> dict[tuple[str, int, int], str]:
    """Write the semantics workbook; returns each formula cell's description, e.g. "number: =ISNUMBER({x})"."""
    book = openpyxl.Workbook()
    inputs = book.active
    inputs.title = "输入"
    matrix = book.create_sheet("公式")
    literals = book.create_sheet("直接")
    ranges = book.create_sheet("区域")
    described: dict[tuple[str, int, int], str] = {}
    matrix["B1"] = 7  # the second operand of the budget-rate and funds-total shapes
    last = 1
    for row, label, value, templates in input_rows():
        last = row
        inputs.cell(row, 1, label)
        shown = _as_libreoffice_reads(value) if as_libreoffice_reads else value
        if shown is not None:
            inputs.cell(row, 2, _cell_value(shown))
        for template in templates:
            column = TEMPLATES.index(template) + 3
            matrix.cell(row, column, template.format(x=f"输入!B{row}"))
            described[("公式", row, column)] = f"{label}: {template}"
    for row, formula in enumerate(LITERALS, 1):
        literals.cell(row, 1, f"公式 {formula}")
        literals.cell(row, 2, _logicals_as_numbers(formula) if as_libreoffice_reads else formula)
        described[("直接", row, 2)] = formula
    clean = "输入!B2:B15"  # number … false: no error values
    for row, template in enumerate(RANGE_FORMULAS, 2):
        formula = template.format(r=f"输入!B2:B{last}", clean=clean, few="输入!B2:B9")
        ranges.cell(row, 2, _logicals_as_numbers(formula) if as_libreoffice_reads else formula)
        described[("区域", row, 2)] = f"range: {template}"
    book.save(path)
    _write_empty_texts(path)
    return described


def _write_empty_texts(path: Path) -> None:
    """Turn the marker into a cell holding an empty text, as Excel saves a pasted "" result."""
    temporary = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                data = data.replace(b"<is><t>EMPTYTEXTMARKER</t></is>", b"<is><t></t></is>")
            target.writestr(info, data)
    shutil.move(temporary, path)


# -- a generated native form with pasted values ------------------------------------------------------

REASONS = [None, "", " ", "\u3000", "\n", "原因：受疫情影响。", " \u3000\n ", "说明", ExcelError("#N/A"), 0, True]


def form_workbook(folder: Path, *, as_libreoffice_reads: bool = False, seed: int = 3) -> Path:
    """A native form of a random project list (and the seed's), with every kind of input pasted into it."""
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / "list.yaml"
    source.write_text(yaml.safe_dump(random_list(random.Random(seed), 12), allow_unicode=True), encoding="utf-8")
    name = "form-lo-view.xlsx" if as_libreoffice_reads else "form.xlsx"
    (path,) = generate(source, folder, mode="native", single=name)
    pasted = [value for _, value in INPUTS if not isinstance(value, Formula) and value != EMPTY_TEXT]
    with XlsxBook(path) as book:
        count = 0
        for sheet in book.sheet_names():
            names = book.names(sheet)
            if "PERFXL_IND_ACTUAL" not in names:
                continue
            actual, score, reason = (names[f"PERFXL_IND_{n}"] for n in ("ACTUAL", "SCORE", "REASON"))
            for offset in range(actual.rows):
                row = actual.min_row + offset
                value = pasted[count % len(pasted)]
                _paste(book, sheet, row, actual.min_col, value, as_libreoffice_reads)
                _paste(book, sheet, row, reason.min_col, REASONS[count % len(REASONS)], as_libreoffice_reads)
                if count % 4 == 1:  # an override of the score, sometimes not a number
                    override = [3, "5", 2.5, -1, 100, True][count // 4 % 6]
                    _paste(book, sheet, row, score.min_col, override, as_libreoffice_reads)
                count += 1
            executed = names["PERFXL_FUNDS_FISCAL_EXECUTED"]
            _paste(book, sheet, executed.min_row, executed.min_col, pasted[count % len(pasted)], as_libreoffice_reads)
            count += 1
        book.save()
    return path


def _paste(book: XlsxBook, sheet: str, row: int, col: int, value: object, as_libreoffice_reads: bool) -> None:
    from perfxl.workbook.base import Ref

    if as_libreoffice_reads:
        value = _as_libreoffice_reads(value)
    if isinstance(value, datetime.datetime):
        value = float((value - datetime.datetime(1899, 12, 30)).days)
    elif isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    book.set_value(Ref.cell(sheet, row, col), value)


# -- reading results -------------------------------------------------------------------------------------


def formula_results(path: Path) -> dict[tuple[str, int, int], Value]:
    """The cached value of every formula cell, typed as the engine reads a file (numbers to 15 digits)."""
    with XlsxBook(path) as book:
        cells = XlsxCells(book)
        return {
            (sheet, row, col): cells.constant(sheet, row, col)
            for sheet in book.sheet_names()
            for row, col in cells.formulas(sheet)
        }
