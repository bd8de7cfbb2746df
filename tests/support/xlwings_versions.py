"""Forms whose macros belong to another xlwings, and another xlwings to run perfxl with.

:func:`form_for_other_xlwings` copies a generated form with its ``xlwings`` VBA module rewritten as
another version's would read (the version in its DLL names, ``XLWINGS_VERSION`` and comments) and
its metadata row saying so, as perfxl would have written it with that xlwings installed. The module
stream of xlwings' project is compressed source from offset 0 (no performance cache), so rewriting
the stream changes nothing else in the project.

:func:`install_xlwings` puts a real release of xlwings into a folder for ``PYTHONPATH`` (needs the
package index, as the wheelhouse test does).
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from pyopenvba.cfb import CFB
from pyopenvba.vba import compress, decompress, parse_vba_project

from perfxl.excel.vba_project import VBA_ENTRY
from perfxl.excel.versions import XLWINGS_MODULE, metadata_version_cell, project_xlwings_version
from perfxl.workbook.base import Ref
from perfxl.workbook.xlsx_book import XlsxBook


def with_xlwings_version(project: bytes, version: str) -> bytes:
    """``project`` with its xlwings module's source declaring ``version`` instead of its own."""
    own = project_xlwings_version(project)
    assert own is not None and own != version
    cfb = CFB.from_bytes(project)
    module = next(m for m in parse_vba_project(cfb).modules if m.name == XLWINGS_MODULE)
    assert module.text_offset == 0, "the xlwings module stream has a performance cache"
    source = decompress(cfb.get_stream_in_storage("VBA", module.stream_name))
    assert source.count(own.encode()) >= 8  # DLL names, XLWINGS_VERSION, the version comment, the AppleScript
    cfb.write_stream_in_storage("VBA", module.stream_name, compress(source.replace(own.encode(), version.encode())))
    return cfb.to_bytes()


def form_for_other_xlwings(form: Path, target: Path, version: str) -> Path:
    """A copy of a generated udf form at ``target`` as perfxl makes it with xlwings ``version`` installed."""
    with zipfile.ZipFile(form) as source, zipfile.ZipFile(target, "w") as out:
        for info in source.infolist():
            data = source.read(info)
            out.writestr(info, with_xlwings_version(data, version) if info.filename == VBA_ENTRY else data)
    with XlsxBook(target) as book:
        cell = metadata_version_cell(book)
        assert cell is not None
        book.set_value(cell.ref, version)
        book.save()
    return target


def without_version_row(form: Path) -> Path:
    """The form as a perfxl that did not record the xlwings version wrote it: the row's key and value emptied."""
    with XlsxBook(form) as book:
        cell = metadata_version_cell(book)
        assert cell is not None
        book.set_value(Ref.cell(cell.ref.sheet, cell.ref.min_row, cell.ref.min_col - 1), None)
        book.set_value(cell.ref, None)
        book.save()
    return form


def install_xlwings(version: str, folder: Path) -> Path:
    """xlwings ``version`` (its wheel for this platform, without dependencies) installed into ``folder``."""
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(folder),
            f"xlwings=={version}",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    return folder
