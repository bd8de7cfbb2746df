"""Templates edited as a bureau would edit them in Excel (here with openpyxl, which keeps what matters)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from openpyxl.worksheet.cell_range import CellRange

from perfxl.generate import default_template


def insert_row(ws, at: int) -> None:
    """Insert an empty row before ``at`` the way Excel does: cells, merges, heights and print area move."""
    ws.move_range(f"A{at}:{openpyxl.utils.get_column_letter(ws.max_column)}{ws.max_row}", rows=1, translate=True)
    for merged in list(ws.merged_cells.ranges):
        if merged.min_row >= at:
            ws.merged_cells.remove(merged)
            ws.merged_cells.add(
                CellRange(
                    min_col=merged.min_col,
                    min_row=merged.min_row + 1,
                    max_col=merged.max_col,
                    max_row=merged.max_row + 1,
                )
            )
        elif merged.max_row >= at:
            merged.expand(down=1)
    heights = {r: d.height for r, d in ws.row_dimensions.items() if r >= at}
    for r in sorted(heights, reverse=True):
        ws.row_dimensions[r + 1].height = heights[r]
    ws.row_dimensions[at].height = 24
    if ws.print_title_rows:
        first, last = (int(x) for x in ws.print_title_rows.replace("$", "").split(":"))
        if first >= at:
            ws.print_title_rows = f"{first + 1}:{last + 1}"
    area = ws.print_area.split("!")[-1].replace("$", "")
    end_col = "".join(ch for ch in area.split(":")[1] if ch.isalpha())
    end_row = int("".join(ch for ch in area.split(":")[1] if ch.isdigit()))
    ws.print_area = f"A1:{end_col}{end_row + 1}"


def restyled_template(path: Path) -> Path:
    """The default template with the title moved and a 项目负责人 row added, as a bureau might do."""
    book = openpyxl.load_workbook(default_template())
    ws = book["自评表"]
    # Title moved: to the right half of row 1, the left half holding a form number.
    title_style = ws["A1"]._style
    ws.unmerge_cells("A1:I1")
    ws["A1"] = None
    ws["A1"] = "附件2"
    ws["D1"] = "财政项目支出绩效自评表（{{ project.unit }}）"
    ws["D1"]._style = title_style
    ws.merge_cells("D1:I1")
    # A 项目负责人 row between 主管部门 and the funds block.
    insert_row(ws, 5)
    label_style, text_style = ws["A4"]._style, ws["C4"]._style
    ws["A5"] = "项目负责人"
    ws["A5"]._style = label_style
    ws.merge_cells("A5:B5")
    ws["C5"]._style = text_style
    ws["C5"].protection = openpyxl.styles.Protection(locked=False)
    ws.merge_cells("C5:E5")
    ws["F5"] = "联系电话"
    ws["F5"]._style = label_style
    ws["G5"]._style = text_style
    ws.merge_cells("G5:I5")
    # A narrower reason column, a different body font.
    ws.column_dimensions["I"].width = 20
    book.save(path)
    return path
