"""Workbooks with hostile project names open in LibreOffice with every sheet, name and formula intact."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from perfxl.generate import generate
from perfxl_tools.uno_session import WorkbookRequest, recalculate_and_read
from tests.support.named_lists import list_with_names
from tests.support.office import require_libreoffice
from tests.test_names import HOSTILE_SHEETS, LONG

require_libreoffice()
pytestmark = pytest.mark.libreoffice


def test_hostile_names_open_in_libreoffice(tmp_path: Path, seed_expected: dict) -> None:
    source = list_with_names(tmp_path / "清单.yaml", [*HOSTILE_SHEETS, LONG[200]], filled=True)
    (single,) = generate(source, tmp_path, mode="native", single="全部")
    per_form = generate(source, tmp_path / "每表", mode="native")
    sheets = openpyxl.load_workbook(single).sheetnames
    forms = sheets[1 : len(HOSTILE_SHEETS) + 2]
    rows = [f"目录!E{4 + i}" for i in range(len(forms))]
    results = recalculate_and_read(
        [
            WorkbookRequest(single, cells=rows, errors=True),
            WorkbookRequest(per_form[6], errors=True),
            WorkbookRequest(per_form[-1]),
        ]
    )
    total = seed_expected["业务工作经历"]["total"]
    assert results[0].sheets == sheets
    assert results[0].errors == []
    assert [results[0].value(f"{sheet}!PERFXL_TOTAL") for sheet in forms] == [pytest.approx(total)] * len(forms)
    assert [results[0].value(row) for row in rows] == [pytest.approx(total)] * len(forms)  # the 目录 links
    ext_b_sheet = openpyxl.load_workbook(per_form[6]).sheetnames[0]
    assert results[1].sheets[0] == ext_b_sheet and results[1].errors == []
    assert results[1].value(f"{ext_b_sheet}!PERFXL_TOTAL") == pytest.approx(total)
    assert results[2].path == per_form[-1]
