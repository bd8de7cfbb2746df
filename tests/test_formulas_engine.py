"""Native forms computed from scratch by the `formulas` package give what the Python core cached.

`formulas` is a second engine, independent of LibreOffice and of perfxl: a pure-Python implementation
of Excel's semantics that reads only the formulas the generator wrote. Every formula cell it computes
must equal the cached value, except where the difference is proven to be the engine's known ROUND
error on decimal halves (x.xx5 held as a binary float a hair below), or where a formula calls a
function the engine lacks (named in the report). See tests/support/formulas_engine.py.
"""

from __future__ import annotations

import random
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import formulas.functions.math as engine_math
import pytest
import yaml
from openpyxl.utils.cell import get_column_letter, range_boundaries

from perfxl.cli import bundled_example
from perfxl.contract.fields import FIELDS, Kind
from perfxl.generate import generate, generate_forms
from perfxl.projectlist import ProjectList
from perfxl.projectlist.validate import build_project_list
from tests.support.formulas_engine import (
    AGREES,
    DISAGREES,
    ROUNDING,
    UNSUPPORTED,
    Figures,
    WorkbookCheck,
    check_workbook,
    excel_round,
    on_decimal_half,
)
from tests.support.random_lists import random_list

# Random project lists: seeds 0..7, four forms each (about 0.4 s per form in the engine: ~15 s in all).
RANDOM_SEEDS = range(8)
FORMS_PER_LIST = 4

FORMULA_FIELDS = {f.defined_name for f in FIELDS.values() if f.kind is Kind.FORMULA}
_DEFINED_NAME = re.compile(r'<definedName name="([^"]+)"[^>]*>([^<]+)</definedName>')


def formula_field_cells(path: Path) -> set[tuple[str, str]]:
    """(sheet, cell) of every cell of a computed field.

    These are the funds totals, 执行率, the budget 得分, 规则得分, 检查结果, the 分值 total, 总分 and 等级.
    """
    with zipfile.ZipFile(path) as archive:
        workbook = archive.read("xl/workbook.xml").decode("utf-8")
    cells = set()
    for name, reference in _DEFINED_NAME.findall(workbook):
        if name not in FORMULA_FIELDS:
            continue
        sheet, _, area = reference.rpartition("!")
        sheet = sheet.strip("'").replace("''", "'").replace("&amp;", "&")
        first_column, first_row, last_column, last_row = range_boundaries(area.replace("$", ""))
        cells |= {
            (sheet, f"{get_column_letter(column)}{row}")
            for column in range(first_column, last_column + 1)
            for row in range(first_row, last_row + 1)
        }
    return cells


def assert_every_cell_explained(check: WorkbookCheck) -> None:
    assert check.problems == [], check.problems[:5]
    assert check.of_kind(DISAGREES) == [], "\n".join(str(c) for c in check.of_kind(DISAGREES)[:10])
    for cell in check.of_kind(ROUNDING):
        assert "decimal operand" in cell.detail, cell
    named = formula_field_cells(check.path)
    assert len(named) > 10 and named <= {(c.sheet, c.cell) for c in check.cells}


def report(figures: Figures, capsys: pytest.CaptureFixture[str], what: str) -> None:
    with capsys.disabled():
        print(f"\nformulas engine, {what}: {figures}")


def test_excel_round_reference_is_microsofts_documented_round() -> None:
    # Examples of Microsoft's ROUND help page: ROUND(2.15, 1) is 2.2 although the binary 2.15 lies below
    # the half (2.1499999999999999...), so Excel rounds the decimal number, halves away from zero.
    documented = [(2.15, 1, "2.2"), (2.149, 1, "2.1"), (1.475, 2, "1.48"), (21.5, -1, "20")]
    for value, digits, result in documented:
        assert excel_round(value, digits) == Decimal(result), (value, digits)
    assert Decimal.from_float(2.15) < Decimal("2.15") and on_decimal_half(2.15, 1)
    assert not on_decimal_half(2.149, 1) and not on_decimal_half(6.194, 2)
    # The engine's ROUND scales the binary float first and loses such halves.
    assert engine_math.xround(1.005, 2) == 1.0 and excel_round(1.005, 2) == Decimal("1.01")
    assert engine_math.xround(6.194999999999999, 2) == 6.19 and excel_round(6.194999999999999, 2) == Decimal("6.20")


@pytest.mark.slow
def test_seed_forms_compute_to_the_cached_values(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (path,) = generate(bundled_example(), tmp_path, mode="native", single="seed.xlsx")
    check = check_workbook(path)
    assert_every_cell_explained(check)
    assert len(check.of_kind(AGREES)) > 100
    figures = Figures()
    figures.add(check, forms=2)
    report(figures, capsys, "the two seed forms")


@pytest.mark.slow
def test_random_forms_compute_to_the_cached_values(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    figures = Figures()
    for seed in RANDOM_SEEDS:
        folder = tmp_path / f"seed-{seed}"
        folder.mkdir()
        source = folder / "list.yaml"
        data = random_list(random.Random(seed), FORMS_PER_LIST)
        source.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        (path,) = generate(source, folder, mode="native", single="random.xlsx")
        check = check_workbook(path)
        assert_every_cell_explained(check)
        assert check.of_kind(UNSUPPORTED) == [], check.unsupported
        figures.add(check, forms=FORMS_PER_LIST)
    assert figures.compared > FORMS_PER_LIST * len(RANDOM_SEEDS) * 10
    report(figures, capsys, f"random lists of seeds {RANDOM_SEEDS.start}-{RANDOM_SEEDS.stop - 1}")


def _one_form_list(actual: float) -> ProjectList:
    indicators = [
        {
            "level1": "产出指标",
            "level2": "数量指标",
            "name": "完成率",
            "target": "≥100%",
            "weight": 1,
            "actual": actual,
        },
        {
            "level1": "满意度指标",
            "level2": "服务对象满意度指标",
            "name": "满意度",
            "target": "≥90%",
            "weight": 10,
            "actual": 0.95,
        },
    ]
    data = {
        "perfxl": 1,
        "year": 2023,
        "department": "某市财政局",
        "unit": "某中心",
        "projects": [
            {
                "name": "边界项目",
                "funds": {"fiscal": {"initial": 1000, "annual": 1000, "executed": 1000}},
                "goal": {"expected": "完成。"},
                "indicators": indicators,
            }
        ],
    }
    return build_project_list(data, Path("list.yaml"))


@pytest.mark.slow
def test_a_score_on_a_decimal_half_is_a_proven_rounding_difference(tmp_path: Path) -> None:
    # 1 × 0.145 / 1 is the binary 0.14499999999999999: the core and Excel give 0.15, the engine 0.14.
    (path,) = generate_forms(_one_form_list(0.145), tmp_path, mode="native")
    check = check_workbook(path)
    assert_every_cell_explained(check)
    rounding = {c.cell: c for c in check.of_kind(ROUNDING)}
    assert {"H13", "J13"} <= set(rounding)
    assert (rounding["H13"].cached, rounding["H13"].engine) == (0.15, 0.14)
    assert "ROUND(0.145, 2) = 0.14 in the engine, 0.15 in Excel" in rounding["H13"].detail
    total = next(c for c in check.cells if c.formula.startswith("=IF(COUNT(H6"))
    assert total.kind == ROUNDING and (total.cached, total.engine) == (20.15, 20.14)
    assert [call.proven_half for call in check.round_calls] == [True] * len(check.round_calls) != []


@pytest.mark.slow
def test_a_value_off_a_decimal_half_is_not_excused(tmp_path: Path) -> None:
    # Same form, the actual 0.146 is not on a half: the engine computes every cell as the core does.
    (path,) = generate_forms(_one_form_list(0.146), tmp_path, mode="native")
    check = check_workbook(path)
    assert check.round_calls == []
    assert {c.kind for c in check.cells} == {AGREES}


def _tamper(path: Path, cell: str, old: str, new: str) -> None:
    """Change the cached value of one formula cell, as a stale or wrong cache would hold it."""
    pattern = re.compile(rf'(<c r="{cell}"[^>]*>(?:(?!</c>).)*<v>){re.escape(old)}(</v>)', re.S)
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    changed = 0
    for name, data in parts.items():
        if name.startswith("xl/worksheets/"):
            text, count = pattern.subn(rf"\g<1>{new}\g<2>", data.decode("utf-8"))
            parts[name], changed = text.encode("utf-8"), changed + count
    assert changed == 1
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


@pytest.mark.slow
def test_a_wrong_cached_value_is_a_disagreement(tmp_path: Path) -> None:
    path = generate(bundled_example(), tmp_path, mode="native")[0]  # 业务工作经历: 总分 89.96, 良
    _tamper(path, "H35", "89.96", "89.97")
    _tamper(path, "I35", "良", "优")
    check = check_workbook(path)
    assert [(c.cell, c.cached, c.engine) for c in check.of_kind(DISAGREES)] == [
        ("H35", 89.97, 89.96),
        ("I35", "优", "良"),
    ]


@pytest.mark.slow
def test_functions_the_engine_lacks_are_named_and_the_rest_is_checked(tmp_path: Path) -> None:
    # The udf forms call perfxl's own Excel functions, which no other engine has: their cells (and the
    # cells computed from them) are reported as unsupported, the plain formulas are still compared.
    (path,) = generate(bundled_example(), tmp_path, mode="udf", single="seed.xlsm")
    check = check_workbook(path)
    assert check.problems == [] and check.of_kind(DISAGREES) == []
    assert set(check.unsupported) == {"PERF_RATE", "PERF_BUDGET_SCORE", "PERF_SCORE", "PERF_GRADE"}
    by_cell = {(c.sheet, c.cell): c for c in check.cells}
    assert by_cell[("业务工作经历", "H13")].detail == "no PERF_SCORE in the engine"
    assert by_cell[("业务工作经历", "H35")].kind == UNSUPPORTED  # ROUND(H6+SUM(H13:H34)) of PERF_ results
    agreeing = {c.cell for c in check.of_kind(AGREES) if c.sheet == "业务工作经历"}
    assert {"C6", "D6", "E6", "G35"} <= agreeing  # funds totals and the 分值 total
