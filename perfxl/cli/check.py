"""``perfxl check``: compute and check project lists and returned workbooks; print a table and the findings."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from perfxl.batch.duplicates import with_duplicate_findings
from perfxl.batch.files import LIST_SUFFIXES, WORKBOOK_SUFFIXES, Repeat, gather
from perfxl.batch.marks import REPORT, workbook_mark
from perfxl.batch.model import CheckedForm, FileProblem
from perfxl.batch.runner import display_name, run
from perfxl.cli.exit_codes import ExitCode
from perfxl.cli.outputs import check_workbook_output, output_workbook_path
from perfxl.cli.progress import ProgressBar
from perfxl.cli.table import render_table
from perfxl.core.findings import Finding, Level
from perfxl.core.form import evaluate_form
from perfxl.errors import InputError, Problem
from perfxl.projectlist import load_project_list
from perfxl.results import finding_to_dict, form_to_dict, format_rate, format_score, problem_to_dict
from perfxl.workbook.xlsx_book import XlsxBook, XlsxError

HEADER = ("项目", "执行率", "预算得分", "总分", "等级", "错误", "警告")
PROJECT_LIST_SHEETS = {"项目", "指标"}


@dataclass
class Checked:
    forms: list[CheckedForm] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return bool(self.problems) or any(f.has_errors for f in self.forms)


def is_project_list(path: Path) -> bool:
    """YAML/JSON, or a 项目清单 workbook (its 项目 and 指标 sheets) rather than returned forms."""
    if path.suffix.lower() in LIST_SUFFIXES:
        return True
    try:
        with XlsxBook(path) as book:
            return set(book.sheet_names()) >= PROJECT_LIST_SHEETS
    except (XlsxError, OSError):
        return False


def batch_paths(sources: Sequence[str], suffixes: tuple[str, ...] = WORKBOOK_SUFFIXES) -> list[Path]:
    """The files of a batch command, each once; a file reached twice is noted on stderr (not an error)."""
    gathered = gather(sources, suffixes)
    for repeat in gathered.repeats:
        print(repeat_note(repeat), file=sys.stderr)
    return [path for path in gathered.paths if not _perfxl_output(path)]


def _perfxl_output(path: Path) -> bool:
    """A 汇总 or 问题清单 workbook perfxl wrote (say, into the folder of returned forms) is no input: it is
    skipped with a note, so that the next run may replace it."""
    mark = workbook_mark(path) if path.suffix.lower() == ".xlsx" else None
    if mark is not None:
        print(f"[跳过] {_as_given(path)}：是 perfxl 生成的{mark.name}，不是自评表", file=sys.stderr)
    return mark is not None


def repeat_note(repeat: Repeat) -> str:
    path, first = _as_given(repeat.path), _as_given(repeat.first)
    if path == first:
        return f"[重复] {path}：给出了不止一次，只处理一次"
    return f"[重复] {path}：与 {first} 是同一个文件（链接或另一路径），只处理一次"


def _as_given(path: Path) -> str:
    """The path relative to the current folder where inside it, links not followed (unlike display_name,
    which would show a link as its target)."""
    absolute = Path(os.path.abspath(path))
    try:
        return str(absolute.relative_to(Path.cwd()))
    except ValueError:
        return str(absolute)


def check_sources(sources: Sequence[str], workers: int | None = None) -> Checked:
    """Project lists must be right (InputError otherwise); bad workbooks are reported and skipped."""
    checked = Checked()
    paths = batch_paths(sources, suffixes=(*WORKBOOK_SUFFIXES, *LIST_SUFFIXES))
    workbooks = []
    for path in paths:
        if path.is_file() and is_project_list(path):
            project_list = load_project_list(path)
            for form in project_list.forms:
                result = evaluate_form(form, project_list.profile)
                checked.forms.append(
                    CheckedForm(display_name(path), None, result, result.findings, year=project_list.year)
                )
        else:
            workbooks.append(path)
    for outcome in run("check", workbooks, workers=workers, on_progress=ProgressBar("检查自评表")):
        checked.forms.extend(outcome.forms)
        if outcome.problem:
            checked.problems.append(outcome.problem)
    # Cross-form findings, here where every command that checks (check, --report, summary) gets its forms.
    checked.forms = with_duplicate_findings(checked.forms)
    if not checked.forms:
        raise InputError(
            [Problem(p.source, p.message) for p in checked.problems]
            or [Problem("、".join(sources) or "（未指定）", "没有找到可检查的项目清单或自评表")]
        )
    return checked


def finding_line(form: CheckedForm, finding: Finding) -> str:
    """One finding as a line of the problem list, naming the file, the sheet and cell, and the project:
    ``[错误] 2022_项目.xlsx · 项目!H13 · 指标「…」：…``; the project is left out where the sheet bears its
    name (each form of a file has its own sheet), and a project list's forms have no sheet."""
    where = [form.source]
    place = finding.cell or form.sheet
    if place:
        where.append(place)
    if form.project and form.project != form.sheet:
        where.append(form.project)
    return f"[{finding.level.label}] {' · '.join(where)} · {finding.message}"


def render_text(checked: Checked) -> str:
    with_files = any(form.sheet is not None for form in checked.forms)
    header = (*HEADER, "文件") if with_files else HEADER
    rows = []
    for form in checked.forms:
        r = form.result
        row = (
            form.project,
            format_rate(r.rate),
            format_score(r.budget_score),
            format_score(r.total),
            r.grade or "",
            str(form.count(Level.ERROR)),
            str(form.count(Level.WARNING)),
        )
        rows.append((*row, form.source) if with_files else row)
    parts = [render_table(header, rows, right_aligned={1, 2, 3, 5, 6})]
    lines = [f"[错误] {p.source} · {p.message}" for p in checked.problems]
    lines += [finding_line(form, finding) for form in checked.forms for finding in form.findings]
    if lines:
        parts.append("\n问题清单：")
        parts.extend(lines)
    errors = sum(f.count(Level.ERROR) for f in checked.forms) + len(checked.problems)
    warnings = sum(f.count(Level.WARNING) for f in checked.forms)
    skipped = f"，{len(checked.problems)} 个文件无法使用" if checked.problems else ""
    parts.append(f"\n共 {len(checked.forms)} 张自评表{skipped}：错误 {errors} 项，警告 {warnings} 项。")
    return "\n".join(parts)


def to_json(checked: Checked) -> str:
    forms = []
    for form in checked.forms:
        data = form_to_dict(form.result)
        data["findings"] = [finding_to_dict(f, form.result.form) for f in form.findings]
        if form.sheet is not None:
            data["file"], data["sheet"] = form.source, form.sheet
        else:
            data["file"] = form.source
        forms.append(data)
    problems = [{"file": p.source, "message": p.message} for p in checked.problems]
    return json.dumps({"forms": forms, "problems": problems}, ensure_ascii=False, indent=2)


def input_error_json(error: InputError) -> str:
    """``check --json`` on unusable input (exit 2): no forms, and every problem of the input."""
    problems = [problem_to_dict(p) for p in error.problems]
    return json.dumps({"forms": [], "problems": problems}, ensure_ascii=False, indent=2)


def run_check(sources: Sequence[str], as_json: bool, report: str | None = None, force: bool = False) -> int:
    report_path = None
    if report:
        report_path = output_workbook_path(report, "--report", REPORT)
        check_workbook_output(report_path, sources, REPORT, force, "--report")
    checked = check_sources(sources)
    print(to_json(checked) if as_json else render_text(checked))
    if report_path is not None:
        from perfxl.batch.report import write_report

        path = write_report(report_path, checked.forms, checked.problems)
        if not as_json:
            print(f"问题清单已写入：{path}")
    return ExitCode.ERRORS if checked.has_errors else ExitCode.OK
