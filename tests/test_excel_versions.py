"""The xlwings version a form's macros need: the pin, reading it from a form, the messages, the button's check."""

from __future__ import annotations

import re
import tomllib
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlwings
from oletools.olevba import VBA_Parser

from perfxl.cli import bundled_example
from perfxl.contract.metadata import XLWINGS_VERSION_KEY
from perfxl.excel.vba_project import VBA_ENTRY, build_vba_project, xlwings_project
from perfxl.excel.versions import (
    XLWINGS_PIN,
    UnreadableProject,
    button_version_problem,
    embedded_xlwings_version,
    form_xlwings_version,
    metadata_version_cell,
    mismatch_message,
    pin_message,
    project_xlwings_version,
    workbook_xlwings_version,
)
from perfxl.excel.wheelhouse import runtime_requirements
from perfxl.generate import generate
from perfxl.workbook.xlsx_book import XlsxBook
from tests.support.xlwings_json import json_book
from tests.support.xlwings_versions import form_for_other_xlwings, with_xlwings_version, without_version_row

ROOT = Path(__file__).resolve().parents[1]
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def forms(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("forms")
    return {mode: generate(bundled_example(), out / mode, mode=mode)[0] for mode in ("udf", "native")}


def metadata_settings(path: Path) -> dict[object, object]:
    """Column A → column B of the hidden perfxl sheet, read with openpyxl (not perfxl's reader)."""
    sheet = openpyxl.load_workbook(path)["perfxl"]
    return {row[0]: row[1] for row in sheet.iter_rows(min_row=1, max_row=12, max_col=2, values_only=True) if row[0]}


def test_one_version_everywhere() -> None:
    """The pin is pyproject's, the installed xlwings', the one its VBA module declares and the wheelhouse's."""
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    assert [d for d in dependencies if d.lower().startswith("xlwings")] == [f"xlwings=={XLWINGS_PIN}"]
    assert xlwings.__version__ == XLWINGS_PIN
    assert project_xlwings_version(xlwings_project()) == XLWINGS_PIN == embedded_xlwings_version()
    assert f"xlwings=={XLWINGS_PIN}" in runtime_requirements()
    assert [r for r in runtime_requirements() if r.lower().startswith("xlwings")] == [f"xlwings=={XLWINGS_PIN}"]


@pytest.mark.slow
def test_a_udf_form_declares_and_records_the_pinned_version(forms: dict[str, Path]) -> None:
    form = forms["udf"]
    assert workbook_xlwings_version(form) == XLWINGS_PIN
    # oletools decodes the same module independently of pyOpenVBA.
    parser = VBA_Parser(str(form))
    try:
        module = next(code for _, _, name, code in parser.extract_macros() if Path(name).stem == "xlwings")
    finally:
        parser.close()
    assert f'Public Const XLWINGS_VERSION As String = "{XLWINGS_PIN}"' in module
    assert f'Lib "xlwings64-{XLWINGS_PIN}.dll"' in module
    assert metadata_settings(form)[XLWINGS_VERSION_KEY] == XLWINGS_PIN
    with XlsxBook(form) as book:
        assert form_xlwings_version(book) == XLWINGS_PIN


def test_a_native_form_has_no_macros_and_no_version(forms: dict[str, Path]) -> None:
    form = forms["native"]
    assert workbook_xlwings_version(form) is None
    assert XLWINGS_VERSION_KEY not in metadata_settings(form)
    with XlsxBook(form) as book:
        assert metadata_version_cell(book) is None


def test_reading_the_version_of_other_projects() -> None:
    assert project_xlwings_version(with_xlwings_version(build_vba_project(sheets=2), "0.36.0")) == "0.36.0"
    assert project_xlwings_version(build_vba_project(include_xlwings=False)) is None  # no xlwings module
    with pytest.raises(UnreadableProject):
        project_xlwings_version(b"not a compound file" * 40)


def test_a_form_from_another_xlwings(forms: dict[str, Path], tmp_path: Path) -> None:
    other = form_for_other_xlwings(forms["udf"], tmp_path / "other.xlsm", "0.36.0")
    assert workbook_xlwings_version(other) == "0.36.0"
    assert metadata_settings(other)[XLWINGS_VERSION_KEY] == "0.36.0"
    with zipfile.ZipFile(forms["udf"]) as original, zipfile.ZipFile(other) as copy:
        assert copy.read(VBA_ENTRY) != original.read(VBA_ENTRY)


def test_the_mismatch_message() -> None:
    assert mismatch_message(XLWINGS_PIN, XLWINGS_PIN) is None
    assert mismatch_message(None, XLWINGS_PIN) is None  # a form that did not record its version
    stale_form = mismatch_message("0.36.0", XLWINGS_PIN, workbook="2022_业务工作经历.xlsm")
    changed_pc = mismatch_message(XLWINGS_PIN, "0.38.1")
    both = mismatch_message("0.36.0", "0.38.1")
    for text in (stale_form, changed_pc, both):
        assert text is not None and CJK.search(text)
        assert "File not found: xlwings64-" in text and "错误" in text
    assert stale_form is not None and changed_pc is not None and both is not None
    assert "0.36.0" in stale_form and XLWINGS_PIN in stale_form and "xlwings64-0.36.0.dll" in stale_form
    assert 'perfxl excel refresh "2022_业务工作经历.xlsm"' in stale_form and "pip install" not in stale_form
    assert f"pip install xlwings=={XLWINGS_PIN}" in changed_pc and "安装perfxl.bat" in changed_pc
    assert "0.38.1" in changed_pc and "xlwings64-0.37.8.dll" in changed_pc
    assert f"pip install xlwings=={XLWINGS_PIN}" in both and "perfxl excel refresh" in both
    assert pin_message(XLWINGS_PIN) is None
    warning = pin_message("0.38.1")
    assert warning is not None and "0.38.1" in warning and f"pip install xlwings=={XLWINGS_PIN}" in warning


def test_the_button_check_reads_the_open_workbook(forms: dict[str, Path], tmp_path: Path, monkeypatch) -> None:
    """Through xlwings' own Book object model (its JSON-backed engine), as the button's Python sees the form."""
    assert button_version_problem(json_book(forms["udf"], monkeypatch)) is None
    other = form_for_other_xlwings(forms["udf"], tmp_path / "2022_旧表.xlsm", "0.36.0")
    message = button_version_problem(json_book(other, monkeypatch))
    assert message is not None and message == mismatch_message("0.36.0", XLWINGS_PIN, workbook="2022_旧表.xlsm")
    # A form from a perfxl that did not record the version: nothing is known, nothing is said.
    older = without_version_row(other)
    assert button_version_problem(json_book(older, monkeypatch)) is None
    assert button_version_problem(json_book(forms["native"], monkeypatch)) is None
