"""Native-mode forms recalculated from scratch by LibreOffice give what the Python core computes.

LibreOffice is the independent spreadsheet engine: it never sees perfxl's code, only the formulas
the generator wrote. Every formula cell it computes must equal the value perfxl cached in the file,
for the seed forms and for a few hundred random forms.
"""

from __future__ import annotations

import random
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perfxl.cli import bundled_example
from perfxl.contract.fields import FIELDS, Kind
from perfxl.core.form import evaluate_form
from perfxl.core.indicator import IndicatorInput
from perfxl.generate import generate
from perfxl.libreoffice import convert
from perfxl.projectlist import load_project_list
from perfxl_tools.ooxml import validate_package
from perfxl_tools.uno_session import UnoSession
from tests.support.office import plain, require_libreoffice
from tests.support.random_lists import random_list
from tests.support.templates import restyled_template
from tests.support.workbooks import named_values

require_libreoffice()
pytestmark = pytest.mark.libreoffice


@pytest.fixture(scope="module")
def office():
    with UnoSession(timeout=300) as session:
        yield session


COMPUTED = {f.defined_name for f in FIELDS.values() if f.kind in (Kind.FORMULA, Kind.SCORE)}


def assert_same_as_cached(office: UnoSession, path: Path) -> int:
    """Recalculate in LibreOffice; every computed cell must hold its cached value. Returns cells compared."""
    result = office.recalculate(path, errors=True)
    assert result.errors == [], result.errors[:5]
    compared = 0
    for sheet, names in named_values(path).items():
        for name, cached in names.items():
            if name not in COMPUTED:
                continue
            grid = result.names[f"{sheet}!{name}"]
            recalculated = [value for row in grid for value in row]
            assert [plain(v) for v in recalculated] == [plain(v) for v in cached][: len(recalculated)], (
                f"{sheet}!{name}"
            )
            compared += len(recalculated)
    return compared


def test_seed_forms_recalculate_to_the_published_results(office, tmp_path: Path, seed_expected: dict) -> None:
    (path,) = generate(bundled_example(), tmp_path, mode="native", single="seed.xlsx")
    assert assert_same_as_cached(office, path) > 100
    result = office.recalculate(path)
    for project, expected in seed_expected.items():
        assert result.value(f"{project}!PERFXL_RATE") == expected["rate"]
        assert result.value(f"{project}!PERFXL_BUDGET_SCORE") == expected["budget_score"]
        assert result.value(f"{project}!PERFXL_TOTAL") == expected["total"]
        assert result.value(f"{project}!PERFXL_GRADE") == expected["grade"]


@pytest.mark.slow  # four random lists of 75 projects, a workbook each, through LibreOffice: over a minute
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_random_forms_recalculate_to_the_core(office, tmp_path_factory, seed: int) -> None:
    folder = tmp_path_factory.mktemp("random")
    source = folder / "list.yaml"
    source.write_text(yaml.safe_dump(random_list(random.Random(seed), 75), allow_unicode=True), encoding="utf-8")
    (path,) = generate(source, folder, mode="native", single="random.xlsx")
    assert assert_same_as_cached(office, path) > 75 * 10
    # The cached values are the core's: spot-check totals against evaluate_form.
    project_list = load_project_list(source)
    result = office.recalculate(path)
    for form in project_list.forms[:10]:
        total = evaluate_form(form, project_list.profile).total
        assert plain(result.value(f"{form.name}!PERFXL_TOTAL")) == plain(None if total is None else float(total))


def _with_actual(form, index: int, actual: object):
    rows = list(form.indicators)
    old = rows[index]
    rows[index] = IndicatorInput(
        old.level1, old.level2, old.name, old.target, old.weight, actual, old.score, old.reason
    )
    return type(form)(**{**form.__dict__, "indicators": tuple(rows)})


def test_changing_an_actual_changes_the_total_as_the_rules_say(office, tmp_path: Path) -> None:
    (path,) = generate(bundled_example(), tmp_path, mode="native")[:1]
    project_list = load_project_list(bundled_example())
    form = project_list.forms[0]
    satisfaction = [r.name for r in form.indicators].index("受培训人员满意度")  # >=90%, weight 5, no override
    row = 13 + satisfaction
    result = office.recalculate(
        path, set={f"业务工作经历!F{row}": 0.45}, cells=[f"业务工作经历!H{row}", f"业务工作经历!K{row}"]
    )
    expected = evaluate_form(_with_actual(form, satisfaction, 0.45), project_list.profile)
    assert expected.indicators[satisfaction].score == Decimal("2.5")
    assert result.value(f"业务工作经历!H{row}") == 2.5
    assert result.value("业务工作经历!PERFXL_TOTAL") == float(expected.total) == 87.46
    assert result.value("业务工作经历!PERFXL_GRADE") == "良"
    assert result.value(f"业务工作经历!K{row}") == "须填写偏差原因分析及改进措施"
    # The budget: spending all of it scores the full 10.
    result = office.recalculate(path, set={"业务工作经历!E7": 988374})
    assert result.value("业务工作经历!PERFXL_RATE") == 1
    assert result.value("业务工作经历!PERFXL_TOTAL") == 89.96 - 5.96 + 10


def test_restyled_template_recalculates_in_libreoffice(office, tmp_path: Path) -> None:
    template = restyled_template(tmp_path / "改版模板.xlsx")
    (path,) = generate(bundled_example(), tmp_path / "out", mode="native", single="seed.xlsx", template_path=template)
    assert assert_same_as_cached(office, path) > 100


@pytest.mark.parametrize("mode", ["udf", "native"])
def test_generated_packages_pass_schema_validation_and_lint(tmp_path: Path, mode: str) -> None:
    paths = generate(bundled_example(), tmp_path, mode=mode)
    paths += generate(bundled_example(), tmp_path, mode=mode, single="all.xlsx")
    for path in paths:
        problems = [p for p in validate_package(path) if p.severity == "error"]
        assert problems == [], problems


def _pdf(path: Path, folder: Path) -> tuple[str, str]:
    pdf = convert(path, folder, "pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return info, text


def test_pdf_is_one_a4_page_with_the_chinese_labels(tmp_path: Path) -> None:
    path = generate(bundled_example(), tmp_path, mode="native")[0]
    info, text = _pdf(path, tmp_path / "pdf")
    assert "Pages:           1" in info
    assert "595.3" in info and "841.89" in info  # A4 portrait, in points
    labels = (
        "财政项目支出绩效自评表",
        "（2022 年度）",
        "项目名称",
        "主管部门",
        "实施单位",
        "年度资金总额",
        "年初预算数",
        "全年预算数",
        "全年执行数",
        "执行率",
        "预期目标",
        "实际完成情况",
        "一级指标",
        "三级指标",
        "年度指标值",
        "实际完成值",
        "偏差原因分析及改进措施",
        "总分",
        "填报人",
        "89.96",
        "59.58%",
    )
    for label in labels:
        assert label in text, label
    assert "检查结果" not in text  # the helper columns are not printed


def test_pdf_of_a_form_with_25_long_indicators_is_one_page(tmp_path: Path) -> None:
    data = random_list(random.Random(7), 1)
    project = data["projects"][0]
    project["indicators"] = [
        {
            "level1": "产出指标",
            "level2": "数量指标",
            "name": f"第{i + 1}项较长的三级指标名称用于测试换行效果",
            "target": ">=90%",
            "weight": 3.6,
            "actual": 0.8,
            "reason": "原因：受疫情影响，部分项目未能按计划实施；措施：及时跟踪情况，调整工作计划，加强过程管理。",
        }
        for i in range(25)
    ]
    data.pop("profile", None)
    source = tmp_path / "list.yaml"
    source.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    path = generate(source, tmp_path, mode="native")[0]
    info, text = _pdf(path, tmp_path / "pdf")
    assert "Pages:           1" in info
    assert "第25项较长的三级指标" in text.replace(" ", "").replace("\n", "") or "第25项" in text
