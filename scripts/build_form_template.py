"""Author the default form template, templates/自评表.xlsx (the Shanghai 2022 自评表, amounts in 元).

This script only creates the first version of the template: from then on the template is an Excel
file that a bureau edits in Excel (fonts, widths, labels, extra rows). perfxl reads the layout from
the file, never from this script. Placeholders in cells (plain field names, no expressions):

- a cell holding exactly one ``{{ field }}`` is a field the generator fills with a value or a formula
  (the vocabulary is in perfxl/contract/fields.py);
- other text with ``{{ … }}`` has its placeholders filled in (e.g. ``（{{ year }} 年度）``, see
  perfxl/form_template/placeholders.py);
- the row holding ``{{ row.* }}`` fields is the indicator band, repeated once per indicator.

Run: python scripts/build_form_template.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import xlsxwriter

OUT = Path(__file__).resolve().parents[1] / "templates" / "自评表.xlsx"

TITLE_FONT = "黑体"
LABEL_FONT = "宋体"
BODY_FONT = "仿宋_GB2312"
# Column widths in characters: A 绩效指标 label, B 一级, C 二级, D 三级, E 指标值, F 完成值, G 分值, H 得分,
# I 偏差原因, then two helper columns beyond the print area: J 规则得分 (hidden) and K 检查结果.
WIDTHS = [4.5, 8.5, 10, 19, 10.5, 10.5, 5.5, 6.5, 25, 9, 30]


def build(path: Path) -> None:
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("自评表")
    base = {"font_name": BODY_FONT, "font_size": 10, "border": 1, "valign": "vcenter", "text_wrap": True}
    label = wb.add_format({**base, "font_name": LABEL_FONT, "align": "center"})
    label_bold = wb.add_format({**base, "font_name": LABEL_FONT, "align": "center", "bold": True})
    text = wb.add_format({**base, "align": "left"})
    centre = wb.add_format({**base, "align": "center"})
    money = wb.add_format({**base, "align": "right", "num_format": "#,##0.00"})
    number = wb.add_format({**base, "align": "center", "num_format": "General"})
    rate = wb.add_format({**base, "align": "center", "num_format": "0.00%"})
    grade = wb.add_format({**base, "align": "center", "num_format": '"等级："@'})
    helper = wb.add_format({**base, "font_name": LABEL_FONT, "font_size": 9, "font_color": "#7F7F7F"})
    plain = wb.add_format({"font_name": LABEL_FONT, "font_size": 10, "valign": "vcenter"})
    title = wb.add_format({"font_name": TITLE_FONT, "font_size": 18, "align": "center", "valign": "vcenter"})
    subtitle = wb.add_format({"font_name": LABEL_FONT, "font_size": 11, "align": "center", "valign": "vcenter"})

    for col, width in enumerate(WIDTHS):
        ws.set_column(col, col, width)
    ws.set_column("J:J", WIDTHS[9], None, {"hidden": True})

    ws.set_row(0, 30)
    ws.merge_range("A1:I1", "财政项目支出绩效自评表", title)
    ws.set_row(1, 20)
    ws.merge_range("A2:I2", "（{{ year }} 年度）", subtitle)
    # Beyond the print area, beside the title: the 重新计算 button (udf forms), the last check's summary
    # and when it ran.
    ws.write("K1", "{{ form.button }}", helper)
    ws.write("K2", "{{ form.status }}", helper)
    ws.write("K3", "{{ form.stamp }}", helper)

    ws.set_row(2, 24)
    ws.merge_range("A3:B3", "项目名称", label)
    ws.merge_range("C3:I3", "{{ project.name }}", text)
    ws.set_row(3, 24)
    ws.merge_range("A4:B4", "主管部门", label)
    ws.merge_range("C4:E4", "{{ project.department }}", text)
    ws.write("F4", "实施单位", label)
    ws.merge_range("G4:I4", "{{ project.unit }}", text)

    # Funds block, rows 5–9.
    ws.merge_range("A5:A9", "项目资金（元）", label)
    for row in range(4, 9):
        ws.set_row(row, 20)
    ws.write("B5", "", label)
    for col, heading in zip("CDEFG", ("年初预算数", "全年预算数", "全年执行数", "分值", "执行率"), strict=True):
        ws.write(f"{col}5", heading, label)
    ws.merge_range("H5:I5", "得分", label)
    ws.write("B6", "年度资金总额", label)
    for col, column in zip("CDE", ("initial", "annual", "executed"), strict=True):
        ws.write(f"{col}6", f"{{{{ funds.total.{column} }}}}", money)
    ws.write("F6", "{{ budget.weight }}", number)
    ws.write("G6", "{{ budget.rate }}", rate)
    ws.merge_range("H6:I6", "{{ budget.score }}", number)
    sources = (("fiscal", "其中：当年财政拨款"), ("carryover", "上年结转资金"), ("other", "其他资金"))
    for row, (key, heading) in enumerate(sources, start=7):
        ws.write(f"B{row}", heading, label)
        for col, column in zip("CDE", ("initial", "annual", "executed"), strict=True):
            ws.write(f"{col}{row}", f"{{{{ funds.{key}.{column} }}}}", money)
        ws.write(f"F{row}", "—", centre)
        ws.write(f"G{row}", "", centre)
        ws.merge_range(f"H{row}:I{row}", "—", centre)

    # 年度总体目标, rows 10–11.
    ws.merge_range("A10:A11", "年度总体目标", label)
    ws.set_row(9, 20)
    ws.merge_range("B10:E10", "预期目标", label)
    ws.merge_range("F10:I10", "实际完成情况", label)
    ws.set_row(10, 60)
    ws.merge_range("B11:E11", "{{ goal.expected }}", text)
    ws.merge_range("F11:I11", "{{ goal.actual }}", text)

    # Indicator table: header row 12, band row 13 (repeated once per indicator).
    ws.set_row(11, 28)
    ws.merge_range("A12:A13", "绩效指标", label)
    headings = (
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值",
        "实际完成值",
        "分值",
        "得分",
        "偏差原因分析及改进措施",
    )
    for col, heading in zip("BCDEFGHI", headings, strict=True):
        ws.write(f"{col}12", heading, label)
    ws.write("J12", "规则得分", helper)
    ws.write("K12", "检查结果（不打印）", helper)
    ws.set_row(12, 20)
    band = (
        ("B", "level1", centre),
        ("C", "level2", centre),
        ("D", "name", text),
        ("E", "target", centre),
        ("F", "actual", centre),
        ("G", "weight", number),
        ("H", "score", number),
        ("I", "reason", text),
        ("J", "rule_score", helper),
        ("K", "check", helper),
    )
    for col, field, fmt in band:
        ws.write(f"{col}13", f"{{{{ row.{field} }}}}", fmt)

    # 总分, row 14, and the signature line, row 15.
    ws.set_row(13, 22)
    ws.merge_range("A14:F14", "总分", label_bold)
    ws.write("G14", "{{ total.weight }}", number)
    ws.write("H14", "{{ total.score }}", number)
    ws.write("I14", "{{ total.grade }}", grade)
    ws.set_row(14, 26)
    ws.merge_range("A15:B15", "填报人：", plain)
    ws.merge_range("C15:D15", "", wb.add_format({"font_name": BODY_FONT, "font_size": 10, "locked": False}))
    ws.write("E15", "联系电话：", plain)
    ws.merge_range("F15:G15", "", wb.add_format({"font_name": BODY_FONT, "font_size": 10, "locked": False}))
    ws.write("H15", "填报日期：", plain)
    ws.write("I15", "", wb.add_format({"font_name": BODY_FONT, "font_size": 10, "locked": False}))

    ws.set_paper(9)  # A4
    ws.set_portrait()
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    ws.center_horizontally()
    ws.fit_to_pages(1, 0)
    ws.print_area("A1:I15")
    ws.repeat_rows(11)
    ws.hide_gridlines(2)
    ws.set_footer("&C第 &P 页，共 &N 页")
    wb.close()


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    target.parent.mkdir(parents=True, exist_ok=True)
    build(target)
    print(f"已生成模板：{target}")
