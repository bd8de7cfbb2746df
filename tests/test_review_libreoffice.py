"""The 复核表's formulas recalculated by LibreOffice (calculateAll: every formula computed afresh, not read from
the cache) give what perfxl computed: 最终得分, 复核总分, 差异 and 复核等级 equal their cached values, on the bundled
example's generated forms and on forms whose review deducts; and with reviewer scores typed into the open
columns, LibreOffice's totals equal what perfxl's second pass computes."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from perfxl.batch.review_table import (
    FORM_COLUMNS,
    FORM_SHEET,
    INDICATOR_COLUMNS,
    INDICATOR_SHEET,
    final_total,
    review_order,
    write_review_table,
)
from perfxl.batch.reviewer_input import match_entries, read_reviewed_table
from perfxl.cli import bundled_example, main
from perfxl.core.form import evaluate_form
from perfxl.generate import generate
from perfxl.projectlist import load_project_list
from perfxl.review import ReviewedForm, review_forms
from perfxl_tools.uno_session import UnoSession
from tests.support.office import plain, require_libreoffice

require_libreoffice()
pytestmark = pytest.mark.libreoffice

FIRST = 4
FCOL = {key: openpyxl.utils.get_column_letter(i + 1) for i, key in enumerate(FORM_COLUMNS)}
ICOL = {key: openpyxl.utils.get_column_letter(i + 1) for i, key in enumerate(INDICATOR_COLUMNS)}
COMPUTED = ("review_total", "difference", "review_grade")


@pytest.fixture(scope="module")
def office():
    with UnoSession(timeout=300) as session:
        yield session


def _cached(path: Path, sheet: str, column: str) -> list[object]:
    ws = openpyxl.load_workbook(path, data_only=True)[sheet]
    return [ws[f"{column}{r}"].value for r in range(FIRST, ws.max_row + 1) if ws[f"A{r}"].value is not None]


def _recalculated(office: UnoSession, path: Path, **kwargs) -> dict[str, list[object]]:
    forms = len(_cached(path, FORM_SHEET, "A"))
    indicators = len(_cached(path, INDICATOR_SHEET, "A"))
    cells = {key: f"{FORM_SHEET}!{FCOL[key]}{FIRST}:{FCOL[key]}{FIRST + forms - 1}" for key in COMPUTED}
    cells["final"] = f"{INDICATOR_SHEET}!{ICOL['final']}{FIRST}:{ICOL['final']}{FIRST + indicators - 1}"
    result = office.recalculate(path, names=False, cells=list(cells.values()), errors=True, **kwargs)
    assert result.errors == [], result.errors[:5]
    return {key: [row[0] for row in result.cells[ref]] for key, ref in cells.items()}


def _same(values: list[object]) -> list[object]:
    """Numbers as the 复核表 shows them (2 decimals), text as it is, blank as None."""
    return [round(v, 6) if isinstance(v, float) else v for v in map(plain, values)]


def assert_recalculates_to_the_cache(office: UnoSession, path: Path) -> None:
    got = _recalculated(office, path)
    for key in COMPUTED:
        assert _same(got[key]) == _same(_cached(path, FORM_SHEET, FCOL[key])), key
    assert _same(got["final"]) == _same(_cached(path, INDICATOR_SHEET, ICOL["final"]))


def test_the_bundled_examples_table_recalculates_to_its_cached_totals(office: UnoSession, tmp_path: Path) -> None:
    generate(bundled_example(), tmp_path / "forms")
    assert main(["review", str(tmp_path / "forms"), "-o", str(tmp_path / "复核表.xlsx")]) == 0
    assert_recalculates_to_the_cache(office, tmp_path / "复核表.xlsx")
    assert _cached(tmp_path / "复核表.xlsx", FORM_SHEET, FCOL["review_total"]) == [92.57, 89.96]


def _deducting_review():
    """The seed forms, one with a pseudo-quantitative target (−30%), one with a framework mismatch (−100%),
    and one with an indicator without a score (no 复核总分)."""
    seed = load_project_list(bundled_example())
    work, exam = seed.forms

    def changed(form, name: str, **fields):
        rows = tuple(dataclasses.replace(r, **fields) if r.name == name else r for r in form.indicators)
        return dataclasses.replace(form, indicators=rows)

    pseudo = changed(work, "培训工作开展情况", target="效果明显", actual="效果明显")
    framework = dataclasses.replace(changed(exam, "考务人员到位率", level2="社会效益指标"), unit="上海市就业促进中心")
    unscored = dataclasses.replace(changed(work, "设备购置数量", actual=None, score=None), unit="上海市财政局信息中心")
    forms = [ReviewedForm(evaluate_form(f, seed.profile), "清单.yaml") for f in (pseudo, framework, unscored)]
    return review_forms(forms)


def test_a_table_with_deductions_and_a_missing_total_recalculates_to_its_cache(
    office: UnoSession, tmp_path: Path
) -> None:
    review = _deducting_review()
    totals = {f.result.form.unit: f.review_total for f in review.forms}
    assert totals["上海市财政局信息中心"] is None
    assert [f.review_total < f.self_total for f in review.forms if f.review_total is not None] == [True, True]
    path = write_review_table(tmp_path / "t.xlsx", review)
    assert_recalculates_to_the_cache(office, path)


def test_reviewer_scores_recompute_in_libreoffice_as_perfxls_second_pass(office: UnoSession, tmp_path: Path) -> None:
    review = _deducting_review()
    path = write_review_table(tmp_path / "t.xlsx", review)
    typed = {
        "考务人员安排完成率": (3, "无签到记录"),  # lower than suggested: with a reason
        "培训工作开展情况": (9.5, "核实后认定"),  # in two forms: above one suggestion (7), below the other (10)
        "考生满意度": (4.25, "抽查满意度偏低"),
        "设备购置数量": (2, "按验收单认定"),  # gives the unscored form its total
    }
    book = openpyxl.load_workbook(path)
    ws = book[INDICATOR_SHEET]
    sets: dict[str, float] = {}
    for row in range(FIRST, ws.max_row + 1):
        entry = typed.get(ws[f"{ICOL['name']}{row}"].value)
        if entry is not None:
            ws[f"{ICOL['review_score']}{row}"], ws[f"{ICOL['note']}{row}"] = entry
            sets[f"{INDICATOR_SHEET}!{ICOL['review_score']}{row}"] = entry[0]
    filled = tmp_path / "filled.xlsx"
    book.save(filled)

    table = read_reviewed_table(filled, "filled.xlsx")
    assert match_entries(review, table).problems == []
    expected = [final_total(form, table.entries) for form in review_order(review.forms)]
    assert None not in expected
    grades = [form.result.profile.grade(t) for form, t in zip(review_order(review.forms), expected, strict=True)]

    # The table as openpyxl saved it (its cached values dropped), and the original with the cells set by UNO.
    for got in (_recalculated(office, filled), _recalculated(office, path, set=sets)):
        assert [Decimal(str(round(v, 6))) for v in got["review_total"]] == expected
        assert got["review_grade"] == grades

    # perfxl's final table caches the same figures.
    final = write_review_table(tmp_path / "final.xlsx", review, entries=table.entries)
    assert [Decimal(str(v)) for v in _cached(final, FORM_SHEET, FCOL["review_total"])] == expected
    assert_recalculates_to_the_cache(office, final)
