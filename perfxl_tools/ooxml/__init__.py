"""Will Excel open it? Checks of an .xlsx/.xlsm without Excel.

:func:`validate_package` runs three layers and returns every :class:`PackageProblem` (part, line, rule, message):

1. XML well-formedness of every part (lxml);
2. schema validation against the Office schemas (openxml-audit, see :mod:`perfxl_tools.ooxml.schema`);
3. lint for what schemas miss (:mod:`perfxl_tools.ooxml.lint`): overlapping or single-cell merges, list
   validations over 255 characters, sheet names, defined names that look like cell addresses,
   functions newer than Excel 2007's file format without ``_xlfn.``, formulas that do not tokenize,
   relationships and content types.

Then load the file in LibreOffice and scan for error cells (:meth:`perfxl_tools.uno_session.UnoSession.error_cells`).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from perfxl_tools.ooxml.lint import lint_package
from perfxl_tools.ooxml.package import Package, PackageProblem
from perfxl_tools.ooxml.schema import DEFAULT_OFFICE, schema_problems

__all__ = ["Package", "PackageProblem", "validate_package"]


def validate_package(path: str | Path, *, schema: bool = True, office: str = DEFAULT_OFFICE) -> list[PackageProblem]:
    """Every problem found in the workbook at ``path``; an empty list means none of the checks objects.

    ``schema=False`` skips the schema layer (it needs the optional openxml-audit package).
    """
    try:
        package = Package(path)
    except (zipfile.BadZipFile, OSError) as exc:
        return [PackageProblem(Path(path).name, None, "package", f"not a zip package: {exc}")]
    problems = lint_package(package)
    for part in package.xml_parts():
        package.xml(part)  # records parts that are not well-formed
    if schema:
        problems += [
            p
            for p in schema_problems(path, package, office=office)
            if p.part not in {x.part for x in package.xml_problems}
        ]
    return package.xml_problems + problems
