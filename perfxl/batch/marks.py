"""perfxl's mark on the files it writes for the bureau, so that a later run replaces them and nothing else.

- 汇总, 问题清单 and 复核表 workbooks carry a custom document property ``perfxl`` = ``summary`` / ``report`` /
  ``review`` (docProps/custom.xml: Excel, WPS and LibreOffice keep it when they save). A workbook saved by another
  program since perfxl wrote it (its modified time differs from its created time) is still recognised,
  as edited: someone may have added notes to it.
- PDFs carry the keyword ``perfxl-pdf``: set in the recalculated copy's core properties before LibreOffice
  prints it, which writes the keywords into the PDF's document information.

Reading a mark is cheap (one small zip part, or the end of a PDF) and never raises: any file that cannot
be read as such is simply not perfxl's.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from perfxl.sheetlib.namespaces import CORE_PROPERTIES, CUSTOM_PROPERTIES, DC_TERMS, VARIANT_TYPES, clark
from perfxl.sheetlib.package import ZIP_READ_ERRORS

if TYPE_CHECKING:  # only the writers of summaries and reports, which import it themselves, pass one
    import xlsxwriter

MARK_PROPERTY = "perfxl"
SUMMARY, REPORT, REVIEW = "summary", "report", "review"
KIND_NAMES = {SUMMARY: "汇总表", REPORT: "问题清单", REVIEW: "复核表"}
PDF_KEYWORD = "perfxl-pdf"
MAX_PART_BYTES = 1 << 16  # docProps parts are a few hundred bytes
PDF_TAIL_BYTES = 1 << 20  # the document information comes last in LibreOffice's PDFs

CUSTOM_PART, CORE_PART = "docProps/custom.xml", "docProps/core.xml"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
_PDF_MARK = re.compile(
    rb"/Keywords\s*(?:<\s*FEFF"
    + PDF_KEYWORD.encode("utf-16-be").hex().encode()
    + rb"\s*>|\("
    + re.escape(PDF_KEYWORD.encode())
    + rb"\))",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Mark:
    kind: str  # SUMMARY, REPORT, REVIEW, or what a newer perfxl wrote
    edited: bool  # saved by another program after perfxl wrote it

    @property
    def name(self) -> str:
        return KIND_NAMES.get(self.kind, "输出文件")


def mark_workbook(workbook: xlsxwriter.Workbook, kind: str) -> None:
    workbook.set_custom_property(MARK_PROPERTY, kind)


def workbook_mark(path: Path) -> Mark | None:
    """The mark of a workbook perfxl wrote, or None (any other file, also one that cannot be read)."""
    try:
        with zipfile.ZipFile(path) as archive:
            custom = _small_part(archive, CUSTOM_PART)
            kind = _custom_property(custom, MARK_PROPERTY) if custom is not None else None
            if kind is None:
                return None
            core = _small_part(archive, CORE_PART)
    except (OSError, zipfile.LargeZipFile, etree.XMLSyntaxError, ValueError, *ZIP_READ_ERRORS):
        return None
    return Mark(kind, edited=not _unchanged_since_created(core))


def _small_part(archive: zipfile.ZipFile, name: str) -> etree._Element | None:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > MAX_PART_BYTES:
        return None
    return etree.fromstring(archive.read(info), _PARSER)


def _custom_property(root: etree._Element, name: str) -> str | None:
    for prop in root.iter(clark(CUSTOM_PROPERTIES, "property")):
        if prop.get("name") == name:
            value = prop.find(clark(VARIANT_TYPES, "lpwstr"))
            return (value.text or "") if value is not None else None
    return None


def _unchanged_since_created(core: etree._Element | None) -> bool:
    """xlsxwriter writes the same created and modified time; Excel, WPS and LibreOffice update modified."""
    if core is None:
        return False
    created, modified = core.find(clark(DC_TERMS, "created")), core.find(clark(DC_TERMS, "modified"))
    return created is not None and modified is not None and (created.text or "") == (modified.text or "")


def is_perfxl_pdf(path: Path) -> bool:
    """Whether ``path`` is a PDF ``perfxl pdf`` exported (its keywords hold the mark)."""
    try:
        with path.open("rb") as handle:
            if handle.read(5) != b"%PDF-":
                return False
            size = handle.seek(0, 2)
            handle.seek(max(0, size - PDF_TAIL_BYTES))
            tail = handle.read()
    except OSError:
        return False
    return _PDF_MARK.search(tail) is not None


def copy_marked_for_pdf(source: Path, copy: Path) -> None:
    """Copy a workbook, its core properties' keywords set to the PDF mark (LibreOffice prints them into the
    PDF); a workbook without readable core properties is copied as it is (its PDF is then not recognised)."""
    try:
        with zipfile.ZipFile(source) as archive:
            core = _small_part(archive, CORE_PART)
            if core is None:
                raise ValueError("no core properties")
            keywords = core.find(clark(CORE_PROPERTIES, "keywords"))
            if keywords is None:
                keywords = etree.SubElement(core, clark(CORE_PROPERTIES, "keywords"))
            keywords.text = PDF_KEYWORD
            marked = etree.tostring(core, xml_declaration=True, encoding="UTF-8", standalone=True)
            with zipfile.ZipFile(copy, "w", zipfile.ZIP_DEFLATED) as out:
                for info in archive.infolist():
                    out.writestr(
                        info,
                        marked if info.filename == CORE_PART else archive.read(info),
                        compress_type=zipfile.ZIP_DEFLATED,
                    )
    except (OSError, etree.XMLSyntaxError, ValueError, *ZIP_READ_ERRORS):
        shutil.copyfile(source, copy)
