"""tests/support/xml_diff.py: what it reports, and what it deliberately treats as equal."""

from __future__ import annotations

import zipfile
from pathlib import Path

from tests.support.xml_diff import (
    PartDifference,
    compare_packages,
    compare_part,
    element_lines,
    read_parts,
    report,
)

ROOT = Path(__file__).resolve().parents[1]
FORM = ROOT / "workbooks" / "已填报-udf" / "2022_业务工作经历.xlsm"

SHEET = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" s="3"><v>89.96</v></c></row>'
    b'<row r="2"><c r="A2"><v>1</v></c></row>'
    b"</sheetData></worksheet>"
)
RELATIONSHIPS = (
    b'<Relationship Id="rId1" Type="t/worksheet" Target="worksheets/sheet1.xml"/>',
    b'<Relationship Id="rId2" Type="t/styles" Target="styles.xml"/>',
    b'<Relationship Id="rId10" Type="t/theme" Target="theme/theme1.xml"/>',
)


def _rels(relationships: tuple[bytes, ...]) -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + b"".join(relationships)
        + b"</Relationships>"
    )


RELS = _rels(RELATIONSHIPS)
CORE = (
    b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    b'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
    b"<dc:title>t</dc:title><dcterms:created>2023-01-01T00:00:00Z</dcterms:created>"
    b"<dcterms:modified>2023-01-01T00:00:00Z</dcterms:modified></cp:coreProperties>"
)


def test_a_changed_attribute_is_the_one_line_that_differs() -> None:
    changed = SHEET.replace(b'<c r="B1" s="3">', b'<c r="B1" s="4">')
    difference = compare_part("xl/worksheets/sheet1.xml", SHEET, changed)
    assert difference is not None
    removed = [line for line in difference.lines if line.startswith("-") and not line.startswith("---")]
    added = [line for line in difference.lines if line.startswith("+") and not line.startswith("+++")]
    assert removed == ['-      <c r="B1" s="3">']
    assert added == ['+      <c r="B1" s="4">']
    assert difference.lines[0] == "--- expected/xl/worksheets/sheet1.xml"


def test_attributes_are_sorted_and_quotes_do_not_matter() -> None:
    reordered = SHEET.replace(b'<c r="B1" s="3">', b"<c s='3' r='B1'>")
    assert compare_part("xl/worksheets/sheet1.xml", SHEET, reordered) is None
    assert '      <c r="B1" s="3">' in element_lines("xl/worksheets/sheet1.xml", reordered)


def test_a_missing_element_is_reported_with_its_children() -> None:
    missing = SHEET.replace(b'<row r="2"><c r="A2"><v>1</v></c></row>', b"")
    difference = compare_part(
        "xl/worksheets/sheet1.xml", SHEET, missing, expected_name="committed", got_name="regenerated"
    )
    assert difference is not None
    assert [line for line in difference.lines if line.startswith("-") and not line.startswith("---")] == [
        '-    <row r="2">',
        '-      <c r="A2">',
        "-        <v>1",
    ]
    assert not [line for line in difference.lines if line.startswith("+") and not line.startswith("+++")]
    assert difference.lines[:2] == (
        "--- committed/xl/worksheets/sheet1.xml",
        "+++ regenerated/xl/worksheets/sheet1.xml",
    )


def test_changed_text_differs() -> None:
    assert compare_part("xl/worksheets/sheet1.xml", SHEET, SHEET.replace(b"89.96", b"89.97")) is not None


def test_reordered_relationships_are_equal() -> None:
    reordered = _rels(tuple(reversed(RELATIONSHIPS)))
    assert reordered != RELS
    assert compare_part("xl/_rels/workbook.xml.rels", RELS, reordered) is None
    # sorted by Id in its natural order: rId2 before rId10
    ids = [line.split('Id="')[1].split('"')[0] for line in element_lines("x.rels", reordered) if 'Id="' in line]
    assert ids == ["rId1", "rId2", "rId10"]


def test_a_changed_relationship_target_differs() -> None:
    changed = RELS.replace(b"styles.xml", b"styles2.xml")
    difference = compare_part("xl/_rels/workbook.xml.rels", RELS, changed)
    assert difference is not None and any("styles2.xml" in line for line in difference.lines)


def test_reordered_content_types_are_equal() -> None:
    head = b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    default = b'<Default Extension="xml" ContentType="application/xml"/>'
    rels = b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    sheet = b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="w"/>'
    book = b'<Override PartName="/xl/workbook.xml" ContentType="b"/>'
    one = head + default + rels + sheet + book + b"</Types>"
    other = head + book + rels + sheet + default + b"</Types>"
    assert compare_part("[Content_Types].xml", one, other) is None
    # ... but order still matters where it means something, e.g. in a sheet
    assert compare_part("xl/worksheets/sheet1.xml", one, other) is not None


def test_a_changed_date_is_equal() -> None:
    later = CORE.replace(b"<dcterms:modified>2023-01-01T00:00:00Z", b"<dcterms:modified>2026-05-09T07:35:25Z")
    assert compare_part("docProps/core.xml", CORE, later) is None


def test_a_missing_date_or_another_changed_property_differs() -> None:
    without = CORE.replace(b"<dcterms:modified>2023-01-01T00:00:00Z</dcterms:modified>", b"")
    assert compare_part("docProps/core.xml", CORE, without) is not None
    assert compare_part("docProps/core.xml", CORE, CORE.replace(b"<dc:title>t", b"<dc:title>u")) is not None
    # a date outside docProps/core.xml is data
    assert (
        compare_part("docProps/custom.xml", CORE, CORE.replace(b"2023-01-01T00:00:00Z", b"2024-01-01T00:00:00Z", 1))
        is not None
    )


def test_a_changed_namespace_differs_though_the_prefixes_agree() -> None:
    other = SHEET.replace(b"spreadsheetml/2006/main", b"spreadsheetml/2006/other")
    difference = compare_part("xl/worksheets/sheet1.xml", SHEET, other)
    assert difference is not None and any("2006/other" in line for line in difference.lines)


def test_a_binary_part_is_compared_by_bytes_with_its_size() -> None:
    assert compare_part("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0" * 4, b"\xd0\xcf\x11\xe0" * 4) is None
    difference = compare_part("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0" * 4, b"\xd0\xcf\x11\xe0" * 5)
    assert difference is not None
    assert difference.lines[0].startswith("binary part differs: expected 16 bytes (sha256 ")
    assert ", got 20 bytes (sha256 " in difference.lines[0]


def test_a_long_difference_is_cut_short() -> None:
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (i, i, i) for i in range(1, 200))
    before = SHEET.replace(b"<sheetData>", b"<sheetData>" + rows)
    difference = compare_part("xl/worksheets/sheet1.xml", before, SHEET)
    assert difference is not None
    assert len(difference.lines) == 41 and difference.lines[-1].endswith("more diff lines")


def test_packages_report_missing_parts_and_each_differing_part(tmp_path: Path) -> None:
    parts = read_parts(FORM)
    changed = dict(parts)
    del changed["xl/vbaProject.bin"]
    changed["xl/extra.xml"] = b"<a/>"
    changed["docProps/core.xml"] = parts["docProps/core.xml"].replace(b"2023-01-01T00:00:00Z", b"2030-01-01T00:00:00Z")
    changed["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(b"rId7", b"rId8")
    path = tmp_path / "changed.xlsm"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in changed.items():
            archive.writestr(name, data)
    differences = compare_packages(parts, read_parts(path), expected_name="committed", got_name="regenerated")
    assert [d.part for d in differences] == ["xl/_rels/workbook.xml.rels", "xl/extra.xml", "xl/vbaProject.bin"]
    assert differences[1].lines[0].startswith("only in regenerated (4 bytes (sha256 ")
    assert differences[2].lines[0].startswith("only in committed (58,880 bytes")
    text = report(differences, "2022_业务工作经历.xlsm differs")
    assert text.splitlines()[0] == "2022_业务工作经历.xlsm differs"
    assert "== xl/_rels/workbook.xml.rels" in text and '+  <Relationship Id="rId8"' in text


def test_a_package_equals_itself_and_its_string_form_names_the_part() -> None:
    parts = read_parts(FORM)
    assert compare_packages(parts, parts) == []
    assert str(PartDifference("a.xml", ("x", "y"))) == "== a.xml\nx\ny"
