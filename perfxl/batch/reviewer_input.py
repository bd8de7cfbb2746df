"""The reviewer's entries of a reviewed 复核表 (the second pass, review.md), read back and checked.

Rows are matched by 主管部门, 实施单位, 项目 and 三级指标 (perfxl.review.model's FormKey and IndicatorKey: folded
text), never by row number: the reviewer may filter, and the next run may order the forms differently. The
file is streamed (perfxl.batch.review_sheet: a table of 1,000 forms is beyond what XlsxBook parses whole), and
any program may have saved it: Excel, WPS, LibreOffice.

The table's 建议复核得分 must be this run's: a table made with another rulebook (or other forms) is refused,
naming the cell, so that the final totals never silently disagree with what the reviewer saw.

Problems in the entries (a 复核得分 that is not a number, negative, above the 分值, or below the 建议复核得分
without a 复核说明; a 佐证材料 other than 有/无) name the cell; the command writes no final table while any
remains. What no longer matches (a form not in the table, a row whose form or indicator is gone) is noted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from perfxl.batch.review_sheet import NoSuchSheet, stream_sheet
from perfxl.batch.review_table import (
    EVIDENCE_CHOICES,
    INDICATOR_COLUMNS,
    INDICATOR_SHEET,
    NO_EVIDENCE,
    ReviewerEntry,
)
from perfxl.batch.tables import HEADER_ROW
from perfxl.core.cells import folded, is_blank
from perfxl.core.numbers import NotANumber, plain, round_half_up, shown, to_decimal
from perfxl.core.profile import Profile
from perfxl.errors import InputError, Problem, Stage
from perfxl.review.model import FormKey, IndicatorKey, IndicatorReview, Review, indicator_key
from perfxl.review.scores import suggested_score
from perfxl.review.texts import name_key
from perfxl.sheetlib.addresses import column_letters
from perfxl.sheetlib.package import UnusableFile

KEY_HEADINGS = ("department", "unit", "project", "name")
READ_HEADINGS = (*KEY_HEADINGS, "suggested", "review_score", "evidence", "note")


@dataclass
class ReviewedTable:
    """The entries of a reviewed 复核表, by indicator; what could not be read is in ``problems``."""

    source: str  # the file as the user gave it
    entries: dict[IndicatorKey, ReviewerEntry] = field(default_factory=dict)
    rows: dict[IndicatorKey, str] = field(default_factory=dict)  # every row's key → its 三级指标 cell
    # every row's 建议复核得分 as the table has it, and its cell: checked against this run's (match_entries)
    suggested: dict[IndicatorKey, tuple[object, str]] = field(default_factory=dict)
    forms: dict[FormKey, str] = field(default_factory=dict)  # every form of the table → its 项目 as typed
    problems: list[Problem] = field(default_factory=list)

    @property
    def no_evidence(self) -> set[IndicatorKey]:
        """The indicators the reviewer marked 佐证材料 无 (perfxl.review's no_evidence rule)."""
        return {key for key, entry in self.entries.items() if entry.evidence == NO_EVIDENCE}


def read_reviewed_table(path: Path, source: str) -> ReviewedTable:
    """The reviewer's entries; InputError when the file is no 复核表 perfxl can read (naming file and sheet)."""
    try:
        cells = stream_sheet(path, INDICATOR_SHEET, HEADER_ROW + 1, _wanted)
    except UnusableFile as exc:
        raise InputError([Problem(source, str(exc), stage=Stage.FILE)]) from None
    except NoSuchSheet:
        message = f"没有「{INDICATOR_SHEET}」工作表：不是 perfxl review 生成的复核表"
        raise InputError([Problem(source, message, stage=Stage.FILE)]) from None
    except FileNotFoundError:
        raise InputError([Problem(source, "文件不存在", stage=Stage.FILE)]) from None
    except OSError as exc:
        raise InputError([Problem(source, f"无法读取文件（{exc.strerror or exc}）", stage=Stage.FILE)]) from None
    return _entries(source, cells)


def _headings(cells: dict[tuple[int, int], object]) -> dict[str, int]:
    """The header row's headings (folded) → their columns."""
    header_row = HEADER_ROW + 1
    return {folded(value): col for (row, col), value in cells.items() if row == header_row and isinstance(value, str)}


def _wanted(cells: dict[tuple[int, int], object]) -> set[int]:
    found = _headings(cells)
    return {found[INDICATOR_COLUMNS[key].heading] for key in READ_HEADINGS if INDICATOR_COLUMNS[key].heading in found}


def _entries(source: str, cells: dict[tuple[int, int], object]) -> ReviewedTable:
    table = ReviewedTable(source)
    header_row = HEADER_ROW + 1  # 1-based
    found = _headings(cells)
    columns: dict[str, int] = {}
    for key in READ_HEADINGS:
        heading = INDICATOR_COLUMNS[key].heading
        if heading not in found:
            where = f"{INDICATOR_SHEET}!第{header_row}行"
            problem = Problem(
                source, f"缺少「{heading}」列：不是 perfxl review 生成的复核表", field=where, stage=Stage.FILE
            )
            raise InputError([problem])
        columns[key] = found[heading]
    last = max((row for row, _ in cells), default=header_row)
    for row in range(header_row + 1, last + 1):
        texts = {key: cells.get((row, columns[key])) for key in KEY_HEADINGS}
        if all(is_blank(value) for value in texts.values()):
            continue  # a note under the table, or an empty row
        _read_row(table, row, {k: _text(v) for k, v in texts.items()}, cells, columns)
    return table


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return plain(to_decimal(value))
    return str(value)


def _cell(key: str, row: int, columns: dict[str, int]) -> str:
    return f"{INDICATOR_SHEET}!{column_letters(columns[key])}{row}"


def _read_row(
    table: ReviewedTable, row: int, texts: dict[str, str], cells: dict[tuple[int, int], object], columns: dict[str, int]
) -> None:
    form = FormKey(name_key(texts["department"]), name_key(texts["unit"]), name_key(texts["project"]))
    key = IndicatorKey(form, name_key(texts["name"]))
    where = _cell("name", row, columns)
    if key in table.rows:
        table.problems.append(
            Problem(
                table.source,
                f"三级指标「{texts['name'].strip()}」与 {table.rows[key]} 重复：同一项目的同一指标只能有一行",
                texts["project"].strip(),
                where,
            )
        )
        return
    table.rows[key] = where
    table.forms.setdefault(form, texts["project"].strip())
    table.suggested[key] = (cells.get((row, columns["suggested"])), _cell("suggested", row, columns))
    score_cell = _cell("review_score", row, columns)
    score = _score(table, cells.get((row, columns["review_score"])), score_cell, texts["project"].strip())
    evidence = _evidence(table, cells.get((row, columns["evidence"])), _cell("evidence", row, columns), texts)
    note = cells.get((row, columns["note"]))
    table.entries[key] = ReviewerEntry(key, score, evidence, "" if is_blank(note) else _text(note).strip(), score_cell)


def _score(table: ReviewedTable, value: object, cell: str, project: str) -> Decimal | None:
    if is_blank(value):
        return None
    try:
        return to_decimal(value.strip() if isinstance(value, str) else value)
    except NotANumber:
        table.problems.append(Problem(table.source, f"复核得分「{value}」不是数字", project, cell))
        return None


def _evidence(table: ReviewedTable, value: object, cell: str, texts: dict[str, str]) -> str | None:
    if is_blank(value):
        return None
    text = folded(_text(value))
    if text not in EVIDENCE_CHOICES:
        table.problems.append(
            Problem(
                table.source,
                f"佐证材料应为「有」或「无」，当前为「{_text(value).strip()}」",
                texts["project"].strip(),
                cell,
            )
        )
        return None
    return text


@dataclass(frozen=True)
class Matched:
    """The reviewer's entries measured against this run's review."""

    problems: list[Problem]  # entries that cannot stand: no final table is written while any remains
    unreviewed: list[str]  # forms of this run that the table does not have
    gone: list[str]  # rows of the table whose form (or indicator) this run does not have


def match_entries(review: Review, table: ReviewedTable) -> Matched:
    """Check each entry against its indicator (分值, 建议复核得分, the profile's decimals) and list what does not
    match, forms and rows both ways."""
    problems = list(table.problems)
    unreviewed: list[str] = []
    seen: set[IndicatorKey] = set()
    forms: set[FormKey] = set()
    for form in review.forms:
        typed = form.result.form
        forms.add(form.key)
        if form.key not in table.forms:
            where = f"{form.reviewed.source}" + (f" · {form.reviewed.sheet}" if form.reviewed.sheet else "")
            unreviewed.append(f"{typed.unit.strip()} · {typed.name.strip()}（{where}）")
            continue
        for row in form.indicators:
            key = indicator_key(typed, row.input)
            seen.add(key)
            if key in table.suggested:
                problem = _suggested_problem(table.suggested[key][0], row, form.result.profile)
                if problem:
                    problems.append(Problem(table.source, problem, typed.name.strip(), table.suggested[key][1]))
            entry = table.entries.get(key)
            if entry is None or entry.score is None:
                continue
            project, name = typed.name.strip(), row.input.name.strip()
            problem = _score_problem(
                entry.score, entry.note, row.weight, row.suggested, form.result.profile.score_decimals
            )
            if problem:
                problems.append(Problem(table.source, f"指标「{name}」的{problem}", project, entry.cell))
    gone = []
    for key, cell in table.rows.items():
        if key in seen:
            continue
        project = table.forms.get(key.form, "")
        if key.form in forms:
            gone.append(f"{cell}：项目「{project}」已没有三级指标「{key.indicator}」，此行未使用")
        else:
            gone.append(f"{cell}：本次读取的自评表中没有项目「{project}」（{key.form.unit}），此行未使用")
    return Matched(problems, unreviewed, gone)


def _suggested_problem(value: object, row: IndicatorReview, profile: Profile) -> str | None:
    """The table's 建议复核得分 against this run's: a table made with another rulebook or other forms would make
    the totals disagree with what the reviewer saw. A row the reviewer marked 佐证材料 无 was suggested without
    the no_evidence deduction in the table they filled in; that value stands too."""
    try:
        typed = None if is_blank(value) else to_decimal(value.strip() if isinstance(value, str) else value)
    except NotANumber:
        typed = None
    accepted = {row.suggested}
    if any(f.code == "no_evidence" for f in row.findings):
        before = max((f.deduction for f in row.findings if f.code != "no_evidence"), default=Decimal(0))
        accepted.add(suggested_score(row.self_score, row.weight, before, profile))
    if typed in accepted and (typed is not None or is_blank(value)):
        return None
    shown_value = _text(value).strip() if typed is None else plain(typed)
    return (
        f"复核表中的建议复核得分 {shown_value or '（空）'} 与本次按复核规则计算的 "
        f"{'（空）' if row.suggested is None else plain(row.suggested)} 不同："
        "请使用生成该复核表时的复核规则（--rules）和同样的自评表"
    )


def _score_problem(score: Decimal, note: str, weight: Decimal, suggested: Decimal | None, decimals: int) -> str | None:
    if score < 0:
        return f"复核得分 {shown(score)} 为负数，应为 0 到分值 {plain(weight)} 之间的数"
    if score > weight:
        return f"复核得分 {shown(score)} 超过分值 {plain(weight)}"
    if round_half_up(score, decimals) != score:
        return f"复核得分 {shown(score)} 的小数位数超过评分配置的 {decimals} 位"
    if suggested is not None and score < suggested and not note:
        return f"复核得分 {shown(score)} 低于建议复核得分 {plain(suggested)}，须在“复核说明”中写明理由"
    return None


__all__ = ["Matched", "ReviewedTable", "match_entries", "read_reviewed_table"]
