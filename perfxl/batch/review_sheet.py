"""The cells of one sheet of a reviewed 复核表, streamed: a bureau's table of 1,000 forms holds some 25,000
indicator rows, a sheet part beyond the 8 MB that perfxl's XlsxBook parses whole (perfxl.limits). Streaming
with lxml's iterparse keeps memory to the values kept, whatever the part's size; only the columns asked for
are kept beyond the header rows. The returned forms' package check applies (perfxl.sheetlib.package: the file's
size, its unpacked size, each part's compression ratio, a sound zip), all but its limit on one part's size."""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

from lxml import etree

from perfxl.core.errors import PerfxlError
from perfxl.limits import MAX_PART_BYTES, part_too_large
from perfxl.sheetlib.addresses import parse_cell
from perfxl.sheetlib.cell_xml import cell_value, string_item_text
from perfxl.sheetlib.namespaces import SPREADSHEET, clark
from perfxl.sheetlib.package import ZIP_READ_ERRORS, UnusableFile, check_package, unreadable_part
from perfxl.sheetlib.workbook_parts import worksheet_parts

Cells = dict[tuple[int, int], object]
_PARSER_OPTIONS = {"resolve_entities": False, "no_network": True, "huge_tree": False}


def _q(tag: str) -> str:
    return clark(SPREADSHEET, tag)


class NoSuchSheet(PerfxlError):
    pass


def stream_sheet(path: Path, sheet: str, header_row: int, wanted: Callable[[Cells], set[int]]) -> Cells:
    """(row, column) → value of the sheet's cells up to ``header_row``, and beyond it those of the columns
    ``wanted`` picks from the header cells. UnusableFile (Chinese) for a file that is no safe workbook;
    NoSuchSheet when the workbook has no such sheet. Values: text, float, bool, or an error's text."""
    check_package(path, streamed_parts=True)
    try:
        with zipfile.ZipFile(path) as archive:
            part = _sheet_part(archive, sheet)
            strings = list(_shared_strings(archive))
            with archive.open(part) as stream:
                return _cells(stream, strings, header_row, wanted)
    except zipfile.BadZipFile:
        raise UnusableFile("文件已损坏，无法作为压缩包读取") from None
    except ZIP_READ_ERRORS as exc:
        raise UnusableFile(unreadable_part(exc)) from None
    except (etree.XMLSyntaxError, KeyError, ValueError) as exc:
        raise UnusableFile(f"不是有效的 Excel 工作簿（{type(exc).__name__}）") from None


def _small(archive: zipfile.ZipFile, name: str) -> etree._Element:
    info = archive.getinfo(name)
    if info.file_size > MAX_PART_BYTES:
        raise UnusableFile(part_too_large(name, info.file_size))
    return etree.fromstring(archive.read(info), etree.XMLParser(**_PARSER_OPTIONS))


def _sheet_part(archive: zipfile.ZipFile, sheet: str) -> str:
    workbook = _small(archive, "xl/workbook.xml")
    rels = _small(archive, "xl/_rels/workbook.xml.rels")
    for found in worksheet_parts(workbook, rels):
        if found.name == sheet:
            return found.part
    raise NoSuchSheet(sheet)


def _shared_strings(archive: zipfile.ZipFile) -> Iterator[str]:
    try:
        stream = archive.open("xl/sharedStrings.xml")
    except KeyError:
        return
    with stream:
        for _, item in etree.iterparse(stream, events=("end",), tag=_q("si"), **_PARSER_OPTIONS):
            yield string_item_text(item)
            item.clear()


def _cells(stream: object, strings: list[str], header_row: int, wanted: Callable[[Cells], set[int]]) -> Cells:
    cells: Cells = {}
    columns: set[int] | None = None
    for _, element in etree.iterparse(stream, events=("end",), tag=(_q("c"), _q("row")), **_PARSER_OPTIONS):
        if element.tag == _q("row"):
            if columns is None and int(element.get("r", "0")) >= header_row:
                columns = wanted(cells)
            element.clear()
            while element.getprevious() is not None:
                del element.getparent()[0]
            continue
        row, col = parse_cell(element.get("r", ""))
        if row <= header_row or (columns is not None and col in columns):
            value = cell_value(element, lambda: strings)
            if value is not None:
                cells[(row, col)] = value
    return cells
