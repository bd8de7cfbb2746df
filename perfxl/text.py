"""Text measures: the columns a text takes (terminal tables, spreadsheet cells) and the height of a row
of wrapped text, which neither Excel nor LibreOffice auto-fits in merged cells (the generated forms and
the batch's summary and report workbooks set it explicitly)."""

from __future__ import annotations

import math
import unicodedata

DEFAULT_FONT_SIZE = 11.0
# Points per line of text, as a multiple of the font size, and padding per row.
LINE_SPACING = 1.3
PADDING = 4.0
# A column width unit is one digit of Excel's default font (Calibri 11pt, 7 px); a CJK glyph at 11pt is
# about 14.7 px, two units, as display_width counts it. Sized for Excel: LibreOffice's Noto CJK
# glyphs are narrower, so its rows come out a little roomy rather than clipped.
WIDTH_PER_CHAR = 1.0


def display_width(text: str) -> int:
    """Columns a text takes in a terminal or a spreadsheet cell: CJK (wide) characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def lines_needed(value: str, width_chars: float, font_size: float) -> int:
    """Lines a wrapped text needs in a cell (or merged cells) of the given width."""
    usable = max(width_chars - 1.0, 1.0) * DEFAULT_FONT_SIZE / font_size
    total = 0
    for paragraph in value.split("\n"):
        total += max(1, math.ceil(display_width(paragraph) * WIDTH_PER_CHAR / usable))
    return total


def row_height(lines: int, font_size: float) -> float:
    return round(lines * font_size * LINE_SPACING + PADDING, 1)
