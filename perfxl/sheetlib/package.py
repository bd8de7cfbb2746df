"""Whether a file is a workbook package safe to open, before any XML of it is parsed.

A returned form, a project list or a file the generator would replace may be anything: a corrupt
download, a renamed Word file, a password-protected workbook, a huge file, a zip bomb. Each is recognised
from its first bytes and its zip directory and refused with a Chinese reason (:class:`UnusableFile`), which
the batch, the project-list reader and the generator each report in their own way.

Reading a part of a damaged or unusual zip raises more than opening it does: ``zipfile`` reports a wrong
CRC as BadZipFile, but a broken deflate stream surfaces as ``zlib.error``, data cut short as EOFError, a
compression method it lacks (Deflate64 of some Windows tools) as NotImplementedError and an encrypted
entry as RuntimeError. Every reader of a returned file's parts catches all of :data:`ZIP_READ_ERRORS`:
each means the file is damaged or not a plain workbook, never a bug of perfxl.
"""

from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from perfxl.core.errors import PerfxlError
from perfxl.limits import MAX_PART_BYTES, MAX_SHEETS, part_too_large

OLD_SUFFIXES = (".xls", ".et", ".wps")  # spreadsheet formats perfxl does not read: refused with advice
# Limits for one returned form (a generated form is about 20 KB, 200 KB unpacked).
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNPACKED_BYTES = 300 * 1024 * 1024  # each XML part is bounded too: perfxl.limits
MAX_RATIO = 200  # unpacked/packed size of one part: ordinary XML compresses 5–20 times
MAX_PARTS = 5000
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted (password) workbooks and old .xls
ZIP_SIGNATURE = b"PK\x03\x04"

ZIP_READ_ERRORS: tuple[type[Exception], ...] = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    NotImplementedError,
    RuntimeError,
)


def unreadable_part(exc: Exception) -> str:
    """The Chinese reason for an error of ZIP_READ_ERRORS, for a message naming the file."""
    if isinstance(exc, NotImplementedError):
        return "文件的压缩方式不受支持：请在 Excel 或 WPS 中打开并另存为 .xlsx"
    if isinstance(exc, RuntimeError):
        return "压缩包中的部件设置了密码，无法读取：请取消密码后另存为 .xlsx"
    return "文件已损坏（压缩数据无法解压）"


@dataclass(frozen=True)
class UnusableFile(PerfxlError):
    """A file that is no workbook package safe to open; ``message`` says why, in Chinese."""

    message: str

    def __str__(self) -> str:
        return self.message


def check_package(path: Path, *, streamed_parts: bool = False) -> None:
    """Raise UnusableFile (in Chinese) unless ``path`` is a workbook package that is safe to open.

    ``streamed_parts``: the caller streams the parts it reads (a reviewed 复核表's long sheet) rather than
    parsing them whole, so no XML part is refused for its size; the file, its unpacked total and each part's
    compression ratio stay bounded."""
    if not path.exists():
        raise UnusableFile("文件不存在")
    if path.suffix.lower() in OLD_SUFFIXES:
        raise UnusableFile(f"是旧版 {path.suffix} 格式，请在 Excel 或 WPS 中另存为 .xlsx 后再提交")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        limit = MAX_FILE_BYTES // 1024 // 1024
        raise UnusableFile(f"文件过大（{size / 1024 / 1024:.0f} MB，上限 {limit} MB），不像一张自评表")
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(OLE_SIGNATURE):
        raise UnusableFile("文件已加密（设置了打开密码）或是旧版 .xls 格式：请取消密码并另存为 .xlsx")
    if not head.startswith(ZIP_SIGNATURE):
        raise UnusableFile("不是 Excel 工作簿（文件内容不是 .xlsx 格式，可能已损坏或被改了扩展名）")
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
            if len(parts) > MAX_PARTS:
                raise UnusableFile(f"压缩包内文件过多（{len(parts)} 个），已拒绝打开")
            unpacked = sum(p.file_size for p in parts)
            if unpacked > MAX_UNPACKED_BYTES:
                raise UnusableFile(f"解压后过大（{unpacked / 1024 / 1024:.0f} MB），疑似压缩炸弹，已拒绝打开")
            for part in parts:
                if not streamed_parts and part.file_size > MAX_PART_BYTES and part.filename.endswith((".xml", ".rels")):
                    raise UnusableFile(part_too_large(part.filename, part.file_size))
                if part.compress_size and part.file_size / part.compress_size > MAX_RATIO and part.file_size > 1 << 20:
                    raise UnusableFile(
                        f"部件 {part.filename} 压缩比异常（{part.file_size // part.compress_size} 倍），"
                        "疑似压缩炸弹，已拒绝打开"
                    )
            sheets = sum(1 for p in parts if p.filename.startswith("xl/worksheets/") and p.filename.endswith(".xml"))
            if sheets > MAX_SHEETS:
                raise UnusableFile(
                    f"工作簿中有 {sheets} 张工作表，超过上限 {MAX_SHEETS} 张，已拒绝打开：请分成几个工作簿再提交"
                )
            names = {p.filename for p in parts}
            if "xl/workbook.xml" not in names:
                raise UnusableFile("不是 Excel 工作簿（缺少 xl/workbook.xml），可能是其他 Office 文件改了扩展名")
            try:
                damaged = archive.testzip()
            except ZIP_READ_ERRORS as exc:  # testzip catches only a wrong CRC (BadZipFile)
                raise UnusableFile(unreadable_part(exc)) from None
            if damaged is not None:
                raise UnusableFile("文件已损坏（压缩数据校验失败）")
    except zipfile.BadZipFile:
        raise UnusableFile("文件已损坏，无法作为压缩包读取") from None
