"""How a worksheet cell's XML reads as a value — one rule for every reader of sheet XML (the XML engine,
the streamed 复核表 reader).

A cell's ``t`` says what its ``<v>`` holds: a shared string's index (``s``), text (``str``, ``e`` for an
error value), a boolean (``b``), or a number (``n``, the default); ``inlineStr`` holds its text in ``<is>``.
Text is the runs' ``<t>`` without phonetic guides (``<rPh>``, which East Asian Excel adds).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from lxml import etree

from perfxl.sheetlib.namespaces import SPREADSHEET, clark

_T, _RPH, _IS, _V = (clark(SPREADSHEET, tag) for tag in ("t", "rPh", "is", "v"))


def string_item_text(item: etree._Element) -> str:
    """The text of a shared string (``<si>``) or an inline one (``<is>``): its runs, without phonetic guides."""
    return "".join(t.text or "" for t in item.iter(_T) if t.getparent().tag != _RPH)


def cell_value(cell: etree._Element, shared_strings: Callable[[], Sequence[str]]) -> object:
    """The value a ``<c>`` element holds: text, a float, a bool, or None for no value. A shared string's
    index outside the table is no value; ``shared_strings`` is asked only for a shared string."""
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        inline = cell.find(_IS)
        return string_item_text(inline) if inline is not None else ""
    text = cell.findtext(_V)
    if text is None:
        return None
    if kind == "s":
        strings = shared_strings()
        return strings[int(text)] if text.isdigit() and int(text) < len(strings) else None
    if kind in ("str", "e"):
        return text
    if kind == "b":
        return text == "1"
    try:
        return float(text)
    except ValueError:
        return text  # "" for an empty formula result written without its type
