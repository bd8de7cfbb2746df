"""The 项目清单 workbook: written from a list's plain data, read back to the same forms, and every
problem in an edited workbook named by sheet, row and column, in Chinese."""

from __future__ import annotations

import copy
import subprocess
import sys
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import yaml

from perfxl.core.form import evaluate_form
from perfxl.errors import InputError
from perfxl.projectlist import load_project_list
from perfxl.projectlist.workbook_layout import LEVEL1_CHOICES, LEVEL2_CHOICES
from perfxl.projectlist.workbook_reader import read_project_list_workbook
from perfxl.projectlist.workbook_writer import write_project_list_workbook

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "templates" / "项目清单.xlsx"
EXAMPLE = ROOT / "perfxl" / "examples" / "2022-two-projects.xlsx"
# Rows of the seed workbook's 指标 sheet: the first project's indicators are rows 2–23.
ROW_OF_6TH_INDICATOR = 7


@pytest.fixture(scope="module")
def seed_data(seed_list: Path) -> dict:
    return yaml.safe_load(seed_list.read_text(encoding="utf-8"))


@pytest.fixture
def seed_xlsx(tmp_path: Path, seed_data: dict) -> Path:
    path = tmp_path / "清单.xlsx"
    write_project_list_workbook(seed_data, path)
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(InputError) as caught:
        load_project_list(path)
    return [p.render() for p in caught.value.problems]


def edit(path: Path, change) -> Path:
    """Open the workbook as an officer's Excel would, change it, save it under the same name."""
    book = openpyxl.load_workbook(path)
    change(book)
    book.save(path)
    return path


def headers(sheet) -> dict[str, int]:
    return {str(c.value).replace("\n", ""): c.column for c in sheet[1] if c.value}


def set_cell(sheet_name: str, row: int, header: str, value: object, number_format: str | None = None):
    def change(book) -> None:
        sheet = book[sheet_name]
        cell = sheet.cell(row, headers(sheet)[header])
        cell.value = value
        if number_format:
            cell.number_format = number_format

    return change


# --- round trip ----------------------------------------------------------------------------------


def test_seed_yaml_to_workbook_and_back_gives_the_same_forms(seed_xlsx: Path, seed_list: Path) -> None:
    from_yaml, from_xlsx = load_project_list(seed_list), load_project_list(seed_xlsx)
    assert from_xlsx.forms == from_yaml.forms
    assert (from_xlsx.year, from_xlsx.profile) == (from_yaml.year, from_yaml.profile)
    assert from_xlsx.path == seed_xlsx


def test_reader_gives_back_the_plain_data(seed_xlsx: Path, seed_data: dict) -> None:
    assert read_project_list_workbook(seed_xlsx) == seed_data


def test_bundled_example_workbook_matches_the_yaml(seed_list: Path) -> None:
    assert load_project_list(EXAMPLE).forms == load_project_list(seed_list).forms


def test_overrides_profile_defaults_and_funds_total_survive_the_round_trip(tmp_path: Path, seed_data: dict) -> None:
    data = copy.deepcopy(seed_data)
    data["profile"] = {"base": "mof-2020", "over_achievement": 1.5}
    project = data["projects"][1]
    project.update(department="某委员会", unit="某事务中心")
    project["funds"]["total"] = {"initial": 5736420, "annual": 1440512, "executed": 945926.25}
    project["indicators"][0].update(actual=0.885, score=6.5)  # a number as Excel stores 88.5%
    path = tmp_path / "改动.xlsx"
    write_project_list_workbook(data, path)
    assert read_project_list_workbook(path) == data
    loaded = load_project_list(path)
    assert loaded.profile.over_achievement == Decimal("1.5")
    assert (loaded.forms[1].department, loaded.forms[1].unit) == ("某委员会", "某事务中心")
    assert loaded.forms[1].funds.stated_total.executed == Decimal("945926.25")
    assert loaded.forms[0].department == "上海市人力资源和社会保障局"
    book = openpyxl.load_workbook(path)
    assert book["指标"]["G24"].number_format == "0.0#%"  # shown as 88.5%


def test_writing_is_reproducible_with_a_fixed_creation_time(tmp_path: Path, seed_data: dict) -> None:
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    for path in (first, second):
        write_project_list_workbook(seed_data, path, created=datetime(2022, 1, 1))
    assert first.read_bytes() == second.read_bytes()


def test_writer_refuses_a_field_the_workbook_has_no_place_for(tmp_path: Path, seed_data: dict) -> None:
    data = copy.deepcopy(seed_data)
    data["projects"][0]["indicators"][0]["colour"] = "红"
    with pytest.raises(ValueError, match="第1个项目的第1个指标有工作簿中没有位置的字段「colour」"):
        write_project_list_workbook(data, tmp_path / "x.xlsx")


# --- the blank template --------------------------------------------------------------------------


def test_blank_template_reads_as_a_list_without_projects() -> None:
    assert read_project_list_workbook(TEMPLATE) == {"perfxl": 1, "profile": "mof-2020", "projects": []}


def test_blank_template_is_refused_with_a_clear_message() -> None:
    assert problems(TEMPLATE) == [
        "项目清单.xlsx，「基本信息」表第3行「年度」：缺少必填字段 年度",
        "项目清单.xlsx，「项目」表：项目列表必须是至少包含一个项目的列表",
    ]


# --- an officer's edits that must not matter -----------------------------------------------------


def reorder_and_pad(book) -> None:
    """Columns reversed, blank rows above, between and below the data, numbers typed as text with
    spaces, trailing spaces in texts, an extra 备注 column."""
    for sheet in (book["项目"], book["指标"]):
        rows = [[c.value for c in row] for row in sheet.iter_rows()]
        sheet.delete_rows(1, sheet.max_row)
        header, data = rows[0][::-1], [row[::-1] for row in rows[1:]]
        sheet.append([*header, "备注（自用）"])
        sheet.append([])
        for row in data:
            sheet.append(
                [
                    f" {v:,} "
                    if isinstance(v, (int, float)) and not isinstance(v, bool)
                    else f"{v}  "
                    if isinstance(v, str)
                    else v
                    for v in row
                ]
                + ["不读取"]
            )
            for cell in sheet[sheet.max_row]:
                if cell.data_type == "f":  # =100% typed into a text cell is text, not a formula
                    cell.data_type = "s"
            sheet.append([None, "   "])


def test_reordered_columns_blank_rows_text_numbers_and_spaces_are_read_alike(seed_xlsx: Path, seed_list: Path) -> None:
    edit(seed_xlsx, reorder_and_pad)
    assert load_project_list(seed_xlsx).forms == load_project_list(seed_list).forms


def test_a_number_typed_as_percent_stays_the_number_excel_stores(seed_xlsx: Path, seed_list: Path) -> None:
    # 业务印刷工作完成率 =100%: 实际完成值 typed as 100% in a General cell is stored as 1.
    edit(seed_xlsx, set_cell("指标", 3, "实际完成值", 1, "0%"))
    assert read_project_list_workbook(seed_xlsx)["projects"][0]["indicators"][1]["actual"] == 1
    loaded = load_project_list(seed_xlsx)
    assert loaded.forms[0].indicators[1].actual == 1
    expected = load_project_list(seed_list)
    assert (
        evaluate_form(loaded.forms[0], loaded.profile).total == evaluate_form(expected.forms[0], expected.profile).total
    )


def test_a_target_typed_as_percent_into_a_general_cell_is_read_as_the_text_shown(seed_xlsx: Path) -> None:
    edit(seed_xlsx, set_cell("指标", 3, "年度指标值", 1, "0%"))
    assert read_project_list_workbook(seed_xlsx)["projects"][0]["indicators"][1]["target"] == "100%"


def test_year_and_version_typed_as_text_are_read(seed_xlsx: Path) -> None:
    def change(book) -> None:
        book["基本信息"]["B2"] = "1"
        book["基本信息"]["B3"] = " 2022年 "

    edit(seed_xlsx, change)
    loaded = read_project_list_workbook(seed_xlsx)
    assert (loaded["perfxl"], loaded["year"]) == (1, 2022)
    assert load_project_list(seed_xlsx).year == 2022


def test_project_names_match_across_full_and_half_width_forms(seed_xlsx: Path) -> None:
    edit(seed_xlsx, set_cell("指标", 2, "项目名称", "业务工作 经历"))
    assert load_project_list(seed_xlsx).forms[0].indicators[0].name == "工作人员培训场次数"


# --- problems named by sheet, row and column -----------------------------------------------------


def test_orphan_indicator_row_and_bad_weight_are_named_by_sheet_and_row(seed_xlsx: Path) -> None:
    def change(book) -> None:
        set_cell("指标", 5, "项目名称", "不存在的项目")(book)
        set_cell("指标", 12, "分值", "十分")(book)

    edit(seed_xlsx, change)
    assert problems(seed_xlsx) == [
        "清单.xlsx，项目「不存在的项目」，「指标」表第5行「项目名称」：「项目」表中没有名为「不存在的项目」的项目："
        "请检查项目名称是否与「项目」表完全一致，或先在「项目」表中添加该项目",
        "清单.xlsx，项目「业务工作经历」，「指标」表第12行「分值」：应为数字，当前为「十分」",
    ]


def test_rows_are_named_as_excel_numbers_them_after_reordering(seed_xlsx: Path) -> None:
    edit(seed_xlsx, reorder_and_pad)  # data rows are now 3, 5, 7, …
    edit(seed_xlsx, set_cell("指标", 3 + 2 * 5, "年度指标值", ">=abc"))
    assert problems(seed_xlsx) == [
        "清单.xlsx，项目「业务工作经历」，「指标」表第13行「年度指标值」：年度指标值「>=abc」无法识别：比较符号后缺少数值"
    ]


@pytest.mark.parametrize(
    ("sheet", "row", "header", "value", "expected"),
    [
        ("项目", 2, "当年财政拨款全年预算数", -5, "「项目」表第2行「当年财政拨款·全年预算数」：不能为负数，当前为 -5"),
        (
            "项目",
            3,
            "年度资金总额全年预算数",
            999,
            "「项目」表第3行「年度资金总额·全年预算数」：年度资金总额的全年预算数 999 不等于各资金来源之和 1440512",
        ),
        ("指标", ROW_OF_6TH_INDICATOR, "三级指标", None, "「指标」表第7行「三级指标」：必须填写"),
        ("指标", 30, "得分", "满分", "「指标」表第30行「得分」：应为数字，当前为「满分」"),
        ("基本信息", 3, "填写内容", "明年", "「基本信息」表第3行「年度」：年度应为 2000–2100 之间的年份"),
        (
            "基本信息",
            6,
            "填写内容",
            "guangdong-2030",
            "「基本信息」表第6行「评分配置」：没有名为「guangdong-2030」的评分配置",
        ),
    ],
)
@pytest.mark.slow
def test_content_problems_name_sheet_row_and_column(
    seed_xlsx: Path, sheet: str, row: int, header: str, value: object, expected: str
) -> None:
    def change(book) -> None:
        ws = book[sheet]
        column = 2 if sheet == "基本信息" else headers(ws)[header]
        ws.cell(row, column).value = value

    edit(seed_xlsx, change)
    found = problems(seed_xlsx)
    assert len(found) == 1 and expected in found[0], found


@pytest.mark.parametrize(
    ("sheet", "row", "header", "value", "expected"),
    [
        (
            "项目",
            2,
            "当年财政拨款全年执行数",
            1e28,
            "「项目」表第2行「当年财政拨款·全年执行数」：数值过大（绝对值应小于 1E+28），当前为 1E+28",
        ),
        (
            "项目",
            3,
            "当年财政拨款全年预算数",
            9.99e307,
            "「项目」表第3行「当年财政拨款·全年预算数」：数值过大（绝对值应小于 1E+28），当前为 9.99E+307",
        ),
        ("指标", 4, "分值", -1e30, "「指标」表第4行「分值」：数值过大（绝对值应小于 1E+28），当前为 -1E+30"),
        ("指标", 5, "得分", 1e300, "「指标」表第5行「得分」：数值过大（绝对值应小于 1E+28），当前为 1E+300"),
        ("指标", 6, "实际完成值", 1e28, "「指标」表第6行「实际完成值」：数值过大（绝对值应小于 1E+28），当前为 1E+28"),
    ],
)
@pytest.mark.slow
def test_numbers_of_1e28_or_more_are_named_by_sheet_row_and_column(
    seed_xlsx: Path, sheet: str, row: int, header: str, value: float, expected: str
) -> None:
    edit(seed_xlsx, set_cell(sheet, row, header, value))
    found = problems(seed_xlsx)
    assert len(found) == 1 and expected in found[0], found
    run = subprocess.run(
        [sys.executable, "-m", "perfxl", "check", str(seed_xlsx)], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert run.returncode == 2 and expected in run.stderr and "内部错误" not in run.stderr


def test_duplicate_project_name_comes_first_and_its_follow_on_rows_once(seed_xlsx: Path) -> None:
    edit(seed_xlsx, set_cell("项目", 3, "项目名称", "业务工作经历 "))
    # the cause first; the 12 indicator rows of the project renamed away, which now name no project, once
    assert problems(seed_xlsx) == [
        "清单.xlsx，项目「业务工作经历」，「项目」表第3行「项目名称」：项目名称重复：同一清单中每个项目名称只能出现一次",
        "清单.xlsx，项目「鉴定考务经费」，「指标」表第24–35行「项目名称」：「项目」表中没有名为「鉴定考务经费」的项目"
        "（共 12 行）：请检查项目名称是否与「项目」表完全一致，或先在「项目」表中添加该项目",
    ]


def test_rows_naming_no_project_after_a_missing_name_follow_every_other_problem(seed_xlsx: Path) -> None:
    def change(book) -> None:
        set_cell("项目", 3, "项目名称", None)(book)  # the name left out: its 12 indicator rows name no project
        set_cell("指标", 12, "分值", "十分")(book)  # a problem of its own, in a row before those
        set_cell("指标", 20, "实际完成值", True)(book)  # and one the reader finds (a cell's type), in a row after it

    edit(seed_xlsx, change)
    found = problems(seed_xlsx)
    assert found[0].startswith("清单.xlsx，「项目」表第3行「项目名称」：必须填写项目名称"), found
    assert [m.split("：")[0] for m in found[1:]] == [
        "清单.xlsx，项目「业务工作经历」，「指标」表第20行「实际完成值」",
        "清单.xlsx，项目「业务工作经历」，「指标」表第12行「分值」",
        "清单.xlsx，项目「鉴定考务经费」，「指标」表第24–35行「项目名称」",
    ]


def test_rows_label_joins_runs() -> None:
    from perfxl.projectlist.workbook_reader import _rows_label

    assert _rows_label([24, 25, 26, 30, 32, 33]) == "第24–26、30、32–33行"
    assert _rows_label([7]) == "第7行"


@pytest.mark.parametrize(
    ("header", "value", "expected"),
    [
        ("实际完成值", datetime(2022, 12, 31), "「实际完成值」：应为数值或文字，当前为日期或时间「2022-12-31」"),
        ("偏差原因分析及改进措施", True, "「偏差原因分析及改进措施」：应为文字，当前为逻辑值 TRUE"),
        ("分值", datetime(2022, 1, 5), "「分值」：应为数字，当前为日期或时间「2022-01-05」"),
    ],
)
def test_dates_and_logical_values_are_refused(seed_xlsx: Path, header: str, value: object, expected: str) -> None:
    edit(seed_xlsx, set_cell("指标", 4, header, value))
    found = problems(seed_xlsx)
    assert len(found) == 1 and f"「指标」表第4行{expected}" in found[0], found  # no second 必须填写 for 分值


def test_missing_sheet_and_header_are_named(seed_xlsx: Path) -> None:
    def change(book) -> None:
        del book["基本信息"]
        ws = book["指标"]
        ws.cell(1, headers(ws)["分值"]).value = "分数"

    edit(seed_xlsx, change)
    assert problems(seed_xlsx) == [
        "清单.xlsx，「基本信息」表：缺少「基本信息」表（工作表）。请使用 perfxl 的项目清单模板，不要删除或改名工作表",
        "清单.xlsx，「指标」表第1行：无法识别的表头「分数」：请使用模板中的表头文字；自己加的备注列，表头请以「备注」开头",
        "清单.xlsx，「指标」表第1行：缺少必填的表头「分值」",
    ]


def test_optional_columns_may_be_deleted(seed_xlsx: Path) -> None:
    def change(book) -> None:
        ws = book["项目"]
        first = headers(ws)["年度资金总额年初预算数"]
        ws.delete_cols(first, 3)

    edit(seed_xlsx, change)
    assert len(load_project_list(seed_xlsx).forms) == 2


def test_indicator_row_without_project_name(seed_xlsx: Path) -> None:
    edit(seed_xlsx, set_cell("指标", 10, "项目名称", None))
    assert problems(seed_xlsx) == [
        "清单.xlsx，「指标」表第10行「项目名称」：必须填写项目名称（此行其他栏已有内容），以说明此指标属于哪个项目；"
        "如合并了单元格，请取消合并并在每行填写项目名称"
    ]


def test_unreadable_and_old_format_files(tmp_path: Path) -> None:
    broken = tmp_path / "坏.xlsx"
    broken.write_bytes(b"not a zip")
    assert "无法读取 Excel 文件" in problems(broken)[0]
    other = tmp_path / "别的表.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "自评表"
    book.save(other)
    assert problems(other) == [
        "别的表.xlsx：不是项目清单工作簿：没有「基本信息」「项目」「指标」表。"
        "请使用 perfxl 的项目清单模板（templates/项目清单.xlsx）填写"
    ]
    old = tmp_path / "旧.xls"
    old.write_bytes(b"x")
    assert "另存为 .xlsx" in problems(old)[0]


# --- what the officer sees in Excel --------------------------------------------------------------


def validations(sheet) -> dict[str, object]:
    return {str(dv.sqref): dv for dv in sheet.data_validations.dataValidation}


def test_dropdowns_and_checks_sit_on_the_right_columns() -> None:
    book = openpyxl.load_workbook(TEMPLATE)
    indicators, projects = book["指标"], book["项目"]
    assert [c.value for c in indicators[1]] == [
        "项目名称",
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值",
        "分值",
        "实际完成值",
        "得分",
        "偏差原因分析及改进措施",
    ]
    checks = validations(indicators)
    assert checks["A2:A2001"].type == "list" and checks["A2:A2001"].formula1 == "'项目'!$A$2:$A$2001"
    assert projects["A1"].value == "项目名称"
    assert checks["B2:B2001"].type == "list"
    assert checks["B2:B2001"].formula1 == '"' + ",".join(LEVEL1_CHOICES) + '"'
    assert checks["C2:C2001"].formula1 == '"' + ",".join(LEVEL2_CHOICES) + '"'
    weight = checks["F2:F2001"]
    assert (weight.type, weight.operator or "between", weight.formula1, weight.formula2) == (
        "decimal",
        "between",
        "0",
        "100",
    )
    assert weight.promptTitle == "分值" and "0 到 100" in weight.prompt
    amounts = [dv for dv in validations(projects).values() if dv.type == "decimal"]
    assert len(amounts) == 12 and all(dv.operator == "greaterThanOrEqual" and "元" in dv.prompt for dv in amounts)
    assert validations(projects)["A2:A2001"].type == "custom"  # no duplicate project names
    info = validations(book["基本信息"])
    assert info["B3"].type == "whole" and info["B6"].type == "list"


def test_targets_and_actuals_are_text_cells_and_headers_stay_in_view() -> None:
    book = openpyxl.load_workbook(TEMPLATE)
    indicators = book["指标"]
    assert indicators.column_dimensions["E"].number_format == "@"
    assert indicators.column_dimensions["G"].number_format == "@"
    assert indicators.freeze_panes == "B2" and book["项目"].freeze_panes == "B2"
    assert book.sheetnames == ["说明", "基本信息", "项目", "指标"]
    guide = "\n".join(str(c.value) for row in book["说明"].iter_rows() for c in row if c.value)
    assert "文本" in guide and "0.88" in guide and "8800%" in guide


@pytest.mark.slow
def test_perfxl_check_reads_the_example_workbook() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "perfxl", "check", str(EXAMPLE)], capture_output=True, text=True, check=False, cwd=ROOT
    )
    assert run.returncode == 0, run.stderr
    assert "89.96" in run.stdout and "92.57" in run.stdout


def test_one_year_range_for_the_list_its_workbook_and_the_forms(tmp_path: Path) -> None:
    # perfxl.contract.metadata states the range; the list's validation, the workbook's check in Excel and the
    # reader of a returned form's metadata all follow it.
    from perfxl.contract.metadata import MAX_YEAR, MIN_YEAR, YEAR_KEY
    from perfxl.contract.profiles import load_profile
    from perfxl.readback.reader import Metadata
    from tests.test_projectlist import minimal, write

    year = validations(openpyxl.load_workbook(TEMPLATE)["基本信息"])["B3"]
    assert (year.formula1, year.formula2) == (str(MIN_YEAR), str(MAX_YEAR))
    for taken in (MIN_YEAR, MAX_YEAR):
        assert load_project_list(write(tmp_path, {**minimal(), "year": taken})).year == taken
    for refused in (MIN_YEAR - 1, MAX_YEAR + 1):
        assert problems(write(tmp_path, {**minimal(), "year": refused})) == [
            f"list.yaml：年度（year）应为 {MIN_YEAR}–{MAX_YEAR} 之间的年份，当前为「{refused}」"
        ]
    read = {
        value: Metadata({YEAR_KEY: value}, {}, load_profile(), None).year
        for value in (MIN_YEAR, float(MAX_YEAR), MIN_YEAR - 1, MAX_YEAR + 1, True)
    }
    assert read == {MIN_YEAR: MIN_YEAR, float(MAX_YEAR): MAX_YEAR, MIN_YEAR - 1: None, MAX_YEAR + 1: None, True: None}
