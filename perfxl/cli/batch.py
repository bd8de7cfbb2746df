"""``perfxl recalc``, ``perfxl summary`` and ``perfxl pdf``: the bureau's work on returned forms."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from perfxl.batch.marks import SUMMARY, copy_marked_for_pdf
from perfxl.batch.runner import run
from perfxl.cli.check import Checked, batch_paths, check_sources
from perfxl.cli.exit_codes import ExitCode
from perfxl.cli.outputs import check_pdf_outputs, check_workbook_output, output_workbook_path
from perfxl.cli.progress import ProgressBar
from perfxl.core.findings import Finding, Level
from perfxl.errors import InputError, Problem
from perfxl.output import atomic_path, check_writable, unique_name
from perfxl.output_errors import OutputError
from perfxl.readback.recalc import stamp_text
from perfxl.sheetlib.package import UnusableFile, check_package

if TYPE_CHECKING:
    from perfxl.batch.summary import SummaryReview


def run_recalc(sources: Sequence[str]) -> int:
    # A link is rewritten through: the file it points to gets the new values (written beside that file
    # and renamed onto it), and the link stays a link.
    paths = [path.resolve() if path.is_symlink() else path for path in batch_paths(sources)]
    if not paths:
        raise InputError([Problem("、".join(sources), "没有找到 .xlsx 或 .xlsm 文件")])
    rewritten = checked = 0
    errors = 0
    problems = []
    for outcome in run("recalc", paths, stamp=stamp_text(), on_progress=ProgressBar("重新计算")):
        if outcome.problem:
            problems.append(outcome.problem)  # a folder that cannot be written is named with its reason
            continue
        rewritten += outcome.rewritten
        checked += outcome.hand_made
        errors += sum(form.has_errors for form in outcome.forms)
        note = "（手工表格：已检查，未改写）" if outcome.hand_made else ""
        totals = "、".join(
            f"{form.project} {form.result.total if form.result.total is not None else '—'}" for form in outcome.forms
        )
        print(f"{outcome.source}：{totals}{note}")
    for problem in problems:
        print(f"[跳过] {problem.source}：{problem.message}")
    print(
        f"\n已重新计算 {rewritten} 个文件"
        + (f"，检查手工表格 {checked} 个" if checked else "")
        + (f"，跳过 {len(problems)} 个无法使用的文件" if problems else "")
        + f"；有错误的自评表 {errors} 张。"
    )
    if rewritten + checked == 0:
        return ExitCode.INPUT
    return ExitCode.ERRORS if errors or problems else ExitCode.OK


def run_summary(
    sources: Sequence[str],
    output: str,
    *,
    reviewed: str | None = None,
    rules: str | None = None,
    force: bool = False,
) -> int:
    from perfxl.batch.summary import write_summary

    if rules and not reviewed:
        raise InputError([Problem(rules, "--rules 只与 --reviewed 一起使用：请同时给出已填写的复核表")])
    target = output_workbook_path(output, "-o", SUMMARY)
    check_workbook_output(target, [*sources, *(path for path in (reviewed, rules) if path)], SUMMARY, force, "-o")
    checked = check_sources(sources)
    review, unmatched = _summary_review(checked, reviewed, rules) if reviewed else (None, [])
    years = {form.year for form in checked.forms} - {None}
    path = write_summary(
        target, checked.forms, checked.problems, year=years.pop() if len(years) == 1 else None, review=review
    )
    for line in unmatched:
        print(line)
    print(
        f"已汇总 {len(checked.forms)} 张自评表"
        + (f"（跳过 {len(checked.problems)} 个文件）" if checked.problems else "")
        + (f"，含复核结果（复核规则「{review.rulebook}」）" if review is not None else "")
        + f"：{path}"
    )
    return ExitCode.ERRORS if checked.has_errors or unmatched else ExitCode.OK


def _summary_review(checked: Checked, reviewed: str, rules: str | None) -> tuple[SummaryReview, list[str]]:
    """The forms' 复核总分 and 复核等级 as ``perfxl review --reviewed`` computes them for its final table."""
    from perfxl.batch.review_table import final_total
    from perfxl.batch.reviewer_input import read_reviewed_table
    from perfxl.batch.summary import ReviewScore, SummaryReview
    from perfxl.cli.review import load_rulebook, review_checked

    rulebook = load_rulebook(rules)
    table = read_reviewed_table(Path(reviewed), reviewed)
    review, unmatched = review_checked(checked, rulebook, table, unreviewed="复核总分留空")
    scores = []
    for form in review.forms:
        total = final_total(form, table.entries) if form.key in table.forms else None
        scores.append(ReviewScore(total, "" if total is None else form.result.profile.grade(total)))
    return SummaryReview(review.rulebook.name, reviewed, scores), unmatched


def run_pdf(sources: Sequence[str], output: str, strict: bool = False, force: bool = False) -> int:
    """PDFs of the forms as perfxl computes them: each file is recalculated in a temporary copy first
    (the original is not touched), and LibreOffice prints the stored values, since it cannot run
    perfxl's UDFs. A file whose forms have error findings is listed (and with ``strict`` not exported):
    its PDF would publish numbers that are wrong or not verified.

    LibreOffice writes into a temporary folder; each PDF is then put in place atomically, and only over
    a PDF perfxl exported before (or any file with ``force``), which the guard checks before any work."""
    from perfxl.libreoffice import LibreOfficeError
    from perfxl.libreoffice.soffice import convert_many

    paths = batch_paths(sources)
    if not paths:
        raise InputError([Problem("、".join(sources), "没有找到 .xlsx 或 .xlsm 文件")])
    out = Path(output)
    check_writable(out, "PDF 输出文件夹", folder=True)
    failed: list[tuple[Path, str]] = []
    with tempfile.TemporaryDirectory(prefix="perfxl-pdf-") as folder:
        copies: dict[Path, Path] = {}
        stems: set[str] = set()
        for index, path in enumerate(paths):
            try:
                check_package(path)
            except UnusableFile as exc:
                failed.append((path, str(exc)))
                continue
            copy = Path(folder) / str(index) / _unique_name(path, stems)
            copy.parent.mkdir()
            copy_marked_for_pdf(path, copy)
            copies[copy] = path
        check_pdf_outputs([out / f"{copy.stem}.pdf" for copy in copies], paths, force)
        with_errors: list[tuple[Path, list[Finding]]] = []
        for copy, outcome in zip(list(copies), run("recalc", list(copies), stamp=None), strict=True):
            if outcome.problem:
                failed.append((copies.pop(copy), outcome.problem.message))
                continue
            errors = [f for form in outcome.forms for f in form.findings if f.level is Level.ERROR]
            if errors:
                with_errors.append((copies.pop(copy) if strict else copies[copy], errors))
        try:
            printed, not_converted = convert_many(
                list(copies), Path(folder) / "pdf", "pdf", recalculate=False, on_progress=ProgressBar("导出 PDF")
            )
        except LibreOfficeError as exc:
            raise InputError([Problem("LibreOffice", str(exc))]) from None
        failed += [(copies.get(path, path), message) for path, message in not_converted]
        written: list[Path] = []
        sources_of = {copy.stem: copy for copy in copies}
        for pdf in printed:
            try:
                written.append(_place(pdf, out / pdf.name))
            except OutputError as exc:
                failed.append((copies[sources_of[pdf.stem]], str(exc)))
    what = "未导出" if strict else "已导出，但其中的数字未通过检查"
    for path, errors in with_errors:
        first = errors[0]
        where = f"{first.cell} " if first.cell else ""  # with its sheet: a --single workbook has many
        print(f"[有错误] {path}：错误 {len(errors)} 项，{what}（如 {where}{first.message}；详见 perfxl check）")
    for path, message in failed:
        print(f"[跳过] {path}：{message}")
    print(
        f"已导出 {len(written)} 个 PDF 到 {out}"
        + (f"，{len(with_errors)} 个文件有错误" if with_errors else "")
        + (f"，{len(failed)} 个文件失败" if failed else "")
        + "。"
    )
    if not written:
        return ExitCode.ERRORS if with_errors else ExitCode.INPUT
    return ExitCode.ERRORS if failed or with_errors else ExitCode.OK


def _place(pdf: Path, target: Path) -> Path:
    with atomic_path(target, what="PDF") as temporary:
        shutil.copyfile(pdf, temporary)
    return target


def _unique_name(path: Path, stems: set[str]) -> str:
    """The file's name, numbered when another file of the batch has the same one: 2022_项目（2）.xlsx."""
    return unique_name(path.stem, stems, lambda n: f"{path.stem}（{n}）") + path.suffix
