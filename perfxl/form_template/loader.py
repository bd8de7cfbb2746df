"""Read a form template (.xlsx) once into plain data the generator can stamp out quickly."""

from __future__ import annotations

import hashlib
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from openpyxl.cell.cell import MergedCell
from openpyxl.utils import range_boundaries
from openpyxl.worksheet.worksheet import Worksheet

from perfxl.contract.fields import FIELDS, REQUIRED
from perfxl.errors import InputError, Problem
from perfxl.form_template.placeholders import TEXT_FIELDS, PlaceholderError, TextPattern, has_placeholders, parse_text
from perfxl.form_template.styles import format_properties
from perfxl.sheetlib.addresses import cell_address

FIELD_CELL = re.compile(r"^\s*\{\{\s*([A-Za-z_][\w.]*)\s*\}\}\s*$")
FORM_SHEET = "自评表"


@dataclass(frozen=True)
class TemplateCell:
    row: int  # 1-based, as in the template
    col: int
    value: object  # a static value (text, number, formula) or None
    style: int  # index into FormTemplate.styles
    field: str | None = None  # a {{ field }} cell
    text: TextPattern | None = None  # text with placeholders, filled in per form

    @property
    def is_formula(self) -> bool:
        """A formula of the bureau's own, written as a formula in every form."""
        return self.field is None and self.text is None and isinstance(self.value, str) and self.value.startswith("=")


@dataclass(frozen=True)
class PrintSetup:
    paper: int | None
    landscape: bool
    fit_width: int | None  # None: no fit-to-page
    fit_height: int | None
    scale: int | None
    margins: tuple[float, float, float, float, float, float]  # left, right, top, bottom, header, footer
    centre_horizontally: bool
    area: tuple[int, int, int, int] | None  # min_col, min_row, max_col, max_row
    title_rows: tuple[int, int] | None
    header: str
    footer: str
    gridlines: bool


@dataclass(frozen=True)
class FormTemplate:
    path: Path
    version: str  # a digest of the template file: a returned form names the template it came from
    sheet_name: str
    cells: tuple[TemplateCell, ...]
    styles: tuple[dict[str, object], ...]
    merges: tuple[tuple[int, int, int, int], ...]  # min_col, min_row, max_col, max_row
    column_widths: dict[int, float]
    hidden_columns: frozenset[int]
    row_heights: dict[int, float]
    band_row: int
    max_row: int
    max_col: int
    print_setup: PrintSetup
    fields: dict[str, tuple[int, int]] = field(default_factory=dict)  # field -> (row, col) in the template

    def band_columns(self) -> dict[str, int]:
        """Column of each row.* field."""
        return {key: col for key, (row, col) in self.fields.items() if row == self.band_row}

    @property
    def has_formulas(self) -> bool:
        """Whether the bureau's layout holds formulas of its own (beyond perfxl's fields)."""
        return any(cell.is_formula for cell in self.cells)


def _header_footer(ws: Worksheet, which: str) -> str:
    part = getattr(ws, which)
    codes = []
    for code, section in (("&L", part.left), ("&C", part.center), ("&R", part.right)):
        if section is not None and section.text:
            codes.append(code + section.text)
    return "".join(codes)


def _print_setup(ws: Worksheet) -> PrintSetup:
    setup, margins = ws.page_setup, ws.page_margins
    fit = bool(ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage)
    area = None
    if ws.print_area:
        reference = ws.print_area.split(",")[0].split("!")[-1].replace("$", "")
        area = range_boundaries(reference)
    titles = None
    if ws.print_title_rows:
        first, _, last = ws.print_title_rows.replace("$", "").partition(":")
        titles = (int(first), int(last or first))
    return PrintSetup(
        paper=int(setup.paperSize) if setup.paperSize else None,
        landscape=setup.orientation == "landscape",
        fit_width=int(setup.fitToWidth if setup.fitToWidth is not None else 1) if fit else None,
        fit_height=int(setup.fitToHeight if setup.fitToHeight is not None else 1) if fit else None,
        scale=int(setup.scale) if setup.scale else None,
        margins=(margins.left, margins.right, margins.top, margins.bottom, margins.header, margins.footer),
        centre_horizontally=bool(ws.print_options.horizontalCentered),
        area=area,  # type: ignore[arg-type]
        title_rows=titles,
        header=_header_footer(ws, "oddHeader"),
        footer=_header_footer(ws, "oddFooter"),
        gridlines=bool(ws.sheet_view.showGridLines) if ws.sheet_view.showGridLines is not None else True,
    )


def _form_sheet(book: openpyxl.Workbook) -> Worksheet:
    if FORM_SHEET in book.sheetnames:
        return book[FORM_SHEET]
    return book.worksheets[0]


def load_template(path: str | Path) -> FormTemplate:
    """Read and check a template; InputError in Chinese, naming the cell, when it cannot make forms."""
    path = Path(path)
    name = path.name
    if not path.is_file():
        raise InputError([Problem(str(path), "模板文件不存在")])
    try:
        book = openpyxl.load_workbook(path)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InputError([Problem(name, f"无法作为 Excel 模板读取（{type(exc).__name__}）")]) from None
    ws = _form_sheet(book)
    problems: list[Problem] = []
    styles: list[dict[str, object]] = []
    style_index: dict[tuple[int, ...], int] = {}
    cells: list[TemplateCell] = []
    fields: dict[str, tuple[int, int]] = {}
    merged_hidden = {
        (r, c)
        for merged in ws.merged_cells.ranges
        for r in range(merged.min_row, merged.max_row + 1)
        for c in range(merged.min_col, merged.max_col + 1)
        if (r, c) != (merged.min_row, merged.min_col)
    }
    for template_row in ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=ws.max_column):
        for cell in template_row:
            if isinstance(cell, MergedCell) or (cell.row, cell.column) in merged_hidden:
                continue
            style_key = tuple(getattr(cell, "_style", None) or ())  # indices into the workbook's style tables
            if style_key not in style_index:
                style_index[style_key] = len(styles)
                styles.append(format_properties(cell))
            value, field_key, text = cell.value, None, None
            where = f"{ws.title}!{cell.coordinate}"
            if isinstance(value, str) and "{" in value:
                match = FIELD_CELL.match(value)
                if match and not (match.group(1) in TEXT_FIELDS and match.group(1) not in FIELDS):
                    field_key = match.group(1)
                    if field_key not in FIELDS:
                        problems.append(Problem(name, f"未知的字段「{field_key}」", None, f"单元格 {where}"))
                    elif field_key in fields:
                        problems.append(Problem(name, f"字段「{field_key}」重复出现", None, f"单元格 {where}"))
                    fields[field_key] = (cell.row, cell.column)
                    value = None
                elif has_placeholders(value):
                    try:
                        text = parse_text(value)
                    except PlaceholderError as exc:
                        problems.append(Problem(name, str(exc), None, f"单元格 {where}"))
            cells.append(TemplateCell(cell.row, cell.column, value, style_index[style_key], field_key, text))
    band_rows = {row for key, (row, _) in fields.items() if key.startswith("row.")}
    for key in REQUIRED:
        if key not in fields:
            problems.append(
                Problem(name, f"缺少必需的字段 {{{{ {key} }}}}（{FIELDS[key].label}）", None, f"工作表「{ws.title}」")
            )
    if len(band_rows) > 1:
        rows = "、".join(str(r) for r in sorted(band_rows))
        problems.append(
            Problem(name, f"指标行字段（row.*）应在同一行，现分布在第 {rows} 行", None, f"工作表「{ws.title}」")
        )
    for made in cells:
        row_keys = sorted(key for key in (made.text.keys if made.text else ()) if key.startswith("row."))
        if row_keys and made.row not in band_rows:
            message = f"占位符「{{{{ {row_keys[0]} }}}}」只能用在指标行（row.* 字段所在的行）"
            problems.append(Problem(name, message, None, f"单元格 {ws.title}!{cell_address(made.row, made.col)}"))
    for field_name, (field_row, field_col) in fields.items():
        if not field_name.startswith("row.") and band_rows and field_row in band_rows:
            problems.append(
                Problem(
                    name,
                    f"字段「{field_name}」不能放在指标行",
                    None,
                    f"单元格 {ws.title}!{cell_address(field_row, field_col)}",
                )
            )
    if problems:
        raise InputError(problems)
    widths = {}
    hidden = set()
    for dimension in ws.column_dimensions.values():
        for col in range(dimension.min or 0, (dimension.max or 0) + 1):
            if col < 1:
                continue
            if dimension.width:
                widths[col] = float(dimension.width)
            if dimension.hidden:
                hidden.add(col)
    heights = {r: float(d.height) for r, d in ws.row_dimensions.items() if d.height is not None}
    return FormTemplate(
        path=path,
        version=hashlib.sha256(path.read_bytes()).hexdigest()[:12],
        sheet_name=ws.title,
        cells=tuple(cells),
        styles=tuple(styles),
        merges=tuple(range_boundaries(m.coord) for m in ws.merged_cells.ranges),  # type: ignore[misc]
        column_widths=widths,
        hidden_columns=frozenset(hidden),
        row_heights=heights,
        band_row=band_rows.pop(),
        max_row=ws.max_row,
        max_col=ws.max_column,
        print_setup=_print_setup(ws),
        fields=fields,
    )
