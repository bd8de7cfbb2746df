"""Generated forms after a bureau officer's LibreOffice has saved them (tests/data/libreoffice-saved/).

The files were made by scripts/save_with_libreoffice.py (their README names the LibreOffice version);
these tests read the committed files and need no LibreOffice. perfxl must read each as the form it
generated: the same project, the same figures, no error; recalculating a copy must give back every
number the original shows; the labels reader must find the same form. The last tests pin down what
LibreOffice changes in the files (docs/decisions.md, "Forms saved by LibreOffice").
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

from perfxl.cli import main
from perfxl.core.form import evaluate_form
from perfxl.core.numbers import to_decimal
from perfxl.excel.versions import XLWINGS_PIN, workbook_xlwings_version
from perfxl.readback.labels import find_forms, read_labelled_form
from perfxl.readback.reader import read_form, read_metadata
from perfxl.workbook.xlsx_book import XlsxBook
from tests.support.xml_diff import read_parts

ROOT = Path(__file__).resolve().parents[1]
SAVED = ROOT / "tests" / "data" / "libreoffice-saved"
PROJECT = "业务工作经历"
OWN_CELLS = ("PERFXL_STATUS", "PERFXL_STAMP")  # what recalculation writes besides the results


@dataclass(frozen=True)
class Saved:
    name: str
    label: str  # 空白表 or 已填报
    mode: str  # udf or native
    recalculated: bool = False  # LibreOffice recalculated every formula before saving

    @property
    def path(self) -> Path:
        return SAVED / self.name

    @property
    def original(self) -> Path:
        suffix = "xlsm" if self.mode == "udf" else "xlsx"
        return ROOT / "workbooks" / f"{self.label}-{self.mode}" / f"2022_{PROJECT}.{suffix}"

    @property
    def filled(self) -> bool:
        return self.label == "已填报"


FILES = (
    Saved("空白表-udf.xlsx", "空白表", "udf"),
    Saved("空白表-native.xlsx", "空白表", "native"),
    Saved("已填报-udf.xlsx", "已填报", "udf"),
    Saved("已填报-native.xlsx", "已填报", "native"),
    Saved("已填报-udf-重算.xlsx", "已填报", "udf", recalculated=True),
    Saved("已填报-udf.xlsm", "已填报", "udf"),
)
by_name = pytest.mark.parametrize("saved", FILES, ids=[f.name for f in FILES])


def _check_json(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[dict]]:
    """``perfxl check --json`` on one file: its exit code and its forms, without the file's name."""
    capsys.readouterr()
    code = main(["check", "--json", str(path)])
    forms = json.loads(capsys.readouterr().out)["forms"]
    return code, [{key: value for key, value in form.items() if key != "file"} for form in forms]


def _cells(path: Path) -> dict[tuple[str, str], object]:
    """Every non-empty cell's value as saved (cached results for formulas)."""
    book = openpyxl.load_workbook(path, data_only=True)
    return {
        (ws.title, cell.coordinate): cell.value
        for ws in book.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.value is not None
    }


def _formulas(path: Path) -> dict[tuple[str, str], str]:
    book = openpyxl.load_workbook(path)
    return {
        (ws.title, cell.coordinate): cell.value
        for ws in book.worksheets
        for row in ws.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value.startswith("=")
    }


def _own_cells(path: Path) -> set[tuple[str, str]]:
    book = openpyxl.load_workbook(path)
    return {
        (sheet, ref.replace("$", ""))
        for name in OWN_CELLS
        for sheet, ref in book[PROJECT].defined_names[name].destinations
    }


def _defined_names(path: Path) -> dict[tuple[str | None, str], str]:
    """{(sheet or None, name): reference}, sheet names unquoted (LibreOffice drops the quotes)."""
    book = openpyxl.load_workbook(path)
    names = {(None, name): definition.attr_text for name, definition in book.defined_names.items()}
    for ws in book.worksheets:
        names.update({(ws.title, name): definition.attr_text for name, definition in ws.defined_names.items()})
    return {key: text.replace("'", "") for key, text in names.items()}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- the files are what the README says -----------------------------------------------------------------


def test_the_folder_holds_the_files_libreoffice_saved() -> None:
    assert sorted(p.name for p in SAVED.glob("*.xls?")) == sorted(f.name for f in FILES)
    readme = (SAVED / "README.md").read_text(encoding="utf-8")
    version = re.search(r"Saved by LibreOffice (\d+\.\d+\.\d+\.\d+)", readme)
    assert version, readme
    for saved in FILES:
        assert saved.original.is_file()
        application = read_parts(saved.path)["docProps/app.xml"].decode()
        # what LibreOffice writes as the application: LibreOffice/7.4.7.2$Linux_X86_64 …
        assert f"<Application>LibreOffice/{version.group(1)}$" in application, saved.name
        assert saved.name in readme


# --- perfxl reads them as the forms it generated --------------------------------------------------------


@by_name
def test_check_reads_the_same_form(saved: Saved, capsys: pytest.CaptureFixture[str], seed_expected: dict) -> None:
    code, forms = _check_json(saved.path, capsys)
    assert (code, forms) == _check_json(saved.original, capsys)
    assert code == 0
    (form,) = forms
    assert (form["project"], form["sheet"]) == (PROJECT, PROJECT)
    assert not [f for f in form["findings"] if f["level"] == "error"]
    expected = seed_expected[PROJECT]
    if saved.filled:
        assert (form["rate"], form["budget_score"], form["total"], form["grade"]) == (
            expected["rate"],
            expected["budget_score"],
            expected["total"],
            expected["grade"],
        )
        warned = {f["label"].split("「")[1].split("」")[0] for f in form["findings"] if f["level"] == "warning"}
        assert warned == set(expected["warnings_expected"])
    else:
        assert (form["rate"], form["total"], form["grade"]) == (None, None, None)


@pytest.mark.slow  # a recalculation of each saved file: about a second
@by_name
def test_recalc_on_a_copy_gives_back_every_number_of_the_original(
    saved: Saved, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _digest(saved.path)
    copy = tmp_path / saved.name
    shutil.copyfile(saved.path, copy)
    shown = _cells(saved.original)
    if saved.recalculated and saved.filled:  # LibreOffice could not run perfxl's UDFs: errors as results
        stale = _cells(copy)
        perf_results = [cell for cell, formula in _formulas(copy).items() if "PERF_" in formula and shown.get(cell)]
        # an error, or nothing where the formula's guard sees the errors (the total and the grade)
        assert perf_results and {stale.get(cell) for cell in perf_results} == {"#VALUE!", None}

    assert main(["recalc", str(copy)]) == 0
    assert _digest(saved.path) == before  # only the copy was written

    own = _own_cells(saved.original)
    original, recalculated = shown, _cells(copy)
    differing = {
        cell: (original.get(cell), recalculated.get(cell))
        for cell in original.keys() | recalculated.keys()
        if cell not in own and original.get(cell) != recalculated.get(cell)
    }
    assert differing == {}
    assert _formulas(copy) == _formulas(saved.original)
    status = [recalculated[cell] for cell in own if cell in recalculated]
    assert any(str(text).startswith("重新计算：") for text in status)
    # read again, the recalculated copy is still the same form
    assert _check_json(copy, capsys)[1] == _check_json(saved.original, capsys)[1]


def test_recalc_keeps_the_macros_libreoffice_saved(tmp_path: Path) -> None:
    saved = next(f for f in FILES if f.path.suffix == ".xlsm")
    copy = tmp_path / saved.name
    shutil.copyfile(saved.path, copy)
    assert main(["recalc", str(copy)]) == 0
    assert read_parts(copy)["xl/vbaProject.bin"] == read_parts(saved.path)["xl/vbaProject.bin"]


@by_name
def test_the_labels_reader_finds_the_same_form(saved: Saved, seed_expected: dict) -> None:
    with XlsxBook(saved.original) as book:
        named = read_form(book, PROJECT, read_metadata(book))
    with XlsxBook(saved.path) as book:
        assert find_forms(book) == [PROJECT]  # the metadata and xlwings.conf sheets, hidden, are skipped
        labelled = read_labelled_form(book, PROJECT)
    assert labelled.problems == []
    assert labelled.form.name == PROJECT
    assert labelled.form.indicators == named.form.indicators
    assert labelled.form.funds.total == named.form.funds.total
    for source in ("fiscal", "carryover", "other"):
        assert getattr(labelled.form.funds, source) == getattr(named.form.funds, source)
    by_labels, by_names = evaluate_form(labelled.form, labelled.profile), evaluate_form(named.form, named.profile)
    assert (by_labels.rate, by_labels.budget_score, by_labels.total, by_labels.grade) == (
        by_names.rate,
        by_names.budget_score,
        by_names.total,
        by_names.grade,
    )
    if saved.filled:
        assert by_labels.total == to_decimal(seed_expected[PROJECT]["total"])


# --- what LibreOffice changed (docs/decisions.md) ---------------------------------------------------------


@by_name
def test_every_defined_name_survives(saved: Saved) -> None:
    assert _defined_names(saved.path) == _defined_names(saved.original)


@by_name
def test_the_metadata_sheet_is_hidden_no_longer_very_hidden(saved: Saved) -> None:
    original = openpyxl.load_workbook(saved.original)
    book = openpyxl.load_workbook(saved.path)
    assert original["perfxl"].sheet_state == "veryHidden"
    assert book["perfxl"].sheet_state == "hidden"  # LibreOffice has no "very hidden": an officer can show it
    assert book.sheetnames == original.sheetnames


@by_name
def test_protection_and_the_unlocked_input_cells_survive(saved: Saved) -> None:
    original, book = openpyxl.load_workbook(saved.original)[PROJECT], openpyxl.load_workbook(saved.path)[PROJECT]
    assert original.protection.sheet and book.protection.sheet
    locked = {c.coordinate: c.protection.locked for row in original.iter_rows() for c in row}
    assert {c.coordinate: c.protection.locked for row in book.iter_rows() for c in row} == locked
    assert not all(locked.values())


@by_name
def test_cached_values_are_kept_unless_libreoffice_recalculated(saved: Saved) -> None:
    original, cells = _cells(saved.original), _cells(saved.path)
    differing = {cell for cell in original.keys() | cells.keys() if original.get(cell) != cells.get(cell)}
    if not (saved.recalculated and saved.filled):
        assert differing == set()
    else:  # the PERF_* formulas, whose UDFs LibreOffice cannot run, and the formulas that use their results
        formulas = _formulas(saved.path)
        assert {cell for cell, formula in formulas.items() if "PERF_" in formula and original.get(cell)} <= differing
        assert differing <= formulas.keys()
        # an error, or blank where a formula's guard sees one (the total, counting the scores, and the grade)
        assert {cells.get(cell) for cell in differing} == {"#VALUE!", None}


@by_name
def test_the_macros_are_dropped_from_xlsx_and_rewritten_in_xlsm(saved: Saved) -> None:
    parts = read_parts(saved.path)
    if saved.path.suffix == ".xlsx":
        assert "xl/vbaProject.bin" not in parts
        assert "macroEnabled" not in parts["[Content_Types].xml"].decode()
    else:
        original = read_parts(saved.original)["xl/vbaProject.bin"]
        assert parts["xl/vbaProject.bin"] != original  # LibreOffice writes its own VBA project …
        assert workbook_xlwings_version(saved.path) == XLWINGS_PIN  # … which still declares the xlwings pinned
    if saved.mode == "udf":  # the button stays, bound by name to the perfxl module's PerfxlRecalc
        assert "<x:FmlaMacro>perfxl.PerfxlRecalc</x:FmlaMacro>" in parts["xl/drawings/vmlDrawing1.vml"].decode()
