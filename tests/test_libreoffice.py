"""LibreOffice headless as the independent engine: real soffice, real UNO, real PDF."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from perfxl.libreoffice import LibreOfficeError, UserInstallation, convert, find_soffice
from perfxl.libreoffice import soffice as soffice_module
from perfxl_tools.uno_session import ErrorValue, UnoSession, WorkbookRequest, recalculate_and_read
from tests.support.office import require_libreoffice

require_libreoffice()
pytestmark = pytest.mark.libreoffice

SHEET = "自评表"


def build_form(path: Path, *, budget: float = 100.0, executed: float = 60.0, wrong_cache: bool = True) -> Path:
    """A tiny form: two inputs, formulas with deliberately wrong cached values, names in both scopes."""
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet(SHEET)
    ws.write("A1", "全年预算数")
    ws.write("B1", budget)
    ws.write("A2", "全年执行数")
    ws.write("B2", executed)
    ws.write("A3", "执行率")
    ws.write_formula("B3", "=ROUND(B2/B1,4)", None, 999 if wrong_cache else None)
    ws.write("A4", "预算执行率得分")
    ws.write_formula("B4", "=ROUND(MIN(B3,1)*10,2)", None, 999 if wrong_cache else None)
    ws.write("A5", "完成情况")
    ws.write("B5", "")
    ws.write_formula("B6", '=IF(B5="","未填写",B5)', None, "wrong")
    ws.write_formula("C1", '=B1+"x"', None, 0)
    ws.write_formula("C2", "=NOSUCHFUNCTION(1)", None, 0)
    ws.write_formula("C3", "=1/0", None, 0)
    ws.write_formula("C4", '=""', None, "")
    wb.define_name(f"{SHEET}!预算数", f"={SHEET}!$B$1")
    wb.define_name(f"{SHEET}!执行数", f"={SHEET}!$B$2")
    wb.define_name(f"{SHEET}!执行率", f"={SHEET}!$B$3")
    wb.define_name(f"{SHEET}!预算得分", f"={SHEET}!$B$4")
    wb.define_name("完成情况", f"={SHEET}!$B$6")
    wb.define_name("检查区", f"={SHEET}!$C$1:$D$5")
    wb.define_name("部分达成比例", "=0.7")
    wb.close()
    return path


@pytest.fixture(scope="module")
def session() -> Iterator[UnoSession]:
    with UnoSession(timeout=60) as lo:
        yield lo


@pytest.fixture()
def form(tmp_path: Path) -> Path:
    return build_form(tmp_path / "form.xlsx")


def test_missing_soffice_raises_a_chinese_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.delenv("PERFXL_SOFFICE", raising=False)
    monkeypatch.setattr(soffice_module, "SOFFICE_CANDIDATES", ())
    with pytest.raises(LibreOfficeError, match="找不到 LibreOffice"):
        find_soffice()


def test_user_installation_maps_chinese_font_names_to_noto_cjk_sc() -> None:
    with UserInstallation() as installation:
        assert (installation.path / "user" / "registrymodifications.xcu").read_text(encoding="utf-8").count(
            "RecalcMode"
        ) == 2
        family = {}
        for name in ("宋体", "仿宋_GB2312", "黑体"):
            run = subprocess.run(
                ["fc-match", "-f", "%{family[0]}", name],
                env=installation.env,
                capture_output=True,
                text=True,
                check=True,
            )
            family[name] = run.stdout
    assert family == {"宋体": "Noto Serif CJK SC", "仿宋_GB2312": "Noto Serif CJK SC", "黑体": "Noto Sans CJK SC"}
    assert not installation.path.exists()


def test_wrong_cached_values_are_recalculated(session: UnoSession, form: Path) -> None:
    result = session.recalculate(form)
    assert result.value(f"{SHEET}!执行率") == pytest.approx(0.6)
    assert result.value(f"{SHEET}!预算得分") == pytest.approx(6.0)
    assert result.value("完成情况") == "未填写"


def test_convert_to_xlsx_recalculates_instead_of_trusting_cached_values(form: Path, tmp_path: Path) -> None:
    out = convert(form, tmp_path / "out", "xlsx")
    cached = openpyxl.load_workbook(out, data_only=True)[SHEET]
    assert cached["B3"].value == pytest.approx(0.6)
    assert cached["B4"].value == pytest.approx(6.0)


def test_sheet_scoped_and_workbook_names_are_read(session: UnoSession, form: Path) -> None:
    result = session.recalculate(form)
    assert result.sheets == [SHEET]
    assert set(result.names) == {
        f"{SHEET}!预算数",
        f"{SHEET}!执行数",
        f"{SHEET}!执行率",
        f"{SHEET}!预算得分",
        "完成情况",
        "检查区",
    }
    assert result.names[f"{SHEET}!预算数"] == [[100.0]]
    assert result.other_names == {"部分达成比例": "0.7"}
    # Errors are ErrorValue, empty cells None, an empty-string result "", ranges clipped to the used area.
    assert result.names["检查区"] == [
        [ErrorValue("#VALUE!")],
        [ErrorValue("#NAME?")],
        [ErrorValue("#DIV/0!")],
        [""],
        [None],
    ]


def test_setting_cells_changes_dependent_formulas(session: UnoSession, form: Path) -> None:
    result = session.recalculate(form, set={f"{SHEET}!B2": 120, f"{SHEET}!B5": "较顺利"})
    assert result.value(f"{SHEET}!执行率") == pytest.approx(1.2)
    assert result.value(f"{SHEET}!预算得分") == pytest.approx(10.0)
    assert result.value("完成情况") == "较顺利"
    by_name = session.recalculate(form, set={f"{SHEET}!执行数": 30.5}, cells=[f"{SHEET}!B3:B4", f"'{SHEET}'!A1"])
    assert by_name.cells[f"{SHEET}!B3:B4"] == [[0.305], [3.05]]
    assert by_name.value(f"'{SHEET}'!A1") == "全年预算数"
    # The file itself is never modified.
    assert session.recalculate(form).value(f"{SHEET}!执行率") == pytest.approx(0.6)


def test_bad_references_are_reported_in_chinese(session: UnoSession, form: Path) -> None:
    with pytest.raises(LibreOfficeError, match="找不到单元格或名称"):
        session.recalculate(form, set={"不存在的名称": 1})
    with pytest.raises(LibreOfficeError, match="没有名为「别的表」的工作表"):
        session.recalculate(form, set={"别的表!A1": 1})
    with pytest.raises(LibreOfficeError, match="文件不存在"):
        session.recalculate(form.with_name("missing.xlsx"))
    assert session.recalculate(form).value(f"{SHEET}!预算数") == 100.0  # the session survives


def test_error_cells_are_listed(session: UnoSession, form: Path) -> None:
    errors = session.error_cells(form)
    assert [(e.sheet, e.cell, e.error) for e in errors] == [
        (SHEET, "C1", "#VALUE!"),
        (SHEET, "C2", "#NAME?"),
        (SHEET, "C3", "#DIV/0!"),
    ]
    assert errors[0].formula == '=B1+"x"'


def test_save_as_stores_the_recalculated_workbook(session: UnoSession, form: Path, tmp_path: Path) -> None:
    target = tmp_path / "saved.xlsx"
    session.recalculate(form, set={f"{SHEET}!B2": 80}, names=False, save_as=target)
    assert openpyxl.load_workbook(target, data_only=True)[SHEET]["B3"].value == pytest.approx(0.8)


def test_many_workbooks_in_one_session(tmp_path: Path) -> None:
    paths = [build_form(tmp_path / f"form{i}.xlsx", executed=float(i)) for i in range(20)]
    requests = [WorkbookRequest(p) for p in paths]
    started = time.monotonic()
    results = recalculate_and_read(requests)
    elapsed = time.monotonic() - started
    assert [r.value(f"{SHEET}!执行率") for r in results] == [pytest.approx(i / 100) for i in range(20)]
    assert elapsed < 20, f"{elapsed:.1f} s for 20 forms"


def test_timeout_kills_soffice_and_the_next_request_restarts_it(form: Path) -> None:
    with UnoSession(timeout=0.001) as lo:
        soffice = lo._soffice
        with pytest.raises(LibreOfficeError, match="超时"):
            lo.recalculate(form)
        assert not lo.running
        assert soffice is not None and soffice.poll() is not None
        lo.timeout = 60
        assert lo.recalculate(form).value(f"{SHEET}!预算数") == 100.0


def test_two_sessions_side_by_side(form: Path) -> None:
    with UnoSession() as first, UnoSession() as second:
        assert first.recalculate(form, set={f"{SHEET}!B1": 200}).value(f"{SHEET}!执行率") == pytest.approx(0.3)
        assert second.recalculate(form).value(f"{SHEET}!执行率") == pytest.approx(0.6)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_pdf_has_the_chinese_text_in_noto_cjk_on_a4(tmp_path: Path) -> None:
    source = tmp_path / "表格.xlsx"
    wb = xlsxwriter.Workbook(source)
    ws = wb.add_worksheet(SHEET)
    ws.set_paper(9)  # A4
    ws.write("A1", "财政项目支出绩效自评表", wb.add_format({"font_name": "宋体", "font_size": 16}))
    ws.write("A2", "预算执行率", wb.add_format({"font_name": "黑体"}))
    wb.close()
    pdf = convert(source, tmp_path / "pdf", "pdf")
    assert pdf == tmp_path / "pdf" / "表格.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "财政项目支出绩效自评表" in text and "预算执行率" in text
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    # 宋体 → Noto Serif CJK SC only through our fontconfig mapping (the default fallback is Sans).
    assert "NotoSerifCJK" in fonts and "NotoSansCJK" in fonts
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "(A4)" in info


def test_convert_failures_raise(form: Path, tmp_path: Path) -> None:
    with pytest.raises(LibreOfficeError, match="不存在"):
        convert(tmp_path / "missing.xlsx", tmp_path)
    with pytest.raises(LibreOfficeError, match=r"未能把 form\.xlsx 转换为 nosuchformat"):
        convert(form, tmp_path / "out", "nosuchformat")
    with pytest.raises(LibreOfficeError, match="输出文件与源文件相同"):
        convert(form, form.parent, "xlsx")


def test_soffice_that_dies_at_start_fails_fast(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\necho 'fake soffice failing' >&2\nexit 3\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("PERFXL_SOFFICE", str(fake))
    started = time.monotonic()
    with pytest.raises(LibreOfficeError, match="启动时意外退出：fake soffice failing"):
        UnoSession().start()
    assert time.monotonic() - started < 10


@pytest.mark.skipif(importlib.util.find_spec("uno") is not None, reason="this Python can import uno")
def test_python_without_uno_is_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PERFXL_UNO_PYTHON", sys.executable)  # the project's Python has no uno module
    with pytest.raises(LibreOfficeError, match="请安装 python3-uno"):
        UnoSession().start()
