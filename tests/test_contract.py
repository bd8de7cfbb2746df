"""The form contract: at the bottom of the import graph, and the one source of what computed cells show.

- perfxl.contract imports nothing of perfxl but the core, and no third-party library;
- the headless batch (``import perfxl.batch.runner``, ``perfxl check``, ``perfxl summary``) imports
  neither xlwings, jinja2 nor, unless it writes a workbook, xlsxwriter;
- generating the seed list computes each form once (the cached values come from its one FormResult);
- those values are what the PERF_* functions compute from the cells, for any input a list or a returned
  form can hold, and the xlwings wrappers are those functions.
"""

from __future__ import annotations

import ast
import cProfile
import json
import pstats
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from perfxl import udfs
from perfxl.cli import bundled_example
from perfxl.contract import functions
from perfxl.contract.profiles import load_profile, profile_to_json
from perfxl.contract.texts import NATIVE_CHECKS, SEPARATOR
from perfxl.contract.values import form_values, row_rule_cell
from perfxl.core import budget, form, indicator
from perfxl.core.budget import Funds, FundsRow
from perfxl.core.form import FormInput, evaluate_form
from perfxl.core.indicator import IndicatorInput, evaluate_indicator
from perfxl.core.numbers import to_float
from perfxl.core.profile import Profile
from perfxl.generate import generate
from perfxl.generate.inputs import design_actual
from perfxl.projectlist import load_project_list
from tests.support.random_lists import QUALITATIVE, QUANTITATIVE, ZERO_TARGETS

ROOT = Path(__file__).resolve().parents[1]
CONTRACT = ROOT / "perfxl" / "contract"
PROFILE = load_profile()
# A profile other than the default: forms then pass it to every function as JSON.
OTHER = PROFILE.with_overrides({"budget_weight": 20, "partial_share": "0.5"}, name="测试")
EXCEL_WRITERS = ("xlwings", "jinja2", "xlsxwriter")


def _fresh_modules(code: str) -> list[str]:
    """The modules a fresh interpreter has loaded after ``code`` (run from the repository, as the tests are)."""
    probe = f"import sys\n{code}\nimport json\nprint(json.dumps(sorted(sys.modules)))"
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(run.stdout.strip().splitlines()[-1])


def _allowed(module: str) -> bool:
    top = module.split(".")[0]
    return top in sys.stdlib_module_names or module == "perfxl" or module.startswith(("perfxl.core", "perfxl.contract"))


# -- the bottom of the graph ----------------------------------------------------------------------


@pytest.mark.slow
def test_the_contract_imports_only_the_core_and_the_standard_library() -> None:
    modules = ["perfxl.contract", "perfxl.contract.profiles"]
    modules += [f"perfxl.contract.{path.stem}" for path in sorted(CONTRACT.glob("*.py")) if path.stem != "__init__"]
    baseline = set(_fresh_modules(""))
    loaded = set(_fresh_modules("\n".join(f"import {m}" for m in modules)))
    assert set(modules) <= loaded
    assert sorted(m for m in loaded - baseline if not _allowed(m)) == []
    # Also the imports a function makes only when called.
    for path in CONTRACT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else ([node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            )
            for name in names:
                assert name == "__future__" or _allowed(name), f"{path.name} imports {name}"


@pytest.mark.slow
def test_the_headless_batch_imports_neither_excel_nor_a_workbook_writer() -> None:
    loaded = _fresh_modules("import perfxl.batch.runner")
    assert [m for m in EXCEL_WRITERS if m in loaded] == []
    assert not any(
        m.startswith(("perfxl.generate", "perfxl.udfs", "perfxl.excel", "perfxl.form_template")) for m in loaded
    )


def _command_modules(args: list[str]) -> list[str]:
    return _fresh_modules(f"from perfxl.cli import main\nmain({args!r})")


@pytest.mark.slow
def test_perfxl_check_imports_no_workbook_writer_unless_it_writes_a_report(tmp_path: Path) -> None:
    for source in (str(ROOT / "workbooks" / "已填报-udf"), bundled_example()):
        loaded = _command_modules(["check", source])
        assert [m for m in EXCEL_WRITERS if m in loaded] == [], source
    report = _command_modules(
        ["check", str(ROOT / "workbooks" / "已填报-native"), "--report", str(tmp_path / "问题清单.xlsx")]
    )
    assert (tmp_path / "问题清单.xlsx").is_file()
    assert "xlsxwriter" in report  # it writes a workbook
    assert [m for m in ("xlwings", "jinja2") if m in report] == []
    assert not any(m.startswith("perfxl.generate") for m in report)


@pytest.mark.slow
def test_perfxl_summary_imports_neither_excel_nor_the_generator(tmp_path: Path) -> None:
    loaded = _command_modules(["summary", str(ROOT / "workbooks" / "已填报-udf"), "-o", str(tmp_path / "汇总.xlsx")])
    assert (tmp_path / "汇总.xlsx").is_file()
    assert [m for m in ("xlwings", "jinja2") if m in loaded] == []
    assert not any(m.startswith(("perfxl.generate", "perfxl.udfs", "perfxl.form_template")) for m in loaded)


# -- computed once --------------------------------------------------------------------------------


def _calls(profile: cProfile.Profile, *functions_: object) -> list[int]:
    """How many times each function ran, by its code object (however a module imported it)."""
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    counts = []
    for function in functions_:
        code = function.__code__  # type: ignore[attr-defined]
        key = (code.co_filename, code.co_firstlineno, code.co_name)
        counts.append(stats[key][1] if key in stats else 0)
    return counts


@pytest.mark.parametrize("mode", ["udf", "native"])
@pytest.mark.slow
def test_generating_the_seed_list_computes_each_form_once(mode: str, tmp_path: Path) -> None:
    forms = load_project_list(bundled_example()).forms
    profile = cProfile.Profile()
    profile.enable()
    written = generate(bundled_example(), tmp_path, mode=mode, workers=1)
    profile.disable()
    assert len(written) == len(forms) == 2
    indicators = sum(len(f.indicators) for f in forms)
    assert _calls(profile, form.evaluate_form, budget.execution_rate, indicator.rule_score) == [
        len(forms),
        len(forms),
        indicators,
    ]


# -- the values are the functions' ----------------------------------------------------------------

TARGETS = st.one_of(
    st.sampled_from(
        [p.format(v=v) for p, _ in QUANTITATIVE for v in (3, 90, "0.5", 1745)]
        + ZERO_TARGETS
        + QUALITATIVE
        + ["≥-5%", "  ≥3次 ", ">=abc", "", "#N/A"]
    ),
    st.text(max_size=8),
)
LIST_ACTUALS = st.one_of(
    st.none(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.decimals(allow_nan=False, allow_infinity=False, places=3, min_value=-(10**6), max_value=10**6),
    st.sampled_from(
        [
            "18次",
            "88%",
            "88",
            "88.0%",
            "约90%",
            "顺利完成",
            " 较顺利 ",
            "未完成",
            "1,745人次",
            "5台",
            "≥95%",
            "  ",
            "基本完成",
            "ǘ´",
        ]
    ),
    st.text(max_size=8),
)
# What a returned form's 实际完成值 cell can hold, as a Book reads it.
CELL_ACTUALS = st.one_of(LIST_ACTUALS, st.booleans(), st.sampled_from(["#N/A", "#VALUE!", " #DIV/0! "]))
WEIGHTS = st.sampled_from([Decimal(w) for w in ("1", "2.5", "10", "0.5", "3", "15")])
PROFILES = st.sampled_from([PROFILE, OTHER])
AMOUNTS = st.one_of(
    st.none(),
    st.sampled_from([Decimal(0), Decimal("988374"), Decimal("123456789012345.67")]),
    st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False),
)


def _profile_cell(profile: Profile) -> str | None:
    """The profile argument a generated form passes its functions (none for the default profile)."""
    return None if profile_to_json(profile) == profile_to_json(PROFILE) else profile_to_json(profile)


@settings(max_examples=400, suppress_health_check=list(HealthCheck), deadline=None)
@given(TARGETS, LIST_ACTUALS, st.booleans(), WEIGHTS, PROFILES)
# The cell holds the list's text normalised (NFKC, no spaces), which here reads differently: "´" becomes a
# combining accent that joins the letter before it. The rule is then applied to what the cell holds.
@example("úe¨", "úe¨", False, Decimal(1), PROFILE)
@pytest.mark.slow
def test_a_generated_row_caches_what_perf_score_computes_from_its_cells(
    target: str, actual: object, echo: bool, weight: Decimal, profile: Profile
) -> None:
    if echo:  # the actual restates the target: the dropdown's first option, or any text the list gives
        actual = target
    row = evaluate_indicator(IndicatorInput("", "", "", target, weight, actual), profile)
    cell = design_actual(row.target, actual).cell_value if row.target.error is None else actual
    expected = functions.perf_score(target, cell, float(weight), _profile_cell(profile))
    assert row_rule_cell(row, cell, profile) == expected


@settings(max_examples=400, suppress_health_check=list(HealthCheck), deadline=None)
@given(TARGETS, CELL_ACTUALS, WEIGHTS, PROFILES)
@pytest.mark.slow
def test_a_returned_row_shows_what_perf_score_computes_from_its_cells(
    target: str, cell: object, weight: Decimal, profile: Profile
) -> None:
    actual = None if isinstance(cell, str) and not cell.strip() else cell  # as perfxl.readback.reader reads it
    row = evaluate_indicator(IndicatorInput("", "", "", target, weight, actual), profile)
    expected = functions.perf_score(target, cell, float(weight), _profile_cell(profile))
    assert row_rule_cell(row, actual, profile) == expected


@settings(max_examples=300, suppress_health_check=list(HealthCheck), deadline=None)
@given(AMOUNTS, AMOUNTS, AMOUNTS, PROFILES)
@example(Decimal("1000000000000000.1"), Decimal("999950000000000"), None, PROFILE)  # 16 digits: a cell keeps 15
@pytest.mark.slow
def test_the_budget_cells_are_what_perf_rate_and_perf_budget_score_compute(
    annual: Decimal | None, executed: Decimal | None, carryover: Decimal | None, profile: Profile
) -> None:
    funds = Funds(fiscal=FundsRow(annual, annual, executed), carryover=FundsRow(None, carryover, carryover))
    rows = [IndicatorInput("产出指标", "数量指标", "培训场次", ">=3次", Decimal(10), 4)]
    result = evaluate_form(FormInput("项目", "部门", "单位", funds, rows), profile)
    values = form_values(result, [4.0])
    total = funds.total
    cells = (to_float(total.annual), to_float(total.executed))
    weight = float(profile.budget_weight)
    assert values.rate == functions.perf_rate(*cells, _profile_cell(profile))
    assert values.budget_score == functions.perf_budget_score(*cells, weight, _profile_cell(profile))
    assert values.rows[0].rule_score == functions.perf_score(">=3次", 4.0, 10.0, _profile_cell(profile))


def test_the_seed_forms_values_are_the_functions() -> None:
    """Every computed cell of the seed forms, as the UDFs compute it from the generated cells."""
    project_list = load_project_list(bundled_example())
    for form_input in project_list.forms:
        result = evaluate_form(form_input, project_list.profile)
        cells = [design_actual(r.target, r.input.actual).cell_value for r in result.indicators]
        values = form_values(result, cells)
        total = result.form.funds.total
        assert values.rate == functions.perf_rate(to_float(total.annual), to_float(total.executed))
        for row, cell, shown in zip(result.indicators, cells, values.rows, strict=True):
            rule = functions.perf_score(row.input.target, cell, float(row.input.weight))
            assert shown.rule_score == rule
            assert shown.score == (rule if row.input.score is None else float(row.input.score))


def test_the_native_check_texts_hold_no_space() -> None:
    """The native check formula joins them with spaces, then turns the spaces into the separator."""
    assert all(" " not in text and SEPARATOR not in text for text in NATIVE_CHECKS.values())


# -- the xlwings wrappers -------------------------------------------------------------------------

EXCEL_VALUES = st.one_of(
    st.none(),
    st.floats(allow_nan=False),
    st.text(max_size=12),
    st.booleans(),
    st.sampled_from(["#N/A", ">=90%", "较顺利", "1,745人次", "", "  ", "mof-2020", "0.9"]),
    st.lists(st.floats(allow_nan=False), max_size=3),
)


@pytest.mark.slow  # a hypothesis search
@given(EXCEL_VALUES, EXCEL_VALUES, EXCEL_VALUES, EXCEL_VALUES, EXCEL_VALUES, EXCEL_VALUES)
def test_each_udf_is_its_contract_function(a: object, b: object, c: object, d: object, e: object, f: object) -> None:
    assert [
        udfs.PERF_RATE(a, b, c),
        udfs.PERF_BUDGET_SCORE(a, b, c, d),
        udfs.PERF_SCORE(a, b, c, d),
        udfs.PERF_GRADE(a, b),
        udfs.PERF_CHECK(a, b, c, d, e, f),
    ] == [
        functions.perf_rate(a, b, c),
        functions.perf_budget_score(a, b, c, d),
        functions.perf_score(a, b, c, d),
        functions.perf_grade(a, b),
        functions.perf_check(a, b, c, d, e, f),
    ]
    assert [f.__name__ for f in udfs.UDFS] == list(functions.UDFS)
