"""Translate an openpyxl cell style into xlsxwriter format properties.

The template is read with openpyxl and the forms are written with xlsxwriter (fast, and able to
write cached formula values, buttons and VBA projects); this is the bridge between the two.
"""

from __future__ import annotations

from openpyxl.cell.cell import Cell
from openpyxl.styles.colors import Color

BORDER_STYLES = {
    None: 0,
    "thin": 1,
    "medium": 2,
    "dashed": 3,
    "dotted": 4,
    "thick": 5,
    "double": 6,
    "hair": 7,
    "mediumDashed": 8,
    "dashDot": 9,
    "mediumDashDot": 10,
    "dashDotDot": 11,
    "mediumDashDotDot": 12,
    "slantDashDot": 13,
}
HORIZONTAL = {
    "left": "left",
    "center": "center",
    "right": "right",
    "fill": "fill",
    "justify": "justify",
    "centerContinuous": "center_across",
    "distributed": "distributed",
}
VERTICAL = {"top": "top", "center": "vcenter", "bottom": "bottom", "justify": "vjustify", "distributed": "vdistributed"}
UNDERLINE = {"single": 1, "double": 2, "singleAccounting": 33, "doubleAccounting": 34}


def _rgb(color: Color | None) -> str | None:
    """'#RRGGBB' for an explicit colour; None for theme, indexed-default or absent colours."""
    if color is None or color.type != "rgb" or not isinstance(color.rgb, str):
        return None
    return "#" + color.rgb[-6:]


def format_properties(cell: Cell) -> dict[str, object]:
    """The xlsxwriter ``add_format`` properties that reproduce ``cell``'s look and protection."""
    props: dict[str, object] = {}
    font = cell.font
    if font is not None:
        if font.name:
            props["font_name"] = font.name
        if font.sz:
            props["font_size"] = float(font.sz)
        if font.b:
            props["bold"] = True
        if font.i:
            props["italic"] = True
        if font.u:
            props["underline"] = UNDERLINE.get(font.u, 1)
        if font.strike:
            props["font_strikeout"] = True
        if font.vertAlign == "superscript":
            props["font_script"] = 1
        elif font.vertAlign == "subscript":
            props["font_script"] = 2
        if colour := _rgb(font.color):
            props["font_color"] = colour
    fill = cell.fill
    if fill is not None and fill.fill_type == "solid" and (colour := _rgb(fill.fgColor)):
        props["pattern"] = 1
        props["bg_color"] = colour
    border = cell.border
    if border is not None:
        for side in ("left", "right", "top", "bottom"):
            edge = getattr(border, side)
            if edge is not None and edge.style:
                props[side] = BORDER_STYLES.get(edge.style, 1)
                if colour := _rgb(edge.color):
                    props[f"{side}_color"] = colour
    alignment = cell.alignment
    if alignment is not None:
        if alignment.horizontal in HORIZONTAL:
            props["align"] = HORIZONTAL[alignment.horizontal]
        if alignment.vertical in VERTICAL:
            props["valign"] = VERTICAL[alignment.vertical]
        if alignment.wrap_text:
            props["text_wrap"] = True
        if alignment.shrink_to_fit:
            props["shrink"] = True
        if alignment.indent:
            props["indent"] = int(alignment.indent)
        if alignment.text_rotation:
            rotation = int(alignment.text_rotation)
            props["rotation"] = 270 if rotation == 255 else (rotation if rotation <= 90 else 90 - rotation)
    if cell.number_format and cell.number_format != "General":
        props["num_format"] = cell.number_format
    protection = cell.protection
    if protection is not None:
        if not protection.locked:
            props["locked"] = False
        if protection.hidden:
            props["hidden"] = True
    return props
