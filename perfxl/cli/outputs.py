"""Where ``summary``, ``check --report`` and ``pdf`` may write, decided before any work is done.

An output never replaces a file that is an input of the same run (``--force`` does not change that).
It replaces an existing file only when perfxl wrote it as the same kind of output and nobody has saved
it since; anything else needs ``--force``. Refusals name the file and say how to go on; nothing is written.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from perfxl.batch.files import LIST_SUFFIXES, WORKBOOK_SUFFIXES, gather
from perfxl.batch.marks import KIND_NAMES, REPORT, REVIEW, SUMMARY, is_perfxl_pdf, workbook_mark
from perfxl.output import check_writable, file_identity
from perfxl.output_errors import OutputError, cannot_write

WORKBOOK_SUFFIX = ".xlsx"
# Other spreadsheet names an officer may type: the extension is replaced, not kept before ".xlsx".
REPLACED_SUFFIXES = (".xls", ".xlsm", ".xlsb", ".et", ".ods", ".csv")
FORCE_HINT = "确认可以覆盖时加 --force"
LISTED = 5  # files named in one message
EXAMPLE_NAMES = {SUMMARY: "汇总.xlsx", REPORT: "问题清单.xlsx", REVIEW: "复核表.xlsx"}


@contextmanager
def _explained(target: Path, what: str) -> Iterator[None]:
    """An OSError while looking at ``target`` (a name too long, a loop of links) as an OutputError naming it."""
    try:
        yield
    except OutputError:
        raise
    except OSError as exc:
        raise cannot_write(target, exc, what) from exc


def output_workbook_path(given: str, option: str, kind: str) -> Path:
    """The workbook file ``option`` names: ``.xlsx`` added when missing (``汇总`` → ``汇总.xlsx``; ``汇总.xls`` →
    ``汇总.xlsx``). A folder (existing, or written with a trailing slash) is refused: a file name is needed."""
    what = KIND_NAMES[kind]
    path = Path(given)
    with _explained(path, what):
        if given.endswith(("/", os.sep)) or path.is_dir():
            example = path / EXAMPLE_NAMES.get(kind, "输出.xlsx")
            raise OutputError(
                f"{option} 应给出{what}的文件名，「{given}」是文件夹：请写成 {example} 这样的文件名。",
                given,
                errno.EISDIR,
            )
        if path.suffix.lower() in REPLACED_SUFFIXES:
            path = path.with_suffix(WORKBOOK_SUFFIX)
        elif path.suffix.lower() != WORKBOOK_SUFFIX:
            path = path.with_name(path.name + WORKBOOK_SUFFIX)
        if path.is_dir():
            raise OutputError(
                f"{option} 应给出{what}的文件名，「{path}」是文件夹：请另选一个文件名。", path, errno.EISDIR
            )
    return path


def check_workbook_output(target: Path, sources: Sequence[str], kind: str, force: bool, option: str) -> None:
    """Refuse (OutputError) to write ``target`` when it is an input of this run, or an existing file that is
    not an unchanged ``kind`` output of perfxl and ``force`` is not given; then prove it can be written."""
    what = KIND_NAMES[kind]
    with _explained(target, what):
        if target.exists():
            _may_replace(target, sources, kind, force, option)
        check_writable(target, what)


def _may_replace(target: Path, sources: Sequence[str], kind: str, force: bool, option: str) -> None:
    what = KIND_NAMES[kind]
    mark = workbook_mark(target)
    if mark is None and file_identity(target) in input_identities(sources, (*WORKBOOK_SUFFIXES, *LIST_SUFFIXES)):
        raise OutputError(
            f"「{target}」是本次要读取的文件，{what}不能覆盖它：请用 {option} 另选一个文件名。未写入任何文件。",
            target,
            errno.EEXIST,
        )
    if force or (mark is not None and mark.kind == kind and not mark.edited):
        return
    if mark is None:
        found = f"已存在，且不是 perfxl 生成的{what}"
    elif mark.kind != kind:
        found = f"是 perfxl 生成的{mark.name}，不是{what}"
    else:
        found = f"是 perfxl 生成的{what}，但此后已被其他程序修改并保存过（可能加了批注或处理意见）"
    raise OutputError(
        f"「{target}」{found}，未覆盖，未写入任何文件。请用 {option} 另选一个文件名，或{FORCE_HINT}。",
        target,
        errno.EEXIST,
    )


def input_identities(sources: Sequence[str], suffixes: tuple[str, ...]) -> set[tuple[object, ...]]:
    """Every file the run reads (each spelling and link of it is the same file)."""
    return {file_identity(path) for path in gather(sources, suffixes).paths}


def check_pdf_outputs(targets: Iterable[Path], inputs: Iterable[Path], force: bool) -> None:
    """Refuse to write PDFs over inputs, folders, or existing files ``perfxl pdf`` did not export (unless
    ``force``), naming the files; nothing has been written when this raises."""
    identities = {file_identity(path) for path in inputs}
    foreign: list[Path] = []
    for target in targets:
        if not target.exists():  # a link to nowhere too: writing through it replaces nothing
            continue
        if target.is_dir():
            raise OutputError(
                f"「{target}」是文件夹，无法写入同名的 PDF：请换一个输出文件夹。未导出任何 PDF。", target, errno.EISDIR
            )
        if file_identity(target) in identities:
            raise OutputError(
                f"「{target}」是本次要读取的文件，不能用 PDF 覆盖它：请用 -o 换一个输出文件夹。未导出任何 PDF。",
                target,
                errno.EEXIST,
            )
        if not force and not is_perfxl_pdf(target):
            foreign.append(target)
    if foreign:
        names = "、".join(f"「{path}」" for path in foreign[:LISTED]) + (
            f"等 {len(foreign)} 个文件" if len(foreign) > LISTED else ""
        )
        raise OutputError(
            f"{names}已存在，且不是 perfxl 导出的 PDF，未覆盖，未导出任何 PDF。"
            f"请用 -o 换一个输出文件夹，或{FORCE_HINT}。",
            foreign[0],
            errno.EEXIST,
        )
