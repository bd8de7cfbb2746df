"""A Book over an .xlsx/.xlsm file, read and patched at the XML level.

Reading parses only the parts it needs (workbook, shared strings, the sheets asked for), which is
many times faster than loading the workbook with openpyxl. Saving rewrites only the sheets whose cells
changed, setting the cached values of formula cells and the values of perfxl's own cells, and copies
every other part byte for byte: the VBA project, buttons, data validations (with the extension
lists openpyxl drops), conditional formats, comments and styles survive untouched. The new file is
written beside the original and renamed onto it.
"""

from __future__ import annotations

import copy as copy_module
import math
import os
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from perfxl.calc.engine import Engine, Function
from perfxl.calc.values import BLANK, ExcelError
from perfxl.core.errors import PerfxlError
from perfxl.limits import MAX_PART_BYTES, part_too_large
from perfxl.output import atomic_path
from perfxl.sheetlib.addresses import cell_address, column_number
from perfxl.sheetlib.cell_xml import cell_value, string_item_text
from perfxl.sheetlib.namespaces import SPREADSHEET, clark
from perfxl.sheetlib.number_formats import builtin_format
from perfxl.sheetlib.package import ZIP_READ_ERRORS, unreadable_part
from perfxl.sheetlib.workbook_parts import worksheet_parts
from perfxl.workbook.base import Book, Calculation, Ref, parse_reference
from perfxl.workbook.protection import Protection
from perfxl.workbook.xlsx_formulas import XlsxCells, cached_value, needs_writing

NS = {"m": SPREADSHEET}
_CELL = re.compile(r"^([A-Z]+)(\d+)$")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


class XlsxError(PerfxlError):
    """The package is not a readable workbook."""


def _q(tag: str) -> str:
    return clark(SPREADSHEET, tag)


class _Sheet:
    """One worksheet part: its XML tree and an index of its cells."""

    def __init__(self, part: str, data: bytes) -> None:
        self.part = part
        self.root = etree.fromstring(data, _PARSER)
        self.data = self.root.find(_q("sheetData"))
        if self.data is None:
            raise XlsxError(f"{part}: 缺少 sheetData")
        self.rows: dict[int, etree._Element] = {}
        self.cells: dict[tuple[int, int], etree._Element] = {}
        for row in self.data.iterfind(_q("row")):
            number = int(row.get("r", "0"))
            self.rows[number] = row
            for cell in row.iterfind(_q("c")):
                match = _CELL.match(cell.get("r", ""))
                if match:
                    self.cells[(int(match.group(2)), column_number(match.group(1)))] = cell
        self.changed = False
        self.removed_protection: tuple[int, etree._Element] | None = None  # while perfxl writes to the sheet

    def ensure_cell(self, row: int, col: int) -> etree._Element:
        cell = self.cells.get((row, col))
        if cell is not None:
            return cell
        row_element = self.rows.get(row)
        if row_element is None:
            row_element = etree.Element(_q("row"), r=str(row))
            later = [r for r in self.rows if r > row]
            if later:
                self.rows[min(later)].addprevious(row_element)
            else:
                self.data.append(row_element)
            self.rows[row] = row_element
        cell = etree.Element(_q("c"), r=cell_address(row, col))
        after = [c for (r, c) in self.cells if r == row and c > col]
        if after:
            self.cells[(row, min(after))].addprevious(cell)
        else:
            row_element.append(cell)
        self.cells[(row, col)] = cell
        return cell


class XlsxBook(Book):
    """Book implementation for files on disk (any machine, no spreadsheet application).

    Of the optional capabilities it has the sheet grid (:meth:`cell_values`, :meth:`merged_ranges`) and
    :meth:`locked`, not :meth:`mark`: a file gets no notes (its findings go to the report). Beyond the Book
    interface: :attr:`changed`, :meth:`used_range`, :meth:`close` (and ``with``).
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.name = self.path.name
        try:
            self.archive = zipfile.ZipFile(self.path)
            workbook = etree.fromstring(self._part_bytes("xl/workbook.xml"), _PARSER)
            rels = etree.fromstring(self._part_bytes("xl/_rels/workbook.xml.rels"), _PARSER)
        except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError, OSError) as exc:
            raise XlsxError(f"不是有效的 Excel 工作簿（{type(exc).__name__}）") from None
        sheets = worksheet_parts(workbook, rels)
        self._sheet_parts: dict[str, str] = {sheet.name: sheet.part for sheet in sheets}
        self._order: list[str] = [sheet.name for sheet in sheets]
        self._hidden: set[str] = {sheet.name for sheet in sheets if sheet.hidden}
        self._names: dict[str | None, dict[str, Ref]] = {}
        for defined in workbook.iterfind("m:definedNames/m:definedName", NS):
            scope_index = defined.get("localSheetId")
            scope = (
                self._order[int(scope_index)]
                if scope_index is not None and scope_index.isdigit() and int(scope_index) < len(self._order)
                else None
            )
            ref = parse_reference(defined.text or "")
            if ref is not None and defined.get("name") and not defined.get("name", "").startswith("_xlnm."):
                self._names.setdefault(scope, {})[defined.get("name", "")] = ref
        self._strings: list[str] | None = None
        self._formats: list[str] | None = None
        self._locks: list[bool] | None = None
        self._engine: Engine | None = None
        self._cells: XlsxCells = XlsxCells(self)  # the engine's view of the cells, once calculating
        self._results_of: set[str] = set()  # sheets whose formula results are written into their XML
        self._released: dict[str, _Deflated] = {}  # sheet part → its changed XML, kept while not parsed
        self._sheets: dict[str, _Sheet] = {}

    # -- reading --------------------------------------------------------------------------------

    def _part_bytes(self, name: str) -> bytes:
        """An XML part's bytes, refused beyond MAX_PART_BYTES before anything is inflated."""
        size = self.archive.getinfo(name).file_size
        if size > MAX_PART_BYTES:
            raise XlsxError(part_too_large(name, size))
        try:
            return self.archive.read(name)
        except ZIP_READ_ERRORS as exc:
            raise XlsxError(f"部件 {name}：{unreadable_part(exc)}") from None

    def sheet_names(self) -> list[str]:
        return list(self._order)

    def hidden_sheets(self) -> set[str]:
        return set(self._hidden)

    def names(self, sheet: str | None) -> dict[str, Ref]:
        return dict(self._names.get(sheet, {}))

    def _shared_strings(self) -> list[str]:
        if self._strings is None:
            try:
                root = etree.fromstring(self._part_bytes("xl/sharedStrings.xml"), _PARSER)
            except KeyError:
                self._strings = []
            else:
                self._strings = [string_item_text(si) for si in root.iterfind(_q("si"))]
        return self._strings

    def _sheet(self, name: str) -> _Sheet:
        if name not in self._sheets:
            part = self._sheet_parts.get(name)
            if part is None:
                raise XlsxError(f"没有名为「{name}」的工作表")
            kept = self._released.pop(part, None)
            if kept is None:
                self._sheets[name] = _Sheet(part, self._part_bytes(part))
            else:  # released with changes: read back as they were kept, still to be saved
                self._sheets[name] = _Sheet(part, kept.inflate())
                self._sheets[name].changed = True
        return self._sheets[name]

    def release(self, sheet: str, *, keep_changes: bool) -> None:
        """perfxl is done with a sheet: its parsed XML is dropped, so that reading a workbook of many sheets
        holds one at a time. ``keep_changes``: its changes, and its formulas' results when calculating,
        are kept (deflated) for :meth:`save`; otherwise the sheet is as if never read."""
        part = self._sheets.get(sheet)
        if part is None:
            return
        if keep_changes:
            self._write_sheet_results(sheet)
            if part.changed:
                self._released[part.part] = _Deflated.of(_serialised(part))
        elif self._engine is not None:
            self._results_of.discard(sheet)
        if self._engine is not None:
            self._engine.forget(sheet)
            self._cells.forget(sheet)
        del self._sheets[sheet]

    def _value(self, cell: etree._Element | None) -> object:
        return None if cell is None else cell_value(cell, self._shared_strings)

    def values(self, ref: Ref) -> list[list[object]]:
        sheet = self._sheet(ref.sheet)
        return [
            [
                None if (cell := sheet.cells.get((r, c))) is None else self._computed(ref.sheet, r, c, cell)
                for c in range(ref.min_col, ref.max_col + 1)
            ]
            for r in range(ref.min_row, ref.max_row + 1)
        ]

    def formulas(self, ref: Ref) -> list[list[bool]]:
        sheet = self._sheet(ref.sheet)
        return [
            [
                (cell := sheet.cells.get((r, c))) is not None and cell.find(_q("f")) is not None
                for c in range(ref.min_col, ref.max_col + 1)
            ]
            for r in range(ref.min_row, ref.max_row + 1)
        ]

    def cell_values(self, name: str) -> dict[tuple[int, int], object]:
        """(row, column) → value of every cell of a sheet that holds one (not mere formatting).

        Sparse: a value typed far away (XFD1048576) costs one entry, not a rectangle of empty cells.
        """
        sheet = self._sheet(name)
        return {
            (r, c): self._computed(name, r, c, cell)
            for (r, c), cell in sheet.cells.items()
            if cell.find(_q("v")) is not None or cell.find(_q("is")) is not None
        }

    def used_range(self, name: str) -> Ref | None:
        """The smallest rectangle from A1 holding every cell with a value (not mere formatting); None if empty."""
        corners = self.cell_values(name)
        if not corners:
            return None
        return Ref(name, 1, 1, max(r for r, _ in corners), max(c for _, c in corners))

    def merged_ranges(self, name: str) -> list[Ref]:
        """The merged ranges of a sheet (only their top-left cell holds a value)."""
        sheet = self._sheet(name)
        refs = (parse_reference(m.get("ref", ""), name) for m in sheet.root.iterfind("m:mergeCells/m:mergeCell", NS))
        return [ref for ref in refs if ref is not None]

    def number_formats(self, ref: Ref) -> list[list[str]]:
        """The number format code of each cell ("General", "0.00%", "#,##0"…), row by row."""
        sheet = self._sheet(ref.sheet)
        formats = self._number_formats()
        out = []
        for r in range(ref.min_row, ref.max_row + 1):
            row = []
            for c in range(ref.min_col, ref.max_col + 1):
                cell = sheet.cells.get((r, c))
                style = cell.get("s", "0") if cell is not None else "0"
                index = int(style) if style.isdigit() else 0
                row.append(formats[index] if index < len(formats) else "General")
            out.append(row)
        return out

    def _number_formats(self) -> list[str]:
        """Format code per cell style (cellXfs index)."""
        if self._formats is None:
            try:
                root = etree.fromstring(self._part_bytes("xl/styles.xml"), _PARSER)
            except KeyError:
                self._formats = []
            else:
                custom = {
                    int(f.get("numFmtId", "-1")): f.get("formatCode", "General")
                    for f in root.iterfind("m:numFmts/m:numFmt", NS)
                }
                ids = [int(xf.get("numFmtId", "0")) for xf in root.iterfind("m:cellXfs/m:xf", NS)]
                self._formats = [custom.get(i) or builtin_format(i) for i in ids]
        return self._formats

    # -- calculating ----------------------------------------------------------------------------

    def calculate(self, functions: Mapping[str, Function]) -> Calculation:
        """From now on a formula cell's value is what its formula gives, computed by perfxl's engine.

        Cells are computed when read (:meth:`values`), so a check computes only what it reads;
        :meth:`save` and :attr:`changed` first compute every formula of every worksheet and cache the
        results. A formula the engine cannot compute keeps its cached value; the returned Calculation
        lists those computed so far (and, once saved, all).
        """
        cells = self._cells = XlsxCells(self)
        self._engine = Engine(cells, functions)
        self._results_of = set()
        return Calculation(_Uncomputed(self._engine, cells))

    def _computed(self, sheet: str, row: int, col: int, cell: etree._Element) -> object:
        """A formula cell's value as :meth:`values` gives values: from the engine once calculating."""
        if self._engine is None or cell.find(_q("f")) is None:
            return self._value(cell)
        return _python(self._engine.value(sheet, row, col))

    def _write_results(self) -> None:
        """Compute every formula (those not read yet) and cache each result that differs from the file's."""
        if self._engine is None:
            return
        for name in self._order:
            self._write_sheet_results(name)

    def _write_sheet_results(self, name: str) -> None:
        engine = self._engine
        if engine is None or name in self._results_of:
            return
        try:
            sheet = self._sheet(name)
        except XlsxError:
            return  # a chart sheet or a dialog sheet: no cells
        strings = self._shared_strings()
        for (row, col), value in engine.calculate_sheet(name).items():
            if (name, row, col) in engine.uncomputed:
                continue  # its cached value stays as the file has it
            cell = sheet.cells[(row, col)]
            if needs_writing(cell, cached_value(cell, strings), value):
                _set_v(cell, value, formula=True)
                sheet.changed = True
        self._results_of.add(name)

    # -- protection -----------------------------------------------------------------------------

    def protection(self, sheet: str) -> Protection | None:
        element = self._sheet(sheet).root.find(_q("sheetProtection"))
        if element is None or not _true(element.get("sheet")):
            return None
        return self._element_protection(element)

    def set_protection(self, sheet: str, protection: Protection | None) -> None:
        part = self._sheet(sheet)
        current = part.root.find(_q("sheetProtection"))
        if protection is None:
            if current is not None:
                part.removed_protection = (part.root.index(current), current)
                part.root.remove(current)
                part.changed = True
            return
        if current is not None:
            part.root.remove(current)
        removed = part.removed_protection
        if removed is not None and self._element_protection(removed[1]) == protection:
            index, element = removed  # the very element the file had: its bytes come back unchanged
        else:
            element = etree.Element(_q("sheetProtection"), sheet="1")
            for name, (attribute, default) in _PROTECTION_ATTRIBUTES.items():
                locked = "0" if getattr(protection, name) else "1"
                if locked != default:
                    element.set(attribute, locked)
            anchor = part.root.find(_q("sheetCalcPr"))
            index = part.root.index(anchor if anchor is not None else part.data) + 1
        part.root.insert(index, element)
        part.removed_protection = None
        part.changed = True

    @staticmethod
    def _element_protection(element: etree._Element) -> Protection:
        allowed = {
            name: not _true(element.get(attribute, default))
            for name, (attribute, default) in _PROTECTION_ATTRIBUTES.items()
        }
        password = any(element.get(a) for a in ("password", "hashValue", "algorithmName"))
        return Protection(**allowed, has_password=password)

    def locked(self, ref: Ref) -> bool:
        """Whether a cell is locked (what protection guards): its style's protection, locked by default."""
        cell = self._sheet(ref.sheet).cells.get((ref.min_row, ref.min_col))
        style = cell.get("s", "0") if cell is not None else "0"
        flags = self._locked_styles()
        index = int(style) if style.isdigit() else 0
        return flags[index] if index < len(flags) else True

    def _locked_styles(self) -> list[bool]:
        if self._locks is None:
            try:
                root = etree.fromstring(self._part_bytes("xl/styles.xml"), _PARSER)
            except KeyError:
                root = None
            self._locks = [] if root is None else [_locked_xf(xf) for xf in root.iterfind("m:cellXfs/m:xf", NS)]
        return self._locks

    # -- writing --------------------------------------------------------------------------------

    def set_value(self, ref: Ref, value: object) -> None:
        sheet = self._sheet(ref.sheet)
        cell = sheet.ensure_cell(ref.min_row, ref.min_col)
        if cell.find(_q("f")) is not None:
            _set_v(cell, value, formula=True)
        else:
            _set_v(cell, value, formula=False)
        sheet.changed = True

    @property
    def changed(self) -> bool:
        """Whether saving would write anything new (computing every formula first when calculating)."""
        self._write_results()
        return bool(self._released) or any(sheet.changed for sheet in self._sheets.values())

    def save(self, target: str | os.PathLike[str] | None = None) -> Path:
        """Write the patched package to ``target`` (default: in place), atomically."""
        destination = Path(target) if target is not None else self.path
        self._write_results()
        patched = {s.part: _Deflated.of(_serialised(s)) for s in self._sheets.values() if s.changed}
        patched.update(self._released)
        mode = self.path.stat().st_mode & 0o777 if self.path.exists() else 0o644
        with (
            atomic_path(destination, mode) as temporary,
            zipfile.ZipFile(temporary, "w") as out,
            self.path.open("rb") as source,
        ):
            for info in self.archive.infolist():
                if info.filename in patched:
                    _write_deflated(out, info, patched[info.filename])
                else:
                    _copy_raw(out, source, info)
        return destination

    def close(self) -> None:
        self.archive.close()

    def __enter__(self) -> XlsxBook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Uncomputed(Mapping[str, str]):
    """The formula cells not computed so far, by "Sheet!A1", with why (a live view of the engine's list)."""

    def __init__(self, engine: Engine, cells: XlsxCells) -> None:
        self.engine = engine
        self.cells = cells

    def _all(self) -> dict[str, str]:
        found = {str(Ref.cell(*key)): "不支持的公式类型" for key in self.cells.unsupported()}
        found.update((str(Ref.cell(*key)), reason) for key, reason in self.engine.uncomputed.items())
        return found

    def __getitem__(self, key: str) -> str:
        return self._all()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


def _python(value: object) -> object:
    """An engine value as :meth:`XlsxBook.values` gives values: floats, text, booleans, None, error texts."""
    if value is BLANK:
        return None
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, ExcelError):
        return value.code
    return value


# Protection field → its <sheetProtection> attribute and the attribute's default ("1": the action is locked).
_PROTECTION_ATTRIBUTES = {
    "objects": ("objects", "0"),
    "scenarios": ("scenarios", "0"),
    "format_cells": ("formatCells", "1"),
    "format_columns": ("formatColumns", "1"),
    "format_rows": ("formatRows", "1"),
    "insert_columns": ("insertColumns", "1"),
    "insert_rows": ("insertRows", "1"),
    "insert_hyperlinks": ("insertHyperlinks", "1"),
    "delete_columns": ("deleteColumns", "1"),
    "delete_rows": ("deleteRows", "1"),
    "sort": ("sort", "1"),
    "auto_filter": ("autoFilter", "1"),
    "pivot_tables": ("pivotTables", "1"),
    "select_locked_cells": ("selectLockedCells", "0"),
    "select_unlocked_cells": ("selectUnlockedCells", "0"),
}


def _true(value: str | None) -> bool:
    return value in ("1", "true")


def _locked_xf(xf: etree._Element) -> bool:
    protection = xf.find(_q("protection"))
    return protection is None or _true(protection.get("locked", "1"))


def _serialised(sheet: _Sheet) -> bytes:
    return etree.tostring(sheet.root, xml_declaration=True, encoding="UTF-8", standalone=True)


@dataclass(frozen=True)
class _Deflated:
    """A part's new bytes, deflated as the package stores them (a tenth of their size while kept)."""

    data: bytes
    size: int
    crc: int

    @classmethod
    def of(cls, content: bytes) -> _Deflated:
        compressor = zlib.compressobj(6, zlib.DEFLATED, -15)  # raw deflate, as in a zip entry
        return cls(compressor.compress(content) + compressor.flush(), len(content), zlib.crc32(content))

    def inflate(self) -> bytes:
        return zlib.decompress(self.data, -15)


_LOCAL_HEADER_SIZE = 30  # the fixed part of a zip entry's local header (APPNOTE.TXT 4.3.7)


def _copy_raw(out: zipfile.ZipFile, source: BinaryIO, info: zipfile.ZipInfo) -> None:
    """Copy one part's compressed bytes unchanged: no inflating and deflating of untouched parts."""
    source.seek(info.header_offset)
    header = source.read(_LOCAL_HEADER_SIZE)
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    source.seek(info.header_offset + _LOCAL_HEADER_SIZE + name_length + extra_length)
    _add_entry(out, copy_module.copy(info), source.read(info.compress_size))


def _write_deflated(out: zipfile.ZipFile, info: zipfile.ZipInfo, part: _Deflated) -> None:
    entry = copy_module.copy(info)
    entry.compress_type = zipfile.ZIP_DEFLATED
    entry.file_size, entry.compress_size, entry.CRC = part.size, len(part.data), part.crc
    _add_entry(out, entry, part.data)


def _add_entry(out: zipfile.ZipFile, entry: zipfile.ZipInfo, data: bytes) -> None:
    """Write an entry whose compressed bytes are ready.

    zipfile has no public call for this; it writes a local header from the central directory's entry
    (sizes and CRC in the header, so no data descriptor follows) and registers the entry as its own
    writestr does.
    """
    entry.flag_bits &= ~0x08
    entry.header_offset = out.fp.tell()  # type: ignore[union-attr]
    out.fp.write(entry.FileHeader())  # type: ignore[union-attr]
    out.fp.write(data)  # type: ignore[union-attr]
    out.filelist.append(entry)
    out.NameToInfo[entry.filename] = entry
    out.start_dir = out.fp.tell()  # type: ignore[union-attr]


def _set_v(cell: etree._Element, value: object, *, formula: bool) -> None:
    """Give a cell its value: cached result of a formula, or a plain number / inline text."""
    for child in cell.findall(_q("v")) + cell.findall(_q("is")):
        cell.remove(child)
    if "t" in cell.attrib:
        del cell.attrib["t"]
    if value is None or value is BLANK or (value == "" and not formula):
        return
    if isinstance(value, ExcelError):
        cell.set("t", "e")
        etree.SubElement(cell, _q("v")).text = value.code
    elif isinstance(value, Decimal):
        number = float(value)
        if math.isinf(number):  # beyond what a spreadsheet cell can hold
            cell.set("t", "e")
            etree.SubElement(cell, _q("v")).text = "#NUM!"
        else:
            etree.SubElement(cell, _q("v")).text = repr(number)
    elif isinstance(value, bool):
        cell.set("t", "b")
        etree.SubElement(cell, _q("v")).text = "1" if value else "0"
    elif isinstance(value, (int, float)):
        etree.SubElement(cell, _q("v")).text = repr(float(value)) if isinstance(value, float) else str(value)
    elif formula:
        cell.set("t", "str")
        etree.SubElement(cell, _q("v")).text = str(value)
    else:
        cell.set("t", "inlineStr")
        inline = etree.SubElement(cell, _q("is"))
        etree.SubElement(inline, _q("t")).text = str(value)
