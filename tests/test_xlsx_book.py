"""The XML-level workbook reader/patcher on what Excel, WPS and LibreOffice write, not only on perfxl's files."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl

from perfxl.readback.functions import FORM_FUNCTIONS
from perfxl.workbook.base import Ref
from perfxl.workbook.xlsx_book import XlsxBook

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHEET = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="{MAIN}"><sheetData>
<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2" t="s"><v>1</v></c><c r="C2" t="inlineStr"><is><t>内联</t></is></c>
<c r="D2" t="b"><v>1</v></c><c r="E2" t="e"><v>#DIV/0!</v></c><c r="F2"><v>0.88</v></c></row>
<row r="3"><c r="A3"><f t="shared" ref="A3:A4" si="0">F2*10</f><v>8.8</v></c></row>
<row r="4"><c r="A4"><f t="shared" si="0"/><v>0</v></c><c r="C4"/></row>
</sheetData></worksheet>"""
STRINGS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="{MAIN}" count="2" uniqueCount="2">
<si><t>顺利完成</t><rPh sb="0" eb="2"><t>しゅんり</t></rPh><phoneticPr fontId="1"/></si>
<si><r><t>较</t></r><r><rPr><b/></rPr><t xml:space="preserve">顺利</t></r></si></sst>"""


def excel_like(tmp_path: Path) -> Path:
    """A workbook as East Asian Excel writes one: phonetic guides, rich text, shared formulas."""
    path = tmp_path / "excel.xlsx"
    openpyxl.Workbook().save(path)
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    parts["xl/worksheets/sheet1.xml"] = SHEET.encode()
    parts["xl/sharedStrings.xml"] = STRINGS.encode()
    types = parts["[Content_Types].xml"].decode()
    if "sharedStrings" not in types:
        types = types.replace(
            "</Types>",
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        )
        parts["[Content_Types].xml"] = types.encode()
        rels = (
            parts["xl/_rels/workbook.xml.rels"]
            .decode()
            .replace(
                "</Relationships>",
                '<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/'
                '2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
            )
        )
        parts["xl/_rels/workbook.xml.rels"] = rels.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)
    return path


def test_values_of_every_cell_type(tmp_path: Path) -> None:
    with XlsxBook(excel_like(tmp_path)) as book:
        sheet = book.sheet_names()[0]
        assert book.values(Ref(sheet, 2, 1, 2, 6)) == [["顺利完成", "较顺利", "内联", True, "#DIV/0!", 0.88]]
        assert book.formulas(Ref(sheet, 3, 1, 4, 1)) == [[True], [True]]  # shared formulas count too
        assert book.values(Ref.cell(sheet, 1, 1)) == [[None]]


def test_patching_keeps_shared_formulas_and_inserts_missing_cells_in_order(tmp_path: Path) -> None:
    path = excel_like(tmp_path)
    with XlsxBook(path) as book:
        sheet = book.sheet_names()[0]
        book.set_value(Ref.cell(sheet, 3, 6), 1.5)  # F3, which A4's shared formula (F3*10) reads
        book.set_value(Ref.cell(sheet, 4, 2), "新")  # a cell not in the file, between A4 and C4
        book.set_value(Ref.cell(sheet, 1, 3), 5)  # a row not in the file, before row 2
        assert book.calculate(FORM_FUNCTIONS).uncomputed == {}
        assert book.values(Ref(sheet, 3, 1, 4, 1)) == [[8.8], [15.0]]
        book.save()
    xml = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    assert '<c r="A4"><f t="shared" si="0"/><v>15.0</v></c><c r="B4" t="inlineStr"><is><t>新</t></is></c>' in xml
    assert xml.index('<row r="1">') < xml.index('<row r="2">')
    book = openpyxl.load_workbook(path)
    assert book.active["B4"].value == "新" and book.active["C1"].value == 5
