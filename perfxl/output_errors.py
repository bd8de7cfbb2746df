"""Why an output could not be written, in Chinese: the path as the user gave it, the reason and what to do.

The system's own texts (``[Errno 28] No space left on device``) are English and name temporary files;
an officer needs to read which file or folder failed, why, and how to go on.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from perfxl.core.errors import PerfxlError

# errno → (reason, what to do). EACCES is also what Windows reports for a file open in Excel or WPS.
_REASONS: dict[int, tuple[str, str]] = {
    errno.EACCES: ("没有写入权限", "请换一个有写入权限的位置；文件正被 Excel、WPS 等程序打开时，请先关闭它"),
    errno.EPERM: ("不允许写入（没有权限，或文件被设为不可修改）", "请换一个有写入权限的位置"),
    errno.ENOSPC: ("磁盘已满", "请清理磁盘空间，或换一个有空间的位置"),
    errno.EDQUOT: ("超出了磁盘配额", "请清理空间，或换一个位置"),
    errno.EROFS: ("位于只读的磁盘或文件系统上", "请换一个可以写入的位置"),
    errno.EFBIG: ("文件超过了系统允许的最大文件大小", "请换一个位置，或解除文件大小限制（ulimit -f）"),
    errno.ENAMETOOLONG: ("文件名或路径过长", "请用较短的文件名，或换一个层级较浅的文件夹"),
    errno.EISDIR: ("这是一个文件夹，不是文件", "请给出文件名"),
    errno.ENOTDIR: ("路径中有一部分是文件，不是文件夹", "请检查路径"),
    errno.EEXIST: ("已有同名的文件", "请换一个名称"),
    errno.ENOENT: ("所在的文件夹不存在或已被删除", "请检查路径"),
    errno.ELOOP: ("路径中的链接指向自身（循环链接）", "请检查路径中的链接"),
    errno.EBUSY: ("文件或磁盘正被占用", "请关闭使用它的程序后重试"),
    errno.ETXTBSY: ("文件正被占用", "请关闭使用它的程序后重试"),
    errno.EIO: ("读写出错（磁盘、U 盘或网络盘故障）", "请检查磁盘后重试，或换一个位置"),
    errno.EINVAL: ("文件名不合法", '请换一个文件名（不要使用 < > : " | ? * 等字符）'),
}


class OutputError(PerfxlError, OSError):
    """An output that could not be written or may not be written; ``str()`` is the whole Chinese message.

    An OSError, so that code which treats a file's OSError as that file's problem (a batch going on with
    the next file) treats this one alike; its ``filename`` is the path as given, never a temporary file.
    """

    def __init__(self, message: str, path: str | os.PathLike[str] | None = None, code: int | None = None) -> None:
        super().__init__(code, message, None if path is None else os.fspath(path))
        self.message = message

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[type[OutputError], tuple[str, str | None, int | None]]:
        # Pickled across worker processes with its message, not OSError's (errno, strerror) pair.
        return (type(self), (self.message, self.filename, self.errno))


def reason(error: OSError, path: str | os.PathLike[str] | None = None) -> tuple[str, str]:
    """The reason and the advice for ``error``; for ENOTDIR (and EEXIST from creating a folder) the part
    of ``path`` that is a file is named."""
    code = error.errno
    if code in (errno.ENOTDIR, errno.EEXIST) and path is not None:
        blocking = file_in_the_way(Path(path))
        if blocking is not None:
            return (f"「{blocking}」是文件，不是文件夹", "请换一个路径，或把文件夹建在别处")
    if code in _REASONS:
        return _REASONS[code]
    name = errno.errorcode.get(code or 0, "")
    detail = f"{name}：{error.strerror}" if name and error.strerror else (error.strerror or type(error).__name__)
    return (f"系统报错（{detail}）", "请检查路径和磁盘后重试")


def file_in_the_way(path: Path) -> Path | None:
    """The nearest of ``path``'s folders that exists as something other than a folder (a file where a folder
    is needed), or None."""
    for ancestor in path.parents:
        if ancestor.is_dir():
            return None
        if ancestor.exists() or ancestor.is_symlink():
            return ancestor
    return None


def cannot_write(path: str | os.PathLike[str], error: OSError, what: str = "") -> OutputError:
    """An OutputError for ``error`` met while writing ``path`` (``what``: "汇总表", "PDF" …, or "")."""
    cause, advice = reason(error, path)
    return OutputError(f"无法写入{named(path, what)}：{cause}。{advice}。", path, error.errno)


def named(path: str | os.PathLike[str], what: str = "") -> str:
    """``汇总表「汇总.xlsx」``; a space before a Latin ``what`` (``无法写入 PDF「…」``)."""
    space = " " if what[:1].isascii() and what else ""
    return f"{space}{what}「{os.fspath(path)}」"


def explain(error: OSError) -> str:
    """A Chinese sentence for an OSError met anywhere (not known to be an output's): the file it names,
    the reason and what to do."""
    path = error.filename if error.filename is not None else error.filename2
    cause, advice = reason(error, path)
    if path is None:
        return f"文件读写失败：{cause}。{advice}。"
    return f"无法使用「{os.fsdecode(path) if isinstance(path, bytes) else path}」：{cause}。{advice}。"


def os_error_in(exc: BaseException) -> OSError | None:
    """The OSError behind ``exc``: itself, or the one a library wrapped it around (xlsxwriter's
    FileCreateError holds it as its argument and its context)."""
    for candidate in (exc, *(exc.args[:1] if exc.args else ()), exc.__cause__, exc.__context__):
        if isinstance(candidate, OSError):
            return candidate
    return None
