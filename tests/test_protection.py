"""Recalculation on protected sheets: the button must work where Excel enforces protection."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree

import perfxl.excel
from perfxl.readback.recalc import recalculate_book
from perfxl.workbook.base import Ref
from perfxl.workbook.protection import Protection, ProtectionError, unprotected
from perfxl.workbook.xlsx_book import XlsxBook
from tests.support.protected_book import LockedCellError, ProtectingBook
from tests.support.xlwings_json import json_book

ROOT = Path(__file__).resolve().parents[1]
FILLED = ROOT / "workbooks" / "已填报-udf" / "2022_业务工作经历.xlsm"
SHEET = "业务工作经历"
# What the generator asks for (perfxl.generate.sheet.PROTECTION): formatting rows and columns allowed.
FORM_PROTECTION = Protection(objects=True, scenarios=True, format_columns=True, format_rows=True)


@pytest.fixture
def form(tmp_path: Path) -> Path:
    path = tmp_path / FILLED.name
    shutil.copy(FILLED, path)
    return path


def _edited(path: Path, **cells: object) -> Path:
    """The form with some cells changed by an officer (cell → value), saved."""
    with XlsxBook(path) as book:
        for address, value in cells.items():
            book.set_value(Ref.cell(SHEET, int(address[1:]), ord(address[0]) - 64), value)
        book.save()
    return path


def test_form_sheets_are_protected_and_perfxl_cells_are_unlocked(form: Path) -> None:
    with XlsxBook(form) as book:
        assert book.protection(SHEET) == FORM_PROTECTION
        names = book.names(SHEET)
        assert not book.locked(names["PERFXL_STATUS"]) and not book.locked(names["PERFXL_STAMP"])
        assert book.locked(names["PERFXL_TOTAL"]) and book.locked(names["PERFXL_NAME"])
        assert not book.locked(Ref.cell(SHEET, 13, 6))  # 实际完成值: the officer's


def test_the_enforcing_book_refuses_what_excel_refuses(form: Path, monkeypatch) -> None:
    book = ProtectingBook(json_book(form, monkeypatch), form)
    with pytest.raises(LockedCellError):
        book.set_value(Ref.cell(SHEET, 35, 8), 1)  # 总分: locked
    with pytest.raises(LockedCellError):
        book.mark(Ref.cell(SHEET, 13, 5), "note")  # 年度指标值: locked
    book.set_value(Ref.cell(SHEET, 13, 6), 1)  # 实际完成值: unlocked
    book.set_protection(SHEET, None)
    book.set_value(Ref.cell(SHEET, 35, 8), 1)


def test_the_button_recalculates_a_protected_form_and_protects_it_again(form: Path, monkeypatch) -> None:
    # A locked cell gets a note: 年度指标值 changed (locked) gives a finding on it.
    _edited(form, E13=">=5次", I34=None)
    book = ProtectingBook(json_book(form, monkeypatch), form)
    outcomes = perfxl.excel.recalc_through(book)
    assert [o.sheet for o in outcomes] == [SHEET]
    actions = book.book.json()["actions"]
    notes = [args[0] for a in actions if a["func"] == "addNote" for args in [a["args"]]]
    assert "$E$13" in notes  # on a locked cell
    written = [(a["start_row"], a["start_column"]) for a in actions if a["func"] == "setValues"]
    assert written == [(1, 10), (2, 10)]  # the summary and the stamp
    assert [(kind, sheet) for kind, sheet, _ in book.calls] == [("unprotect", SHEET), ("protect", SHEET)]
    assert book.state[SHEET] == FORM_PROTECTION  # the same options as before


def test_protection_comes_back_when_recalculation_fails(form: Path, monkeypatch) -> None:
    book = ProtectingBook(json_book(form, monkeypatch), form)

    def failing_marker(ref: Ref, text: str | None) -> None:
        raise RuntimeError("Excel stopped")

    with pytest.raises(RuntimeError, match="Excel stopped"):
        recalculate_book(book, marker=failing_marker)
    assert book.state[SHEET] == FORM_PROTECTION
    assert [kind for kind, _, _ in book.calls] == ["unprotect", "protect"]


def test_a_password_protected_sheet_is_refused_in_chinese(form: Path, monkeypatch) -> None:
    book = ProtectingBook(json_book(form, monkeypatch), form)
    book.state[SHEET] = Protection(has_password=True)
    with pytest.raises(ProtectionError, match="设置了保护密码"), unprotected(book, [SHEET]):
        pass
    assert book.calls == []


def test_file_protection_round_trip_keeps_the_element(form: Path, tmp_path: Path) -> None:
    with XlsxBook(form) as book:
        with unprotected(book, [SHEET]):
            assert book.protection(SHEET) is None
        assert book.protection(SHEET) == FORM_PROTECTION
        book.save(tmp_path / "again.xlsm")
    with zipfile.ZipFile(form) as old, zipfile.ZipFile(tmp_path / "again.xlsm") as new:
        before, after = (
            etree.tostring(etree.fromstring(z.read("xl/worksheets/sheet1.xml")), method="c14n") for z in (old, new)
        )
    assert before == after  # the very element, in its place


def test_file_protection_written_from_options(form: Path, tmp_path: Path) -> None:
    other = Protection(format_cells=True, sort=True, select_locked_cells=False)
    with XlsxBook(form) as book:
        book.set_protection(SHEET, None)
        book.set_protection(SHEET, other)
        book.save(tmp_path / "other.xlsm")
    with XlsxBook(tmp_path / "other.xlsm") as book:
        assert book.protection(SHEET) == other
    import openpyxl

    sheet = openpyxl.load_workbook(tmp_path / "other.xlsm")[SHEET]
    assert sheet.protection.sheet and not sheet.protection.formatCells and not sheet.protection.sort
    assert sheet.protection.selectLockedCells and sheet.protection.formatRows
