"""Mutations of workbooks and project lists for the property tests of hostile input (issue 9, item 10).

Each mutation is a small function (one XML part's bytes → bytes, the package's parts → parts, or the whole
file's bytes → bytes) with the arguments a hypothesis strategy drew for it; its repr names both, so a
failing example can be rebuilt by hand, and the fixed samples of the fast tests are written the same way.

Edits work on the raw bytes with regular expressions, not through a parser: they must be able to produce
what no parser would write (a cell without its ``r``, a truncated tag, a stray control character).
``pick`` arguments are drawn without knowing the file: the element edited is ``pick`` modulo the number of
matches, and a mutation finding nothing to edit leaves the file as it is.
"""

from __future__ import annotations

import io
import json
import random
import re
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

import yaml
from hypothesis import strategies as st

Parts = list[tuple[str, bytes]]  # a package's parts, in the order of its zip

SHEET_PART = re.compile(r"xl/worksheets/[^/]+\.xml$")
CELL = re.compile(rb"<c\b[^>]*?(?:/>|>.*?</c>)", re.S)
ROW = re.compile(rb"<row\b[^>]*?(?:/>|>.*?</row>)", re.S)
VALUE = re.compile(rb"<v>(.*?)</v>", re.S)
STRING_ITEM = re.compile(rb"<si\b[^>]*?(?:/>|>.*?</si>)", re.S)
STRING_TEXT = re.compile(rb"(<t\b[^>]*>)(.*?)(</t>)", re.S)
SHEET_ENTRY = re.compile(rb"<sheet\b[^>]*/>")
DEFINED_NAME = re.compile(rb"<definedName\b[^>]*?(?:/>|>.*?</definedName>)", re.S)
REF_ATTRIBUTE = re.compile(rb'\br="[^"]*"')


def _nth(pattern: re.Pattern[bytes], data: bytes, pick: int) -> re.Match[bytes] | None:
    matches = list(pattern.finditer(data))
    return matches[pick % len(matches)] if matches else None


def _splice(data: bytes, match: re.Match[bytes], replacement: bytes, group: int = 0) -> bytes:
    return data[: match.start(group)] + replacement + data[match.end(group) :]


def _xml_text(text: str) -> bytes:
    """``text`` as element content: markup characters escaped, anything else (control characters too) as is."""
    return escape(text).encode("utf-8", "surrogatepass")


def _retag(element: bytes, name: bytes, value: bytes | None) -> bytes:
    """``element`` (``<x …/>`` or ``<x …>…``) with attribute ``name`` of its start tag set to ``value`` (added
    when missing), or removed for None."""
    end = element.index(b">") + 1
    closing = element[end - 2 : end] == b"/>"
    tag = element[: end - 2] if closing else element[: end - 1]
    tag = re.sub(rb"\s" + re.escape(name) + rb'="[^"]*"', b"", tag)
    if value is not None:
        head = re.match(rb"<[\w:]+", tag)
        assert head is not None
        tag = tag[: head.end()] + b" " + name + b'="' + value + b'"' + tag[head.end() :]
    return tag + (b"/>" if closing else b">") + element[end:]


def _start_tag(element: bytes) -> bytes:
    return element[: element.index(b">") + 1]


def _cell_ref(cell: bytes) -> bytes:
    found = REF_ATTRIBUTE.search(_start_tag(cell))
    return found.group(0)[3:-1] if found else b"A1"


# --- sheet XML --------------------------------------------------------------------------------------------


def set_value(xml: bytes, pick: int, text: str) -> bytes:
    """The content of one ``<v>`` (a number, a shared string's index, a formula's cached value) replaced."""
    match = _nth(VALUE, xml, pick)
    return xml if match is None else _splice(xml, match, _xml_text(text), 1)


def drop_element(xml: bytes, tag: str, pick: int) -> bytes:
    match = _nth(CELL if tag == "c" else ROW, xml, pick)
    return xml if match is None else _splice(xml, match, b"")


def duplicate_element(xml: bytes, tag: str, pick: int) -> bytes:
    match = _nth(CELL if tag == "c" else ROW, xml, pick)
    return xml if match is None else _splice(xml, match, match.group(0) * 2)


def shuffle_rows(xml: bytes, seed: int) -> bytes:
    rows = list(ROW.finditer(xml))
    if len(rows) < 2:
        return xml
    order = [row.group(0) for row in rows]
    random.Random(seed).shuffle(order)
    pieces, last = [], 0
    for row, replacement in zip(rows, order, strict=True):
        pieces += [xml[last : row.start()], replacement]
        last = row.end()
    return b"".join([*pieces, xml[last:]])


def set_cell_ref(xml: bytes, pick: int, ref: str | None) -> bytes:
    """One cell's ``r`` set to ``ref`` (None: the previous cell's reference, a duplicate; "": removed)."""
    cells = list(CELL.finditer(xml))
    if not cells:
        return xml
    index = pick % len(cells)
    if ref is None:
        value: bytes | None = _cell_ref(cells[index - 1].group(0))
    else:
        value = ref.encode() if ref else None
    return _splice(xml, cells[index], _retag(cells[index].group(0), b"r", value))


def set_row_ref(xml: bytes, pick: int, ref: str | None) -> bytes:
    """One row's ``r`` set to ``ref`` (None: removed)."""
    match = _nth(ROW, xml, pick)
    return (
        xml
        if match is None
        else _splice(xml, match, _retag(match.group(0), b"r", None if ref is None else ref.encode()))
    )


def _rebuild_cell(cell: bytes, type_: str | None, content: bytes) -> bytes:
    """The cell's start tag (its ``t`` set, or removed for None) with new content."""
    tag = _start_tag(_retag(cell, b"t", None if type_ is None else type_.encode()))
    return (tag[:-2] + b">" if tag.endswith(b"/>") else tag) + content + b"</c>"


def set_cell_type(xml: bytes, pick: int, type_: str | None, content: str | None) -> bytes:
    """One cell's ``t`` set (None: removed) and its content replaced: ``content`` as a ``<v>``, or no content
    at all for None (an ``inlineStr`` without ``<is>``, an ``s`` without its index)."""
    match = _nth(CELL, xml, pick)
    if match is None:
        return xml
    body = b"" if content is None else b"<v>" + _xml_text(content) + b"</v>"
    return _splice(xml, match, _rebuild_cell(match.group(0), type_, body))


def set_inline_string(xml: bytes, pick: int, text: str) -> bytes:
    match = _nth(CELL, xml, pick)
    if match is None:
        return xml
    return _splice(xml, match, _rebuild_cell(match.group(0), "inlineStr", b"<is><t>" + _xml_text(text) + b"</t></is>"))


def insert_formula(xml: bytes, pick: int, formula: str, cached: str | None, attributes: str = "") -> bytes:
    """One cell given ``<f>`` (``{self}`` in ``formula`` is the cell's own reference: a circular one) and,
    unless ``cached`` is None, a cached value."""
    match = _nth(CELL, xml, pick)
    if match is None:
        return xml
    cell = match.group(0)
    text = formula.replace("{self}", _cell_ref(cell).decode("utf-8", "replace"))
    content = f"<f{attributes}>".encode() + _xml_text(text) + b"</f>"
    if cached is not None:
        content += b"<v>" + _xml_text(cached) + b"</v>"
    return _splice(xml, match, _rebuild_cell(cell, None, content))


def truncate(data: bytes, fraction: float) -> bytes:
    return data[: int(len(data) * fraction)]


def insert_bytes(data: bytes, fraction: float, payload: bytes) -> bytes:
    at = int(len(data) * fraction)
    return data[:at] + payload + data[at:]


def add_merge(xml: bytes, ref: str) -> bytes:
    merge = b'<mergeCell ref="' + _xml_text(ref) + b'"/>'
    if b"<mergeCells" in xml:
        return re.sub(rb"(<mergeCells\b[^>]*>)", lambda m: m.group(1) + merge, xml, count=1)
    return xml.replace(b"</sheetData>", b'</sheetData><mergeCells count="1">' + merge + b"</mergeCells>", 1)


def set_dimension(xml: bytes, ref: str) -> bytes:
    return re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="' + _xml_text(ref) + b'"', xml, count=1)


def add_doctype(xml: bytes, doctype: str) -> bytes:
    """A DOCTYPE after the XML declaration: entity expansion or an external entity, used in the first cell."""
    declaration = re.match(rb"<\?xml[^>]*\?>", xml)
    at = declaration.end() if declaration else 0
    xml = xml[:at] + doctype.encode() + xml[at:]
    match = _nth(VALUE, xml, 0)
    return xml if match is None else _splice(xml, match, b"&e;", 1)


# --- shared strings ----------------------------------------------------------------------------------------


def set_string(xml: bytes, pick: int, text: str) -> bytes:
    match = _nth(STRING_TEXT, xml, pick)
    return xml if match is None else _splice(xml, match, _xml_text(text), 2)


def drop_string(xml: bytes, pick: int) -> bytes:
    match = _nth(STRING_ITEM, xml, pick)
    return xml if match is None else _splice(xml, match, b"")


def empty_strings(xml: bytes) -> bytes:
    return re.sub(rb"(<sst\b[^>]*?)/?>.*", rb"\1/>", xml, count=1, flags=re.S)


def rich_string(xml: bytes, pick: int, runs: int) -> bytes:
    """One string as ``runs`` rich-text runs (what Excel writes for partly bold text)."""
    match = _nth(STRING_ITEM, xml, pick)
    if match is None:
        return xml
    body = b"".join(b"<r><rPr><b/></rPr><t>" + str(i).encode() + b"</t></r>" for i in range(runs))
    return _splice(xml, match, b"<si>" + body + b"</si>")


# --- workbook.xml -----------------------------------------------------------------------------------------


def _sheet_name(entry: bytes) -> bytes:
    found = re.search(rb'\bname="([^"]*)"', entry)
    return found.group(1) if found else b""


def rename_sheet(xml: bytes, pick: int, name: str, everywhere: bool) -> bytes:
    """One sheet renamed; with ``everywhere`` the defined names follow it (as Excel renames), else they point
    to a sheet that is gone."""
    match = _nth(SHEET_ENTRY, xml, pick)
    if match is None:
        return xml
    old = _sheet_name(match.group(0))
    new = escape(name, {'"': "&quot;"}).encode("utf-8", "surrogatepass")
    xml = _splice(xml, match, _retag(match.group(0), b"name", new))
    if everywhere and old:
        quoted_new = b"'" + new.replace(b"'", b"''") + b"'!"
        for old_spelling in (b"'" + old.replace(b"'", b"''") + b"'!", old + b"!"):
            xml = xml.replace(b">" + old_spelling, b">" + quoted_new)
    return xml


def set_sheet_attribute(xml: bytes, pick: int, name: str, value: str | None) -> bytes:
    """``state``, ``r:id``, ``sheetId`` or ``name`` of one sheet set (None: removed)."""
    match = _nth(SHEET_ENTRY, xml, pick)
    return (
        xml
        if match is None
        else _splice(xml, match, _retag(match.group(0), name.encode(), None if value is None else _xml_text(value)))
    )


def _defined_name(xml: bytes, pick: int | str) -> re.Match[bytes] | None:
    """The ``pick``-th defined name, or the first one named ``pick``."""
    if isinstance(pick, int):
        return _nth(DEFINED_NAME, xml, pick)
    return next((m for m in DEFINED_NAME.finditer(xml) if f'name="{pick}"'.encode() in _start_tag(m.group(0))), None)


def set_name_target(xml: bytes, pick: int | str, target: str) -> bytes:
    match = _defined_name(xml, pick)
    if match is None or match.group(0).endswith(b"/>"):
        return xml
    element = match.group(0)
    start = element.index(b">") + 1
    return _splice(xml, match, element[:start] + _xml_text(target) + b"</definedName>")


def set_name_attribute(xml: bytes, pick: int | str, name: str, value: str | None) -> bytes:
    """``name`` or ``localSheetId`` of one defined name set (None: removed; for localSheetId, a global name)."""
    match = _defined_name(xml, pick)
    return (
        xml
        if match is None
        else _splice(xml, match, _retag(match.group(0), name.encode(), None if value is None else _xml_text(value)))
    )


def drop_name(xml: bytes, pick: int | str) -> bytes:
    match = _defined_name(xml, pick)
    return xml if match is None else _splice(xml, match, b"")


def duplicate_name(xml: bytes, pick: int | str) -> bytes:
    match = _defined_name(xml, pick)
    return xml if match is None else _splice(xml, match, match.group(0) * 2)


# --- the package ------------------------------------------------------------------------------------------


def drop_part(parts: Parts, pick: int | str) -> Parts:
    """One part left out: the ``pick``-th, or the one named ``pick``."""
    if isinstance(pick, str):
        return [(name, data) for name, data in parts if name != pick]
    index = pick % len(parts)
    return parts[:index] + parts[index + 1 :]


def add_part(parts: Parts, name: str, content: bytes) -> Parts:
    """A part added (a name already there gives the zip two entries of that name)."""
    return [*parts, (name, content)]


def rename_part(parts: Parts, old: str, new: str, follow: bool) -> Parts:
    """A part renamed; with ``follow`` the relationships and content types name it by its new name (a valid
    package whose workbook part is not ``xl/workbook.xml``), else they name a part that is gone."""
    renamed: Parts = []
    old_target, new_target = old.rsplit("/", 1)[-1].encode(), new.rsplit("/", 1)[-1].encode()
    for name, data in parts:
        if name == old:
            name = new
        elif follow and (name.endswith(".rels") or name == "[Content_Types].xml"):
            data = data.replace(b"/" + old.encode() + b'"', b"/" + new.encode() + b'"')
            data = data.replace(b'"' + old.encode() + b'"', b'"' + new.encode() + b'"')
            data = data.replace(b'Target="' + old_target + b'"', b'Target="' + new_target + b'"')
        renamed.append((name, data))
    return renamed


def swap_parts(parts: Parts, first: int, second: int) -> Parts:
    """Two parts' contents exchanged, their names kept (styles where the workbook should be)."""
    i, j = first % len(parts), second % len(parts)
    names = [name for name, _ in parts]
    contents = [data for _, data in parts]
    contents[i], contents[j] = contents[j], contents[i]
    return list(zip(names, contents, strict=True))


def _named_cell(parts: Parts, name: str, pick: int) -> tuple[int, bytes] | None:
    """The part index and reference of a cell of defined name ``name`` (the ``pick``-th of its definitions,
    the ``pick``-th cell of its range), or None when the workbook has no such name or cell."""
    workbook = dict(parts).get("xl/workbook.xml", b"")
    targets = re.findall(rb'<definedName\b[^>]*\bname="' + re.escape(name.encode()) + rb'"[^>]*>([^<]*)<', workbook)
    if not targets:
        return None
    found = re.fullmatch(rb"'?(.*?)'?!\$?([A-Z]+)\$?(\d+)(?::\$?([A-Z]+)\$?(\d+))?", targets[pick % len(targets)])
    if found is None:
        return None
    sheet, column, first, _, last = found.groups()
    sheet = sheet.replace(b"''", b"'")
    row = int(first) + pick % (int(last or first) - int(first) + 1)
    entry = re.search(rb'<sheet\b[^>]*\bname="' + re.escape(escape(sheet.decode()).encode()) + rb'"[^>]*/>', workbook)
    rid = re.search(rb'\br:id="([^"]+)"', entry.group(0)) if entry else None
    rels = dict(parts).get("xl/_rels/workbook.xml.rels", b"")
    target = re.search(rb'<Relationship\b[^>]*\bId="' + re.escape(rid.group(1)) + rb'"[^>]*>', rels) if rid else None
    path = re.search(rb'\bTarget="([^"]+)"', target.group(0)) if target else None
    if path is None:
        return None
    part = "xl/" + path.group(1).decode().removeprefix("/xl/")
    index = next((i for i, (n, _) in enumerate(parts) if n == part), None)
    return None if index is None else (index, column + str(row).encode())


def edit_named_cell(parts: Parts, name: str, pick: int, kind: str, payload: str, cached: str | None) -> Parts:
    """A cell of a defined name (an input such as PERFXL_IND_ACTUAL, a result, the metadata) given ``payload``
    as ``kind``: "number" (a ``<v>`` without type), "text" (an inline string), "formula" (``<f>``, with
    ``cached`` as its cached value unless None), "bool", "error" or "shared" (a shared string's index)."""
    found = _named_cell(parts, name, pick)
    if found is None:
        return parts
    index, ref = found
    part, xml = parts[index]
    cell = re.search(rb'<c\b[^>]*\br="' + ref + rb'"[^>]*?(?:/>|>.*?</c>)', xml, re.S)
    if cell is None:
        return parts
    text = _xml_text(payload.replace("{self}", ref.decode()))
    value = b"<v>" + text + b"</v>"
    content, type_ = {
        "number": (value, None),
        "text": (b"<is><t>" + text + b"</t></is>", "inlineStr"),
        "bool": (value, "b"),
        "error": (value, "e"),
        "shared": (value, "s"),
        "formula": (b"<f>" + text + b"</f>" + (b"" if cached is None else b"<v>" + _xml_text(cached) + b"</v>"), None),
    }[kind]
    edited = list(parts)
    edited[index] = (part, _splice(xml, cell, _rebuild_cell(cell.group(0), type_, content)))
    return edited


# --- the zip file -----------------------------------------------------------------------------------------


def _central_entry(data: bytes, pick: int | str) -> int | None:
    """The offset of a part's central directory header: the ``pick``-th, or the one of the part named ``pick``."""
    entries = [m.start() for m in re.finditer(rb"PK\x01\x02", data)]
    if isinstance(pick, str):
        named = [
            at
            for at in entries
            if data[at + 46 : at + 46 + int.from_bytes(data[at + 28 : at + 30], "little")] == pick.encode()
        ]
        return named[0] if named else None
    return entries[pick % len(entries)] if entries else None


def corrupt_crc(data: bytes, pick: int | str) -> bytes:
    """The CRC recorded for one part changed, in its local header and the central directory alike."""
    central = _central_entry(data, pick)
    if central is None:
        return data
    local = int.from_bytes(data[central + 42 : central + 46], "little")
    out = bytearray(data)
    for at in (central + 16, local + 14):
        out[at] ^= 0xFF
    return bytes(out)


def flip_compressed_byte(data: bytes, pick: int | str, offset: int) -> bytes:
    """One byte of a part's compressed data flipped: its deflate stream broken, or its CRC no longer right."""
    central = _central_entry(data, pick)
    if central is None:
        return data
    local = int.from_bytes(data[central + 42 : central + 46], "little")
    size = int.from_bytes(data[central + 20 : central + 24], "little")
    name_length = int.from_bytes(data[local + 26 : local + 28], "little")
    extra_length = int.from_bytes(data[local + 28 : local + 30], "little")
    if size == 0:
        return data
    at = local + 30 + name_length + extra_length + offset % size
    out = bytearray(data)
    out[at] ^= 0x5A
    return bytes(out)


# --- applying them ----------------------------------------------------------------------------------------

PART_KINDS: dict[str, Callable[[str], bool]] = {
    "sheet": lambda name: bool(SHEET_PART.match(name)),
    "strings": lambda name: name == "xl/sharedStrings.xml",
    "workbook": lambda name: name == "xl/workbook.xml",
    "rels": lambda name: name.endswith(".rels"),
    "any": lambda name: True,
}


@dataclass(frozen=True)
class Mutation:
    """``function`` applied with ``args``: to one part of kind ``part`` (the ``part_pick``-th of that kind),
    to the package's parts (``part`` "package"), or to the zip file's bytes (``part`` "file")."""

    part: str
    function: Callable[..., Any]
    args: tuple[Any, ...]
    part_pick: int = 0

    def __repr__(self) -> str:
        arguments = ", ".join(_short(a) for a in self.args)
        where = f"{self.part}#{self.part_pick}" if self.part in PART_KINDS else self.part
        return f"{self.function.__name__}[{where}]({arguments})"


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 120 else f"{text[:80]}…<{len(text)} chars>"


def read_parts(data: bytes) -> Parts:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def write_parts(parts: Parts) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a duplicate part name is one of the mutations
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in parts:
                archive.writestr(
                    zipfile.ZipInfo(name, date_time=(2022, 1, 1, 0, 0, 0)), data, compress_type=zipfile.ZIP_DEFLATED
                )
    return buffer.getvalue()


def mutate_workbook(data: bytes, mutations: list[Mutation]) -> bytes:
    """The workbook ``data`` with ``mutations`` applied in order (file-level ones after the package is written)."""
    parts = read_parts(data)
    for mutation in mutations:
        if mutation.part == "package":
            parts = mutation.function(parts, *mutation.args)
        elif mutation.part in PART_KINDS:
            matching = [i for i, (name, _) in enumerate(parts) if PART_KINDS[mutation.part](name)]
            if matching:
                index = matching[mutation.part_pick % len(matching)]
                name, content = parts[index]
                parts[index] = (name, mutation.function(content, *mutation.args))
    out = write_parts(parts)
    for mutation in mutations:
        if mutation.part == "file":
            out = mutation.function(out, *mutation.args)
    return out


# --- strategies: what the mutations write ------------------------------------------------------------------

ODD_TEXTS = [
    "",
    " ",
    "\u3000",
    "\u200b",
    "\u202e反转",
    "\ufeff",
    "\x00",
    "\x01\x1f",
    "_x0000_",
    "_x001F_",
    "𠀀𪚥",
    "e\u0301",
    "ﬁ",
    "Ａ１",
    "１２３",
    "😀",
    "'",
    '"',
    "&amp;",
    "<b>",
    "]]>",
    "\\",
    "%",
    "%s",
    "{{ 1 }}",
    "=1+1",
    "@SUM(1)",
    "\n\r\t",
    "字" * 33000,
    "x" * 300,
]
NUMBER_TEXTS = [
    "",
    " ",
    "-0",
    "-1",
    "1e308",
    "-1e308",
    "1e309",
    "1E+28",
    "9" * 400,
    "1e-400",
    "4.9e-324",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "Infinity",
    "0x10",
    "1,000",
    "１２３",
    "1_000",
    "12e",
    "--1",
    "+5",
    ".5",
    "5.",
    "1e28",
    "-1E+28",
    "123456789012345678901234567890.5",
    "0.30000000000000004",
    "TRUE",
    "#N/A",
    "1 2",
]
texts = st.one_of(st.sampled_from(ODD_TEXTS), st.text(max_size=24))
number_texts = st.one_of(
    st.sampled_from(NUMBER_TEXTS),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.decimals(allow_nan=False, allow_infinity=False).map(str),
)
values = st.one_of(number_texts, texts)
CELL_REFS = [
    "A0",
    "ZZZZ1",
    "XFD1048576",
    "XFE1",
    "A1048577",
    "a1",
    "1A",
    "A-1",
    "$A$1",
    "A1:B2",
    "A01",
    " A1",
    "",
    "R1C1",
    "业1",
]
ROW_REFS = ["0", "-1", "", "1048577", "1048576", "x", "1.5", "99999999999999999999"]
DEEP = "(" * 400 + "1" + ")" * 400
FORMULAS = [
    DEEP,
    "(" * 5000 + "1" + ")" * 5000,
    "-" * 3000 + "1",
    "1" + "+1" * 5000,
    "SUM(" * 300 + "1" + ")" * 300,
    "SUM(A1:XFD1048576)",
    "SUM(A:A)",
    "SUM(1:1048576)",
    "COUNT(A:XFD)",
    "AVERAGE(A1:XFD1048576)*2",
    "{self}",
    "{self}+1",
    "SUM({self}:{self})",
    "IF({self}>0,1,{self})",
    "FOOBAR(1)",
    "_xludf.NOPE(1)",
    "PERF_SCORE()",
    "PERF_SCORE(" + ",".join(["1"] * 40) + ")",
    "_xlfn.LET(x,1,x)",
    "'不存在的表'!A1",
    "[1]Sheet1!A1",
    "Sheet9!A1:B2",
    "#REF!",
    "#REF!+1",
    "1/0",
    'INDIRECT("A1")',
    "OFFSET(A1,1048576,0)",
    '"',
    "SUM(",
    ")",
    "",
    " ",
    "=1",
    "==",
    "1 2",
    "A1:",
    ":A1",
    "A1048577",
    "XFE1",
    "$",
    "@A1",
    "A1#",
    'REPT("x",32767)',
    'REPT("x",1E9)',
    'REPT("x",1E9)&REPT("x",1E9)',
    "10^308*10",
    "10^10^10",
    "ROUND(1E+300,-400)",
    "ROUND(1,1E9)",
    '"' + "x" * 5000 + '"',
    "1E+28*10",
    "IF(1,,)",
    "CHOOSE(0,1)",
    "INDEX(A:A,0)",
    'MID("abc",-1,2)',
    "DATE(99999,1,1)",
    'TEXT(1,"0"&REPT("0",1000))',
    "A1:B2:C3:D4",
    "SUM(A1 B1)",
    "SUM((A1,B1))",
    "{1,2;3}",
    'TRUE+"x"',
    "1E+308+1E+308",
    "-1E+308-1E+308",
    "0^0",
    "(-8)^(1/3)",
    "FACT(1E6)",
    "MOD(1,0)",
    "SQRT(-1)",
    "LN(0)",
    "NaN",
    "1e999",
    "A1:A1048576*A1:A1048576",
]
formulas = st.one_of(st.sampled_from(FORMULAS), st.text(max_size=30))
cached_values = st.one_of(st.none(), st.sampled_from(["1", "", "junk", "1E+28", "-1", "#N/A", "TRUE"]))
FORMULA_ATTRIBUTES = [
    "",
    ' t="shared" si="0"',
    ' t="shared" si="99999"',
    ' t="shared" si="0" ref="A1:XFD1048576"',
    ' t="array" ref="A1:XFD1048576"',
    ' t="array" ref="junk"',
    ' t="dataTable" ref="A1:B2"',
    ' t="junk"',
    ' ca="1"',
]
SHEET_NAMES = [
    "",
    "History",
    "history",
    "perfxl",
    "PERFXL",
    "目录",
    "x" * 40,
    "'",
    "O'Brien",
    "[x]",
    "a:b",
    "a/b",
    "*",
    "𠀀" * 16,
    "业务工作经历",
    "鉴定考务经费",
    "Sheet1",
    " ",
    "run.py",
    "项目",
    "指标",
    "说明",
]
NAME_TARGETS = [
    "#REF!",
    "'不存在'!$A$1",
    "$A$1:$XFD$1048576",
    "",
    "junk!!",
    "!",
    "'业务工作经历'!$A$1:$A$1048576",
    "'业务工作经历'!$XFD$1048576",
    "'鉴定考务经费'!$H$6",
    "'业务工作经历'!$H$6",
    "'perfxl'!$A$1",
    "SUM(1,2)",
    "1",
    '"text"',
    "'业务工作经历'!$F$13:$F$34,'业务工作经历'!$H$13",
    "'业务工作经历:鉴定考务经费'!$A$1",
    "[1]Sheet1!$A$1",
    "'业务工作经历'!$1:$1048576",
    "'业务工作经历'!$A:$XFD",
    "'业务工作经历'!A1",
    "'业务工作经历'!$F$34:$F$13",
    "OFFSET('业务工作经历'!$A$1,0,0,1048576,1)",
    "'" + "x" * 300 + "'!$A$1",
    "'业务工作经历'!$A$0",
]
NAME_NAMES = [
    "PERFXL_TOTAL",
    "PERFXL_IND_ACTUAL",
    "PERFXL_IND_SCORE",
    "PERFXL_IND_WEIGHT",
    "PERFXL_IND_NAME",
    "PERFXL_FUNDS_FISCAL_EXECUTED",
    "PERFXL_RATE",
    "",
    "1X",
    "_xlnm.Print_Area",
    "A1",
    "perfxl_total",
    "名称",
]
LOCAL_IDS = [None, "99", "-1", "x", "", "0", "1", "2", "3", "4294967296"]
ADDED_PARTS = [
    ("xl/worksheets/sheet99.xml", b"<junk"),
    ("xl/worksheets/sheet1.xml", b"<worksheet/>"),
    ("xl/sharedStrings.xml", b"<sst/>"),
    ("../evil.xml", b"x"),
    ("/abs.xml", b"x"),
    ("xl/workbook.xml", b""),
    ("docProps/custom.xml", b"<Properties/>"),
    ("xl/media/image1.png", b"\x89PNG" + b"\x00" * 1000),
    (
        "xl/worksheets/_rels/sheet1.xml.rels",
        b"<Relationships xmlns='http://schemas.openxmlformats.org/package/"
        b"2006/relationships'><Relationship Id='rId1' Type='x' Target='../../../../etc/passwd' TargetMode='Internal'/>"
        b"</Relationships>",
    ),
    ("xl/big.xml", b"<a>" + b"x" * 5_000_000 + b"</a>"),
]
NAMED_PARTS = [
    "xl/sharedStrings.xml",
    "xl/styles.xml",
    "xl/_rels/workbook.xml.rels",
    "[Content_Types].xml",
    "xl/vbaProject.bin",
    "_rels/.rels",
    "docProps/core.xml",
    "xl/worksheets/sheet1.xml",
    "xl/worksheets/sheet2.xml",
    "xl/theme/theme1.xml",
    "xl/workbook.xml",
]
RENAMES = [
    ("xl/workbook.xml", "xl/workbook2.xml"),
    ("xl/workbook.xml", "xl/Workbook.xml"),
    ("xl/sharedStrings.xml", "xl/strings.xml"),
    ("xl/worksheets/sheet1.xml", "xl/worksheets/Sheet1.xml"),
]
DOCTYPES = [
    '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;'
    '&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">]>',
    '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
    '<!DOCTYPE x [<!ENTITY e SYSTEM "http://127.0.0.1:9/x">]>',
    '<!DOCTYPE x [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>',
]
picks = st.integers(min_value=0, max_value=10_000)
fractions = st.floats(min_value=0.0, max_value=1.0)


def _on(part: str, function: Callable[..., Any], *args: st.SearchStrategy[Any]) -> st.SearchStrategy[Mutation]:
    """Mutations of ``function`` with arguments drawn from ``args`` (hypothesis prints them as Mutation(…))."""
    return st.builds(Mutation, st.just(part), st.just(function), st.tuples(*args), picks)


def _whole(part: str, function: Callable[..., Any], *args: st.SearchStrategy[Any]) -> st.SearchStrategy[Mutation]:
    return st.builds(Mutation, st.just(part), st.just(function), st.tuples(*args))


sheet_mutations = st.one_of(
    _on("sheet", set_value, picks, values),
    _on("sheet", drop_element, st.sampled_from(["c", "row"]), picks),
    _on("sheet", duplicate_element, st.sampled_from(["c", "row"]), picks),
    _on("sheet", shuffle_rows, picks),
    _on("sheet", set_cell_ref, picks, st.one_of(st.none(), st.sampled_from(CELL_REFS))),
    _on("sheet", set_row_ref, picks, st.one_of(st.none(), st.sampled_from(ROW_REFS))),
    _on(
        "sheet",
        set_cell_type,
        picks,
        st.sampled_from(["s", "b", "e", "inlineStr", "str", "n", "d", "zzz", None]),
        st.one_of(st.none(), values),
    ),
    _on("sheet", set_inline_string, picks, texts),
    _on("sheet", insert_formula, picks, formulas, cached_values, st.sampled_from(FORMULA_ATTRIBUTES)),
    _on("sheet", truncate, fractions),
    _on(
        "sheet",
        insert_bytes,
        fractions,
        st.sampled_from([b"\xff\xfe", b"\x00", b"<", b"&", b"<c r='A1'>", b"</sheetData>"]),
    ),
    _on("sheet", add_merge, st.sampled_from(["A1:XFD1048576", "A1:A1", "B13:B1048576", "junk", "", "K1:A1"])),
    _on("sheet", set_dimension, st.sampled_from(["A1:XFD1048576", "", "junk", "A0"])),
    _on("sheet", add_doctype, st.sampled_from(DOCTYPES)),
)
string_mutations = st.one_of(
    _on("strings", set_string, picks, texts),
    _on("strings", drop_string, picks),
    _on("strings", empty_strings),
    _on("strings", rich_string, picks, st.integers(min_value=0, max_value=300)),
    _on("strings", truncate, fractions),
    _on("strings", add_doctype, st.sampled_from(DOCTYPES)),
)
workbook_part_mutations = st.one_of(
    _on("workbook", rename_sheet, picks, st.one_of(st.sampled_from(SHEET_NAMES), texts), st.booleans()),
    _on(
        "workbook",
        set_sheet_attribute,
        picks,
        st.sampled_from(["state", "r:id", "sheetId", "name"]),
        st.one_of(st.none(), st.sampled_from(["hidden", "veryHidden", "rId99", "", "junk", "0", "-1"])),
    ),
    _on("workbook", set_name_target, picks, st.one_of(st.sampled_from(NAME_TARGETS), texts)),
    _on("workbook", set_name_attribute, picks, st.just("localSheetId"), st.sampled_from(LOCAL_IDS)),
    _on("workbook", set_name_attribute, picks, st.just("name"), st.sampled_from(NAME_NAMES)),
    _on("workbook", drop_name, picks),
    _on("workbook", duplicate_name, picks),
    _on("workbook", truncate, fractions),
)
package_mutations = st.one_of(
    _whole("package", drop_part, st.one_of(picks, st.sampled_from(NAMED_PARTS))),
    st.builds(Mutation, st.just("package"), st.just(add_part), st.sampled_from(ADDED_PARTS)),
    st.builds(
        Mutation,
        st.just("package"),
        st.just(rename_part),
        st.tuples(st.sampled_from(RENAMES), st.booleans()).map(lambda drawn: (*drawn[0], drawn[1])),
    ),
    _whole("package", swap_parts, picks, picks),
    _on("rels", truncate, fractions),
)
file_mutations = st.one_of(
    _whole("file", corrupt_crc, picks),
    _whole("file", flip_compressed_byte, picks, picks),
    _whole("file", truncate, fractions),
)
FORM_NAMES = [
    "PERFXL_IND_ACTUAL",
    "PERFXL_IND_ACTUAL",
    "PERFXL_IND_SCORE",
    "PERFXL_IND_WEIGHT",
    "PERFXL_IND_TARGET",
    "PERFXL_IND_NAME",
    "PERFXL_IND_LEVEL1",
    "PERFXL_IND_LEVEL2",
    "PERFXL_IND_REASON",
    "PERFXL_IND_RULE_SCORE",
    "PERFXL_FUNDS_FISCAL_EXECUTED",
    "PERFXL_FUNDS_FISCAL_ANNUAL",
    "PERFXL_FUNDS_FISCAL_INITIAL",
    "PERFXL_FUNDS_CARRYOVER_EXECUTED",
    "PERFXL_FUNDS_OTHER_ANNUAL",
    "PERFXL_FUNDS_TOTAL_EXECUTED",
    "PERFXL_BUDGET_WEIGHT",
    "PERFXL_BUDGET_SCORE",
    "PERFXL_RATE",
    "PERFXL_TOTAL",
    "PERFXL_TOTAL_WEIGHT",
    "PERFXL_GRADE",
    "PERFXL_NAME",
    "PERFXL_GOAL_ACTUAL",
    "PERFXL_META",
    "PERFXL_META_INDICATORS",
    "PERFXL_PROFILE",
    "PERFXL_INDICATORS",
    "PERFXL_STAMP",
    "PERFXL_STATUS",
]
CELL_KINDS = ["number", "number", "text", "text", "formula", "formula", "bool", "error", "shared"]
named_cell_mutations = st.builds(
    Mutation,
    st.just("package"),
    st.just(edit_named_cell),
    st.tuples(
        st.sampled_from(FORM_NAMES), picks, st.sampled_from(CELL_KINDS), st.one_of(values, formulas), cached_values
    ),
)
workbook_mutations = st.one_of(
    named_cell_mutations,
    named_cell_mutations,
    sheet_mutations,
    sheet_mutations,
    string_mutations,
    workbook_part_mutations,
    package_mutations,
    file_mutations,
)


# --- project lists -------------------------------------------------------------------------------------------


def _paths(data: object, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every node's path in a loaded list, the root first."""
    found = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _paths(value, (*prefix, index))
    return found


def _replace_at(data: Any, path: tuple[Any, ...], make: Callable[[Any], Any]) -> Any:
    if not path:
        return make(data)
    head, rest = path[0], path[1:]
    if isinstance(data, dict):
        copy = dict(data)
        copy[head] = _replace_at(data[head], rest, make)
        return copy
    copy_list = list(data)
    copy_list[head] = _replace_at(data[head], rest, make)
    return copy_list


DELETE = object()


def _without_deleted(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _without_deleted(v) for k, v in data.items() if v is not DELETE}
    if isinstance(data, list):
        return [_without_deleted(v) for v in data if v is not DELETE]
    return data


def replace_node(data: Any, pick: int, value: Any) -> Any:
    paths = _paths(data)
    return _replace_at(data, paths[pick % len(paths)], lambda _: value)


def delete_node(data: Any, pick: int) -> Any:
    paths = _paths(data)[1:]
    return data if not paths else _without_deleted(_replace_at(data, paths[pick % len(paths)], lambda _: DELETE))


def swap_type(data: Any, pick: int) -> Any:
    """One node as another type: a mapping as the list of its values, a list as a mapping, a scalar in a list,
    a number as text and text as a number where it can be."""

    def swapped(node: Any) -> Any:
        if isinstance(node, dict):
            return list(node.values())
        if isinstance(node, list):
            return {str(i): v for i, v in enumerate(node)}
        if isinstance(node, bool):
            return str(node).lower()
        if isinstance(node, int | float):
            return str(node)
        if isinstance(node, str):
            try:
                return float(node)
            except ValueError:
                return [node]
        return {"value": node}

    paths = _paths(data)
    return _replace_at(data, paths[pick % len(paths)], swapped)


def nest_deeply(data: Any, pick: int, depth: int) -> Any:
    def nested(node: Any) -> Any:
        for _ in range(depth):
            node = [node]
        return node

    paths = _paths(data)
    return _replace_at(data, paths[pick % len(paths)], nested)


def duplicate_item(data: Any, pick: int) -> Any:
    paths = [p for p in _paths(data) if p and isinstance(p[-1], int)]
    if not paths:
        return data
    path = paths[pick % len(paths)]

    def twice(parent: list[Any]) -> list[Any]:
        return [*parent[: path[-1] + 1], parent[path[-1]], *parent[path[-1] + 1 :]]

    return _replace_at(data, path[:-1], twice)


@dataclass(frozen=True)
class ListMutation:
    """``function`` applied with ``args`` to the loaded list (``on`` "data") or to its text (``on`` "text")."""

    on: str
    function: Callable[..., Any]
    args: tuple[Any, ...]

    def __repr__(self) -> str:
        return f"{self.function.__name__}[{self.on}]({', '.join(_short(a) for a in self.args)})"


def insert_text(text: str, fraction: float, payload: str) -> str:
    at = int(len(text) * fraction)
    return text[:at] + payload + text[at:]


def append_text(text: str, payload: str) -> str:
    return text + payload


def replace_text(text: str, old: str, new: str) -> str:
    return text.replace(old, new)


def mutate_list(text: str, kind: str, mutations: list[ListMutation]) -> str:
    """The project list ``text`` (``kind`` "yaml" or "json") with ``mutations`` applied: data mutations on the
    loaded list, written back in the same format, then text mutations."""
    data = yaml.safe_load(text)
    for mutation in mutations:
        if mutation.on == "data":
            data = mutation.function(data, *mutation.args)
    if kind == "json":
        out = json.dumps(data, ensure_ascii=False, indent=1, default=str)
    else:
        out = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1 << 20)
    for mutation in mutations:
        if mutation.on == "text":
            out = mutation.function(out, *mutation.args)
    return out


def canary_payloads(canary: str) -> list[str]:
    """YAML that would run code (create ``canary``) under an unsafe loader."""
    command = f"touch {canary}"
    return [
        f'\nx: !!python/object/apply:os.system ["{command}"]\n',
        f'\n!!python/object/apply:os.system ["{command}"]\n',
        f"\nx: !!python/object/new:subprocess.Popen [[touch, {canary}]]\n",
        "\nx: !!python/name:os.system\n",
        f'\nx: !!python/object/apply:subprocess.check_output [["touch", "{canary}"]]\n',
    ]


YAML_OBSCURE = [
    "\nx: &a [a, a, a, a, a, a, a, a, a, a]\ny: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    "z: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nw: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
    "v: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n",
    "\nprojects: &p [*p]\n",
    "\n? [a, b]\n: c\n",
    "\n<<: {year: 1}\n",
    "\n---\nyear: 2022\n",
    "%YAML 1.1\n---\n",
    "\nyear: 2022-01-01\n",
    "\nyear: 2022-01-01 10:00:00\n",
    "\nyear: .nan\n",
    "\nyear: .inf\n",
    "\nyear: 0x7E6\n",
    "\nyear: 1_000\n",
    "\nyear: 1E+28\n",
    "\nyear: !!binary aGVsbG8=\n",
    "\nyear: !!set {a, b}\n",
    "\nyear: !!timestamp 2022-01-01\n",
    "\nyear: !!float 2022\n",
    "\nyear: !!str 2022\n",
    "\nyear: ~\n",
    "\nyear: yes\n",
    "\n\tyear: 1\n",
    "\ufeff",
    "\x00",
    "\ufffd",
    "\nyear: " + "[" * 100_000 + "\n",
    "\nyear: " + "[" * 20_000 + "]" * 20_000 + "\n",
    "\nyear:\n  " + "- " * 30_000 + "1\n",
    "\nyear: " + "{a: " * 5000 + "1" + "}" * 5000 + "\n",
    "\nyear: 2022\nyear: 2023\n",
    "\n" + "x" * 100_000 + ": 1\n",
    "\n\u2028year: 1\n",
    "\n'unclosed\n",
    "\n[\n",
]
JSON_OBSCURE = [
    "[" * 100_000,
    "[" * 20_000 + "]" * 20_000,
    '{"a":' * 5000 + "1" + "}" * 5000,
    "NaN",
    "Infinity",
    '"\\ud800"',
    "\x00",
    "\ufeff",
    "1e999",
    "}",
    ',"year":2022',
    '{"year": 2022, "year": 2023}',
]
WORDS_IN_LISTS = ["2022", "weight", "target", "actual", "funds", "projects", "name", ": ", "- ", "万元", "%", '"', "{"]
ODD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.sampled_from(
        [10**28, -(10**28), 2**63, 10**400, 1e28, 1e308, float("inf"), float("-inf"), float("nan"), -0.0, 5e-324]
    ),
    st.floats(),
    texts,
    st.sampled_from(["1E+28", "100%", "≥95%", "=100%", "1,000", "１００", "0.96", "完成", "-1"]),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)


def _list(on: str, function: Callable[..., Any], *args: st.SearchStrategy[Any]) -> st.SearchStrategy[ListMutation]:
    return st.builds(ListMutation, st.just(on), st.just(function), st.tuples(*args))


list_data_mutations = st.one_of(
    _list("data", replace_node, picks, ODD_VALUES),
    _list("data", delete_node, picks),
    _list("data", swap_type, picks),
    _list("data", nest_deeply, picks, st.sampled_from([1, 5, 50, 200])),
    _list("data", duplicate_item, picks),
)


def list_text_mutations(kind: str, canary: str) -> st.SearchStrategy[ListMutation]:
    obscure = JSON_OBSCURE if kind == "json" else [*YAML_OBSCURE, *canary_payloads(canary)]
    return st.one_of(
        _list("text", insert_text, fractions, st.one_of(st.sampled_from(obscure), st.text(max_size=10))),
        _list("text", append_text, st.sampled_from(obscure)),
        _list("text", replace_text, st.sampled_from(WORDS_IN_LISTS), st.one_of(st.sampled_from(obscure), texts)),
        _list("text", truncate_text, fractions),
    )


def truncate_text(text: str, fraction: float) -> str:
    return text[: int(len(text) * fraction)]
