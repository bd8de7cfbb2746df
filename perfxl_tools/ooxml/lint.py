"""What schemas do not catch but Excel refuses or repairs (excel-platform.md, "Will Excel open it?")."""

from __future__ import annotations

import re
from collections.abc import Iterable

from lxml import etree
from openpyxl.formula.tokenizer import Token, Tokenizer, TokenizerError
from openpyxl.utils.cell import range_boundaries

from perfxl.naming import sheet_name_problems
from perfxl_tools.ooxml.functions import AFTER_EXCEL_2010, NEEDS_PREFIX, split_prefix
from perfxl_tools.ooxml.package import NS_MAIN, Package, PackageProblem

MAX_LIST_VALIDATION = 255  # characters of an explicit list ("a,b,c" without the quotes)
MAX_NAME = 255
MAX_COLUMN, MAX_ROW = 16384, 1048576
NAME_CHARS = re.compile(r"^(?:[^\W\d]|\\)[\w.\\?]*$")  # letter, _ or \ first; then letters, digits, _ . \ ?
A1_LIKE = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")
R1C1_LIKE = re.compile(r"^(?:[Rr]\d*(?:[Cc]\d*)?|[Cc]\d*)$")


def _tag(name: str) -> str:
    return f"{{{NS_MAIN}}}{name}"


def lint_package(package: Package) -> list[PackageProblem]:
    """All lint problems of a parsed package (XML that does not parse is reported by the package)."""
    problems = check_parts(package)
    problems += check_sheet_names(package)
    problems += check_defined_names(package)
    for sheet in package.sheets():
        if sheet.part is not None:
            problems += check_worksheet(package, sheet.part)
    return problems


# -- package structure -------------------------------------------------------------------------
def check_parts(package: Package) -> list[PackageProblem]:
    """Relationship targets exist and have a content type; every part has a content type."""
    problems: list[PackageProblem] = []
    if not package.has("[Content_Types].xml"):
        return [PackageProblem("[Content_Types].xml", None, "package", "missing [Content_Types].xml")]
    if package.workbook_part() is None:
        problems.append(
            PackageProblem("_rels/.rels", None, "package", "no officeDocument relationship to the workbook")
        )
    for rels in (name for name in package.data if name.endswith(".rels")):
        folder, _, file = rels.rpartition("_rels/")
        source = folder + file.removesuffix(".rels")
        for rel in package.relationships(source):
            if rel.external:
                continue
            if not package.has(rel.target):
                kind = rel.type.rsplit("/", 1)[-1]
                problems.append(
                    PackageProblem(
                        rels, rel.line, "package", f"relationship {rel.id} ({kind}) points to missing part {rel.target}"
                    )
                )
    _, overrides = package.content_types()
    for part in package.data:
        if part == "[Content_Types].xml":
            continue
        if package.content_type(part) is None:
            problems.append(PackageProblem(part, None, "package", "part has no content type in [Content_Types].xml"))
    for part in overrides:
        if not package.has(part):
            problems.append(
                PackageProblem(
                    "[Content_Types].xml", None, "package", f"content type override for missing part /{part}", "warning"
                )
            )
    return problems


# -- names -------------------------------------------------------------------------------------
def check_sheet_names(package: Package) -> list[PackageProblem]:
    workbook = package.workbook_part() or "xl/workbook.xml"
    problems = []
    seen: dict[str, str] = {}
    for sheet in package.sheets():
        problems += [
            PackageProblem(workbook, sheet.line, "sheet-name", f"{sheet.name!r}: {reason}")
            for reason in sheet_name_problems(sheet.name)
        ]
        key = sheet.name.casefold()
        if key in seen:
            problems.append(
                PackageProblem(
                    workbook,
                    sheet.line,
                    "sheet-name",
                    f"{sheet.name!r} duplicates sheet {seen[key]!r} (names are case-insensitive)",
                )
            )
        seen.setdefault(key, sheet.name)
    return problems


def defined_name_problems(name: str) -> list[str]:
    """Why Excel would reject ``name`` as a defined name (built-in ``_xlnm.`` names are accepted)."""
    if name.startswith("_xlnm."):
        return []
    reasons = []
    if not name:
        return ["defined name is empty"]
    if len(name) > MAX_NAME:
        reasons.append(f"defined name has {len(name)} characters (Excel allows {MAX_NAME})")
    if not NAME_CHARS.match(name):
        reasons.append(f"{name!r} is not a valid name: start with a letter, _ or \\; then letters, digits, _ or .")
    a1 = A1_LIKE.match(name)
    if a1 and _column_number(a1.group(1)) <= MAX_COLUMN and 1 <= int(a1.group(2)) <= MAX_ROW:
        reasons.append(f"{name!r} looks like a cell address (A1 style)")
    if R1C1_LIKE.match(name):
        reasons.append(f"{name!r} looks like a cell address (R1C1 style)")
    return reasons


def check_defined_names(package: Package) -> list[PackageProblem]:
    workbook = package.workbook_part()
    root = package.xml(workbook) if workbook else None
    if workbook is None or root is None:
        return []
    sheets = {s.index: s.name for s in package.sheets()}
    problems = []
    seen: dict[tuple[str | None, str], str] = {}
    for el in root.iter(_tag("definedName")):
        name = el.get("name", "")
        scope = el.get("localSheetId")
        label = f"{sheets.get(int(scope), scope)}!{name}" if scope is not None and scope.isdigit() else name
        problems += [
            PackageProblem(workbook, el.sourceline, "defined-name", reason) for reason in defined_name_problems(name)
        ]
        key = (scope, name.casefold())
        if key in seen:
            problems.append(
                PackageProblem(workbook, el.sourceline, "defined-name", f"{label!r} is defined twice in the same scope")
            )
        seen.setdefault(key, name)
        problems += check_formula(el.text or "", workbook, el.sourceline, f"defined name {label}")
    return problems


def _column_number(letters: str) -> int:
    number = 0
    for ch in letters.upper():
        number = number * 26 + ord(ch) - 64
    return number


# -- formulas ----------------------------------------------------------------------------------
def check_formula(text: str, part: str, line: int | None, where: str) -> list[PackageProblem]:
    """The formula tokenizes, its parentheses balance, and newer functions carry the _xlfn. prefix."""
    text = text.strip()
    if not text:
        return []
    if text.startswith("="):
        text = text[1:]
    try:
        tokens = Tokenizer("=" + text).items
    except (TokenizerError, IndexError, ValueError) as exc:
        return [PackageProblem(part, line, "formula", f"{where}: formula does not parse ({exc}): ={text}")]
    depth = 0
    for token in tokens:
        if token.subtype == Token.OPEN and token.type in (Token.FUNC, Token.PAREN):
            depth += 1
        elif token.subtype == Token.CLOSE and token.type in (Token.FUNC, Token.PAREN):
            depth -= 1
    if depth != 0:
        return [PackageProblem(part, line, "formula", f"{where}: unbalanced parentheses in ={text}")]
    problems = []
    for token in tokens:
        if token.type == Token.FUNC and token.subtype == Token.OPEN:
            prefix, bare = split_prefix(token.value[:-1])
            if not prefix and bare.upper() in NEEDS_PREFIX:
                problems.append(
                    PackageProblem(
                        part,
                        line,
                        "function",
                        f"{where}: {bare.upper()} is newer than Excel 2007's file format and must be "
                        f"written _xlfn.{bare.upper()} (Excel shows #NAME? otherwise)",
                    )
                )
    return problems


def _functions(text: str) -> Iterable[str]:
    try:
        tokens = Tokenizer("=" + text.lstrip("=")).items
    except (TokenizerError, IndexError, ValueError):
        return []
    return [split_prefix(t.value[:-1])[1].upper() for t in tokens if t.type == Token.FUNC and t.subtype == Token.OPEN]


# -- worksheets --------------------------------------------------------------------------------
def check_worksheet(package: Package, part: str) -> list[PackageProblem]:
    root = package.xml(part)
    if root is None:
        return []
    problems = check_merges(root, part)
    problems += check_validations(root, part)
    newer: dict[str, tuple[int, str, int | None]] = {}  # function -> (count, first cell, line)
    for f in root.iter(_tag("f")):
        cell = f.getparent().get("r", "?") if f.getparent() is not None else "?"
        problems += check_formula(f.text or "", part, f.sourceline, f"cell {cell}")
        for name in _functions(f.text or ""):
            if name in AFTER_EXCEL_2010:
                count, first, line = newer.get(name, (0, cell, f.sourceline))
                newer[name] = (count + 1, first, line)
    for rule in root.iter(_tag("cfRule")):
        for formula in rule.iter(_tag("formula")):
            problems += check_formula(formula.text or "", part, formula.sourceline, "conditional format")
    for name, (count, first, line) in sorted(newer.items()):
        problems.append(
            PackageProblem(
                part,
                line,
                "function",
                f"{name} does not exist in Excel 2010 (used in {count} formula(s), first in {first})",
                "warning",
            )
        )
    return problems


def check_merges(root: etree._Element, part: str) -> list[PackageProblem]:
    """Merged ranges must be valid, span more than one cell, and not overlap (Excel repairs the file)."""
    problems = []
    boxes: list[tuple[int, int, int, int, str, int | None]] = []
    for el in root.iter(_tag("mergeCell")):
        ref = el.get("ref", "")
        try:
            min_col, min_row, max_col, max_row = range_boundaries(ref)
        except (ValueError, TypeError):
            problems.append(PackageProblem(part, el.sourceline, "merge", f"invalid merged range {ref!r}"))
            continue
        if min_col is None or min_row is None or max_col is None or max_row is None:
            problems.append(PackageProblem(part, el.sourceline, "merge", f"merged range {ref!r} is not a cell range"))
            continue
        if (min_col, min_row) == (max_col, max_row):
            problems.append(PackageProblem(part, el.sourceline, "merge", f"merged range {ref!r} is a single cell"))
        boxes.append((min_row, min_col, max_row, max_col, ref, el.sourceline))
    boxes.sort()
    for i, (_r1, c1, r2, c2, ref, line) in enumerate(boxes):
        for s1, d1, _s2, d2, other, _ in boxes[i + 1 :]:
            if s1 > r2:
                break
            if d1 <= c2 and c1 <= d2:
                problems.append(PackageProblem(part, line, "merge", f"merged ranges {ref} and {other} overlap"))
    return problems


def check_validations(root: etree._Element, part: str) -> list[PackageProblem]:
    problems = []
    for dv in root.iter(_tag("dataValidation")):
        sqref = dv.get("sqref", "?")
        for tag in ("formula1", "formula2"):
            el = dv.find(_tag(tag))
            if el is None or not el.text:
                continue
            text = el.text.strip()
            if dv.get("type") == "list" and tag == "formula1" and text.startswith('"'):
                items = text[1:-1] if text.endswith('"') and len(text) > 1 else text[1:]
                if len(items) > MAX_LIST_VALIDATION:
                    problems.append(
                        PackageProblem(
                            part,
                            el.sourceline,
                            "validation",
                            f"list validation on {sqref} has {len(items)} characters; Excel allows "
                            f"{MAX_LIST_VALIDATION} (put the choices in cells and refer to them)",
                        )
                    )
                continue
            problems += check_formula(text, part, el.sourceline, f"validation on {sqref}")
    return problems
