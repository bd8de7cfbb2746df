"""Comparing two .xlsx/.xlsm packages part by part, reporting the XML elements that differ.

The idea is XlsxWriter's (its tests compare what it writes with files saved by Excel): each XML part
becomes a list of lines, one element per line, so that a difference reads as a short unified diff of
elements rather than "the files differ". Here the lines come from a real parser (lxml), not from
splitting the text at tag boundaries:

- one line per element, indented by depth: ``<prefix:tag a="1" b="2">text``; attributes sorted, namespace
  declarations written on the element that makes them, so that a changed namespace is a difference;
- children whose order carries no meaning are sorted: relationships by Id, [Content_Types] entries by
  kind and then Extension or PartName;
- the dates of docProps/core.xml (dcterms:created, dcterms:modified) are blanked: a file saved at another
  moment is the same file;
- parts that are not XML (vbaProject.bin, images) are compared byte by byte and reported with their sizes.
"""

from __future__ import annotations

import difflib
import hashlib
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

XML_SUFFIXES = (".xml", ".rels", ".vml")
CORE_PROPERTIES = "docProps/core.xml"
CONTENT_TYPES = "[Content_Types].xml"
DCTERMS = "http://purl.org/dc/terms/"
IGNORED_DATES = frozenset({f"{{{DCTERMS}}}created", f"{{{DCTERMS}}}modified"})
# Sort keys of the children whose order means nothing: relationships by Id, content types by
# Extension (Default) or PartName (Override).
UNORDERED_KEYS = ("Id", "Extension", "PartName")
DIFF_CONTEXT = 2
DIFF_LIMIT = 40  # lines of diff shown per part; the rest is counted

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, remove_blank_text=False)

Parts = Mapping[str, bytes]


@dataclass(frozen=True)
class PartDifference:
    """One part that differs: its name and the lines that say how (a unified diff, or one sentence)."""

    part: str
    lines: tuple[str, ...]

    def __str__(self) -> str:
        return "\n".join((f"== {self.part}", *self.lines))


def read_parts(path: Path) -> dict[str, bytes]:
    """Every member of a zip package by name."""
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def is_xml_part(part: str) -> bool:
    return part.lower().endswith(XML_SUFFIXES)


def element_lines(part: str, data: bytes) -> list[str]:
    """The part as one line per element (see the module's description)."""
    root = etree.fromstring(data, _PARSER)
    lines: list[str] = []
    _render(root, part, 0, {}, lines)
    return lines


def _render(
    element: etree._Element, part: str, depth: int, inherited: Mapping[str | None, str], lines: list[str]
) -> None:
    indent = "  " * depth
    if not isinstance(element.tag, str):  # a comment or processing instruction
        lines.append(f"{indent}{_escape(str(element))}")
        _tail(element, indent, lines)
        return
    namespaces = dict(element.nsmap)
    declared = sorted((prefix or "", uri) for prefix, uri in namespaces.items() if inherited.get(prefix) != uri)
    words = [_name(element.tag, element.prefix)]
    words += [f'xmlns{":" + prefix if prefix else ""}="{uri}"' for prefix, uri in declared]
    words += [f'{_attribute_name(key, namespaces)}="{_escape(value)}"' for key, value in sorted(element.attrib.items())]
    text = element.text or ""
    if part == CORE_PROPERTIES and element.tag in IGNORED_DATES:
        text = ""
    if len(element) and not text.strip():
        text = ""  # indentation between children
    lines.append(f"{indent}<{' '.join(words)}>{_escape(text)}")
    children = list(element)
    if _unordered(part):
        children.sort(key=_sort_key)
    for child in children:
        _render(child, part, depth + 1, namespaces, lines)
    if depth:
        _tail(element, indent, lines)


def _tail(element: etree._Element, indent: str, lines: list[str]) -> None:
    if element.tail and element.tail.strip():
        lines.append(f"{indent}{_escape(element.tail)}")


def _unordered(part: str) -> bool:
    return part == CONTENT_TYPES or part.endswith(".rels")


def _sort_key(element: etree._Element) -> tuple[str, str]:
    if not isinstance(element.tag, str):
        return ("~", str(element))
    key = next((element.get(name) for name in UNORDERED_KEYS if element.get(name) is not None), "")
    if element.get("Id") is not None:
        return (element.tag, _id_order(key))
    return (element.tag, key)


def _id_order(identifier: str) -> str:
    """rId2 before rId10: the number zero-padded, so that the sorted list reads in the usual order."""
    stem = identifier.rstrip("0123456789")
    number = identifier[len(stem) :]
    return f"{stem}{number.zfill(9)}" if number else identifier


def _name(tag: str, prefix: str | None) -> str:
    local = etree.QName(tag).localname
    return f"{prefix}:{local}" if prefix else local


def _attribute_name(key: str, namespaces: Mapping[str | None, str]) -> str:
    if not key.startswith("{"):
        return key
    qname = etree.QName(key)
    if qname.namespace == "http://www.w3.org/XML/1998/namespace":
        return f"xml:{qname.localname}"
    prefix = next((p for p, uri in namespaces.items() if uri == qname.namespace and p), None)
    return f"{prefix}:{qname.localname}" if prefix else key


def _escape(text: str) -> str:
    """Line breaks and tabs shown as escapes, so that one element stays on one line."""
    return text.replace("\\", "\\\\").replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t")


def compare_part(
    part: str, expected: bytes, got: bytes, *, expected_name: str = "expected", got_name: str = "got"
) -> PartDifference | None:
    """How ``got`` differs from ``expected``, or None when they are the same part."""
    if expected == got:
        return None
    if is_xml_part(part):
        try:
            before, after = element_lines(part, expected), element_lines(part, got)
        except etree.XMLSyntaxError:
            pass  # not well-formed (some VML is not): compared as bytes below
        else:
            if before == after:
                return None
            return PartDifference(part, _short_diff(before, after, f"{expected_name}/{part}", f"{got_name}/{part}"))
    return PartDifference(
        part, (f"binary part differs: {expected_name} {_describe(expected)}, {got_name} {_describe(got)}",)
    )


def _describe(data: bytes) -> str:
    return f"{len(data):,} bytes (sha256 {hashlib.sha256(data).hexdigest()[:12]})"


def _short_diff(before: list[str], after: list[str], from_name: str, to_name: str) -> tuple[str, ...]:
    lines = list(difflib.unified_diff(before, after, from_name, to_name, n=DIFF_CONTEXT, lineterm=""))
    if len(lines) > DIFF_LIMIT:
        lines = [*lines[:DIFF_LIMIT], f"... {len(lines) - DIFF_LIMIT} more diff lines"]
    return tuple(lines)


def compare_packages(
    expected: Parts, got: Parts, *, expected_name: str = "expected", got_name: str = "got"
) -> list[PartDifference]:
    """Every part missing from one package, and every part present in both that differs, in name order."""
    differences = [
        PartDifference(part, (f"only in {got_name} ({_describe(got[part])})",))
        for part in sorted(set(got) - set(expected))
    ]
    differences += [
        PartDifference(part, (f"only in {expected_name} ({_describe(expected[part])})",))
        for part in sorted(set(expected) - set(got))
    ]
    for part in sorted(set(expected) & set(got)):
        difference = compare_part(part, expected[part], got[part], expected_name=expected_name, got_name=got_name)
        if difference is not None:
            differences.append(difference)
    return sorted(differences, key=lambda d: d.part)


def report(differences: Iterable[PartDifference], title: str) -> str:
    """What a failing test prints: the title, then each part's difference."""
    return "\n".join((title, *(str(d) for d in differences)))
