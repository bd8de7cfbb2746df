"""Reading an .xlsx/.xlsm as an OPC package: parts, content types, relationships, sheets."""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from lxml import etree

from perfxl.sheetlib.namespaces import CONTENT_TYPES as NS_CT
from perfxl.sheetlib.namespaces import PACKAGE_RELATIONSHIPS as NS_PKG_REL
from perfxl.sheetlib.namespaces import RELATIONSHIPS as NS_REL
from perfxl.sheetlib.namespaces import SPREADSHEET as NS_MAIN

REL_OFFICE_DOCUMENT = "/officeDocument"
REL_WORKSHEET = "/worksheet"

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class PackageProblem:
    """One reason Excel may refuse or repair the file: the part, the line in it, and what is wrong.

    ``check`` names the rule: xml, schema, package, merge, validation, sheet-name, defined-name,
    function, formula. Messages are in English (developer-facing).
    """

    part: str  # "xl/worksheets/sheet1.xml" (no leading slash)
    line: int | None
    check: str
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        where = f"{self.part}:{self.line}" if self.line else self.part
        return f"{where}: {self.severity} [{self.check}] {self.message}"


@dataclass(frozen=True)
class Relationship:
    source: str  # the part the .rels belongs to ("" for the package)
    id: str
    type: str
    target: str  # resolved part name for internal targets, the raw target for external ones
    external: bool
    line: int | None


@dataclass(frozen=True)
class Sheet:
    name: str
    part: str | None  # None when the relationship is missing
    line: int | None
    index: int


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


class Package:
    """The zip file's parts, parsed lazily; XML that does not parse is recorded in ``xml_problems``."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        with zipfile.ZipFile(self.path) as archive:
            self.data = {info.filename: archive.read(info) for info in archive.infolist() if not info.is_dir()}
        self._lower = {name.lower(): name for name in self.data}
        self._trees: dict[str, etree._Element | None] = {}
        self.xml_problems: list[PackageProblem] = []

    def has(self, part: str) -> bool:
        """OPC part names compare case-insensitively."""
        return part.lower() in self._lower

    def xml(self, part: str) -> etree._Element | None:
        """The parsed root of an XML part; None if absent or malformed (then a PackageProblem is recorded)."""
        name = self._lower.get(part.lower())
        if name is None:
            return None
        if name not in self._trees:
            try:
                self._trees[name] = etree.fromstring(self.data[name], _PARSER)
            except etree.XMLSyntaxError as exc:
                self._trees[name] = None
                self.xml_problems.append(PackageProblem(name, exc.lineno, "xml", f"not well-formed XML: {exc.msg}"))
        return self._trees[name]

    def xml_parts(self) -> list[str]:
        return [name for name in self.data if name.endswith((".xml", ".rels", ".vml"))]

    # -- content types and relationships -------------------------------------------------------
    def content_types(self) -> tuple[dict[str, str], dict[str, str]]:
        """(defaults by lower-case extension, overrides by lower-case part name without leading slash)."""
        root = self.xml("[Content_Types].xml")
        defaults: dict[str, str] = {}
        overrides: dict[str, str] = {}
        if root is not None:
            for el in root.iter(f"{{{NS_CT}}}Default"):
                defaults[el.get("Extension", "").lower()] = el.get("ContentType", "")
            for el in root.iter(f"{{{NS_CT}}}Override"):
                overrides[el.get("PartName", "").lstrip("/").lower()] = el.get("ContentType", "")
        return defaults, overrides

    def content_type(self, part: str) -> str | None:
        defaults, overrides = self.content_types()
        if part.lower() in overrides:
            return overrides[part.lower()]
        name = part.rsplit("/", 1)[-1]
        return defaults.get(name.rsplit(".", 1)[1].lower() if "." in name else "")

    @staticmethod
    def rels_part(source: str) -> str:
        folder, name = posixpath.split(source)
        return posixpath.join(folder, "_rels", f"{name}.rels")

    def relationships(self, source: str) -> list[Relationship]:
        root = self.xml(self.rels_part(source))
        if root is None:
            return []
        base = posixpath.dirname(source)
        found = []
        for el in root.iter(f"{{{NS_PKG_REL}}}Relationship"):
            target = el.get("Target", "")
            external = el.get("TargetMode") == "External"
            if not external:
                joined = target.lstrip("/") if target.startswith("/") else posixpath.join(base, target)
                target = posixpath.normpath(joined).lstrip("/")
            found.append(Relationship(source, el.get("Id", ""), el.get("Type", ""), target, external, el.sourceline))
        return found

    # -- SpreadsheetML ---------------------------------------------------------------------------
    def workbook_part(self) -> str | None:
        for rel in self.relationships(""):
            if rel.type.endswith(REL_OFFICE_DOCUMENT) and not rel.external:
                return rel.target
        return None

    def sheets(self) -> list[Sheet]:
        workbook = self.workbook_part()
        root = self.xml(workbook) if workbook else None
        if workbook is None or root is None:
            return []
        targets = {r.id: r.target for r in self.relationships(workbook) if r.type.endswith(REL_WORKSHEET)}
        return [
            Sheet(el.get("name", ""), targets.get(el.get(f"{{{NS_REL}}}id", "")), el.sourceline, i)
            for i, el in enumerate(root.iter(f"{{{NS_MAIN}}}sheet"))
        ]
