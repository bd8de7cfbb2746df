"""Writing files safely: every output is written beside its target and renamed onto it, and names
given to files are made unique in their folder.

A target that is a symbolic link is written through: the file it points to gets the new content and the
link stays. A target with other hard links keeps its inode (every name sees the new content): its new
content is completed beside it first and then copied into it in place, the one case that is not atomic
(see :func:`_copy_in_place`). Every failure is an :class:`~perfxl.output_errors.OutputError` naming the
target in Chinese, and no temporary file is left behind.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import shutil
import stat
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from perfxl.output_errors import OutputError, cannot_write, file_in_the_way, named, os_error_in


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def through_links(target: Path) -> Path:
    """Where writing ``target`` lands: the file a symbolic link points to (also a missing one), else ``target``."""
    return Path(os.path.realpath(target)) if target.is_symlink() else target


@contextmanager
def atomic_path(target: Path, mode: int | None = None, what: str = "") -> Iterator[Path]:
    """A temporary path beside ``target``, renamed onto it only when the block succeeds.

    ``mode``: the new file's permissions; by default those of the file it replaces, or what the user's
    umask gives a new file (mkstemp would leave it private); a file with hard links keeps its own.
    ``what`` names the output in messages ("汇总表"). The folder is created when missing. An OSError of
    the writing (in the block: one naming the temporary file or no file, as a full disk does) becomes an
    OutputError naming ``target``.
    """
    target = Path(target)
    destination = through_links(target)
    make_folder(destination.parent, target, what)
    temporary = ""
    try:  # from the temporary file's creation on, whatever interrupts (a second Ctrl-C) removes it
        try:
            handle, temporary = tempfile.mkstemp(
                prefix=f".{destination.stem}.", suffix=destination.suffix, dir=destination.parent
            )
        except OSError as exc:
            raise cannot_write(target, exc, what) from exc
        os.close(handle)
        try:
            yield Path(temporary)
        except Exception as exc:
            _close_left_open(exc, temporary)
            error = os_error_in(exc)
            if error is None or isinstance(error, OutputError) or not _about(error, temporary):
                raise
            raise cannot_write(target, error, what) from exc
        try:
            _install(Path(temporary), destination, mode)
        except OutputError:
            raise
        except OSError as exc:
            raise cannot_write(target, exc, what) from exc
    finally:
        if temporary:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def _about(error: OSError, temporary: str) -> bool:
    """Whether ``error`` is the temporary file's: it names it (shutil.copyfile names it as its second file),
    or names no file at all, as a full disk does while writing."""
    names = {os.fspath(name) for name in (error.filename, error.filename2) if name is not None}
    return not names or temporary in names


def _close_left_open(exc: BaseException, temporary: str) -> None:
    """Close a ZipFile on ``temporary`` that a failed write left open. xlsxwriter does not close its
    ZipFile when writing fails (a full disk): it would write again when it is collected, at exit, and
    print "Exception ignored … OSError" under perfxl's message. It is found in the failure's frames."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [exc]
    while pending:
        error = pending.pop()
        if error is None or id(error) in seen:
            continue
        seen.add(id(error))
        pending += [error.__cause__, error.__context__]
        trace = error.__traceback__
        while trace is not None:
            for value in list(trace.tb_frame.f_locals.values()):
                if isinstance(value, zipfile.ZipFile) and value.fp is not None and value.filename == temporary:
                    with contextlib.suppress(Exception):
                        value.close()  # writing the end fails again, but the file is closed and released
            trace = trace.tb_next


def make_folder(folder: Path, target: Path | None = None, what: str = "") -> None:
    """Create ``folder`` and its parents; an OutputError (naming ``target``, else the folder) when it cannot be
    one: a file of that name, a file among its parents, no permission."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise cannot_write(target or folder, exc, what) from exc


def check_writable(path: Path, what: str = "", *, folder: bool = False) -> None:
    """Fail now, before a long run, when the file ``path`` (with ``folder``: a file in the folder ``path``)
    cannot be written: a file where a folder is needed, a folder without write permission, a read-only
    disk. Creates nothing (a temporary file, removed); messages name ``path``."""
    path = Path(path)
    if folder and path.exists() and not path.is_dir():
        raise OutputError(f"{named(path, what).lstrip()}是一个文件，不是文件夹：请给出文件夹。", path, errno.ENOTDIR)
    blocking = file_in_the_way(path / "x" if folder else path)
    if blocking is not None:
        raise OutputError(
            f"无法写入{named(path, what)}：「{blocking}」是文件，不是文件夹。请换一个路径。", path, errno.ENOTDIR
        )
    existing = path if folder else path.parent
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    try:
        handle, probe = tempfile.mkstemp(prefix=".perfxl-", dir=existing)
    except OSError as exc:
        raise cannot_write(path, exc, what) from exc
    os.close(handle)
    os.unlink(probe)


def _install(temporary: Path, destination: Path, mode: int | None) -> None:
    try:
        status = os.stat(destination)
    except FileNotFoundError:
        status = None
    if status is not None and stat.S_ISDIR(status.st_mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(destination))
    if status is not None and not stat.S_ISREG(status.st_mode):  # a device or pipe (-o /dev/null): never replaced
        raise OutputError(
            f"「{destination}」不是普通文件（是设备或管道），不能写入：请给出一个文件名。", destination, errno.EINVAL
        )
    if status is not None and status.st_nlink > 1:
        _copy_in_place(temporary, destination)
        return
    if mode is None:
        mode = stat.S_IMODE(status.st_mode) if status is not None else 0o666 & ~_umask()
    os.chmod(temporary, mode)
    os.replace(temporary, destination)


def _copy_in_place(temporary: Path, destination: Path) -> None:
    """Give ``destination`` (a file with other hard links) the complete content of ``temporary`` without
    changing its inode, so that every link sees it.

    Not atomic: between the first and the last byte the file is a mix of old and new content. The old
    content is first copied to a backup beside it and both files are synced; if copying in place fails
    (a full disk when the file grows), the old content is written back and the error raised; only if
    that fails too (or the machine stops) does the backup stay, and the message says where it is.
    """
    _sync(temporary)
    handle, backup_name = tempfile.mkstemp(
        prefix=f".{destination.stem}.", suffix=destination.suffix, dir=destination.parent
    )
    os.close(handle)
    backup = Path(backup_name)
    try:
        shutil.copyfile(destination, backup)
        _sync(backup)
    except BaseException:
        backup.unlink(missing_ok=True)
        raise
    try:
        _overwrite(destination, temporary)
    except BaseException as exc:
        try:
            _overwrite(destination, backup)
        except OSError:
            error = os_error_in(exc) or OSError(errno.EIO, "")
            failed = cannot_write(destination, error)
            raise OutputError(
                f"{failed}原内容已保存在「{backup}」，请把它复制回原文件。", destination, error.errno
            ) from exc
        backup.unlink(missing_ok=True)
        raise
    backup.unlink(missing_ok=True)


def _overwrite(destination: Path, source: Path) -> None:
    with source.open("rb") as new, destination.open("r+b") as out:
        shutil.copyfileobj(new, out, 1 << 20)
        out.truncate()
        out.flush()
        os.fsync(out.fileno())


def _sync(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def creation_time() -> dt.datetime:
    """The creation time written into a file perfxl makes: now, or SOURCE_DATE_EPOCH for reproducible files."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).replace(tzinfo=None)
    return dt.datetime.now().replace(microsecond=0)


def unique_name(
    base: str, taken: set[str], numbered: Callable[[int], str], key: Callable[[str], str] = str.lower
) -> str:
    """``base``, or ``numbered(2)``, ``numbered(3)``… until no name in ``taken`` is the same.

    ``taken`` holds names as ``key`` gives them (lower case: how Windows compares file names); the name
    chosen is added to it the same way.
    """
    name, count = base, 2
    while key(name) in taken:
        name = numbered(count)
        count += 1
    taken.add(key(name))
    return name


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
