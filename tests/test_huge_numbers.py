"""Numbers of 1E+28 and more in returned forms (issue 9, item 3): Excel holds doubles up to 9.99E+307, so
perfxl reads them as what they are, wrong amounts and scores, and reports the findings that follow. Until
this, one such cell ended check, recalc and summary with 内部错误（InvalidOperation）, exit 3, after recalc
had already rewritten the files before it."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from perfxl.cli import bundled_example
from perfxl.generate import generate
from perfxl.workbook.base import Ref
from perfxl.workbook.xlsx_book import XlsxBook
from tests.support.handmade import WORK, shanghai_form
from tests.support.office import require_libreoffice
from tests.support.officer_edits import type_into

pytestmark = pytest.mark.slow  # the real CLI over forms generated for the test

ROOT = Path(__file__).resolve().parents[1]
VALUES = (1e28, 1e30, 1e300, -1e28, 9.99e307)
# The cell of a generated form an officer typed the number into, and whether it held a formula.
CELLS = {
    "amount": ("PERFXL_FUNDS_FISCAL_EXECUTED", False),
    "budget": ("PERFXL_FUNDS_FISCAL_ANNUAL", False),
    "actual": ("PERFXL_IND_ACTUAL", False),
    "score": ("PERFXL_IND_SCORE", True),
    "weight": ("PERFXL_IND_WEIGHT", False),
}
# The finding that follows (by sign of the number); None: the form shows the consequence (执行率 0.00%).
FOLLOWS = {
    ("amount", 1): "over_executed",
    ("amount", -1): "negative_amount",
    ("budget", 1): None,
    ("budget", -1): "negative_amount",
    ("actual", 1): "over_achievement",
    ("actual", -1): "reason_missing",
    ("score", 1): "score_above_weight",
    ("score", -1): "score_negative",
    ("weight", 1): "weight_changed",
    ("weight", -1): "weight_changed",
}


def perfxl(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "perfxl", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )


def bad_name(kind: str, value: float) -> str:
    return f"b_{kind}_{value:g}.xlsm"


def _type(path: Path, kind: str, value: float) -> None:
    name, over_formula = CELLS[kind]
    with XlsxBook(path) as book:
        ref = book.names(book.sheet_names()[0])[name]
        cell = Ref.cell(ref.sheet, ref.min_row, ref.min_col)
        if over_formula:
            type_into(book, cell, value)
        else:
            book.set_value(cell, value)
        book.save()


def _hand_made(path: Path, value: float) -> None:
    workbook = openpyxl.Workbook()
    shanghai_form(workbook.active, WORK)
    sheet = workbook.active
    sheet["E7"] = sheet["F13"] = sheet["H14"] = sheet["G15"] = value  # executed, an actual, a score, a weight
    workbook.save(path)


@pytest.fixture(scope="module")
def returned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A good form first and last, between them every number in every kind of cell, generated and hand-made:
    32 files, enough for the worker processes."""
    seeds = tmp_path_factory.mktemp("seeds")
    udf = generate(bundled_example(), seeds / "udf", mode="udf")[0]
    native = generate(bundled_example(), seeds / "native", mode="native")[1]
    folder = tmp_path_factory.mktemp("returned")
    shutil.copyfile(udf, folder / "a_好.xlsm")
    for kind in CELLS:
        for value in VALUES:
            shutil.copyfile(udf, folder / bad_name(kind, value))
            _type(folder / bad_name(kind, value), kind, value)
    for index, value in enumerate(VALUES):
        _hand_made(folder / f"h{index}_手工.xlsx", value)
    shutil.copyfile(native, folder / "z_好.xlsx")
    return folder


@pytest.fixture
def forms(returned: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "交回"
    shutil.copytree(returned, folder)
    return folder


def _no_internal_error(run: subprocess.CompletedProcess[str]) -> None:
    assert run.returncode == 1, run.stdout + run.stderr
    assert "内部错误" not in run.stdout + run.stderr
    assert "Traceback" not in run.stderr


def test_check_reads_every_number_and_reports_what_follows(returned: Path) -> None:
    run = perfxl("check", "--json", str(returned))
    _no_internal_error(run)
    result = json.loads(run.stdout)
    assert result["problems"] == []
    by_file = {Path(form["file"]).name: form for form in result["forms"]}
    assert len(by_file) == 32
    for kind in CELLS:
        for value in VALUES:
            codes = {f["code"] for f in by_file[bad_name(kind, value)]["findings"] if f["level"] != "info"}
            expected = FOLLOWS[kind, 1 if value > 0 else -1]
            assert expected is None or expected in codes, (kind, value, codes)
    budget = by_file[bad_name("budget", 1e28)]
    assert (budget["rate"], budget["budget_score"]) == (0, 0)  # 588865 of 1E+28 is 0.00%, as Excel shows it
    for index in range(len(VALUES)):
        codes = {f["code"] for f in by_file[f"h{index}_手工.xlsx"]["findings"]}
        assert {"weights_total", "reason_missing"} <= codes
        assert {"score_above_weight", "score_negative"} & codes
    good = by_file["a_好.xlsm"]
    assert (good["total"], by_file["z_好.xlsx"]["total"]) == (89.96, 92.57)


def test_findings_show_huge_numbers_as_excel_does(returned: Path) -> None:
    run = perfxl("check", str(returned))
    _no_internal_error(run)
    assert "得分 1E+28 超过分值 10" in run.stdout
    assert "全年执行数 9.99E+307 超过全年预算数 988374" in run.stdout
    assert "实际完成值「1E+300次」" in run.stdout
    # No number written out in 300 digits by the scoring core. (The form-against-engine comparison,
    # perfxl.readback.agreement, still writes them out: 「按表中填写的内容应为「1000…」」.)
    core = [line for line in run.stdout.splitlines() if "项目重复" not in line and "应为「" not in line]
    assert max(len(line) for line in core) < 200


def test_recalc_rewrites_every_generated_file_and_leaves_the_numbers_typed(forms: Path) -> None:
    before = {path.name: path.read_bytes() for path in forms.iterdir()}
    run = perfxl("recalc", str(forms))
    _no_internal_error(run)
    assert "[跳过]" not in run.stdout
    assert re.search(r"已重新计算 27 个文件，检查手工表格 5 个", run.stdout), run.stdout
    for path in forms.iterdir():
        if path.name.startswith("h"):
            assert path.read_bytes() == before[path.name]  # hand-made: checked, never rewritten
            continue
        assert path.read_bytes() != before[path.name], path.name
        with zipfile.ZipFile(path) as archive:
            assert archive.testzip() is None
            sheet = archive.read("xl/worksheets/sheet1.xml").decode()
        assert not re.search(r"<v>-?(inf|nan)", sheet, re.IGNORECASE)  # what no spreadsheet could read
    for kind in CELLS:
        for value in VALUES:
            with XlsxBook(forms / bad_name(kind, value)) as book:
                ref = book.names(book.sheet_names()[0])[CELLS[kind][0]]
                assert book.values(Ref.cell(ref.sheet, ref.min_row, ref.min_col)) == [[value]]
    again = perfxl("check", "--json", str(forms))
    assert again.returncode == 1 and json.loads(again.stdout)["problems"] == []


def test_summary_lists_every_form(forms: Path, tmp_path: Path) -> None:
    output = tmp_path / "汇总.xlsx"
    run = perfxl("summary", str(forms), "-o", str(output))
    _no_internal_error(run)
    assert "已汇总 32 张自评表" in run.stdout
    workbook = openpyxl.load_workbook(output, read_only=True)
    assert workbook.sheetnames


@pytest.mark.libreoffice
def test_pdf_exports_the_forms_around_the_bad_one(returned: Path, tmp_path: Path) -> None:
    require_libreoffice()
    folder = tmp_path / "交回"
    folder.mkdir()
    for name in ("a_好.xlsm", bad_name("score", 1e28), bad_name("amount", 9.99e307), "z_好.xlsx"):
        shutil.copyfile(returned / name, folder / name)
    run = perfxl("pdf", str(folder), "-o", str(tmp_path / "pdf"))
    _no_internal_error(run)
    assert "已导出 4 个 PDF" in run.stdout, run.stdout
    assert f"[有错误] {folder / bad_name('score', 1e28)}" in run.stdout
    assert sorted(p.suffix for p in (tmp_path / "pdf").iterdir()) == [".pdf"] * 4
