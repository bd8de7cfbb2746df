"""Which files a batch works on, and whether each one is safe to open.

A returned form may be anything: a corrupt download, a renamed Word file, a password-protected
workbook, a huge file, a zip bomb. Each is recognised from its first bytes and its zip directory,
before any XML is parsed, and reported in Chinese instead of stopping the batch.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from perfxl.core.errors import PerfxlError
from perfxl.limits import MAX_PART_BYTES, MAX_SHEETS, part_too_large
from perfxl.zipdata import ZIP_READ_ERRORS, unreadable_part

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
LIST_SUFFIXES = (".yaml", ".yml", ".json")
OLD_SUFFIXES = (".xls", ".et", ".wps")
# Limits for one returned form (a generated form is about 20 KB, 200 KB unpacked).
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNPACKED_BYTES = 300 * 1024 * 1024  # each XML part is bounded too: perfxl.limits
MAX_RATIO = 200  # unpacked/packed size of one part: ordinary XML compresses 5–20 times
MAX_PARTS = 5000
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted (password) workbooks and old .xls
ZIP_SIGNATURE = b"PK\x03\x04"


@dataclass(frozen=True)
class Unusable(PerfxlError):
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Repeat:
    """A file given again: the same path twice, another spelling of it, a link to it, or a file inside a
    folder also given. Only the first occurrence is worked on."""

    path: Path  # the repeat, dropped
    first: Path  # the occurrence kept


@dataclass(frozen=True)
class Gathered:
    paths: list[Path]  # each file once, in the order given
    repeats: list[Repeat]


def gather(sources: Iterable[str | Path], suffixes: tuple[str, ...] = WORKBOOK_SUFFIXES) -> Gathered:
    """Files named and files found (recursively, sorted) in folders named, Excel's lock files skipped;
    a file reached a second time is dropped (and listed in ``repeats``), so no file is read or rewritten
    twice in one run."""
    kept: dict[tuple[object, ...], Path] = {}
    repeats: list[Repeat] = []
    for path in _candidates(sources, suffixes):
        key = file_identity(path)
        if key in kept:
            repeats.append(Repeat(path, kept[key]))
        else:
            kept[key] = path
    return Gathered(list(kept.values()), repeats)


def expand(sources: Iterable[str | Path], suffixes: tuple[str, ...] = WORKBOOK_SUFFIXES) -> list[Path]:
    """The files of :func:`gather`, each once."""
    return gather(sources, suffixes).paths


def _candidates(sources: Iterable[str | Path], suffixes: tuple[str, ...]) -> Iterable[Path]:
    for source in sources:
        path = Path(source)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in
                              suffixes + OLD_SUFFIXES and not p.name.startswith(("~$", ".~")))
        else:
            yield path


def file_identity(path: Path) -> tuple[object, ...]:
    """What makes two paths the same file: device and inode (so links, hard links and ``a/../a`` agree);
    for a path that cannot be looked at (missing, a broken link), its absolute, normalised spelling."""
    try:
        status = path.stat()
    except OSError:
        status = None
    if status is not None and status.st_ino:  # some Windows file systems report no file index
        return ("file", status.st_dev, status.st_ino)
    return ("path", os.path.normcase(os.path.abspath(path)))


def check_package(path: Path) -> None:
    """Raise Unusable (in Chinese) unless ``path`` is a workbook package that is safe to open."""
    if not path.exists():
        raise Unusable("文件不存在")
    if path.suffix.lower() in OLD_SUFFIXES:
        raise Unusable(f"是旧版 {path.suffix} 格式，请在 Excel 或 WPS 中另存为 .xlsx 后再提交")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        limit = MAX_FILE_BYTES // 1024 // 1024
        raise Unusable(f"文件过大（{size / 1024 / 1024:.0f} MB，上限 {limit} MB），不像一张自评表")
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(OLE_SIGNATURE):
        raise Unusable("文件已加密（设置了打开密码）或是旧版 .xls 格式：请取消密码并另存为 .xlsx")
    if not head.startswith(ZIP_SIGNATURE):
        raise Unusable("不是 Excel 工作簿（文件内容不是 .xlsx 格式，可能已损坏或被改了扩展名）")
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
            if len(parts) > MAX_PARTS:
                raise Unusable(f"压缩包内文件过多（{len(parts)} 个），已拒绝打开")
            unpacked = sum(p.file_size for p in parts)
            if unpacked > MAX_UNPACKED_BYTES:
                raise Unusable(f"解压后过大（{unpacked / 1024 / 1024:.0f} MB），疑似压缩炸弹，已拒绝打开")
            for part in parts:
                if part.file_size > MAX_PART_BYTES and part.filename.endswith((".xml", ".rels")):
                    raise Unusable(part_too_large(part.filename, part.file_size))
                if part.compress_size and part.file_size / part.compress_size > MAX_RATIO and part.file_size > 1 << 20:
                    raise Unusable(f"部件 {part.filename} 压缩比异常（{part.file_size // part.compress_size} 倍），"
                                   "疑似压缩炸弹，已拒绝打开")
            sheets = sum(1 for p in parts if p.filename.startswith("xl/worksheets/") and p.filename.endswith(".xml"))
            if sheets > MAX_SHEETS:
                raise Unusable(f"工作簿中有 {sheets} 张工作表，超过上限 {MAX_SHEETS} 张，已拒绝打开："
                               "请分成几个工作簿再提交")
            names = {p.filename for p in parts}
            if "xl/workbook.xml" not in names:
                raise Unusable("不是 Excel 工作簿（缺少 xl/workbook.xml），可能是其他 Office 文件改了扩展名")
            try:
                damaged = archive.testzip()
            except ZIP_READ_ERRORS as exc:  # testzip catches only a wrong CRC (BadZipFile)
                raise Unusable(unreadable_part(exc)) from None
            if damaged is not None:
                raise Unusable("文件已损坏（压缩数据校验失败）")
    except zipfile.BadZipFile:
        raise Unusable("文件已损坏，无法作为压缩包读取") from None
