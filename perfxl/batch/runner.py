"""Check or recalculate workbook files one by one, spread over the cores, a bad file never stopping the rest.

Whatever goes wrong with one file (a broken package, a value nobody foresaw, a bug in perfxl) becomes that
file's problem, named in Chinese; the traceback goes to the ``perfxl`` log (see perfxl.debuglog).
"""

from __future__ import annotations

import logging
import traceback
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from lxml import etree

from perfxl import debuglog
from perfxl.batch.model import CheckedForm, FileProblem
from perfxl.interrupts import Interrupted
from perfxl.output_errors import OutputError
from perfxl.parallel import run_jobs
from perfxl.readback.recalc import check_book, recalculate_book
from perfxl.sheetlib.package import UnusableFile, check_package
from perfxl.workbook.xlsx_book import XlsxBook, XlsxError

log = logging.getLogger("perfxl.batch")

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
    detail: str | None = None  # the traceback behind ``problem``, for the debug log
    internal: bool = False  # ``problem`` is perfxl's failure, not the file's: its message says where details are


def _open(path: Path, source: str) -> tuple[FileOutcome, XlsxBook | None]:
    outcome = FileOutcome(source)
    try:
        check_package(path)
        return outcome, XlsxBook(path)
    except (UnusableFile, XlsxError) as exc:
        outcome.problem = FileProblem(source, str(exc))
        return outcome, None
    except OSError as exc:  # unreadable: no permission, gone meanwhile, a network share lost
        return _failed(source, f"无法读取文件（{type(exc).__name__}），已跳过"), None


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
            outcome.forms = [
                CheckedForm(source, r.sheet, r.result, r.findings, generated=r.generated, year=r.year) for r in outcomes
            ]
            outcome.hand_made = any(not r.generated for r in outcomes)
            if recalc and outcomes and not outcome.hand_made:
                book.save()
                outcome.rewritten = True
    except OutputError as exc:  # the rewritten file could not be written: the folder's reason, in Chinese
        return _failed(source, f"{exc}原文件未改动。")
    except (XlsxError, etree.XMLSyntaxError, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        what, note = ("重新计算", "原文件未改动") if recalc else ("读取", "文件可能已损坏")
        return _failed(source, f"无法{what}（{type(exc).__name__}），{note}")
    if not outcome.forms:
        outcome.problem = FileProblem(source, NO_FORM)
    return outcome


Job = tuple[str, Path, str, "str | None"]  # (kind, path, source, stamp)


def _task(job: Job) -> FileOutcome:
    kind, path, source, stamp = job
    try:
        return recalc_file(path, source, stamp) if kind == "recalc" else check_file(path, source)
    except Exception as exc:  # a value or layout nobody foresaw, or a bug: this file's problem, not the batch's end
        unchanged = "，原文件未改动" if kind == "recalc" else ""
        return _failed(source, f"内部错误（{type(exc).__name__}），已跳过{unchanged}", internal=True)


def _failed(source: str, message: str, *, internal: bool = False) -> FileOutcome:
    """The file as a problem, with the traceback of the exception being handled (a save is atomic: a file
    whose processing raised is as it was)."""
    return FileOutcome(source, problem=FileProblem(source, message), detail=traceback.format_exc(), internal=internal)


def _lost(job: Job) -> FileOutcome:
    """A file whose worker process died while it may have been working on it (out of memory, killed)."""
    kind, _, source, _ = job
    message = "内部错误（处理进程意外退出，可能是内存不足），已跳过" + ("，原文件未改动" if kind == "recalc" else "")
    return FileOutcome(source, problem=FileProblem(source, message), detail="worker process died", internal=True)


def run(
    kind: str,
    paths: Sequence[Path],
    *,
    stamp: str | None = None,
    workers: int | None = None,
    on_progress: Progress | None = None,
) -> Iterator[FileOutcome]:
    """Outcomes in the order of ``paths``; ``kind`` is "check" or "recalc".

    Ctrl-C or TERM: the files under way are finished, then :class:`Interrupted` says how many were done."""
    jobs: list[Job] = [(kind, path, display_name(path), stamp) for path in paths]
    log_file = debuglog.enable()
    try:
        for outcome in run_jobs(
            _task, jobs, threshold=PARALLEL_THRESHOLD, chunk=CHUNK, workers=workers, on_progress=on_progress, lost=_lost
        ):
            yield _logged(outcome, log_file) if outcome.detail is not None else outcome
    except Interrupted as stop:
        if kind == "recalc" and stamp is not None:  # not for pdf's recalculated temporary copies
            stop.note = "已处理的文件均已完整写回，其余文件未改动"
        raise


def _logged(outcome: FileOutcome, log_file: Path | None) -> FileOutcome:
    """Log the problem with its traceback; an internal error's message says where the details are."""
    assert outcome.problem is not None
    log.error("%s: %s\n%s", outcome.source, outcome.problem.message, outcome.detail)
    if not outcome.internal:
        return replace(outcome, detail=None)
    message = f"{outcome.problem.message}（{debuglog.hint(log_file)}）"
    return replace(outcome, problem=replace(outcome.problem, message=message), detail=None)


def display_name(path: Path) -> str:
    """The path as the user would recognise it: relative to the current folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
