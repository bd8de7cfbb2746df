"""After officers' edits, perfxl's numbers are the form's own: LibreOffice recomputing the file agrees.

Random edits as officers make them — values pasted past the validation, answers outside the dropdown,
numbers as text, scores typed over the formula, cleared cells, a total typed over — then ``perfxl
recalc``. LibreOffice, an independent engine, recomputes the recalculated file from scratch: every
computed cell holds what perfxl cached. Where perfxl's own reading of the inputs would give another
score or total than the form shows, perfxl holds an error finding on that row (or on the form).
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml

from perfxl.batch.runner import recalc_file
from perfxl.cli import bundled_example
from perfxl.contract.fields import FIELDS, Kind
from perfxl.core.findings import Level
from perfxl.core.form import evaluate_form
from perfxl.generate import generate
from perfxl.readback.recalc import check_book
from perfxl.workbook.base import parse_reference
from perfxl.workbook.xlsx_book import XlsxBook
from perfxl_tools.uno_session import UnoSession
from tests.support.office import plain, require_libreoffice
from tests.support.officer_edits import edited_copy
from tests.support.random_lists import random_list
from tests.support.workbooks import named_values

require_libreoffice()
pytestmark = [pytest.mark.slow, pytest.mark.libreoffice]

COMPUTED = {f.defined_name for f in FIELDS.values() if f.kind in (Kind.FORMULA, Kind.SCORE)}
SEEDS = range(16)


@pytest.fixture(scope="module")
def office():
    with UnoSession(timeout=300) as session:
        yield session


def _generated(folder: Path, seed: int) -> Path:
    if seed == 0:
        source = Path(bundled_example())
    else:
        source = folder / "list.yaml"
        data = random_list(random.Random(seed), 3)
        source.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    (path,) = generate(source, folder, mode="native", single="forms.xlsx")
    return path


@pytest.mark.parametrize("seed", SEEDS)
def test_recalculated_forms_hold_what_their_formulas_give(office: UnoSession, tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    edited = tmp_path / "edited.xlsx"
    edits = edited_copy(_generated(tmp_path, seed), edited, rng, count=rng.randint(1, 8))
    outcome = recalc_file(edited, edited.name, stamp=None)
    assert outcome.problem is None and outcome.rewritten, outcome.problem
    where = "; ".join(f"{sheet}: " + ", ".join(map(str, e)) for sheet, e in edits.items())

    # Every computed cell perfxl cached is what LibreOffice computes from the formulas.
    recomputed = office.recalculate(edited)
    compared = 0
    for sheet, names in named_values(edited).items():
        for name, cached in names.items():
            if name not in COMPUTED:
                continue
            values = [v for row in recomputed.names[f"{sheet}!{name}"] for v in row]
            assert [plain(v) for v in cached][: len(values)] == [plain(v) for v in values], (
                f"{sheet}!{name} after {where}"
            )
            compared += len(values)
    assert compared > 10

    # Where perfxl's reading differs from what the form shows, an error finding says so.
    with XlsxBook(edited) as book:
        for form in check_book(book):
            core = evaluate_form(form.read.form, form.read.profile)
            errors = [f for f in form.findings if f.level is Level.ERROR]
            for index, (computed, shown) in enumerate(zip(core.indicators, form.result.indicators, strict=True)):
                if computed.score != shown.score:
                    row = form.read.rows[index]["row.name"].min_row
                    assert any(_in_row(f.cell, row) or f.field.startswith(f"indicators[{index}]") for f in errors), (
                        f"{form.sheet} row {row}: perfxl {computed.score}, form {shown.score}, after {where}"
                    )
            if core.total != form.result.total:
                assert errors, f"{form.sheet}: perfxl {core.total}, form {form.result.total}, after {where}"


def _in_row(cell: str | None, row: int) -> bool:
    ref = parse_reference(cell) if cell else None
    return ref is not None and ref.min_row == row
