"""The summary with a review, recalculated by LibreOffice (calculateAll: every formula afresh, not read from the
cache): the totals row's 复核总分 average and 复核等级 counts, and 图表's 等级分布 before and after, equal the
cached values perfxl wrote."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from perfxl.batch.summary import REVIEW_COLUMNS, SUMMARY_COLUMNS, SummaryReview, summary_columns
from perfxl.cli import bundled_example, main
from perfxl.generate import generate
from perfxl_tools.uno_session import UnoSession
from tests.support.office import plain, require_libreoffice
from tests.test_summary_review import fill_in

require_libreoffice()
pytestmark = pytest.mark.libreoffice


def test_the_review_totals_and_distribution_recalculate_to_their_cache(tmp_path: Path) -> None:
    generate(bundled_example(), tmp_path / "forms")
    assert main(["review", str(tmp_path / "forms"), "-o", str(tmp_path / "复核表.xlsx")]) == 0
    filled = fill_in(tmp_path / "复核表.xlsx", tmp_path / "已复核.xlsx")
    path = tmp_path / "汇总.xlsx"
    assert main(["summary", str(tmp_path / "forms"), "--reviewed", str(filled), "-o", str(path)]) == 0

    columns = list(summary_columns(SummaryReview("default", str(filled), [])))
    assert columns == [*list(SUMMARY_COLUMNS)[:10], *REVIEW_COLUMNS, *list(SUMMARY_COLUMNS)[10:]]
    letter = {key: openpyxl.utils.get_column_letter(i + 1) for i, key in enumerate(columns)}
    totals_row = 4 + 2  # two forms from row 4, then the totals row
    cells = [f"汇总表!{letter[key]}{totals_row}" for key in ("total", "grade", "review_total", "review_grade")]
    cells.append("图表!B3:C6")
    with UnoSession(timeout=300) as office:
        result = office.recalculate(path, names=False, cells=cells, errors=True)
    assert result.errors == [], result.errors[:5]

    book = openpyxl.load_workbook(path, data_only=True)
    for ref in cells[:-1]:
        sheet, cell = ref.split("!")
        assert plain(result.cells[ref][0][0]) == plain(book[sheet][cell].value), ref
    assert plain(result.cells[cells[3]][0][0]) == "优 0\n良 2\n中 0\n差 0"
    assert plain(result.cells[cells[2]][0][0]) == 87.27
    cached = [[plain(c.value) for c in row] for row in book["图表"]["B3:C6"]]
    assert [[plain(v) for v in row] for row in result.cells["图表!B3:C6"]] == cached == [[1, 0], [1, 2], [0, 0], [0, 0]]
