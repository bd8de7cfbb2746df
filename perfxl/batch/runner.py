"""Check or recalculate workbook files one by one, spread over the cores, a bad file never stopping the rest."""

from __future__ import annotations

import os
import zipfile
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from perfxl.batch.files import Unusable, check_package
from perfxl.batch.model import CheckedForm, FileProblem
from perfxl.forms.recalc import check_book, recalculate_book
from perfxl.workbook.xlsx_book import XlsxBook, XlsxError

Progress = Callable[[int, int], None]
# Below this many files, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 16
CHUNK = 8


@dataclass
class FileOutcome:
    """What one file gave: its forms, or why it could not be used."""

    source: str
    forms: list[CheckedForm] = field(default_factory=list)
    problem: FileProblem | None = None
    rewritten: bool = False  # recalculation wrote the file
    hand_made: bool = False  # forms found by their labels (checked, never rewritten)


def _open(path: Path, source: str) -> tuple[FileOutcome, XlsxBook | None]:
    outcome = FileOutcome(source)
    try:
        check_package(path)
        return outcome, XlsxBook(path)
    except (Unusable, XlsxError) as exc:
        outcome.problem = FileProblem(source, str(exc))
        return outcome, None


NO_FORM = "没有找到自评表（既没有 perfxl 生成的表，也没有按标准表样填写的表）"


def check_file(path: Path, source: str) -> FileOutcome:
    return _process(path, source, recalc=False, stamp=None)


def recalc_file(path: Path, source: str, stamp: str | None) -> FileOutcome:
    """Recalculate a file's generated forms in place (atomically); hand-made forms are only checked."""
    return _process(path, source, recalc=True, stamp=stamp)


def _process(path: Path, source: str, *, recalc: bool, stamp: str | None) -> FileOutcome:
    outcome, book = _open(path, source)
    if book is None:
        return outcome
    try:
        with book:
            outcomes = recalculate_book(book, stamp=stamp) if recalc else check_book(book)
            outcome.forms = [CheckedForm(source, r.sheet, r.result, r.findings, generated=r.generated,
                                         year=r.year) for r in outcomes]
            outcome.hand_made = any(not r.generated for r in outcomes)
            if recalc and outcomes and not outcome.hand_made:
                book.save()
                outcome.rewritten = True
    except (XlsxError, etree.XMLSyntaxError, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        outcome.forms, outcome.rewritten = [], False
        what, note = ("重新计算", "原文件未改动") if recalc else ("读取", "文件可能已损坏")
        outcome.problem = FileProblem(source, f"无法{what}（{type(exc).__name__}），{note}")
        return outcome
    if not outcome.forms:
        outcome.problem = FileProblem(source, NO_FORM)
    return outcome


def _task(job: tuple[str, Path, str, str | None]) -> FileOutcome:
    kind, path, source, stamp = job
    return recalc_file(path, source, stamp) if kind == "recalc" else check_file(path, source)


def _chunk(jobs: list[tuple[str, Path, str, str | None]]) -> list[FileOutcome]:
    return [_task(job) for job in jobs]


def run(kind: str, paths: Sequence[Path], *, stamp: str | None = None, workers: int | None = None,
        on_progress: Progress | None = None) -> Iterator[FileOutcome]:
    """Outcomes in the order of ``paths``; ``kind`` is "check" or "recalc"."""
    jobs = [(kind, path, display_name(path), stamp) for path in paths]
    total = len(jobs)
    count = workers if workers is not None else (os.cpu_count() or 1)
    if count <= 1 or total < PARALLEL_THRESHOLD:
        for done, job in enumerate(jobs, start=1):
            yield _task(job)
            if on_progress:
                on_progress(done, total)
        return
    chunks = [jobs[i:i + CHUNK] for i in range(0, total, CHUNK)]
    done = 0
    with ProcessPoolExecutor(max_workers=count) as pool:
        for outcomes in pool.map(_chunk, chunks):
            yield from outcomes
            done += len(outcomes)
            if on_progress:
                on_progress(done, total)


def display_name(path: Path) -> str:
    """The path as the user would recognise it: relative to the current folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
