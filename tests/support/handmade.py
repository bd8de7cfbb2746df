"""Hand-made 自评表 in several layouts, built with openpyxl as an officer might lay them out in Excel."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

from perfxl.contract.profiles import load_profile
from perfxl.core.numbers import to_decimal

D = Decimal
PROFILE = load_profile()
DEPARTMENT = "上海市人力资源和社会保障局"
UNIT = "上海市职业技能鉴定中心"

# --- the two seed forms, transcribed from published-text-two-forms.txt --------------------------

R_NOT_DONE = "原因：受疫情影响，未开展此项工作；措施：结合实际情况，及时调整绩效目标。"


@dataclass(frozen=True)
class Seed:
    name: str
    funds: tuple[tuple[str, object, object, object], ...]  # (row label, 年初预算数, 全年预算数, 全年执行数)
    rate: float
    budget_score: float
    goal: tuple[str, str]
    # (一级, [(二级, [(三级, 年度指标值, 实际完成值, 分值, 得分, 偏差原因)])])
    groups: tuple[tuple[str, tuple[tuple[str, tuple[tuple[str, str, str, int, int, str], ...]], ...]], ...]
    total: float

    @property
    def rows(self) -> list[tuple[str, str, str, str, str, int, int, str]]:
        return [(l1, l2, *row) for l1, level2s in self.groups for l2, rows in level2s for row in rows]


WORK = Seed(
    "业务工作经历",
    (
        ("年度资金总额", "1408340.00", "988374.00", "588,865"),
        ("其中：当年财政拨款", 1408340, 988374, 588865),
        ("上年结转资金", 0, 0, None),
        ("其他资金", 0, 0, None),
    ),
    0.5958,
    5.96,
    (
        "保障当年度职业技能鉴定考试顺利完成。",
        "2022年根据中心工作部署，加强职业技能评价过程管理和质量控制，全年累计新增取得高级工及以上证书31190人。"
        "根据鉴定工作需求，开展各类培训，重点推动具备条件的企业开展技能等级直接认定，完成62家单位申报的227个职业（工种）"
        "569个等级直接认定项目备案，确保了鉴定工作平稳有序顺利完成。",
    ),
    (
        (
            "产出指标",
            (
                (
                    "数量指标",
                    (
                        ("工作人员培训场次数", ">=3次", "18次", 10, 10, ""),
                        ("业务印刷工作完成率", "=100%", "100%", 10, 10, ""),
                        ("专家咨询工作完成率", "=100%", "100%", 5, 5, ""),
                        ("设备购置数量", "=5台", "5台", 3, 3, ""),
                        ("耗材购置完成率", "=100%", "100%", 1, 1, ""),
                        ("课题报告完成情况", "完成", "未完成", 1, 0, R_NOT_DONE),
                        ("培训出勤率", ">=95%", "97%", 3, 3, ""),
                    ),
                ),
                (
                    "质量指标",
                    (
                        ("业务印刷验收合格率", "=100%", "100%", 3, 3, ""),
                        ("设备耗材购置验收合格率", "=100%", "100%", 3, 3, ""),
                        ("课题报告验收合格率", "=100%", "0%", 1, 0, R_NOT_DONE),
                    ),
                ),
                (
                    "时效指标",
                    (
                        ("培训工作完成及时率", "=100%", "100%", 2, 2, ""),
                        ("业务印刷工作完成及时率", "=100%", "100%", 2, 2, ""),
                        ("专家咨询反馈及时率", "=100%", "100%", 3, 3, ""),
                        ("设备耗材购置完成及时率", "=100%", "100%", 2, 2, ""),
                        ("课题报告完成及时性", "及时", "不及时", 1, 0, R_NOT_DONE),
                    ),
                ),
            ),
        ),
        (
            "效益指标",
            (
                (
                    "社会效益指标",
                    (
                        ("培训工作开展情况", "顺利完成", "顺利完成", 10, 10, ""),
                        ("培训覆盖人次数", ">=500人次", "1745人次", 10, 10, ""),
                        ("课题应用情况", "得到应用", "未应用", 1, 0, R_NOT_DONE),
                        ("证书发放情况", "顺利发放", "顺利发放", 5, 5, ""),
                        (
                            "鉴定考试完成情况",
                            "顺利完成",
                            "较顺利",
                            4,
                            3,
                            "原因：受疫情影响，部分项目鉴定人数积压，措施：及时跟踪疫情情况，调整工作计划",
                        ),
                    ),
                ),
            ),
        ),
        (
            "满意度指标",
            (
                (
                    "服务对象满意度指标",
                    (
                        ("受培训人员满意度", ">=90%", "90%", 5, 5, ""),
                        (
                            "考生满意度",
                            ">=90%",
                            "88%",
                            5,
                            4,
                            "原因：受疫情影响，部分项目安排场次不能完全满足考生需求 "
                            "措施：及时跟踪疫情情况，调整工作计划",
                        ),
                    ),
                ),
            ),
        ),
    ),
    89.96,
)

EXAM = Seed(
    "鉴定考务经费",
    (
        ("年度资金总额", "5736420.00", "1440512.00", "945,926.25"),
        ("其中：当年财政拨款", 5736420, 1440512, 945926.25),
        ("上年结转资金", 0, 0, None),
        ("其他资金", 0, 0, None),
    ),
    0.6567,
    6.57,
    ("保障上海市职业技能鉴定工作的正常进行。", "职业技能鉴定考试正常开展。"),
    (
        (
            "产出指标",
            (
                (
                    "数量指标",
                    (
                        ("考务人员安排完成率", "=100%", "100%", 7, 7, ""),
                        ("命题组卷工作完成率", "=100%", "100%", 7, 7, ""),
                        ("成绩汇总工作完成率", "=100%", "100%", 7, 7, ""),
                    ),
                ),
                (
                    "质量指标",
                    (("考务人员到位率", "=100%", "100%", 7, 7, ""), ("命题组卷验收合格率", "=100%", "100%", 7, 7, "")),
                ),
                (
                    "时效指标",
                    (
                        ("考务安排完成及时率", "=100%", "100%", 5, 5, ""),
                        ("命题组卷完成及时性", "及时", "及时", 5, 5, ""),
                        ("成绩汇总工作完成及时性", "及时", "及时", 5, 5, ""),
                    ),
                ),
            ),
        ),
        (
            "效益指标",
            (
                (
                    "社会效益指标",
                    (
                        (
                            "考务工作完成情况",
                            "顺利完成",
                            "较顺利",
                            15,
                            12,
                            "原因：受疫情影响，部分项目鉴定人数积压。措施：及时跟踪疫情情况，调整工作计划。",
                        ),
                        ("职业技能鉴定合格率", ">=50%", "85%", 15, 15, ""),
                    ),
                ),
            ),
        ),
        (
            "满意度指标",
            (
                (
                    "服务对象满意度指标",
                    (
                        ("考务人员满意度", ">=90%", "90%", 5, 5, ""),
                        (
                            "考生满意度",
                            ">=90%",
                            "88%",
                            5,
                            4,
                            "原因：受疫情影响，部分项目安排场次不能完全满足考生需求。措施：及时跟踪疫情情况，调整工作计划。",
                        ),
                    ),
                ),
            ),
        ),
    ),
    92.57,
)
SEEDS = {seed.name: seed for seed in (WORK, EXAM)}


def _text(ws: Worksheet, address: str, text: str) -> None:
    """A text cell, also for "=100%" (typed as text in the published forms, not as a formula)."""
    ws[address] = text
    ws[address].data_type = "s"


def _percent(text: str) -> tuple[object, str]:
    """ "=100%" → (1, '"="0%'), "97%" → (0.97, "0%"): a percentage stored as a number, shown by its format."""
    digits = text.lstrip("<>=")
    prefix = text[: len(text) - len(digits)]
    number = float(digits.rstrip("%")) / 100
    return number, (f'"{prefix}"0%' if prefix else "0%")


def shanghai_form(ws: Worksheet, seed: Seed, *, percent_numbers: bool = False, amounts_as_text: bool = False) -> int:
    """The seed layout (rules.md §1) with its merged cells; returns the row of 总分.

    ``percent_numbers``: percentages stored as numbers with a % format (targets with a quoted operator);
    ``amounts_as_text``: every amount typed as text with thousands separators.
    """
    ws.title = seed.name
    ws["A1"] = "财政项目支出绩效自评表"
    ws.merge_cells("A1:I1")
    ws["A2"] = "（2022 年度）"
    ws.merge_cells("A2:I2")
    ws["A3"], ws["C3"] = "项目名称", seed.name
    ws.merge_cells("A3:B3")
    ws.merge_cells("C3:I3")
    ws["A4"], ws["C4"], ws["F4"], ws["G4"] = "主管部门", DEPARTMENT, "实施单位", UNIT
    ws.merge_cells("A4:B4")
    ws.merge_cells("C4:E4")
    ws.merge_cells("G4:I4")
    ws["A5"] = "项目资金\n（元）"
    ws.merge_cells("A5:A9")
    for col, label in zip("CDEFGH", ("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"), strict=True):
        ws[f"{col}5"] = label
    for row, (label, *amounts) in enumerate(seed.funds, 6):
        ws[f"B{row}"] = label
        for col, amount in zip("CDE", amounts, strict=True):
            if amounts_as_text and amount is not None:
                amount = f"{to_decimal(amount):,.2f}"
            ws[f"{col}{row}"] = amount
        ws.merge_cells(f"H{row}:I{row}")
        if row > 6:
            ws[f"F{row}"] = "—"
    ws["F6"], ws["G6"], ws["H6"] = 10, seed.rate, seed.budget_score
    ws["G6"].number_format = "0.00%"
    ws["A10"], ws["B10"], ws["F10"] = "年度\n总体\n目标", "预期目标", "实际完成情况"
    ws["B11"], ws["F11"] = seed.goal
    for cells in ("A10:A11", "B10:E10", "F10:I10", "B11:E11", "F11:I11"):
        ws.merge_cells(cells)
    header = (
        "绩效\n指标",
        "一级指标",
        "二级指标",
        "三级指标",
        "年度\n指标值",
        "实际\n完成值",
        "分值",
        "得分",
        "偏差原因分析及\n改进措施",
    )
    for col, label in zip("ABCDEFGHI", header, strict=True):
        ws[f"{col}12"] = label
    row = 13
    for level1, level2s in seed.groups:
        ws[f"B{row}"] = level1
        first1 = row
        for level2, rows in level2s:
            ws[f"C{row}"] = level2
            first2 = row
            for name, target, actual, weight, score, reason in rows:
                ws[f"D{row}"], ws[f"G{row}"], ws[f"H{row}"] = name, weight, score
                _text(ws, f"E{row}", target)
                ws[f"F{row}"] = actual
                if percent_numbers and target.endswith("%"):
                    ws[f"E{row}"], ws[f"E{row}"].number_format = _percent(target)
                if percent_numbers and isinstance(actual, str) and actual.endswith("%"):
                    ws[f"F{row}"], ws[f"F{row}"].number_format = _percent(actual)
                ws[f"I{row}"] = reason or None
                row += 1
            if row - 1 > first2:
                ws.merge_cells(f"C{first2}:C{row - 1}")
        if row - 1 > first1:
            ws.merge_cells(f"B{first1}:B{row - 1}")
    ws.merge_cells(f"A12:A{row - 1}")
    ws[f"A{row}"], ws[f"G{row}"], ws[f"H{row}"] = "总分", 100, seed.total
    ws.merge_cells(f"A{row}:F{row}")
    return row


def moved_columns_form(ws: Worksheet, seed: Seed) -> None:
    """Columns in another order, an empty column A and an empty column in the table, a title elsewhere,
    a 项目负责人 row, blank rows, labels with full-width spaces and colons, no merged level cells."""
    ws.title = seed.name
    ws["C2"] = "财政项目支出绩效自评表（2022年度）"
    ws["B5"], ws["D5"] = "项　目　名　称", seed.name
    ws["B6"], ws["D6"], ws["G6"], ws["H6"] = "主管部门：", DEPARTMENT, "实施单位：", UNIT
    ws["B7"], ws["D7"], ws["G7"], ws["H7"] = "项目负责人", "张三", "联系电话", "021-12345678"
    ws["B9"] = "项目资金（元）"
    for col, label in zip("DEFGHI", ("全年预算数", "年初预算数", "全年执行数", "执行率", "分值", "得分"), strict=True):
        ws[f"{col}9"] = label
    for row, (label, initial, annual, executed) in enumerate(seed.funds, 10):
        ws[f"C{row}"] = label.replace("年度资金总额", "年度资金总额：")
        ws[f"D{row}"], ws[f"E{row}"], ws[f"F{row}"] = annual, initial, executed
    ws["G10"], ws["H10"], ws["I10"] = seed.rate, 10, seed.budget_score
    ws["G10"].number_format = "0.00%"
    ws["B14"], ws["C14"], ws["F14"] = "年度总体目标", "预　期　目　标", "实际完成情况"
    ws["C15"], ws["F15"] = seed.goal
    for col, label in zip(
        "BCDEFHIJ",
        ("一级指标", "二级指标", "三级指标", "分值", "年度指标值", "实际完成值", "得分", "偏差原因分析及改进措施"),
        strict=True,
    ):
        ws[f"{col}17"] = label
    row = 18
    previous = (None, None)
    for level1, level2, name, target, actual, weight, score, reason in seed.rows:
        if level1 != previous[0]:
            if previous[0] is not None:
                row += 1  # a blank row between the 一级 groups
            ws[f"B{row}"] = level1
        if (level1, level2) != previous:
            ws[f"C{row}"] = level2
        previous = (level1, level2)
        ws[f"D{row}"], ws[f"E{row}"], ws[f"H{row}"] = name, weight, actual
        _text(ws, f"F{row}", target)
        ws[f"I{row}"], ws[f"J{row}"] = score, reason or None
        row += 1
    ws[f"B{row}"], ws[f"E{row}"], ws[f"I{row}"] = "总　分", 100, seed.total
    ws[f"B{row + 2}"] = "填报人：李四"


# A project of another bureau: only the 年度资金总额 row, and 成本指标 as a 一级指标 (财预〔2021〕101号).
COST_ROWS = (
    ("产出指标", "数量指标", "补贴发放人次", ">=2000人次", "2100人次", 15, 15, ""),
    ("产出指标", "质量指标", "补贴发放准确率", "=100%", "100%", 15, 15, ""),
    ("产出指标", "时效指标", "补贴发放及时率", ">=95%", "90%", 10, 9.47, "部分材料不全，延迟发放；已督促补齐材料。"),
    ("成本指标", "经济成本指标", "人均补贴成本", "<=500元", "480元", 10, 10, ""),
    ("效益指标", "社会效益指标", "参训人员就业率", ">=80%", "82%", 20, 20, ""),
    ("效益指标", "可持续影响指标", "培训机构覆盖区数", "=16个", "16个", 10, 10, ""),
    ("满意度指标", "服务对象满意度指标", "参训人员满意度", ">=90%", "93%", 10, 10, ""),
)


def cost_form(ws: Worksheet) -> None:
    """No 其中 sub-rows, 成本指标, a 小计 row, no merged cells, 分值 and 得分 as text."""
    ws.title = "职业培训补贴"
    rows = [
        ["财政项目支出绩效自评表"],
        ["项目名称", "职业培训补贴发放"],
        ["主管部门", DEPARTMENT, None, None, "实施单位", UNIT],
        ["项目资金（元）", None, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        [None, "年度资金总额", 1200000, 1000000, 950000, 10, None, None],
        ["年度总体目标", "预期目标", None, None, "实际完成情况"],
        [None, "按时足额发放职业培训补贴。", None, None, "补贴已全部发放。"],
        [
            "绩效指标",
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "实际完成值",
            "分值",
            "得分",
            "偏差原因分析及改进措施",
        ],
    ]
    rows += [[None, *row[:5], str(row[5]), f"{row[6]}分", row[7] or None] for row in COST_ROWS]
    rows.insert(11, [None, "小计", None, None, None, None, 40, 39.47])  # after the 产出指标 rows: not an indicator
    rows += [["总分", None, None, None, None, None, "100", "98.97"]]
    for row in rows:
        ws.append(row)
    for row in range(9, 10 + len(COST_ROWS)):
        if ws[f"E{row}"].value:
            _text(ws, f"E{row}", ws[f"E{row}"].value)


def handmade_book(tmp_path: Path, build, name: str = "form.xlsx") -> Path:
    workbook = openpyxl.Workbook()
    build(workbook.active)
    path = tmp_path / name
    workbook.save(path)
    return path


# --- layouts of returned files: forms stacked on one sheet, rows inserted ------------------------------


def paste(ws: Worksheet, build: Callable[[Worksheet], object], first_row: int, rows: range | None = None) -> int:
    """The form ``build`` lays out (or only its ``rows``), pasted into ``ws`` from ``first_row`` on (values,
    number formats, text typing, merges), as an officer pastes a project below another; returns the last row."""
    scratch = openpyxl.Workbook().active
    build(scratch)
    rows = rows or range(1, scratch.max_row + 1)
    offset = first_row - rows.start
    for row in scratch.iter_rows(min_row=rows.start, max_row=rows.stop - 1):
        for cell in row:
            if cell.value is None:
                continue
            target = ws.cell(cell.row + offset, cell.column)
            target.value = cell.value
            target.data_type = cell.data_type  # "=100%" stays text
            target.number_format = cell.number_format
    for merged in scratch.merged_cells.ranges:
        if merged.min_row in rows and merged.max_row in rows:
            ws.merge_cells(
                start_row=merged.min_row + offset,
                start_column=merged.min_col,
                end_row=merged.max_row + offset,
                end_column=merged.max_col,
            )
    return rows.stop - 1 + offset


Paste = Callable[[Worksheet], object] | tuple[Callable[[Worksheet], object], range]


def stacked_forms(ws: Worksheet, builds: Sequence[Paste], gap: int = 2, title: str = "汇总") -> list[int]:
    """Several forms one below another on one sheet, ``gap`` blank rows apart (a build, or a build and the rows
    of it to paste); returns each one's first row."""
    firsts = []
    row = 1
    for build in builds:
        firsts.append(row)
        layout, rows = build if isinstance(build, tuple) else (build, None)
        row = paste(ws, layout, row, rows) + gap + 1
    ws.title = title
    return firsts


def insert_rows(ws: Worksheet, at: int, count: int, *, split_merges: bool) -> None:
    """Insert rows before ``at`` as Excel does: cells below move down; a merged range across ``at`` grows over
    the new rows, or, with ``split_merges``, is split around them (as an officer re-merges a continued page)."""
    merges = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges]
    for merged in list(ws.merged_cells.ranges):
        ws.unmerge_cells(str(merged))
    ws.insert_rows(at, count)
    for min_row, min_col, max_row, max_col in merges:
        if max_row < at:
            parts = [(min_row, max_row)]
        elif min_row >= at:
            parts = [(min_row + count, max_row + count)]
        elif split_merges:
            parts = [(min_row, at - 1), (at + count, max_row + count)]
        else:
            parts = [(min_row, max_row + count)]
        for first, last in parts:
            if (first, min_col) != (last, max_col):
                ws.merge_cells(start_row=first, start_column=min_col, end_row=last, end_column=max_col)
