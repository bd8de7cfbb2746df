"""Where a workbook's worksheets are: the sheets xl/workbook.xml lists, each with the package part its
relationship (xl/_rels/workbook.xml.rels) points to — one rule for every reader of a package."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from lxml import etree

from perfxl.sheetlib.namespaces import PACKAGE_RELATIONSHIPS, RELATIONSHIPS, SPREADSHEET, clark


@dataclass(frozen=True)
class WorksheetPart:
    name: str
    part: str  # the part's name in the zip: "xl/worksheets/sheet1.xml"
    hidden: bool  # state hidden or veryHidden


def worksheet_parts(workbook: etree._Element, rels: etree._Element) -> list[WorksheetPart]:
    """The workbook's sheets in their order; a sheet without a name or without its relationship is left out."""
    targets = {r.get("Id"): r.get("Target") for r in rels.iter(clark(PACKAGE_RELATIONSHIPS, "Relationship"))}
    found = []
    for sheet in workbook.iterfind(f"{clark(SPREADSHEET, 'sheets')}/{clark(SPREADSHEET, 'sheet')}"):
        name = sheet.get("name")
        target = targets.get(sheet.get(clark(RELATIONSHIPS, "id")))
        if name is None or target is None:
            continue
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
        found.append(WorksheetPart(name, part, sheet.get("state") in ("hidden", "veryHidden")))
    return found
