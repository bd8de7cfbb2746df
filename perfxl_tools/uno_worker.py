"""UNO worker: run by the system Python (``/usr/bin/python3 uno_worker.py PIPE``), never imported by perfxl.

It connects to an soffice that listens on ``pipe,name=PIPE`` and then answers one JSON request per line
on stdin with one JSON line on stdout. Requests:

``{"op": "process", "path": ..., "set": {...}, "names": true, "cells": [...], "errors": false,
   "save_as": null, "macros": false}``
    load the workbook hidden, set cells, ``calculateAll()``, read, optionally store a copy, close.
``{"op": "macros", "path": ..., "run": ["VBAProject.perfxl.PerfxlVersion", ...]}``
    load the workbook hidden with macros allowed, list its Basic/VBA libraries and modules (with their text
    as LibreOffice imported it), each sheet's code name and form controls with the scripts bound to them,
    run each named macro (``Library.Module.Macro``, no arguments) and close.
``{"op": "ping"}``, ``{"op": "quit"}`` (terminates soffice).

Cell values in answers: numbers as floats, text as str, empty cells as null, error results as
``{"error": "#VALUE!"}`` (LibreOffice's text for the error, e.g. ``Err:502`` for its own codes).
Only the standard library and python3-uno are available here.
"""

from __future__ import annotations

import contextlib
import json
import re
import sys
import time
import traceback

import uno

FORMULA_RESULT_ERROR = 4  # com.sun.star.sheet.FormulaResult.ERROR
MACRO_NEVER, MACRO_ALWAYS_NO_WARN = 0, 4  # com.sun.star.document.MacroExecMode
UPDATE_NONE = 0  # com.sun.star.document.UpdateDocMode.NO_UPDATE
# The content of a named range as LibreOffice writes it: $Sheet.$A$1 or $'My Sheet'.$A$1:$B$7
NAMED_CONTENT = re.compile(
    r"^\$?(?P<sheet>'(?:[^']|'')*'|[^.'$][^.']*)\.\$?(?P<c1>[A-Z]{1,3})\$?(?P<r1>\d+)"
    r"(?::\$?(?P<c2>[A-Z]{1,3})\$?(?P<r2>\d+))?$"
)
CELL_REF = re.compile(r"^\$?[A-Za-z]{1,3}\$?\d+(:\$?[A-Za-z]{1,3}\$?\d+)?$")
FILTERS = {"xlsx": "Calc Office Open XML", "xlsm": "Calc Office Open XML", "ods": "calc8", "pdf": "calc_pdf_Export"}


def prop(name, value):
    p = uno.createUnoStruct("com.sun.star.beans.PropertyValue")
    p.Name = name
    p.Value = value
    return p


def column_letters(index):
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letters):
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index - 1


def split_sheet(ref):
    """``'My Sheet'!A1`` → ("My Sheet", "A1"); ``Name`` → (None, "Name")."""
    if "!" not in ref:
        return None, ref
    sheet, _, rest = ref.rpartition("!")
    if len(sheet) >= 2 and sheet[0] == sheet[-1] == "'":
        sheet = sheet[1:-1].replace("''", "'")
    return sheet, rest


class Workbook:
    def __init__(self, doc):
        self.doc = doc
        self.sheets = doc.Sheets
        self.sheet_names = list(self.sheets.ElementNames)
        self.sheet_index = {name: i for i, name in enumerate(self.sheet_names)}
        self._grids = {}

    # -- resolving references -------------------------------------------------------------------
    def sheet(self, name):
        if self.sheets.hasByName(name):
            return self.sheets.getByName(name)
        for candidate in self.sheet_names:
            if candidate.casefold() == name.casefold():
                return self.sheets.getByName(candidate)
        raise KeyError(f"工作簿中没有名为「{name}」的工作表")

    @staticmethod
    def _named(container, name):
        if container.hasByName(name):
            return container.getByName(name)
        for candidate in container.ElementNames:
            if candidate.casefold() == name.casefold():
                return container.getByName(candidate)
        return None

    def range(self, ref):
        """A cell range for ``Sheet!A1``, ``Sheet!A1:B2``, ``Sheet!LocalName`` or ``GlobalName``."""
        sheet_name, rest = split_sheet(ref.strip())
        if sheet_name is not None:
            sheet = self.sheet(sheet_name)
            if CELL_REF.match(rest):
                return sheet.getCellRangeByName(rest.replace("$", ""))
            named = self._named(sheet.NamedRanges, rest)
        else:
            named = self._named(self.doc.NamedRanges, rest)
        cells = named.getReferredCells() if named is not None else None
        if cells is None:
            raise KeyError(f"找不到单元格或名称「{ref}」（或该名称不指向单元格区域）")
        return cells

    # -- writing --------------------------------------------------------------------------------
    def set(self, ref, value):
        cells = self.range(ref)
        addr = cells.RangeAddress
        if addr.EndColumn != addr.StartColumn or addr.EndRow != addr.StartRow:
            raise ValueError(f"「{ref}」是多个单元格的区域，只能给单个单元格赋值")
        cell = cells.getCellByPosition(0, 0)
        if value is None:
            cell.setFormula("")
        elif isinstance(value, bool):
            cell.setValue(1.0 if value else 0.0)
        elif isinstance(value, (int, float)):
            cell.setValue(float(value))
        else:
            cell.setString(str(value))

    # -- reading --------------------------------------------------------------------------------
    def grid(self, index):
        """Values of a sheet's used area, row by row, with empties and errors resolved."""
        if index not in self._grids:
            sheet = self.sheets.getByIndex(index)
            cursor = sheet.createCursor()
            cursor.gotoEndOfUsedArea(False)
            end = cursor.RangeAddress
            area = sheet.getCellRangeByPosition(0, 0, end.EndColumn, end.EndRow)
            rows = [list(row) for row in area.getDataArray()]
            for block in area.queryEmptyCells().RangeAddresses:
                for r in range(block.StartRow, block.EndRow + 1):
                    for c in range(block.StartColumn, block.EndColumn + 1):
                        rows[r][c] = None
            errors = []
            for block in area.queryFormulaCells(FORMULA_RESULT_ERROR).RangeAddresses:
                for r in range(block.StartRow, block.EndRow + 1):
                    for c in range(block.StartColumn, block.EndColumn + 1):
                        cell = sheet.getCellByPosition(c, r)
                        text = cell.getString()
                        rows[r][c] = {"error": text}
                        errors.append(
                            {
                                "sheet": self.sheet_names[index],
                                "cell": f"{column_letters(c)}{r + 1}",
                                "error": text,
                                "code": cell.getError(),
                                "formula": cell.getFormula(),
                            }
                        )
            self._grids[index] = (rows, errors)
        return self._grids[index]

    def read(self, cells):
        addr = cells.RangeAddress
        return self.read_box(addr.Sheet, addr.StartColumn, addr.StartRow, addr.EndColumn, addr.EndRow)

    def read_box(self, sheet, first_col, first_row, last_col, last_row):
        """Rows of values of a range, clipped to the sheet's used area (whole-column names stay small)."""
        rows, _ = self.grid(sheet)
        used_rows = len(rows)
        used_cols = len(rows[0]) if rows else 0
        last_row = min(last_row, max(first_row, used_rows - 1))
        last_col = min(last_col, max(first_col, used_cols - 1))
        out = []
        for r in range(first_row, last_row + 1):
            source = rows[r] if r < used_rows else []
            out.append([source[c] if c < len(source) else None for c in range(first_col, last_col + 1)])
        return out

    def read_named(self, named):
        """Values of a named range, or None when it does not refer to one block of cells.

        Parsing the content text saves two UNO round trips per name (getReferredCells and RangeAddress
        each cost about 1 ms over the pipe); anything unusual goes the slow, general way.
        """
        content = named.getContent()
        match = NAMED_CONTENT.match(content)
        if match:
            sheet = match["sheet"]
            if sheet.startswith("'"):
                sheet = sheet[1:-1].replace("''", "'")
            if sheet in self.sheet_index:
                c1, r1 = column_index(match["c1"]), int(match["r1"]) - 1
                c2, r2 = (column_index(match["c2"]), int(match["r2"]) - 1) if match["c2"] else (c1, r1)
                return self.read_box(self.sheet_index[sheet], min(c1, c2), min(r1, r2), max(c1, c2), max(r1, r2))
        cells = named.getReferredCells()
        return None if cells is None else self.read(cells)

    def names(self):
        """Every cell-range name: workbook scope as ``Name``, sheet scope as ``Sheet!Name``."""
        values, others = {}, {}
        scopes = [("", self.doc.NamedRanges)]
        scopes += [(f"{name}!", self.sheets.getByName(name).NamedRanges) for name in self.sheet_names]
        for prefix, container in scopes:
            for name in container.ElementNames:
                named = container.getByName(name)
                grid = self.read_named(named)
                if grid is None:
                    others[prefix + name] = named.getContent()
                else:
                    values[prefix + name] = grid
        return values, others

    def errors(self):
        found = []
        for index in range(len(self.sheet_names)):
            found.extend(self.grid(index)[1])
        return found


class Worker:
    def __init__(self, pipe):
        self.pipe = pipe
        self.desktop = None

    def connect(self, timeout):
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        deadline = time.monotonic() + timeout
        while True:
            try:
                ctx = resolver.resolve(f"uno:pipe,name={self.pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        self.desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)

    def process(self, request):
        path = request["path"]
        macros = MACRO_ALWAYS_NO_WARN if request.get("macros") else MACRO_NEVER
        started = time.monotonic()
        doc = self.desktop.loadComponentFromURL(
            uno.systemPathToFileUrl(path),
            "_blank",
            0,
            (prop("Hidden", True), prop("MacroExecutionMode", macros), prop("UpdateDocMode", UPDATE_NONE)),
        )
        if doc is None:
            raise RuntimeError(f"LibreOffice 无法打开文件：{path}")
        try:
            if not doc.supportsService("com.sun.star.sheet.SpreadsheetDocument"):
                raise RuntimeError(f"不是电子表格文件：{path}")
            book = Workbook(doc)
            for name, row, count in request.get("rows") or []:
                # As an officer would: unprotect (perfxl's forms have no password), then insert
                # ``count`` rows before ``row`` or, for a negative count, delete rows from ``row`` on.
                sheet = book.sheet(name)
                sheet.unprotect("")
                if count > 0:
                    sheet.getRows().insertByIndex(row - 1, count)
                else:
                    sheet.getRows().removeByIndex(row - 1, -count)
            for ref, value in (request.get("set") or {}).items():
                book.set(ref, value)
            doc.calculateAll()
            answer = {
                "ok": True,
                "sheets": book.sheet_names,
                "names": {},
                "other_names": {},
                "cells": {},
                "errors": None,
            }
            if request.get("names", True):
                answer["names"], answer["other_names"] = book.names()
            for ref in request.get("cells") or []:
                answer["cells"][ref] = book.read(book.range(ref))
            if request.get("errors"):
                answer["errors"] = book.errors()
            if request.get("save_as"):
                target = request["save_as"]
                ext = target.rsplit(".", 1)[-1].lower()
                if ext not in FILTERS:
                    raise ValueError(f"不支持保存为 .{ext}，可选：{'、'.join(FILTERS)}")
                doc.storeToURL(uno.systemPathToFileUrl(target), (prop("FilterName", FILTERS[ext]),))
            answer["seconds"] = time.monotonic() - started
            return answer
        finally:
            doc.close(True)

    def macros(self, request):
        path = request["path"]
        doc = self.desktop.loadComponentFromURL(
            uno.systemPathToFileUrl(path),
            "_blank",
            0,
            (
                prop("Hidden", True),
                prop("MacroExecutionMode", MACRO_ALWAYS_NO_WARN),
                prop("UpdateDocMode", UPDATE_NONE),
            ),
        )
        if doc is None:
            raise RuntimeError(f"LibreOffice 无法打开文件：{path}")
        try:
            libraries = doc.BasicLibraries
            modules = {}
            for library in libraries.ElementNames:
                libraries.loadLibrary(library)
                container = libraries.getByName(library)
                modules[library] = {name: container.getByName(name) for name in container.ElementNames}
            answer = {
                "ok": True,
                "vba_mode": bool(libraries.VBACompatibilityMode),
                "modules": modules,
                "sheets": [],
                "results": {},
            }
            sheets = doc.Sheets
            for index in range(sheets.Count):
                sheet = sheets.getByIndex(index)
                answer["sheets"].append(
                    {"name": sheet.Name, "code_name": sheet.CodeName, "controls": self.controls(sheet)}
                )
            provider = doc.getScriptProvider()
            for macro in request.get("run") or []:
                url = f"vnd.sun.star.script:{macro}?language=Basic&location=document"
                try:
                    result = provider.getScript(url).invoke((), (), ())[0]
                except Exception as exc:  # a missing or failing macro is an answer, not a worker failure
                    answer["results"][macro] = {"error": str(getattr(exc, "Message", "") or exc)}
                else:
                    plain = result is None or isinstance(result, (str, int, float, bool))
                    answer["results"][macro] = result if plain else str(result)
            return answer
        finally:
            doc.close(True)

    @staticmethod
    def controls(sheet):
        """The form controls on a sheet's draw page, with the scripts their events call."""
        found = []
        forms = sheet.DrawPage.Forms
        for f in range(forms.Count):
            form = forms.getByIndex(f)
            for c in range(form.Count):
                control = form.getByIndex(c)
                info = control.getPropertySetInfo()
                found.append(
                    {
                        "name": control.Name,
                        "label": control.getPropertyValue("Label") if info.hasPropertyByName("Label") else None,
                        "events": [
                            {
                                "listener": event.ListenerType,
                                "method": event.EventMethod,
                                "type": event.ScriptType,
                                "script": event.ScriptCode,
                            }
                            for event in form.getScriptEvents(c)
                        ],
                    }
                )
        return found

    def quit(self):
        if self.desktop is not None:
            with contextlib.suppress(Exception):  # soffice drops the bridge while terminating: expected
                self.desktop.terminate()


def main(argv):
    out = sys.stdout
    sys.stdout = sys.stderr  # anything printed by accident must not corrupt the JSON channel

    def reply(obj):
        out.write(json.dumps(obj, ensure_ascii=False) + "\n")
        out.flush()

    worker = Worker(argv[1])
    try:
        worker.connect(float(argv[2]) if len(argv) > 2 else 60.0)
    except Exception as exc:
        reply({"ok": False, "error": f"无法连接 LibreOffice：{exc}"})
        return 1
    reply({"ok": True, "ready": True})
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
            op = request.get("op")
            if op == "quit":
                worker.quit()
                reply({"ok": True})
                return 0
            if op == "ping":
                reply({"ok": True})
            elif op == "process":
                reply(worker.process(request))
            elif op == "macros":
                reply(worker.macros(request))
            else:
                reply({"ok": False, "error": f"unknown op {op!r}"})
        except Exception as exc:
            traceback.print_exc(file=sys.stderr)
            message = exc.args[0] if isinstance(exc, (KeyError, ValueError, RuntimeError)) and exc.args else exc
            reply({"ok": False, "error": str(message)})
    worker.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
