"""The generator on real files: contents, cached values, names, protection and guidance (no Excel needed)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlwings
import yaml

from perfxl.cli import bundled_example
from perfxl.contract.fields import FIELDS
from perfxl.core.form import evaluate_form
from perfxl.errors import InputError
from perfxl.generate import generate, generate_forms
from perfxl.projectlist.validate import build_project_list
from tests.support.workbooks import formula_cells, formulas_without_cached_value, named_values

EXAMPLES = Path(bundled_example()).parent
BLANK = EXAMPLES / "2022-two-projects-blank.yaml"


@pytest.fixture(scope="module", params=["udf", "native"])
def seed_forms(request, tmp_path_factory) -> tuple[str, list[Path]]:
    out = tmp_path_factory.mktemp(request.param)
    return request.param, generate(bundled_example(), out, mode=request.param)


@pytest.mark.slow
def test_one_file_per_project_named_by_year_and_project(seed_forms) -> None:
    mode, paths = seed_forms
    suffix = ".xlsm" if mode == "udf" else ".xlsx"  # udf forms carry their VBA project
    assert [p.name for p in paths] == [f"2022_业务工作经历{suffix}", f"2022_鉴定考务经费{suffix}"]


def test_cached_values_are_the_published_results(seed_forms, seed_expected: dict) -> None:
    _, paths = seed_forms
    for path in paths:
        ((sheet, names),) = named_values(path).items()
        expected = seed_expected[sheet]
        assert names["PERFXL_RATE"] == [expected["rate"]]
        assert names["PERFXL_BUDGET_SCORE"] == [expected["budget_score"]]
        assert names["PERFXL_TOTAL"] == [expected["total"]]
        assert names["PERFXL_GRADE"] == [expected["grade"]]
        assert names["PERFXL_TOTAL_WEIGHT"] == [100]
        rule_scores = dict(zip(names["PERFXL_IND_NAME"], names["PERFXL_IND_RULE_SCORE"], strict=True))
        for indicator, score in expected["rule_scores"].items():
            assert rule_scores[indicator] == score


def test_every_formula_carries_its_cached_value(seed_forms) -> None:
    _, paths = seed_forms
    for path in paths:
        assert formulas_without_cached_value(path) == []


def test_udf_and_native_formulas(seed_forms) -> None:
    mode, paths = seed_forms
    formulas = formula_cells(paths[0])
    sheet = "业务工作经历"
    if mode == "udf":
        # Each UDF behind a native test of the blank inputs on which it gives "" itself.
        assert formulas[(sheet, "G6")] == '=IF(OR(D6="",E6=""),"",PERF_RATE(D6,E6))'
        assert formulas[(sheet, "H13")] == '=IF(OR(E13="",F13="",G13=""),"",PERF_SCORE(E13,F13,G13))'
        assert formulas[(sheet, "K13")].startswith("=SUBSTITUTE(TRIM(")  # native in both modes
        assert formulas[(sheet, "I35")] == '=IF(H35="","",PERF_GRADE(H35))'
    else:
        assert not any("PERF_" in f for f in formulas.values())
        assert formulas[(sheet, "G6")] == '=IF(OR(D6="",E6=""),"",IF(D6=0,"错误：全年预算数为0",ROUND(E6/D6,4)))'
    assert formulas[(sheet, "D6")] == '=IF(COUNT(D7,D8,D9)=0,"",SUM(D7,D8,D9))'
    assert formulas[(sheet, "H35")] == '=IF(COUNT(H6,H13:H34)<23,"",ROUND(H6+SUM(H13:H34),2))'


def test_officer_scores_are_typed_over_the_formula(seed_forms) -> None:
    _, paths = seed_forms
    book = openpyxl.load_workbook(paths[0])
    ws = book["业务工作经历"]
    row = 13 + 19  # 鉴定考试完成情况, officer 3 where the rule gives 2.8
    assert ws[f"D{row}"].value == "鉴定考试完成情况"
    assert ws[f"H{row}"].value == 3
    assert str(ws[f"J{row}"].value).startswith("=")


def test_defined_names_cover_every_field_and_the_indicator_table(seed_forms) -> None:
    _, paths = seed_forms
    book = openpyxl.load_workbook(paths[0])
    names = book["业务工作经历"].defined_names
    for field in FIELDS.values():
        assert field.defined_name in names, field.key
    assert names["PERFXL_IND_SCORE"].attr_text == "'业务工作经历'!$H$13:$H$34"
    assert names["PERFXL_INDICATORS"].attr_text == "'业务工作经历'!$B$13:$K$34"
    assert names["PERFXL_TOTAL"].attr_text == "'业务工作经历'!$H$35"


def test_hidden_metadata_records_versions_targets_and_weights(seed_forms) -> None:
    mode, paths = seed_forms
    book = openpyxl.load_workbook(paths[0])
    meta = book["perfxl"]
    assert meta.sheet_state == "veryHidden"
    # udf forms have one setting more: the xlwings version their VBA project declares.
    count = 10 if mode == "udf" else 9
    settings = {meta.cell(r, 1).value: meta.cell(r, 2).value for r in range(1, count + 1)}
    assert meta.cell(count + 1, 1).value is None
    assert settings["格式"] == "perfxl-form/1"
    assert settings["计算方式"] == mode
    assert settings["年度"] == 2022
    assert len(settings["模板版本"]) == 12
    assert '"partial_share":0.7' in settings["评分配置"]
    assert settings.get("xlwings 版本") == (xlwings.__version__ if mode == "udf" else None)
    rows = [[c.value for c in row] for row in meta.iter_rows(min_row=count + 3, max_row=count + 4)]
    assert rows[0] == ["业务工作经历", "业务工作经历", 1, "产出指标", "数量指标", "工作人员培训场次数", ">=3次", 10]
    assert "PERFXL_PROFILE" in book.defined_names


def test_inputs_unlocked_and_everything_else_locked(seed_forms) -> None:
    _, paths = seed_forms
    ws = openpyxl.load_workbook(paths[0])["业务工作经历"]
    assert ws.protection.sheet and not ws.protection.password
    unlocked = {"F13", "H13", "I13", "E7", "F11"}  # 实际完成值, 得分, 偏差原因, 全年执行数, 实际完成情况
    locked = {"C3", "E13", "G13", "J13", "K13", "G6", "H6", "H35", "I35", "D7", "D6"}
    assert all(not ws[a].protection.locked for a in unlocked)
    assert all(ws[a].protection.locked for a in locked)


def test_validations_guide_the_officer_in_chinese(seed_forms) -> None:
    mode, paths = seed_forms
    ws = openpyxl.load_workbook(paths[0])["业务工作经历"]
    by_cell = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    quantitative = by_cell["F13"]  # >=3次
    assert quantitative.type == "decimal"
    assert "请填写数值" in quantitative.prompt
    qualitative = by_cell["F18"]  # 课题报告完成情况: 完成
    assert qualitative.type == "list"
    options = qualitative.formula1.strip('"').split(",")
    assert options[0] == "完成" and {"达成", "部分达成", "未达成", "未完成"} <= set(options)
    assert (qualitative.errorStyle or "stop") == ("stop" if mode == "native" else "warning")
    score = by_cell["H13"]
    assert (score.type, score.operator or "between", float(score.formula1), float(score.formula2)) == (
        "decimal",
        "between",
        0,
        10,
    )
    assert ws["F19"].number_format == "0%"  # 培训出勤率 >=95%, 97%


def test_conditional_formats_mark_missing_reasons_and_scores_above_weight(seed_forms) -> None:
    _, paths = seed_forms
    ws = openpyxl.load_workbook(paths[0])["业务工作经历"]
    rules = {str(cf.sqref): [r.formula[0] for r in cf.rules] for cf in ws.conditional_formatting}
    # Generic rules over the whole band, relative to its first row; over-achievement row by row.
    assert any("H13>G13" in f for f in rules["H13:H34"])
    assert any("OR(H13<G13" in f for f in rules["I13:I34"])
    assert any("F13>=3.9" in f for f in rules["I13"])  # over-achievement: 1.3 × 3次
    assert any("F29>=650" in f for f in rules["I29"])  # 培训覆盖人次数 >=500人次


def test_indicator_groups_are_merged(seed_forms) -> None:
    _, paths = seed_forms
    ws = openpyxl.load_workbook(paths[0])["业务工作经历"]
    merged = {str(m) for m in ws.merged_cells.ranges}
    assert {"B13:B27", "C13:C19", "C20:C22", "C23:C27", "B28:B32", "C28:C32", "B33:B34", "C33:C34"} <= merged
    assert "A12:A34" in merged  # 绩效指标 down the whole table
    assert "A35:F35" in merged  # 总分 moved below the band


@pytest.mark.slow
def test_blank_list_makes_blank_forms(tmp_path: Path) -> None:
    paths = generate(BLANK, tmp_path, mode="native")
    ((sheet, names),) = named_values(paths[0]).items()
    # An empty text result reads back as None.
    assert names["PERFXL_RATE"] == names["PERFXL_TOTAL"] == names["PERFXL_GRADE"] == [None]
    assert set(names["PERFXL_IND_ACTUAL"]) == set(names["PERFXL_IND_SCORE"]) == {None}
    assert names["PERFXL_FUNDS_TOTAL_ANNUAL"] == [988374]
    ws = openpyxl.load_workbook(paths[0])[sheet]
    assert ws["D7"].protection.locked  # the budget comes from the list: locked
    assert not ws["E7"].protection.locked  # 全年执行数 is the officer's


@pytest.mark.slow
def test_single_workbook_with_index(tmp_path: Path) -> None:
    (path,) = generate(bundled_example(), tmp_path, mode="native", single="全部.xlsx")
    assert path == tmp_path / "全部.xlsx"
    book = openpyxl.load_workbook(path, data_only=True)
    assert book.sheetnames == ["目录", "业务工作经历", "鉴定考务经费", "perfxl"]
    index = book["目录"]
    assert [[c.value for c in row] for row in index.iter_rows(min_row=4, max_row=5, min_col=2, max_col=6)] == [
        ["业务工作经历", "上海市人力资源和社会保障局", "上海市职业技能鉴定中心", 89.96, "良"],
        ["鉴定考务经费", "上海市人力资源和社会保障局", "上海市职业技能鉴定中心", 92.57, "优"],
    ]
    assert index["B4"].hyperlink.location == "'业务工作经历'!A1"


@pytest.mark.slow
def test_list_profile_reaches_the_udfs_and_the_native_constants(tmp_path: Path) -> None:
    data = yaml.safe_load(Path(bundled_example()).read_text(encoding="utf-8"))
    data["profile"] = {"base": "mof-2020", "partial_share": 0.5}
    data["projects"][0]["indicators"][19].pop("score")  # 鉴定考试完成情况 较顺利: rule score, 0.5 × 4
    data["projects"][0]["indicators"][19].pop("reason")
    project_list = build_project_list(data, Path("list.yaml"))  # in memory: no file to write or read
    (udf,) = generate_forms(project_list, tmp_path / "udf", mode="udf")[:1]
    (native,) = generate_forms(project_list, tmp_path / "native", mode="native")[:1]
    assert formula_cells(udf)[("业务工作经历", "H32")] == (
        '=IF(OR(E32="",F32="",G32=""),"",PERF_SCORE(E32,F32,G32,PERFXL_PROFILE))'
    )
    assert "G32*0.5" in formula_cells(native)[("业务工作经历", "H32")]
    for path in (udf, native):
        names = named_values(path)["业务工作经历"]
        assert names["PERFXL_IND_SCORE"][19] == 2
        total = evaluate_form(project_list.forms[0], project_list.profile).total
        assert names["PERFXL_TOTAL"] == [float(total)]


def test_bad_list_writes_nothing(tmp_path: Path) -> None:
    source = tmp_path / "bad.yaml"
    source.write_text("perfxl: 1\nyear: 2022\nprojects: [{name: a, indicators: [{weight: x}]}]\n", encoding="utf-8")
    with pytest.raises(InputError):
        generate(source, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_project_without_indicators_is_refused(tmp_path: Path) -> None:
    project_list = build_project_list(
        {"perfxl": 1, "year": 2022, "projects": [{"name": "空项目", "indicators": []}]}, Path("empty.yaml")
    )
    with pytest.raises(InputError, match="没有绩效指标"):
        generate_forms(project_list, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_generated_files_are_complete_zip_packages(seed_forms) -> None:
    _, paths = seed_forms
    for path in paths:
        with zipfile.ZipFile(path) as archive:
            assert archive.testzip() is None
            assert "xl/workbook.xml" in archive.namelist()
    assert not list(paths[0].parent.glob(".*"))  # no temporary files left behind
