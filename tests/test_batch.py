"""The bureau's batch on returned forms: recalc preserves everything, bad files are skipped, totals agree."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from msoffcrypto.format.ooxml import OOXMLFile

from perfxl.cli import bundled_example
from perfxl.generate import generate
from perfxl.readback.functions import FORM_FUNCTIONS
from perfxl.sheetlib.package import MAX_FILE_BYTES
from perfxl.workbook.xlsx_book import XlsxBook
from tests.support.office import require_libreoffice
from tests.support.workbooks import named_values

pytestmark = pytest.mark.slow  # the real CLI over folders of returned forms

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
# A list validation as Excel and WPS write it when its source is on another sheet: in an extension
# list, which openpyxl drops on save.
EXTENSION = (
    '<extLst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><ext '
    'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main" '
    'uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}"><x14:dataValidations '
    'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main" count="1"><x14:dataValidation type="list" '
    'allowBlank="1"><x14:formula1><xm:f>perfxl!$A$1:$A$3</xm:f></x14:formula1><xm:sqref>K5</xm:sqref>'
    "</x14:dataValidation></x14:dataValidations></ext></extLst>"
)


def perfxl(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "perfxl", *args], capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def returned(tmp_path_factory) -> Path:
    """Returned forms of both modes, one of them carrying an extension-list validation."""
    folder = tmp_path_factory.mktemp("returned")
    generate(bundled_example(), folder / "udf", mode="udf")
    generate(bundled_example(), folder / "native", mode="native")
    _add_extension(folder / "native" / "2022_业务工作经历.xlsx")
    return folder


def _add_extension(path: Path) -> None:
    with zipfile.ZipFile(path) as source:
        parts = {info: source.read(info) for info in source.infolist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in parts.items():
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</worksheet>", EXTENSION.encode() + b"</worksheet>")
            out.writestr(info, data)


def _sheet_without_values(data: bytes) -> bytes:
    """A sheet's XML with every cached value and perfxl's own cells removed: what recalc must keep."""
    root = etree.fromstring(data)
    for cell in root.iter(f"{{{MAIN}}}c"):
        if cell.get("r") in ("K2", "K3"):
            cell.getparent().remove(cell)
            continue
        for value in cell.findall(f"{{{MAIN}}}v"):
            cell.remove(value)
        if cell.find(f"{{{MAIN}}}f") is not None:
            cell.attrib.pop("t", None)
    return etree.tostring(root, method="c14n")


def test_recalc_preserves_every_part_and_everything_in_the_sheet(returned: Path, tmp_path: Path) -> None:
    folder = tmp_path / "forms"
    shutil.copytree(returned, folder)
    before = {p: p.read_bytes() for p in folder.rglob("*.xls?")}
    run = perfxl("recalc", str(folder))
    assert run.returncode == 0, run.stdout + run.stderr
    assert "已重新计算 4 个文件" in run.stdout
    for path, original in before.items():
        with zipfile.ZipFile(io.BytesIO(original)) as old, zipfile.ZipFile(path) as new:
            assert old.namelist() == new.namelist()
            for name in old.namelist():
                if name.startswith("xl/worksheets/sheet") and old.read(name) != new.read(name):
                    assert _sheet_without_values(old.read(name)) == _sheet_without_values(new.read(name)), name
                else:
                    assert old.read(name) == new.read(name), f"{path.name}: {name}"
            assert "xl/vbaProject.bin" in new.namelist() or path.suffix == ".xlsx"
            if path.name == "2022_业务工作经历.xlsx":
                assert b"x14:dataValidation" in new.read("xl/worksheets/sheet1.xml")
        (names,) = named_values(path).values()
        assert names["PERFXL_STAMP"][0].startswith("重新计算：")


def test_check_on_returned_forms_gives_the_totals_of_the_list(returned: Path, seed_expected: dict) -> None:
    import json

    from_list = {
        f["project"]: f["total"] for f in json.loads(perfxl("check", bundled_example(), "--json").stdout)["forms"]
    }
    run = perfxl("check", str(returned), "--json")
    assert run.returncode == 1, run.stderr  # each project is there twice: as a udf and as a native form
    forms = json.loads(run.stdout)["forms"]
    assert len(forms) == 4
    for form in forms:
        assert form["total"] == from_list[form["project"]] == seed_expected[form["project"]]["total"]
        assert form["file"].endswith((".xlsx", ".xlsm")) and form["sheet"] == form["project"]
        assert all("cell" in f for f in form["findings"] if f["level"] not in ("info", "error"))
        other = next(f["file"] for f in forms if f["project"] == form["project"] and f is not form)
        (duplicate,) = (f for f in form["findings"] if f["level"] == "error")
        assert duplicate["code"] == "duplicate_project" and other in duplicate["message"]


def _bad_files(folder: Path, good: Path) -> dict[str, str]:
    """Bad inputs of every kind, and the word their message must contain."""
    (folder / "损坏.xlsx").write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])
    (folder / "不是表格.xlsx").write_text("这是一段文字，不是工作簿", encoding="utf-8")
    with good.open("rb") as source, (folder / "有密码.xlsx").open("wb") as target:
        OOXMLFile(source).encrypt("123456", target)
    with (folder / "过大.xlsx").open("wb") as big:
        big.truncate(MAX_FILE_BYTES + 1)
    with zipfile.ZipFile(folder / "压缩炸弹.xlsx", "w", zipfile.ZIP_DEFLATED) as bomb:
        bomb.writestr("xl/workbook.xml", b"<workbook/>")
        bomb.writestr("xl/worksheets/sheet1.xml", b"\0" * (400 * 1024 * 1024))
    with zipfile.ZipFile(folder / "文档.xlsx", "w") as word:
        word.writestr("word/document.xml", "<document/>")
    (folder / "旧格式.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    return {
        "损坏.xlsx": "损坏",
        "不是表格.xlsx": "不是 Excel 工作簿",
        "有密码.xlsx": "加密",
        "过大.xlsx": "过大",
        "压缩炸弹.xlsx": "压缩炸弹",
        "文档.xlsx": "不是 Excel 工作簿",
        "旧格式.xls": "旧版 .xls",
    }


def test_a_batch_with_bad_files_reports_them_and_goes_on(returned: Path, tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    shutil.copytree(returned / "native", folder)
    expected = _bad_files(folder, folder / "2022_鉴定考务经费.xlsx")
    run = perfxl("check", str(folder))
    assert run.returncode == 1  # an unusable file is an error finding; the good forms are checked
    assert "Traceback" not in run.stderr
    assert "89.96" in run.stdout and "92.57" in run.stdout
    for name, word in expected.items():
        line = next(line for line in run.stdout.splitlines() if name in line and line.startswith("[错误]"))
        assert word in line, line
    assert "7 个文件无法使用" in run.stdout


def test_recalc_leaves_bad_files_untouched(returned: Path, tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    shutil.copytree(returned / "native", folder)
    _bad_files(folder, folder / "2022_鉴定考务经费.xlsx")
    bad = {p: p.stat().st_mtime_ns for p in folder.iterdir() if not p.name.startswith("2022_")}
    run = perfxl("recalc", str(folder))
    assert run.returncode == 1
    assert "已重新计算 2 个文件" in run.stdout and "跳过 7 个" in run.stdout
    assert {p: p.stat().st_mtime_ns for p in bad} == bad
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # no temporary files left


def test_only_unusable_input_exits_2(tmp_path: Path) -> None:
    (tmp_path / "坏.xlsx").write_text("x", encoding="utf-8")
    run = perfxl("check", str(tmp_path / "坏.xlsx"))
    assert run.returncode == 2
    assert "坏.xlsx" in run.stderr and "不是 Excel 工作簿" in run.stderr
    assert perfxl("check", str(tmp_path / "空文件夹")).returncode == 2


@pytest.mark.libreoffice
def test_pdf_exports_every_form_and_reports_a_bad_file(returned: Path, tmp_path: Path) -> None:
    """udf forms print perfxl's numbers although LibreOffice cannot run the UDFs; equal names stay apart."""
    require_libreoffice()
    folder = tmp_path / "forms"
    shutil.copytree(returned, folder)
    (folder / "坏文件.xlsx").write_text("不是工作簿", encoding="utf-8")
    before = {p: p.read_bytes() for p in folder.rglob("*.xls?")}
    run = perfxl("pdf", str(folder), "-o", str(tmp_path / "pdf"))
    assert run.returncode == 1, run.stdout + run.stderr
    assert "已导出 4 个 PDF" in run.stdout and "坏文件.xlsx" in run.stdout
    assert {p: p.read_bytes() for p in folder.rglob("*.xls?")} == before  # recalculated in copies only
    pdfs = sorted((tmp_path / "pdf").glob("*.pdf"))
    assert [p.name for p in pdfs] == [
        "2022_业务工作经历.pdf",
        "2022_业务工作经历（2）.pdf",
        "2022_鉴定考务经费.pdf",
        "2022_鉴定考务经费（2）.pdf",
    ]
    for pdf in pdfs:
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert "Pages:           1" in info and "841.89" in info
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "财政项目支出绩效自评表" in text
        assert "#NAME?" not in text and "#VALUE!" not in text
        assert ("89.96" in text) != ("92.57" in text)


@pytest.mark.libreoffice
def test_rows_inserted_and_deleted_by_an_officer(tmp_path: Path, returned: Path) -> None:
    """LibreOffice, like Excel, moves and stretches the defined names; the reader follows them."""
    require_libreoffice()
    from perfxl.batch.runner import check_file
    from perfxl_tools.uno_session import UnoSession

    edited = tmp_path / "edited.xlsx"
    sheet = "业务工作经历"
    with UnoSession() as office:
        # Two rows inserted inside the table (one filled in as a new indicator, one left empty), and
        # the row of 业务印刷工作完成率 (row 14) deleted.
        office.recalculate(
            returned / "native" / "2022_业务工作经历.xlsx",
            names=False,
            save_as=edited,
            rows=[(sheet, 20, 2), (sheet, 14, -1)],
            set={f"{sheet}!D19": "新增指标", f"{sheet}!E19": ">=1次", f"{sheet}!F19": 1, f"{sheet}!G19": 10},
        )
    (form,) = check_file(edited, edited.name).forms
    names = [row.name for row in form.result.form.indicators]
    assert len(names) == 22 and "新增指标" in names and "业务印刷工作完成率" not in names
    codes = {(f.code, f.cell) for f in form.findings}
    assert ("indicator_added", f"{sheet}!D19") in codes
    assert ("indicator_removed", None) in codes
    assert ("over_achievement", f"{sheet}!I30") in codes  # 培训覆盖人次数 moved down by one row
    # The inserted row has no score formula, and the 总分 formula still counts the scores of 22 rows:
    # the form shows no total, so perfxl reports none, and says why on the empty score cell.
    assert ("result_differs", f"{sheet}!H19") in codes
    assert form.result.total is None
    # LibreOffice saved its own results; perfxl's engine computes the same for every formula cell.
    with XlsxBook(edited) as book:
        assert book.calculate(FORM_FUNCTIONS).uncomputed == {}
        assert not book.changed


def test_hand_made_forms_are_checked_and_never_rewritten(returned: Path, tmp_path: Path, seed_expected: dict) -> None:
    from tests.support.handmade import WORK, handmade_book, moved_columns_form, shanghai_form

    folder = tmp_path / "mixed"
    shutil.copytree(returned / "native", folder)
    handmade = handmade_book(folder, lambda ws: shanghai_form(ws, WORK), "手工_业务工作经历.xlsx")
    handmade_book(folder, lambda ws: moved_columns_form(ws, WORK), "手工_改版表样.xlsx")
    before = handmade.read_bytes()
    run = perfxl("recalc", str(folder))
    assert run.returncode == 0, run.stdout + run.stderr
    assert "已重新计算 2 个文件，检查手工表格 2 个" in run.stdout
    assert handmade.read_bytes() == before
    import json

    forms = json.loads(perfxl("check", str(folder), "--json").stdout)["forms"]
    totals = {form["file"].rsplit("/", 1)[-1]: form["total"] for form in forms}
    assert totals["手工_业务工作经历.xlsx"] == seed_expected["业务工作经历"]["total"]
    assert totals["2022_业务工作经历.xlsx"] == seed_expected["业务工作经历"]["total"]
    assert len(forms) == 4


def test_check_report_and_summary_from_the_command_line(returned: Path, tmp_path: Path) -> None:
    import openpyxl

    run = perfxl("check", str(returned / "native"), "--report", str(tmp_path / "问题清单.xlsx"))
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"问题清单已写入：{tmp_path / '问题清单.xlsx'}" in run.stdout
    report = openpyxl.load_workbook(tmp_path / "问题清单.xlsx")
    assert report.sheetnames[0] == "总览" and "上海市职业技能鉴定中心" in report.sheetnames
    run = perfxl("summary", str(returned / "udf"), "-o", str(tmp_path / "汇总.xlsx"))
    assert run.returncode == 0, run.stdout + run.stderr
    assert "已汇总 2 张自评表" in run.stdout
    summary = openpyxl.load_workbook(tmp_path / "汇总.xlsx", data_only=True)
    assert summary["汇总表"]["A1"].value == "2022 年度项目支出绩效自评汇总"
    totals = sorted(row[8] for row in summary["汇总表"].iter_rows(min_row=4, max_row=5, values_only=True))
    assert totals == [89.96, 92.57]
