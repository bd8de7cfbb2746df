"""Which files a batch works on: each file named or found in a folder named, once.

Whether each one is safe to open is perfxl.sheetlib.package's check, shared with the project-list reader
and the generator.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from perfxl.output import file_identity
from perfxl.sheetlib.package import OLD_SUFFIXES

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
LIST_SUFFIXES = (".yaml", ".yml", ".json")


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
            yield from sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in suffixes + OLD_SUFFIXES and not p.name.startswith(("~$", ".~"))
            )
        else:
            yield path
