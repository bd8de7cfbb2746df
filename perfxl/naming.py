"""Names perfxl gives to worksheets and files: valid in Excel, xlwings, Windows and Linux, and unique.

One rule for sheet names, used by the generator, the batch report and the ooxml lint; one for file
names, used by the generator before it writes anything. Both count what the systems count: Excel's
31-character limit is in UTF-16 units (a CJK Extension B character is two), a Linux file name's 255
in UTF-8 bytes (a CJK character is three).
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from perfxl.contract.metadata import SHEET as METADATA_SHEET
from perfxl.core.errors import PerfxlError
from perfxl.output import unique_name

# -- sheet names -------------------------------------------------------------------------------------
MAX_SHEET_UNITS = 31  # Excel counts UTF-16 code units
SHEET_FORBIDDEN = frozenset("[]:*?/\\")
EXCEL_RESERVED_SHEETS = ("History",)  # Excel's change-tracking sheet, case-insensitive
INDEX_SHEET = "目录"  # the index of a --single workbook
# Sheets perfxl writes into its own workbooks (the index, the metadata sheet and
# perfxl.generate.macros.CONF_SHEET): a form never takes one of these names, in any case.
PERFXL_SHEETS = (INDEX_SHEET, METADATA_SHEET, "xlwings.conf")
EMBEDDED_CODE_SUFFIX = ".py"  # xlwings runs a sheet named *.py as embedded code (and stops RunPython)
DEFAULT_SHEET = "项目"
# Characters XML 1.0 cannot hold, and other controls: a name is written into workbook.xml.
_CONTROL = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
# Spaces and apostrophes at either end, in any mix (Excel refuses a name starting or ending with ').
_EDGE_QUOTES = re.compile(r"^[\s']+|[\s']+$")


def utf16_units(text: str) -> int:
    """Length as Excel and Windows count it: characters beyond the BMP take two units."""
    return sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)


def _head(text: str, units: int) -> str:
    """The longest start of ``text`` within ``units`` UTF-16 units (never half a surrogate pair)."""
    count = 0
    for index, ch in enumerate(text):
        count += 2 if ord(ch) > 0xFFFF else 1
        if count > units:
            return text[:index]
    return text


def sheet_key(name: str) -> str:
    """A sheet name as Excel compares names: two names with the same key are the same sheet."""
    return unicodedata.normalize("NFC", name).casefold()


def sheet_name_problems(name: str) -> list[str]:
    """Why Excel (or xlwings' RunPython) would reject ``name`` as a sheet name; empty list: fine.

    English: these are the lint's messages (perfxl_tools.ooxml.lint), which are developer-facing.
    """
    reasons = []
    if not name:
        reasons.append("sheet name is empty")
    units = utf16_units(name)
    if units > MAX_SHEET_UNITS:
        reasons.append(f"sheet name has {units} UTF-16 units (Excel allows {MAX_SHEET_UNITS})")
    bad = sorted(SHEET_FORBIDDEN.intersection(name))
    if bad:
        reasons.append(f"sheet name contains {' '.join(bad)}")
    if _CONTROL.search(name):
        reasons.append("sheet name contains a control character")
    if name.startswith("'") or name.endswith("'"):
        reasons.append("sheet name starts or ends with an apostrophe")
    if sheet_key(name) in {sheet_key(r) for r in EXCEL_RESERVED_SHEETS}:
        reasons.append(f"{name!r} is reserved by Excel")
    if name.casefold().endswith(EMBEDDED_CODE_SUFFIX):
        reasons.append(f"sheet name ends with {EMBEDDED_CODE_SUFFIX} (xlwings treats such a sheet as embedded code)")
    return reasons


def _clean_sheet_text(text: str) -> str:
    name = _CONTROL.sub("_", re.sub(r"[\[\]:*?/\\]", "_", text))
    return _EDGE_QUOTES.sub("", name) or DEFAULT_SHEET


def _sheet_candidate(base: str, tail: str) -> str:
    head = _head(base, MAX_SHEET_UNITS - utf16_units(tail))
    if not tail:
        head = _EDGE_QUOTES.sub("", head)
        if head.casefold().endswith(EMBEDDED_CODE_SUFFIX):
            head = head[: -len(EMBEDDED_CODE_SUFFIX)] + "_" + head[-2:]
    return (head or DEFAULT_SHEET) + tail


def sheet_name(text: str, taken: set[str], reserved: Iterable[str] = PERFXL_SHEETS) -> str:
    """A valid worksheet name from ``text`` (a project or unit name), unique among ``taken``.

    Unique as Excel compares names (:func:`sheet_key`); never one of ``reserved`` (perfxl's own sheets)
    or Excel's ``History``. The name is added to ``taken``; a clash gets ``~2``, ``~3``… (every candidate
    passes :func:`sheet_name_problems` but for being taken or reserved).
    """
    base = _clean_sheet_text(text)
    used = {sheet_key(t) for t in (*taken, *reserved, *EXCEL_RESERVED_SHEETS)}
    name = unique_name(_sheet_candidate(base, ""), used, lambda n: _sheet_candidate(base, f"~{n}"), key=sheet_key)
    taken.add(name)
    return name


# -- file names --------------------------------------------------------------------------------------
# A file name (extension included) at most this many UTF-16 units: with Excel's 218-character limit on a
# whole path, this leaves 138 characters for the folder on the officer's PC (forms travel by e-mail).
MAX_FILE_UNITS = 80
# perfxl.output writes beside the target under a longer name (".<stem>.<8 random><suffix>").
TEMPORARY_EXTRA_BYTES = 16
WINDOWS_MAX_PATH = 218  # Excel cannot open a file whose path is longer (MAX_PATH is 260)
FILE_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
WINDOWS_DEVICES = frozenset(
    ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"]
    + [f"{port}{n}" for port in ("COM", "LPT") for n in (*"0123456789", "¹", "²", "³")]
)
LOCK_PREFIX = "~$"  # Excel's lock files: batches skip files named like this


class NamingError(PerfxlError, ValueError):
    """No valid file name can be made (the message is Chinese)."""


@dataclass(frozen=True)
class FileLimits:
    """What a file name in one folder may be."""

    name_units: int = MAX_FILE_UNITS
    name_bytes: int = 255 - TEMPORARY_EXTRA_BYTES  # UTF-8 bytes of the name
    path_units: int | None = None  # the whole path, as Windows counts it
    path_bytes: int | None = None  # the whole path, as POSIX counts it
    folder: str = ""  # absolute, as the path limits count it

    def fits(self, name: str) -> bool:
        if utf16_units(name) > self.name_units or len(name.encode("utf-8", "surrogatepass")) > self.name_bytes:
            return False
        whole = os.path.join(self.folder, name)
        if self.path_units is not None and utf16_units(whole) > self.path_units:
            return False
        return self.path_bytes is None or len(os.fsencode(whole)) <= self.path_bytes


def _existing_ancestor(folder: Path) -> Path:
    for candidate in (folder, *folder.parents):
        try:
            if candidate.is_dir():
                return candidate
        except OSError:  # a path too long to look at: its parents may still be
            continue
    return Path(os.sep)


def folder_limits(folder: Path) -> FileLimits:
    """The limits for files written into ``folder`` (which may not exist yet) on this system."""
    absolute = Path(os.path.abspath(folder))
    if os.name == "nt":
        return FileLimits(path_units=WINDOWS_MAX_PATH, folder=str(absolute))
    base = _existing_ancestor(absolute)
    try:
        name_max = os.pathconf(base, "PC_NAME_MAX")
        path_max = os.pathconf(base, "PC_PATH_MAX")
    except (OSError, ValueError):
        name_max, path_max = 255, 4096
    return FileLimits(
        name_bytes=min(name_max, 255) - TEMPORARY_EXTRA_BYTES,
        path_bytes=path_max - 1 - TEMPORARY_EXTRA_BYTES,
        folder=str(absolute),
    )


def _is_device(name: str) -> bool:
    return name.split(".")[0].rstrip(" ").upper() in WINDOWS_DEVICES


def clean_file_stem(text: str) -> str:
    """``text`` with what Windows forbids in a file name replaced by ``_``; never a device name."""
    stem = FILE_FORBIDDEN.sub("_", text)
    stem = re.sub(r"[\ud800-\udfff]", "_", stem).strip().rstrip(". ")
    if stem.startswith(LOCK_PREFIX):
        stem = "_" + stem[1:]
    if not stem:
        stem = "_"
    return stem + "_" if _is_device(stem) else stem


def file_name_problems(name: str, limits: FileLimits) -> list[str]:
    """Why ``name`` (with its extension) is no safe file name in the folder of ``limits``, in Chinese."""
    reasons = []
    bad = sorted(set(FILE_FORBIDDEN.findall(name)))
    if bad:
        shown = " ".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in bad)
        reasons.append(f"含有 Windows 文件名中不能使用的字符 {shown}")
    if _is_device(name):
        reasons.append(f"「{name.split('.')[0]}」是 Windows 的保留设备名，不能作为文件名")
    if name != name.rstrip(". "):
        reasons.append("以句点或空格结尾（Windows 会去掉它们）")
    if name.startswith(LOCK_PREFIX):
        reasons.append(f"以 {LOCK_PREFIX} 开头（这是 Excel 临时文件的名称，perfxl 读取文件夹时会跳过）")
    if not limits.fits(name):
        reasons.append(
            f"过长（文件名最多 {limits.name_units} 个字符、{limits.name_bytes} 字节，"
            + (f"完整路径最多 {limits.path_units} 个字符）" if limits.path_units else "且路径不能超过系统上限）")
        )
    return reasons


def _numbered(stem: str, suffix: str, limits: FileLimits, number: int) -> str:
    return _file_candidate(stem, f"_{number}", suffix, limits)


def _file_candidate(stem: str, tail: str, suffix: str, limits: FileLimits) -> str:
    head = stem
    while head and not limits.fits(head + tail + suffix):
        head = head[:-1]
    head = head.rstrip(". ")
    if not head or (not tail and _is_device(head)):
        raise NamingError("输出文件夹的路径过长，放不下文件名：请换一个路径较短的文件夹")
    return head + tail


def file_names(stems: Sequence[str], suffix: str, limits: FileLimits) -> list[str]:
    """One file name (``suffix`` included) per stem: cleaned, shortened to ``limits``, unique ignoring case.

    NamingError when the folder leaves no room for a name; nothing is written by this function.
    """
    taken: set[str] = set()
    names = []
    for text in stems:
        stem = clean_file_stem(text)
        unique = unique_name(_file_candidate(stem, "", suffix, limits), taken, partial(_numbered, stem, suffix, limits))
        names.append(unique + suffix)
    return names
