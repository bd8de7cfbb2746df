"""``perfxl review``: the bureau's review (复核) of returned forms, written as a 复核表; with ``--reviewed``, the
reviewer's second pass: their entries read back and checked, and the final table with a 反馈 sheet per unit.

Exit codes follow ``perfxl check`` (docs/decisions.md): 1 when the table was written but something needs a
look (a file that could not be used, a form with an error-level finding of the check or of the review, a
declared project never returned; in the second pass a form the reviewer has not seen or a row whose form is
gone); 2 when nothing was written (unusable input, the reviewer's entries with errors, an output refused).
"""

from __future__ import annotations

import errno
from collections.abc import Sequence
from pathlib import Path

import yaml

from perfxl.batch.marks import REVIEW
from perfxl.batch.review_table import final_total, write_review_table
from perfxl.batch.reviewer_input import ReviewedTable, match_entries, read_reviewed_table
from perfxl.cli.check import Checked, check_sources
from perfxl.cli.exit_codes import ExitCode
from perfxl.cli.outputs import check_workbook_output, output_workbook_path
from perfxl.cli.table import render_table
from perfxl.core.findings import Level
from perfxl.core.form import FormInput
from perfxl.errors import InputError, Problem, Stage
from perfxl.output import file_identity
from perfxl.output_errors import OutputError
from perfxl.projectlist import load_project_list
from perfxl.results import format_score
from perfxl.review import FormReview, Review, ReviewedForm, Rulebook, RulebookError, read_rulebook_file, review_forms
from perfxl.review.model import ReviewFinding

HEADER = ("项目", "自评总分", "复核总分", "差异", "自评等级", "复核等级", "错误", "警告")


def run_review(
    sources: Sequence[str],
    output: str,
    *,
    rules: str | None = None,
    declared: str | None = None,
    reviewed: str | None = None,
    force: bool = False,
) -> int:
    target = output_workbook_path(output, "-o", REVIEW)
    inputs = [*sources, *(path for path in (rules, declared, reviewed) if path)]
    if reviewed and file_identity(target) == file_identity(Path(reviewed)):
        raise OutputError(
            f"「{target}」是 --reviewed 给出的已填写复核表，最终复核表不能覆盖它："
            "请用 -o 另选一个文件名。未写入任何文件。",
            target,
            errno.EEXIST,
        )
    check_workbook_output(target, inputs, REVIEW, force, "-o")
    rulebook = load_rulebook(rules)
    declared_forms = load_project_list(declared).forms if declared else None
    table = read_reviewed_table(Path(reviewed), reviewed) if reviewed else None
    checked = check_sources(sources)
    review, unmatched = review_checked(checked, rulebook, table, declared_forms, unreviewed="按建议复核得分计")
    years = {form.year for form in checked.forms} - {None}
    path = write_review_table(
        target,
        review,
        checked.problems,
        entries=table.entries if table is not None else None,
        year=years.pop() if len(years) == 1 else None,
    )
    print(render_review(review, checked, table))
    for line in unmatched:
        print(line)
    print(f"{'最终复核表' if table is not None else '复核表'}已写入：{path}")
    errors = any(form.count(Level.ERROR) for form in review.forms) or any(
        f.level is Level.ERROR for f in review.findings
    )
    return ExitCode.ERRORS if checked.has_errors or errors or unmatched else ExitCode.OK


def review_checked(
    checked: Checked,
    rulebook: Rulebook | None,
    table: ReviewedTable | None,
    declared_forms: Sequence[FormInput] | None = None,
    *,
    unreviewed: str,
) -> tuple[Review, list[str]]:
    """The review of the checked forms, with the reviewed table's 佐证材料 无 marks; its entries checked against
    it (InputError while any cannot stand). Also the lines to print for what does not match: forms not in the
    table (``unreviewed`` says how they count) and rows whose form is gone. ``perfxl review --reviewed`` and
    ``perfxl summary --reviewed`` both come here, so that their 复核总分 are one number."""
    forms = [ReviewedForm(c.result, c.source, c.sheet or "") for c in checked.forms]
    review = review_forms(forms, rulebook, declared_forms, no_evidence=table.no_evidence if table else ())
    if table is None:
        return review, []
    matched = match_entries(review, table)
    if matched.problems:
        raise InputError(_reviewer_problems(matched.problems, table))
    lines = [f"[未复核] {line}：不在已填写的复核表中，{unreviewed}" for line in matched.unreviewed]
    lines += [f"[已无此表] {line}" for line in matched.gone]
    return review, lines


def load_rulebook(rules: str | None) -> Rulebook | None:
    """The rulebook of ``--rules`` (None: the default); InputError naming the file when it is bad."""
    if not rules:
        return None
    try:
        return read_rulebook_file(rules, load_yaml=yaml.safe_load)
    except RulebookError as exc:
        raise InputError(
            [Problem(rules, exc.message.removeprefix(f"复核规则文件「{Path(rules).name}」："), stage=Stage.FILE)]
        ) from None


def _reviewer_problems(problems: list[Problem], table: ReviewedTable) -> list[Problem]:
    """The entries that cannot stand, with what to do as the last line."""
    hint = Problem(
        table.source,
        f"已填写的复核表有 {len(problems)} 处问题，未写出最终复核表：请在复核表中改正后重新运行。",
        stage=Stage.FOLLOW_ON,
    )
    return [*problems, hint]


def _finding_line(form: FormReview, finding: ReviewFinding) -> str:
    where = [form.reviewed.source]
    if form.reviewed.sheet:
        where.append(form.reviewed.sheet)
    if form.result.form.name and form.result.form.name != form.reviewed.sheet:
        where.append(form.result.form.name)
    return f"[{finding.level.label}] {' · '.join(where)} · {finding.message}"


def render_review(review: Review, checked: Checked, table: ReviewedTable | None) -> str:
    """The forms' totals before and after the review, then every error and warning of the review."""
    entries = table.entries if table is not None else {}
    rows = []
    for form in review.forms:
        total = final_total(form, entries)
        difference = None if total is None or form.self_total is None else total - form.self_total
        rows.append(
            (
                form.result.form.name,
                format_score(form.self_total),
                format_score(total),
                format_score(difference),
                form.self_grade or "",
                "" if total is None else form.result.profile.grade(total),
                str(form.count(Level.ERROR)),
                str(form.count(Level.WARNING)),
            )
        )
    parts = [render_table(HEADER, rows, right_aligned={1, 2, 3, 6, 7})]
    lines = [f"[错误] {p.source} · {p.message}" for p in checked.problems]
    lines += [
        _finding_line(form, finding)
        for form in review.forms
        for finding in form.all_findings()
        if finding.level in (Level.ERROR, Level.WARNING)
    ]
    lines += [f"[{f.level.label}] {f.message}" for f in review.findings]
    if lines:
        parts.append("\n复核意见：")
        parts.extend(lines)
    errors = sum(f.count(Level.ERROR) for f in review.forms) + sum(f.level is Level.ERROR for f in review.findings)
    warnings = sum(f.count(Level.WARNING) for f in review.forms)
    skipped = f"，{len(checked.problems)} 个文件无法使用" if checked.problems else ""
    rulebook = f"复核规则「{review.rulebook.name}」"
    parts.append(
        f"\n共复核 {len(review.forms)} 张自评表{skipped}（{rulebook}）：错误 {errors} 项，警告 {warnings} 项。"
    )
    return "\n".join(parts)
