"""Plain-text tables that line up in a terminal with Chinese (double-width) characters."""

from __future__ import annotations

from collections.abc import Sequence

from perfxl.text import display_width


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * (width - display_width(text))
    return gap + text if right else text + gap


def render_table(header: Sequence[str], rows: Sequence[Sequence[str]], right_aligned: set[int]) -> str:
    widths = [max(display_width(str(row[i])) for row in (header, *rows)) for i in range(len(header))]
    lines = []
    for row in (header, *rows):
        cells = [_pad(str(cell), widths[i], i in right_aligned) for i, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
