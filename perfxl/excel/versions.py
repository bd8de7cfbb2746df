"""Which xlwings a form's macros need, and what to tell the user when the PC has another one.

The ``xlwings`` VBA module of a udf form declares the DLL of one xlwings version
(``Declare PtrSafe Function XLPyDLLActivateAuto Lib "xlwings64-0.37.8.dll"``, ``XLWINGS_VERSION = "0.37.8"``),
and the Windows wheel of that xlwings installs exactly that DLL into the Python folder. With any other
xlwings on the PC every UDF wrapper's call to ``XLPy`` fails and the cell shows the VBA error text
(``File not found: xlwings64-0.37.8.dll``). The 重新计算 button still runs: ``RunPython`` with
``USE UDF SERVER`` off starts Python through a shell (``ExecuteWindows``), not through the DLL, so the
button's Python is where the user can be told what to do (:func:`button_version_problem`).

:data:`XLWINGS_PIN` is the one place perfxl names the xlwings version its forms embed: pyproject.toml
pins the same version (a test asserts both, and the installed ``xlwings.__version__``) and the offline
wheelhouse downloads it.
"""

from __future__ import annotations

import functools
import logging
import re
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyopenvba.cfb import CFB
from pyopenvba.exceptions import PyOpenVBAError
from pyopenvba.vba import parse_vba_project

from perfxl.contract.metadata import FORMAT, META_NAME, XLWINGS_VERSION_KEY
from perfxl.core.errors import PerfxlError
from perfxl.excel.vba_project import VBA_ENTRY, xlwings_project, xlwings_version
from perfxl.workbook.base import Book, Ref, cell_text

XLWINGS_PIN = "0.37.8"
XLWINGS_MODULE = "xlwings"
# `Public Const XLWINGS_VERSION As String = "0.37.8"` in xlwings.bas
_DECLARED_VERSION = re.compile(
    r"^[ \t]*(?:(?:Public|Private|Global)[ \t]+)?Const[ \t]+XLWINGS_VERSION[ \t]+As[ \t]+String"
    r'[ \t]*=[ \t]*"([^"\r\n]*)"',
    re.MULTILINE | re.IGNORECASE,
)


class UnreadableProject(PerfxlError, ValueError):
    """The bytes are not a VBA project pyOpenVBA can read."""


def dll_name(version: str) -> str:
    """The 64-bit DLL the xlwings module of ``version`` declares (64-bit Office is what perfxl supports)."""
    return f"xlwings64-{version}.dll"


def project_xlwings_version(project: bytes) -> str | None:
    """The version the ``xlwings`` module of a ``vbaProject.bin`` declares; None when it has no such module.

    Raises :class:`UnreadableProject` for bytes that are not a readable VBA project.
    """
    try:
        parsed = parse_vba_project(CFB.from_bytes(project))
        module = next((m for m in parsed.modules if m.name.casefold() == XLWINGS_MODULE), None)
        source = None if module is None else module.source  # decompressed on first access
    except (PyOpenVBAError, ValueError, IndexError, KeyError, struct.error) as exc:
        raise UnreadableProject(str(exc)) from None
    if source is None:
        return None
    found = _DECLARED_VERSION.search(source)
    return found[1].strip() if found else None


def workbook_xlwings_version(path: Path) -> str | None:
    """The xlwings version the VBA project of an .xlsm declares; None for a workbook without one.

    Raises :class:`zipfile.BadZipFile` / :class:`OSError` for a file that is not a workbook, and
    :class:`UnreadableProject` for a damaged project.
    """
    with zipfile.ZipFile(path) as archive:
        if VBA_ENTRY not in archive.namelist():
            return None
        project = archive.read(VBA_ENTRY)
    return project_xlwings_version(project)


def embedded_xlwings_version() -> str | None:
    """The version generated forms declare: that of the installed xlwings' standalone project."""
    return _embedded(xlwings_version())


@functools.lru_cache(maxsize=4)
def _embedded(installed: str) -> str | None:
    del installed  # the cache key: the project comes from the installed xlwings
    return project_xlwings_version(xlwings_project())


@dataclass(frozen=True)
class VersionCell:
    """The metadata sheet's ``xlwings 版本`` value cell and what it holds (None when empty)."""

    ref: Ref
    version: str | None


def metadata_version_cell(book: Book) -> VersionCell | None:
    """The ``xlwings 版本`` row of a generated form's metadata; None for forms without it (older perfxl, native)."""
    ref = book.names(None).get(META_NAME)
    if ref is None or ref.max_col <= ref.min_col:
        return None
    rows = book.values(ref)
    settings = {cell_text(row[0]): row for row in rows if row}
    if cell_text(settings.get("格式", [None, None])[1]) != FORMAT:
        return None
    for offset, row in enumerate(rows):
        if row and cell_text(row[0]) == XLWINGS_VERSION_KEY:
            value = cell_text(row[1]) if len(row) > 1 else ""
            return VersionCell(Ref.cell(ref.sheet, ref.min_row + offset, ref.min_col + 1), value or None)
    return None


def form_xlwings_version(book: Book) -> str | None:
    """The xlwings version a generated form recorded for its macros, or None when it did not record one."""
    cell = metadata_version_cell(book)
    return cell.version if cell else None


def mismatch_message(form_version: str | None, installed: str, workbook: str = "自评表.xlsm") -> str | None:
    """What the user sees and what to do when the form's macros need another xlwings; None when they match.

    ``form_version`` None (a form that did not record it) gives None: nothing is known to be wrong.
    """
    if form_version is None or form_version == installed:
        return None
    lines = [
        f"xlwings 版本不一致：本表的宏需要 xlwings {form_version}，本机安装的是 xlwings {installed}。",
        f"表中 perfxl 函数的单元格不会计算，而是显示错误（如“File not found: {dll_name(form_version)}”）；"
        "“重新计算”按钮仍会检查并写出摘要。",
    ]
    refresh = (
        f'关闭本表，在命令提示符中运行 perfxl excel refresh "{workbook}"，按本机的 xlwings 重建表中的宏（其余内容不变）'
    )
    if installed == XLWINGS_PIN:  # the form is from another perfxl or xlwings: rebuild its macros here
        lines.append(f"解决办法：{refresh}，再重新打开本表。")
    elif form_version == XLWINGS_PIN:  # xlwings was changed on this PC: put the required one back
        lines.append(
            f"解决办法：{_install_pin()}，然后关闭 Excel 再打开本表。"
            f"也可以{refresh}，但 perfxl 未在 xlwings {installed} 上测试过。"
        )
    else:
        lines.append(f"解决办法：先{_install_pin()}；再{refresh}。")
    return "\n".join(lines)


def pin_message(installed: str) -> str | None:
    """A warning when the xlwings installed here is not the one perfxl requires; None when it is."""
    if installed == XLWINGS_PIN:
        return None
    return (
        f"注意：本机安装的是 xlwings {installed}，而 perfxl 要求 xlwings {XLWINGS_PIN}"
        "（perfxl 只在这个版本上测试过）。"
        f"按本机的 xlwings 生成或重建的表，只能在装有 xlwings {installed} 的电脑上计算。"
        f"建议{_install_pin()}，然后再生成或重建。"
    )


def _install_pin() -> str:
    from perfxl.excel.wheelhouse import INSTALL_SCRIPT  # the wheelhouse imports this module for the pin

    return (
        f"安装 perfxl 要求的 xlwings {XLWINGS_PIN}：在命令提示符中运行 "
        f"python -m pip install xlwings=={XLWINGS_PIN}（内网电脑：再次运行离线安装包中的“{INSTALL_SCRIPT}”）"
    )


def button_version_problem(book: Any) -> str | None:
    """For the 重新计算 button: the Chinese message when the open workbook's macros need another xlwings.

    ``book`` is an xlwings.Book (``xw.Book.caller()``). The version comes from the form's metadata sheet
    (written at generation, updated by ``perfxl excel refresh``); a form without that row gives None.
    """
    from perfxl.workbook.xlwings_book import XlwingsBook

    try:
        form_version = form_xlwings_version(XlwingsBook(book))
        name = str(book.name)
    except Exception:  # advisory only: reading the metadata must never stop the button
        logging.getLogger("perfxl.excel").exception("the form's xlwings version could not be read")
        return None
    return mismatch_message(form_version, xlwings_version(), workbook=name)
