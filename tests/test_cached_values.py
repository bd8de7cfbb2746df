"""Nothing recalculates on open: every formula result is cached and typed, as Excel saves it.

A formula cell whose cached value is missing or an untyped empty ``<v></v>`` is "not yet calculated"
to spreadsheets: LibreOffice computes it on open (a udf form then shows #NAME? or #VALUE!), Excel 365
may recalculate the workbook. Generated and recalculated forms must have none, and LibreOffice with
its default settings must print them without an error value.
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from perfxl.batch.runner import recalc_file
from perfxl.cli import bundled_example
from perfxl.generate import generate
from perfxl.libreoffice.soffice import convert_many
from tests.support.office import require_libreoffice

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
ROOT = Path(__file__).resolve().parents[1]
BLANK_LIST = ROOT / "perfxl" / "examples" / "2022-two-projects-blank.yaml"
ERROR_TEXTS = ("#VALUE!", "#NAME?", "#REF!", "#DIV/0!", "#NUM!", "#N/A", "#NULL!", "Err:")


def untyped_results(path: Path) -> list[str]:
    """Formula cells without a cached value, or with an empty one that is not typed as text."""
    found = []
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if not name.startswith("xl/worksheets/sheet"):
                continue
            for cell in etree.fromstring(archive.read(name)).iter(f"{{{MAIN}}}c"):
                if cell.find(f"{{{MAIN}}}f") is None:
                    continue
                value = cell.find(f"{{{MAIN}}}v")
                if value is None or (not value.text and cell.get("t") != "str"):
                    found.append(f"{name}!{cell.get('r')}")
    return found


@pytest.fixture(scope="module")
def forms(tmp_path_factory) -> dict[str, list[Path]]:
    """Generated workbooks: blank and filled, both modes, one file per form and one for all."""
    folder = tmp_path_factory.mktemp("forms")
    made: dict[str, list[Path]] = {}
    for kind, source in (("filled", bundled_example()), ("blank", BLANK_LIST)):
        for mode in ("udf", "native"):
            key = f"{kind}-{mode}"
            made[key] = generate(source, folder / key, mode=mode)
            made[key] += generate(source, folder / key, mode=mode, single=f"全部.{'xlsm' if mode == 'udf' else 'xlsx'}")
    return made


@pytest.mark.slow
def test_generated_forms_type_every_cached_result(forms: dict[str, list[Path]]) -> None:
    for paths in forms.values():
        for path in paths:
            assert untyped_results(path) == [], path


@pytest.mark.slow
def test_recalculated_forms_type_every_cached_result(forms: dict[str, list[Path]], tmp_path: Path) -> None:
    for key, paths in forms.items():
        for path in paths:
            copy = tmp_path / key / path.name
            copy.parent.mkdir(exist_ok=True)
            shutil.copy(path, copy)
            assert recalc_file(copy, copy.name, stamp="测试").rewritten
            assert untyped_results(copy) == [], copy


def test_an_untyped_result_written_by_another_program_is_typed_by_recalc(tmp_path: Path) -> None:
    source = generate(BLANK_LIST, tmp_path / "forms", mode="udf")[0]
    copy = tmp_path / source.name
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(copy, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b' t="str"><f>', b"><f>")  # as xlsxwriter writes them by default
            new.writestr(info, data)
    assert untyped_results(copy)
    recalc_file(copy, copy.name, stamp=None)
    assert untyped_results(copy) == []


@pytest.mark.slow
@pytest.mark.libreoffice
def test_libreoffice_with_its_default_settings_prints_no_error_value(
    forms: dict[str, list[Path]], tmp_path: Path
) -> None:
    """As a user's LibreOffice opens them (no forced recalculation, no perfxl recalc): udf forms too."""
    require_libreoffice()
    sources = [path for key in ("blank-udf", "filled-udf", "blank-native", "filled-native") for path in forms[key]]
    copies = []
    for index, path in enumerate(sources):  # distinct names: one PDF each
        copy = tmp_path / "in" / f"{index}_{path.name}"
        copy.parent.mkdir(exist_ok=True)
        shutil.copy(path, copy)
        copies.append(copy)
    written, failed = convert_many(copies, tmp_path / "pdf", "pdf", recalculate=None)
    assert failed == [] and len(written) == len(copies)
    for pdf in written:
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "财政项目支出绩效自评表" in text or "目录" in text, pdf
        assert not [e for e in ERROR_TEXTS if e in text], (pdf, [line for line in text.splitlines() if "#" in line])
        if "filled" in str(pdf) and "全部" not in pdf.name:
            assert ("89.96" in text) or ("92.57" in text), pdf
