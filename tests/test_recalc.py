"""Recalculating generated forms: headless on files, and through xlwings as the 重新计算 button does."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

import perfxl.excel
from perfxl.readback.recalc import recalculate_book, stamp_text
from perfxl.workbook.base import Ref
from perfxl.workbook.xlsx_book import XlsxBook
from tests.support.workbooks import named_values
from tests.support.xlwings_json import json_book

ROOT = Path(__file__).resolve().parents[1]
FILLED = ROOT / "workbooks" / "已填报-{mode}" / "2022_业务工作经历.{suffix}"
SHEET = "业务工作经历"


@pytest.fixture(params=["udf", "native"])
def form(request, tmp_path: Path) -> Path:
    suffix = "xlsm" if request.param == "udf" else "xlsx"
    path = tmp_path / f"{request.param}.{suffix}"
    shutil.copy(str(FILLED).format(mode=request.param, suffix=suffix), path)
    return path


def _recalc(path: Path, **cells: object) -> list:
    with XlsxBook(path) as book:
        for address, value in cells.items():
            book.set_value(Ref.cell(SHEET, int(address[1:]), ord(address[0]) - 64), value)
        outcomes = recalculate_book(book, stamp="重新计算：测试")
        book.save()
    return outcomes


def test_recalculating_an_unchanged_form_changes_no_number(form: Path) -> None:
    before = named_values(form)[SHEET]
    (outcome,) = _recalc(form)
    assert (float(outcome.result.total), outcome.result.grade) == (89.96, "良")
    after = named_values(form)[SHEET]
    for name in before:
        if name not in ("PERFXL_STATUS", "PERFXL_STAMP"):
            assert after[name] == before[name], name
    assert after["PERFXL_STAMP"] == ["重新计算：测试"]
    assert after["PERFXL_STATUS"] == ["检查发现：错误 0 项，警告 2 项（见标记的单元格及检查结果列）"]


def test_a_changed_actual_is_scored_and_cached(form: Path) -> None:
    # 受培训人员满意度 (row 33): >=90%, weight 5; 45% scores 2.5; the reason is then missing.
    (outcome,) = _recalc(form, F33=0.45)
    assert float(outcome.result.total) == 87.46
    values = named_values(form)[SHEET]
    assert values["PERFXL_TOTAL"] == [87.46]
    assert values["PERFXL_IND_SCORE"][20] == 2.5
    errors = [(f.code, f.cell) for f in outcome.findings if f.level.value == "error"]
    assert errors == [("reason_missing", f"{SHEET}!I33")]


@pytest.mark.slow
def test_a_typed_score_is_an_override_and_cached_values_come_back(form: Path) -> None:
    # An officer types 7 over the 得分 formula of 工作人员培训场次数 (the rule gives 10), in a tool that
    # saves no cached values (openpyxl): every computed cell is blank until perfxl recalculates.
    book = openpyxl.load_workbook(form)
    book[SHEET]["H13"] = 7
    book.save(form)
    assert named_values(form)[SHEET]["PERFXL_TOTAL"] == [None]
    (outcome,) = _recalc(form)
    row = outcome.result.indicators[0]
    assert (float(row.score), float(row.rule.score), row.overridden) == (7, 10, True)
    values = named_values(form)[SHEET]
    assert values["PERFXL_TOTAL"] == [86.96]
    assert values["PERFXL_RATE"] == [0.5958]
    assert values["PERFXL_IND_RULE_SCORE"][0] == 10


def test_a_changed_target_is_reported_with_its_cell(form: Path) -> None:
    (outcome,) = _recalc(form, E13=">=5次")
    changed = [f for f in outcome.findings if f.code == "target_changed"]
    assert len(changed) == 1
    assert changed[0].cell == f"{SHEET}!E13"
    assert "生成时为「>=3次」，现为「>=5次」" in changed[0].message


def test_only_the_form_sheet_part_is_rewritten(form: Path, tmp_path: Path) -> None:
    original = tmp_path / f"original{form.suffix}"
    shutil.copy(form, original)
    _recalc(form, F33=0.45)
    with zipfile.ZipFile(original) as before, zipfile.ZipFile(form) as after:
        assert before.namelist() == after.namelist()
        changed = [n for n in before.namelist() if before.read(n) != after.read(n)]
    assert changed == ["xl/worksheets/sheet1.xml"]


def test_the_button_recalc_through_xlwings_json_book(monkeypatch, tmp_path: Path) -> None:
    book = json_book(Path(str(FILLED).format(mode="udf", suffix="xlsm")), monkeypatch)
    outcomes = perfxl.excel.recalc(book)
    assert [(o.sheet, float(o.result.total)) for o in outcomes] == [(SHEET, 89.96)]
    actions = book.json()["actions"]
    written = [(a["start_row"], a["start_column"], a["values"][0][0]) for a in actions if a["func"] == "setValues"]
    # Only perfxl's own cells are written (K2 summary, K3 stamp): Excel computes the formulas itself.
    assert [(r, c) for r, c, _ in written] == [(1, 10), (2, 10)]
    assert written[0][2].startswith("检查发现：错误 0 项，警告 2 项")
    assert written[1][2].startswith("重新计算：")
    notes = [a["args"] for a in actions if a["func"] == "addNote"]
    assert [address for address, _ in notes] == ["$I$13", "$I$29"]
    assert all(text.startswith("perfxl 检查：\n【警告】") for _, text in notes)
    assert actions[0]["func"] == "calculate"  # Excel computes first; perfxl then reads what the cells show


def test_stamp_names_the_version() -> None:
    assert stamp_text().endswith(f"perfxl {perfxl.__version__}")
