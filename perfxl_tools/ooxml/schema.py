"""Schema validation of every XML part, through openxml-audit (Open XML SDK's schema data in Python).

No package on PyPI, npm or Debian ships the ECMA-376 transitional XSD files (sml.xsd and the shared
schemas), so lxml cannot validate against them here. openxml-audit ports the Open XML SDK validator,
whose element/attribute/particle data comes from the same schemas plus Office's extension namespaces,
and it understands Markup Compatibility (``mc:Ignorable``), which plain XSD validation does not.
It reports an XPath per error; we turn it into a line number with lxml.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from lxml import etree

from perfxl_tools.ooxml.package import Package, PackageProblem, Severity

# The newest format: older modes mishandle Markup Compatibility (openxml-audit 0.8 in "office2010" mode
# rejects the <mc:AlternateContent><mc:Choice Requires="x15"> that Excel 2013+ writes into workbook.xml,
# which Excel 2010 itself skips). Excel 2010 compatibility of formulas is checked by the lint instead.
DEFAULT_OFFICE = "microsoft365"
# Where the Open XML SDK is stricter than ECMA-376 and Excel: font properties (CT_Font, CT_RPrElt) are an
# unordered xsd:choice in sml.xsd, but the SDK wants a sequence (openpyxl writes name before sz).
_UNORDERED_PARENT = re.compile(r"/(?:font|rPr)\[\d+\]$")
_STEP = re.compile(r"^(?:[\w.-]+:)?([\w.-]+)(?:\[(\d+)\])?$")


@cache
def _validator(office: str):  # -> openxml_audit.OpenXmlValidator
    try:
        from openxml_audit import FileFormat, OpenXmlValidator
    except ModuleNotFoundError as exc:  # optional: installed with the test extra
        raise ModuleNotFoundError("schema validation needs openxml-audit: pip install -e '.[test]'") from exc
    return OpenXmlValidator(file_format=FileFormat(office), max_errors=1000)


def schema_problems(
    path: str | Path, package: Package | None = None, *, office: str = DEFAULT_OFFICE
) -> list[PackageProblem]:
    """Schema (and Open XML SDK semantic) errors of every part, as Problems with part and line.

    ``office`` is openxml-audit's FileFormat value (``"office2007"`` … ``"office2019"``, ``"microsoft365"``).
    """
    package = package or Package(path)
    result = _validator(office).validate(str(path))
    problems = []
    for error in result.errors:
        part = (error.part_uri or "").lstrip("/") or "(package)"
        severity: Severity = "warning" if getattr(error.severity, "value", "error") != "error" else "error"
        if _UNORDERED_PARENT.search(error.path or "") and error.description.startswith("Unexpected element"):
            continue
        if "required relationship type" in error.description and "/relationships/theme'" in error.description:
            severity = "warning"  # Excel opens workbooks without a theme part (LibreOffice writes none)
        line = _line(package, part, error.path or "")
        node = f" at {error.path}" if error.path and line is None else ""
        problems.append(PackageProblem(part, line, "schema", f"{error.description}{node}", severity))
    return problems


def _line(package: Package, part: str, path: str) -> int | None:
    """The source line of the element an openxml-audit path like ``/worksheet[1]/sheetData[1]/row[2]`` names."""
    if not package.has(part) or not path.startswith("/"):
        return None
    node: etree._Element | None = package.xml(part)
    if node is None:
        return None
    steps = [s for s in path.split("/") if s]
    first = _STEP.match(steps[0]) if steps else None
    if first is None or etree.QName(node).localname != first.group(1):
        return node.sourceline
    for step in steps[1:]:
        match = _STEP.match(step)
        if match is None:
            break
        name, index = match.group(1), int(match.group(2) or 1)
        same = [child for child in node if isinstance(child.tag, str) and etree.QName(child).localname == name]
        if len(same) < index:
            break
        node = same[index - 1]
    return node.sourceline
