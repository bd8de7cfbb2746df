"""Make tests/data/libreoffice-saved/: generated forms as a bureau officer's LibreOffice saves them.

The forms of 业务工作经历 (the bundled example), blank and filled, in both modes, are generated exactly as
workbooks/ holds them (scripts/build_workbooks.py, the same fixed creation time), then opened in
LibreOffice headless and stored again:

- ``{空白表,已填报}-{udf,native}.xlsx``: with LibreOffice's own settings, as on an officer's PC (formulas are
  not recalculated on load), stored as "Excel 2007-365" (filter "Calc MS Excel 2007 XML"); a udf form's
  macros are dropped, since an .xlsx holds none;
- ``已填报-udf-重算.xlsx``: the same, but LibreOffice recalculates every formula on load first (an officer
  whose LibreOffice is set so, or who edits the form): perfxl's UDFs do not run there, so the file keeps
  an error as the result of every PERF_* formula;
- ``已填报-udf.xlsm``: the udf form kept in its own format, macros and all (filter "Calc MS Excel 2007 VBA
  XML"), as Ctrl+S with "Keep current format" does.

tests/test_libreoffice_saved.py reads the committed files, so only this script needs LibreOffice.
Run from the repository's root: PYTHONPATH=. python scripts/save_with_libreoffice.py [OUT_DIR]
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from perfxl.generate import generate
from perfxl.libreoffice.soffice import LibreOfficeError, convert_many, find_soffice

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "data" / "libreoffice-saved"
EXAMPLES = ROOT / "perfxl" / "examples"
LISTS = {"空白表": EXAMPLES / "2022-two-projects-blank.yaml", "已填报": EXAMPLES / "2022-two-projects.yaml"}
PROJECT = "业务工作经历"
SOURCE_DATE_EPOCH = "1672531200"  # scripts/build_workbooks.py's: the sources are the files of workbooks/
XLSX = "xlsx:Calc MS Excel 2007 XML"
XLSM = "xlsm:Calc MS Excel 2007 VBA XML"


@dataclass(frozen=True)
class Saving:
    """One file to make: which generated form, how LibreOffice stores it, and under what name."""

    name: str  # the output's stem
    label: str  # 空白表 or 已填报
    mode: str  # udf or native
    fmt: str  # soffice's --convert-to argument
    recalculate: bool | None  # None: LibreOffice's defaults; True: recalculate every formula on load


SAVINGS = (
    *(Saving(f"{label}-{mode}", label, mode, XLSX, None) for label in LISTS for mode in ("udf", "native")),
    Saving("已填报-udf-重算", "已填报", "udf", XLSX, True),
    Saving("已填报-udf", "已填报", "udf", XLSM, None),
)


def libreoffice_version() -> str:
    """``LibreOffice 7.4.7.2 40(Build:2)``: what ``soffice --version`` prints."""
    result = subprocess.run([str(find_soffice()), "--version"], capture_output=True, text=True, timeout=120, check=True)
    return result.stdout.strip()


def _generated(work: Path) -> dict[tuple[str, str], Path]:
    """The generated form of PROJECT for each (label, mode)."""
    os.environ["SOURCE_DATE_EPOCH"] = SOURCE_DATE_EPOCH
    forms = {}
    for label, source in LISTS.items():
        for mode in ("udf", "native"):
            written = generate(source, work / f"{label}-{mode}", mode=mode, workers=1)
            forms[label, mode] = next(path for path in written if path.stem.endswith(f"_{PROJECT}"))
    return forms


def save_all(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory(prefix="perfxl-lo-saved-") as folder:
        work = Path(folder)
        forms = _generated(work / "generated")
        for number, saving in enumerate(SAVINGS):
            # The source named as the output, so that soffice writes NAME.xlsx (it keeps the stem).
            source = work / "sources" / str(number) / f"{saving.name}{forms[saving.label, saving.mode].suffix}"
            source.parent.mkdir(parents=True)
            shutil.copyfile(forms[saving.label, saving.mode], source)
            done, failed = convert_many([source], work / "saved", saving.fmt, recalculate=saving.recalculate)
            if failed:
                raise LibreOfficeError(f"{saving.name}：{failed[0][1]}")
            target = out / done[0].name
            shutil.move(done[0], target)
            written.append(target)
    (out / "README.md").write_text(readme(libreoffice_version()), encoding="utf-8")
    return written


def readme(version: str) -> str:
    lines = [
        "# Forms saved by LibreOffice",
        "",
        f"Saved by {version} (headless), from the forms of {PROJECT} that perfxl generates from",
        "perfxl/examples/2022-two-projects*.yaml (the files of workbooks/), by scripts/save_with_libreoffice.py.",
        "tests/test_libreoffice_saved.py checks that perfxl reads, recalculates and labels them as the originals.",
        "",
        "| file | from | how LibreOffice stored it |",
        "| --- | --- | --- |",
    ]
    for saving in SAVINGS:
        how = "recalculated on load, then " if saving.recalculate else ""
        suffix, filter_name = saving.fmt.split(":", 1)
        source = f"workbooks/{saving.label}-{saving.mode}/2022_{PROJECT}.{'xlsm' if saving.mode == 'udf' else 'xlsx'}"
        lines.append(f'| {saving.name}.{suffix} | {source} | {how}filter "{filter_name}" |')
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    for path in save_all(target):
        print(f"{path}  {path.stat().st_size:,} bytes")
