"""Read a generated form back through its defined names, robust to rows an officer inserted or deleted.

Excel moves and stretches defined names when rows are inserted or deleted, so the PERFXL_* names
find every field wherever it now is. The hidden metadata sheet gives the mode, the profile and the
targets and weights as generated, to detect a changed target.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from perfxl.contract.fields import FIELDS
from perfxl.contract.metadata import (
    FORMAT,
    FORMAT_KEY,
    META_NAME,
    MODE_KEY,
    PROFILE_KEY,
    TABLE_NAME,
    YEAR_KEY,
    is_year,
)
from perfxl.contract.profiles import load_profile, profile_from_cell, profile_to_json
from perfxl.core.budget import COLUMNS, SOURCES, Funds, FundsRow
from perfxl.core.cells import is_blank
from perfxl.core.findings import Finding, error
from perfxl.core.form import FormInput
from perfxl.core.grammar import parse_actual, parse_target
from perfxl.core.indicator import IndicatorInput, RuleScore, is_override, rule_score
from perfxl.core.labels import TARGET
from perfxl.core.numbers import NotANumber, plain, to_decimal
from perfxl.core.profile import Profile, ProfileError
from perfxl.workbook.base import Book, Ref, cell_text

TOTAL_NAME = FIELDS["total.score"].defined_name


@dataclass(frozen=True)
class Metadata:
    """The hidden sheet of a generated workbook."""

    settings: dict[str, object]
    indicators: dict[str, list[tuple[str, str, Decimal]]]  # sheet -> [(三级指标, 年度指标值, 分值)]
    profile: Profile
    profile_json: str | None  # the UDFs' profile argument; None for the default profile

    @property
    def mode(self) -> str:
        return str(self.settings.get(MODE_KEY) or "udf")

    @property
    def year(self) -> int | None:
        value = self.settings.get(YEAR_KEY)
        return int(value) if is_year(value) else None


@dataclass
class ReadForm:
    sheet: str
    form: FormInput
    profile: Profile
    mode: str
    profile_json: str | None
    fields: dict[str, Ref]  # single-cell fields by key
    rows: list[dict[str, Ref]]  # per indicator: row field key -> its cell
    actual_cells: list[object]  # what each 实际完成值 cell holds
    problems: list[Finding] = field(default_factory=list)  # found while reading, with their cells

    def cell_of(self, field_path: str) -> Ref | None:
        """The cell a finding's field refers to: "indicators[3].reason", "funds.total.annual", "name"."""
        if field_path.startswith("indicators["):
            index_text, _, rest = field_path[len("indicators[") :].partition("]")
            attribute = rest.lstrip(".")
            if index_text.isdigit() and int(index_text) < len(self.rows):
                return self.rows[int(index_text)].get(f"row.{attribute or 'name'}")
            return None
        if field_path in ("name", "department", "unit"):
            return self.fields.get(f"project.{field_path}")
        if field_path.startswith("funds."):
            # A source row the form does not have: its 年度资金总额 row.
            _, _, column = field_path.rpartition(".")
            return self.fields.get(field_path) or self.fields.get(f"funds.total.{column}")
        if field_path == "indicators.weight":
            return self.fields.get("total.weight")
        return None


def is_generated(book: Book, sheet: str) -> bool:
    return TOTAL_NAME in book.names(sheet)


def read_metadata(book: Book) -> Metadata | None:
    names = book.names(None)
    if META_NAME not in names:
        return None
    rows = book.values(names[META_NAME])
    settings = {str(r[0]): r[1] for r in rows if r and r[0] is not None}
    if settings.get(FORMAT_KEY) != FORMAT:
        return None
    indicators: dict[str, list[tuple[str, str, Decimal]]] = {}
    if TABLE_NAME in names:
        for row in book.values(names[TABLE_NAME]):
            if not row or row[0] is None:
                continue
            sheet, _, _, _, _, name, target, weight = (list(row) + [None] * 8)[:8]
            indicators.setdefault(str(sheet), []).append((str(name), str(target), _decimal_or_zero(weight)))
    profile_text = settings.get(PROFILE_KEY)
    try:
        profile = profile_from_cell(None if profile_text is None else str(profile_text))
    except ProfileError:
        profile = load_profile()
    default = profile_to_json(load_profile())
    profile_json = None if profile_to_json(profile) == default else profile_to_json(profile)
    return Metadata(settings, indicators, profile, profile_json)


def form_input(values: Mapping[str, object], funds: Funds, indicators: Sequence[IndicatorInput]) -> FormInput:
    """The form's input from its head fields' values (by field key), however they were found."""
    return FormInput(
        name=cell_text(values.get("project.name")),
        department=cell_text(values.get("project.department")),
        unit=cell_text(values.get("project.unit")),
        funds=funds,
        indicators=tuple(indicators),
        goal_expected=cell_text(values.get("goal.expected")),
        goal_actual=cell_text(values.get("goal.actual")),
    )


def _decimal_or_zero(value: object) -> Decimal:
    try:
        return to_decimal(value)
    except NotANumber:
        return Decimal(0)


def _single(book: Book, ref: Ref) -> object:
    values = book.values(Ref.cell(ref.sheet, ref.min_row, ref.min_col))
    return values[0][0] if values and values[0] else None


def read_form(book: Book, sheet: str, metadata: Metadata | None) -> ReadForm:
    """The form on ``sheet`` of a generated workbook, with the problems met while reading it."""
    names = book.names(sheet)
    by_key = {key: names[f.defined_name] for key, f in FIELDS.items() if f.defined_name in names}
    fields = {key: ref for key, ref in by_key.items() if not key.startswith("row.")}
    problems: list[Finding] = []
    values = {key: _single(book, ref) for key, ref in fields.items()}
    funds = Funds(
        **{
            source: FundsRow(*(_amount(values, f"funds.{source}.{column}", fields, problems) for column, _ in COLUMNS))
            for source, _ in SOURCES
        }
    )
    columns = {
        key: [row[0] if row else None for row in book.values(ref)]
        for key, ref in by_key.items()
        if key.startswith("row.")
    }
    count = len(columns.get("row.name", []))
    rows_refs = [
        {
            key: Ref.cell(ref.sheet, ref.min_row + i, ref.min_col)
            for key, ref in by_key.items()
            if key.startswith("row.")
        }
        for i in range(count)
    ]
    formula_flags = _score_formulas(book, by_key.get("row.score"))
    profile = metadata.profile if metadata else load_profile()
    indicators: list[IndicatorInput] = []
    kept_refs = []
    actual_cells = []
    level1 = level2 = ""
    for i in range(count):
        cell = {key: column[i] if i < len(column) else None for key, column in columns.items()}
        if all(cell_text(cell.get(k)) == "" for k in ("row.name", "row.target", "row.weight", "row.actual")):
            continue  # a row the officer inserted and left empty
        # 一级/二级 are merged down their groups: only the first row of a group holds the text.
        level1 = cell_text(cell.get("row.level1")) or level1
        level2 = cell_text(cell.get("row.level2")) or level2
        weight = _amount_value(cell.get("row.weight"))
        if weight is None:
            ref = rows_refs[i].get("row.weight")
            problems.append(
                error(
                    "weight_unreadable",
                    f"indicators[{len(indicators)}].weight",
                    f"指标「{cell_text(cell.get('row.name'))}」的分值不是数字",
                ).located(None if ref is None else str(ref))
            )
            weight = Decimal(0)
        target = cell_text(cell.get("row.target"))
        actual = cell.get("row.actual")
        if isinstance(actual, str) and not actual.strip():
            actual = None
        officer = _officer_score(cell.get("row.score"), formula_flags, i, target, actual, weight, profile)
        typed_text = _score_text(cell.get("row.score"), formula_flags, i, len(indicators), rows_refs[i])
        if typed_text is not None:
            problems.append(typed_text)
        indicators.append(
            IndicatorInput(
                level1,
                level2,
                cell_text(cell.get("row.name")),
                target,
                weight,
                actual,
                officer,
                cell_text(cell.get("row.reason")),
            )
        )
        kept_refs.append(rows_refs[i])
        actual_cells.append(actual)
    form = form_input(values, funds, indicators)
    read = ReadForm(
        sheet,
        form,
        profile,
        metadata.mode if metadata else "udf",
        metadata.profile_json if metadata else None,
        fields,
        kept_refs,
        actual_cells,
        problems,
    )
    if metadata is not None:
        read.problems.extend(_changed_targets(read, metadata.indicators.get(sheet, [])))
    return read


def _amount_value(value: object) -> Decimal | None:
    if is_blank(value):
        return None
    try:
        return to_decimal(value.strip() if isinstance(value, str) else value)
    except NotANumber:
        return None


def _amount(values: dict[str, object], key: str, fields: dict[str, Ref], problems: list[Finding]) -> Decimal | None:
    """An amount as the form's own formulas read it: SUM and COUNT pass over text, so text is no amount."""
    value = values.get(key)
    if isinstance(value, str) and value.strip():
        number = _amount_value(value)
        if number is not None:
            message = (
                f"{FIELDS[key].label}「{value}」是文字，表中的公式不计入合计：请删除后重新输入数字 {plain(number)}"
            )
            problems.append(error("amount_is_text", key, message).located(str(fields[key])))
        else:
            problems.append(
                error("amount_unreadable", key, f"{FIELDS[key].label}「{value}」不是数字").located(str(fields[key]))
            )
        return None
    return _amount_value(value)


def _score_formulas(book: Book, ref: Ref | None) -> list[bool] | None:
    """Which 得分 cells hold formulas; None where the engine cannot tell (see :func:`_officer_score`)."""
    if ref is None:
        return None
    try:
        flags = book.formulas(ref)
    except NotImplementedError:
        return None
    return [row[0] if row else False for row in flags]


def _officer_score(
    value: object,
    formulas: Sequence[bool] | None,
    index: int,
    target: str,
    actual: object,
    weight: Decimal,
    profile: Profile,
) -> Decimal | None:
    """The officer's typed score, or None where the 得分 cell still holds its formula.

    Where the engine can say which cells hold formulas, that decides; where it cannot (xlwings' remote
    engine), a number differing from the rule score is the officer's, which is what an override is.
    """
    number = _amount_value(value)  # None for a formula's text result (请人工评分, 错误：…)
    if formulas is not None and index < len(formulas):
        # Text typed over the formula is no score to the form's SUM: see _score_text.
        return None if formulas[index] or isinstance(value, str) else number
    if number is None:
        return None
    parsed = parse_target(target)
    rule: RuleScore = rule_score(parsed, parse_actual(actual, parsed), weight, profile)
    return number if is_override(number, rule) or rule.score is None else None


def _score_text(
    value: object, formulas: Sequence[bool] | None, index: int, row: int, refs: dict[str, Ref]
) -> Finding | None:
    """Text typed into a 得分 cell over its formula: the form's SUM and COUNT pass over it."""
    if not isinstance(value, str) or not value.strip() or formulas is None or index >= len(formulas) or formulas[index]:
        return None
    number = _amount_value(value.strip().removesuffix("分"))
    advice = f"请删除后重新输入数字 {plain(number)}" if number is not None else "请填写分数"
    ref = refs.get("row.score")
    message = f"得分「{value.strip()}」是文字，表中的公式不计入总分：{advice}"
    return error("score_is_text", f"indicators[{row}].score", message).located(None if ref is None else str(ref))


def _changed_targets(read: ReadForm, generated: list[tuple[str, str, Decimal]]) -> list[Finding]:
    """Targets and weights that differ from the form as generated (they are locked in the form)."""
    if not generated:
        return []
    findings = []
    by_name = {name: (target, weight) for name, target, weight in generated}
    current = {row.name for row in read.form.indicators}
    for index, row in enumerate(read.form.indicators):
        if row.name not in by_name:
            findings.append(
                error(
                    "indicator_added",
                    f"indicators[{index}].name",
                    f"指标「{row.name}」不在生成时的指标中（新增或改名）",
                ).located(_where(read, index, "row.name"))
            )
            continue
        target, weight = by_name[row.name]
        if row.target != target:
            findings.append(
                error(
                    "target_changed",
                    f"indicators[{index}].target",
                    f"指标「{row.name}」的{TARGET}已被修改：生成时为「{target}」，现为「{row.target}」",
                ).located(_where(read, index, "row.target"))
            )
        if row.weight != weight:
            findings.append(
                error(
                    "weight_changed",
                    f"indicators[{index}].weight",
                    f"指标「{row.name}」的分值已被修改：生成时为 {weight}，现为 {row.weight}",
                ).located(_where(read, index, "row.weight"))
            )
    for name, _, _ in generated:
        if name not in current:
            findings.append(error("indicator_removed", "indicators", f"生成时的指标「{name}」已被删除"))
    return findings


def _where(read: ReadForm, index: int, key: str) -> str | None:
    ref = read.rows[index].get(key)
    return None if ref is None else str(ref)
