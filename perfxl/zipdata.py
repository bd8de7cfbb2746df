"""What reading a part of a damaged or unusual zip raises, beyond what opening it does.

``zipfile`` reports a wrong CRC as BadZipFile, but a broken deflate stream surfaces as ``zlib.error``, data
cut short as EOFError, a compression method it lacks (Deflate64 of some Windows tools) as
NotImplementedError and an encrypted entry as RuntimeError. Every reader of a returned file's parts
catches all of them: each means the file is damaged or not a plain workbook, never a bug of perfxl.
"""

from __future__ import annotations

import zipfile
import zlib

ZIP_READ_ERRORS: tuple[type[Exception], ...] = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError,
                                                 RuntimeError)


def unreadable_part(exc: Exception) -> str:
    """The Chinese reason for an error of ZIP_READ_ERRORS, for a message naming the file."""
    if isinstance(exc, NotImplementedError):
        return "文件的压缩方式不受支持：请在 Excel 或 WPS 中打开并另存为 .xlsx"
    if isinstance(exc, RuntimeError):
        return "压缩包中的部件设置了密码，无法读取：请取消密码后另存为 .xlsx"
    return "文件已损坏（压缩数据无法解压）"
