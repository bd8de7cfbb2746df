"""Real file systems that fail as a bureau's disks do: full, read-only, or refusing writes to root.

The tests and CI run as root, which ignores file permissions; what still refuses root here is a tiny
tmpfs (ENOSPC), a tmpfs mounted read-only (EROFS), sysfs (EACCES for a new file) and the file-size
limit of a process (EFBIG). Mounting needs CAP_SYS_ADMIN (this machine and CI's have it): where it is
missing the test is skipped, since no install step could provide it.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]


def perfxl(
    *args: str,
    cwd: Path | None = None,
    file_size_limit: int | None = None,
    environment: dict[str, str] | None = None,
    **options: object,
) -> subprocess.CompletedProcess[str]:
    """``python -m perfxl`` from this checkout; ``file_size_limit``: RLIMIT_FSIZE in bytes (``ulimit -f``);
    ``environment``: variables added to this process's."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), **(environment or {})}
    env.pop("PERFXL_DEBUG", None)
    limit: Callable[[], None] | None = None
    if file_size_limit is not None:

        def limit() -> None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size_limit, file_size_limit))

    return subprocess.run(
        [sys.executable, "-m", "perfxl", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        env=env,
        preexec_fn=limit,
        **options,
    )  # type: ignore[call-overload]


def _mount(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["mount", *args], capture_output=True, text=True, check=False)


@contextmanager
def tmpfs(path: Path, size: str) -> Iterator[Path]:
    """A tmpfs of ``size`` ("64k") mounted on ``path`` (made if missing) for the block; files put in it
    stay after :func:`remount_read_only`."""
    path.mkdir(parents=True, exist_ok=True)
    run = _mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path))
    if run.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {run.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True, check=False)


def remount_read_only(path: Path) -> None:
    run = _mount("-o", "remount,ro", str(path))
    assert run.returncode == 0, run.stderr


def fill(folder: Path, leave: int = 0) -> Path:
    """Fill the file system of ``folder`` until at most ``leave`` bytes are free; returns the filler file."""
    filler = folder / "filler.bin"
    with filler.open("wb", buffering=0) as handle:
        block = b"\0" * 4096
        try:
            while os.statvfs(folder).f_bavail * os.statvfs(folder).f_frsize > leave:
                handle.write(block)
        except OSError:
            pass
    return filler


def sysfs_refuses_new_files() -> Path:
    """A folder in which even root may not create a file (sysfs); skip where that is not so."""
    folder = Path("/sys")
    try:
        (folder / "perfxl-probe").open("x").close()
    except PermissionError:
        return folder
    except OSError as exc:
        pytest.skip(f"/sys refuses new files with {exc!r}, not a permission error")
    (folder / "perfxl-probe").unlink()
    pytest.skip("/sys accepts new files here")
