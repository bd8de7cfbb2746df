"""Writing files safely: every output is written beside its target and renamed onto it, and names
given to files are made unique in their folder."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_path(target: Path, mode: int | None = None) -> Iterator[Path]:
    """A temporary path beside ``target``, renamed onto it only when the block succeeds.

    ``mode``: the new file's permissions (e.g. those of the file it replaces); by default what the
    user's umask gives a new file (mkstemp would leave it private).
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=target.suffix, dir=target.parent)
    os.close(handle)
    try:
        yield Path(temporary)
        os.chmod(temporary, 0o666 & ~_umask() if mode is None else mode)
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def unique_name(base: str, taken: set[str], numbered: Callable[[int], str]) -> str:
    """``base``, or ``numbered(2)``, ``numbered(3)``… until no name in ``taken`` (lower case) is the same."""
    name, count = base, 2
    while name.lower() in taken:
        name = numbered(count)
        count += 1
    taken.add(name.lower())
    return name
