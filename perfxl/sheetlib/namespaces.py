"""The OOXML namespace URIs perfxl reads and writes (ECMA-376, transitional), and their Clark forms."""

from __future__ import annotations

SPREADSHEET = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"  # r:id attributes
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"  # _rels/*.rels
CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"  # [Content_Types].xml
CORE_PROPERTIES = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
CUSTOM_PROPERTIES = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VARIANT_TYPES = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
DC_TERMS = "http://purl.org/dc/terms/"


def clark(namespace: str, tag: str) -> str:
    """``{namespace}tag``, the name lxml and ElementTree give an element."""
    return f"{{{namespace}}}{tag}"
