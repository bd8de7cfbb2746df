"""Will Excel open it? Schema validation and lint on real xlsxwriter/openpyxl output and broken copies."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
import xlwings
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from perfxl_tools.ooxml import PackageProblem, validate_package
from perfxl_tools.ooxml.lint import check_formula, defined_name_problems, sheet_name_problems

SHEET_XML = "xl/worksheets/sheet1.xml"
WORKBOOK_XML = "xl/workbook.xml"


def build_good(path: Path, **options: object) -> Path:
    wb = xlsxwriter.Workbook(path, options or None)
    ws = wb.add_worksheet("自评表")
    ws.set_paper(9)
    title = wb.add_format({"font_name": "宋体", "bold": True, "align": "center"})
    ws.merge_range("A1:D1", "财政项目支出绩效自评表", title)
    ws.merge_range("A2:B3", "预算执行情况")
    ws.write_row("C2", [100, 60])
    ws.write_formula("E2", "=ROUND(D2/C2,4)", None, 0.6)
    ws.write_formula("F2", "=IFERROR(ROUND(MIN(E2,1)*10,2),0)", None, 6)
    ws.data_validation("G2", {"validate": "list", "source": ["达成", "部分达成", "未达成"]})
    ws.data_validation("C2", {"validate": "decimal", "criteria": ">=", "value": 0})
    ws.conditional_format("F2", {"type": "formula", "criteria": "=$F$2<6", "format": title})
    wb.define_name("自评表!执行率", "=自评表!$E$2")
    wb.define_name("总分", "=自评表!$F$2")
    wb.close()
    return path


def mutate(src: Path, dst: Path, part: str, edit: Callable[[str], str]) -> Path:
    """A copy of ``src`` with one part's text edited (the edit must change something)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == part:
                text = data.decode("utf-8")
                edited = edit(text)
                assert edited != text, "mutation did not apply"
                data = edited.encode("utf-8")
            zout.writestr(info, data)
    return dst


def checks(problems: list[PackageProblem], severity: str = "error") -> set[tuple[str, str]]:
    return {(p.check, p.part) for p in problems if p.severity == severity}


@pytest.fixture()
def good(tmp_path: Path) -> Path:
    return build_good(tmp_path / "good.xlsx")


def test_xlsxwriter_workbook_passes(good: Path) -> None:
    assert validate_package(good) == []


def test_openpyxl_workbook_has_no_errors(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "自评表"
    ws["A1"], ws["B1"], ws["C1"] = "预算数", 100, "=B1*0.6"
    ws.merge_cells("A3:C3")
    validation = DataValidation(type="list", formula1='"达成,部分达成,未达成"')
    ws.add_data_validation(validation)
    validation.add("D1")
    ws.defined_names["执行数"] = DefinedName("执行数", attr_text="自评表!$C$1")
    path = tmp_path / "openpyxl.xlsx"
    wb.save(path)
    assert [p for p in validate_package(path) if p.severity == "error"] == []


def test_workbook_saved_by_excel_passes() -> None:
    """xlwings ships quickstart.xlsm, saved by Excel 365 (mc:AlternateContent, x15/xr namespaces, VBA)."""
    quickstart = Path(xlwings.__file__).parent / "quickstart.xlsm"
    if not quickstart.is_file():
        pytest.skip("this xlwings ships no quickstart.xlsm")
    assert validate_package(quickstart) == []


def test_future_functions_with_prefix_pass_but_warn_for_excel_2010(tmp_path: Path) -> None:
    path = tmp_path / "future.xlsx"
    wb = xlsxwriter.Workbook(path, {"use_future_functions": True})
    ws = wb.add_worksheet()
    ws.write_formula("A1", "=STDEV.S(B1:B3)")  # Excel 2010: prefix in the file, fine in 2010
    ws.write_formula("A2", "=XLOOKUP(1,B1:B3,C1:C3)")
    ws.write_formula("A3", "=XLOOKUP(2,B1:B3,C1:C3)")
    wb.close()
    problems = validate_package(path)
    assert [p for p in problems if p.severity == "error"] == []
    (warning,) = problems
    assert warning.check == "function" and "XLOOKUP does not exist in Excel 2010" in warning.message
    assert "used in 2 formula(s), first in A2" in warning.message


def test_broken_sheet_xml_is_caught(good: Path, tmp_path: Path) -> None:
    def edit(text: str) -> str:
        text = text.replace('<mergeCell ref="A2:B3"/>', '<mergeCell ref="A2:B3"/><mergeCell ref="B3:C4"/>')
        text = text.replace("<sheetData>", "<notAnElement/><sheetData>")
        long_list = ",".join(["达成"] * 100)  # 299 characters
        return text.replace('<formula1>"达成,部分达成,未达成"</formula1>', f'<formula1>"{long_list}"</formula1>')

    problems = validate_package(mutate(good, tmp_path / "broken.xlsx", SHEET_XML, edit))
    found = {p.check: p for p in problems if p.part == SHEET_XML}
    assert "merged ranges A2:B3 and B3:C4 overlap" in found["merge"].message
    assert "has 299 characters; Excel allows 255" in found["validation"].message
    assert any("notAnElement" in p.message for p in problems if p.check == "schema")
    assert all(p.line is not None for p in problems)


def test_function_without_xlfn_prefix_is_caught(tmp_path: Path) -> None:
    path = tmp_path / "xlookup.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet()
    ws.write_formula("B7", "=XLOOKUP(1,C1:C3,D1:D3)")  # xlsxwriter writes _xlfn.XLOOKUP itself
    ws.write_formula("B8", "=XLOOKUP(2,C1:C3,D1:D3)")
    wb.close()
    broken = mutate(path, tmp_path / "unprefixed.xlsx", SHEET_XML, lambda t: t.replace("_xlfn.XLOOKUP(1", "XLOOKUP(1"))
    errors = [p for p in validate_package(broken) if p.severity == "error"]
    assert len(errors) == 1
    assert errors[0].check == "function" and errors[0].part == SHEET_XML and errors[0].line == 2
    assert errors[0].message.startswith("cell B7: XLOOKUP is newer than Excel 2007's file format")


def test_bad_names_in_workbook_xml_are_caught(good: Path, tmp_path: Path) -> None:
    def edit(text: str) -> str:
        text = text.replace('name="总分"', 'name="AB12"')
        text = text.replace('<sheet name="自评表"', f'<sheet name="绩效自评表/{"x" * 30}"')
        return text

    problems = validate_package(mutate(good, tmp_path / "names.xlsx", WORKBOOK_XML, edit))
    messages = [p.message for p in problems if p.part == WORKBOOK_XML and p.severity == "error"]
    assert "'AB12' looks like a cell address (A1 style)" in messages
    assert any("sheet name has 36 UTF-16 units (Excel allows 31)" in m for m in messages)
    assert any("sheet name contains /" in m for m in messages)


def test_package_structure_problems_are_caught(good: Path, tmp_path: Path) -> None:
    broken = mutate(
        good,
        tmp_path / "rels.xlsx",
        "xl/_rels/workbook.xml.rels",
        lambda t: t.replace("worksheets/sheet1.xml", "worksheets/sheet9.xml"),
    )
    problems = validate_package(broken)
    assert ("package", "xl/_rels/workbook.xml.rels") in checks(problems)
    assert any("points to missing part xl/worksheets/sheet9.xml" in p.message for p in problems)

    no_type = mutate(
        good,
        tmp_path / "types.xlsx",
        "[Content_Types].xml",
        lambda t: t.replace('<Default Extension="rels"', '<Default Extension="relsx"'),
    )
    assert any(p.part == "_rels/.rels" and "no content type" in p.message for p in validate_package(no_type))


def test_xml_that_does_not_parse_is_caught(good: Path, tmp_path: Path) -> None:
    broken = mutate(good, tmp_path / "xml.xlsx", "xl/styles.xml", lambda t: t.replace("</fonts>", "", 1))
    problems = validate_package(broken)
    (xml,) = [p for p in problems if p.check == "xml"]
    assert xml.part == "xl/styles.xml" and xml.line is not None and "not well-formed" in xml.message


def test_not_a_zip_file(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_text("这不是 Excel 文件", encoding="utf-8")
    (problem,) = validate_package(path)
    assert problem.check == "package" and "not a zip package" in problem.message


@pytest.mark.parametrize(
    ("name", "bad"),
    [
        ("预算数", False),
        ("_xlnm.Print_Area", False),
        ("XFE1", False),
        ("ABCD12", False),
        ("执行率.2022", False),
        ("A1", True),
        ("xfd1048576", True),
        ("R1C1", True),
        ("R", True),
        ("c", True),
        ("RC", True),
        ("R12", True),
        ("1abc", True),
        ("a b", True),
        ("", True),
        ("x" * 256, True),
    ],
)
def test_defined_name_rules(name: str, bad: bool) -> None:
    assert bool(defined_name_problems(name)) is bad


@pytest.mark.parametrize(
    ("name", "bad"),
    [
        ("自评表", False),
        ("Sheet 1", False),
        ("x" * 31, False),
        ("x" * 32, True),
        ("a/b", True),
        ("[1]", True),
        ("'quoted'", True),
        ("History", True),
        ("", True),
        ("HISTORY", True),
        ("𠀀" * 15 + "x", False),
        ("𠀀" * 16, True),
        ("报告.py", True),
        ("报告.PY", True),
        ("报告_py", False),
        ("a\x01b", True),
    ],
)
def test_sheet_name_rules(name: str, bad: bool) -> None:
    assert bool(sheet_name_problems(name)) is bad


@pytest.mark.parametrize(
    ("formula", "check"),
    [
        ("=SUM(A1:A3)", None),
        ("=_xlfn.STDEV.S(A1:A3)", None),
        ("=_xlfn._xlws.SORT(A1:A3)", None),
        ('=IF(A1>0,"达成","未达成")', None),
        ("='自评表'!A1*2", None),
        ("=SUM(A1:A3", "formula"),
        ('="abc', "formula"),
        ("=A1+)", "formula"),
        ("=STDEV.S(A1:A3)", "function"),
        ("=IFS(A1>0,1)", "function"),
    ],
)
def test_formula_rules(formula: str, check: str | None) -> None:
    problems = check_formula(formula, SHEET_XML, 2, "cell A1")
    assert [p.check for p in problems] == ([check] if check else [])
