"""Project lists (spec-format.md): read YAML, JSON or a 项目清单 workbook, check them, and build typed forms."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from perfxl.errors import InputError, Problem
from perfxl.projectlist.model import ProjectList
from perfxl.projectlist.validate import build_project_list

TEXT_SUFFIXES = {".yaml": "YAML", ".yml": "YAML", ".json": "JSON"}
WORKBOOK_SUFFIXES = {".xlsx": "Excel"}
# libyaml's loader parses a 1,000-project list in a fraction of the pure-Python loader's time.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Files saved by Chinese Windows tools are often GB18030 (ANSI) rather than UTF-8.
ENCODINGS = ("utf-8-sig", "gb18030")


def _read_text(path: Path) -> str:
    raw = path.read_bytes()
    for encoding in ENCODINGS:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError([Problem(path.name, "文件编码无法识别，请另存为 UTF-8 编码")])


def _parse(path: Path, text: str) -> object:
    try:
        data = _parsed(path, text)
    except RecursionError:  # the pure-Python YAML loader, or json, on nesting deeper than Python recurses
        raise InputError([_too_deep(path)]) from None
    _check_shape(path, data)
    return data


def _parsed(path: Path, text: str) -> object:
    if TEXT_SUFFIXES[path.suffix.lower()] == "JSON":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            where = f"第{exc.lineno}行第{exc.colno}列"
            raise InputError([Problem(path.name, f"JSON 格式错误（{where}）：{exc.msg}")]) from None
    # libyaml's composer recurses on the C stack: nesting some 20,000 deep ([[[… or - - - …) crashes the
    # process. Where the text might nest that deep, the pure-Python loader reads it (RecursionError, then a
    # message).
    loader = SAFE_LOADER if _nesting_bound(text) <= C_LOADER_MAX_DEPTH else yaml.SafeLoader
    try:
        return yaml.load(text, Loader=loader)  # a safe loader: C when libyaml is there
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"（第{mark.line + 1}行第{mark.column + 1}列）" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError([Problem(path.name, f"YAML 格式错误{where}：{problem}")]) from None


# A project list nests six levels (projects, a project, its indicators, one, a profile's setting …).
MAX_DEPTH = 32
# Values of a list, counted through YAML aliases (each use of *name counts its anchor's values again):
# a list of 1,000 projects of 25 indicators holds some 300,000.
MAX_VALUES = 1_000_000
C_LOADER_MAX_DEPTH = 1000
_BRACKETS = re.compile(r"[\[\]{}]")
_BLOCK_INDICATORS = re.compile(r"[-?:](?:\s|$)")


def _nesting_bound(text: str) -> int:
    """At least the deepest nesting of YAML collections in ``text``: the flow collections open at any point
    (brackets in quoted text count too), plus, for block collections, the deepest line's indentation and
    block indicators (``- - - a`` nests three sequences on one line; a nested block needs more indentation)."""
    depth = deepest = 0
    for bracket in _BRACKETS.finditer(text):
        depth = depth + 1 if bracket.group() in "[{" else max(depth - 1, 0)
        deepest = max(deepest, depth)
    block = max(
        (len(line) - len(line.lstrip()) + len(_BLOCK_INDICATORS.findall(line)) for line in text.splitlines()), default=0
    )
    return deepest + block


def _too_deep(path: Path) -> Problem:
    return Problem(path.name, f"内容嵌套超过 {MAX_DEPTH} 层，不是 perfxl 的项目清单格式（spec-format.md）")


def _check_shape(path: Path, data: object) -> None:
    """Refuse nesting deeper than MAX_DEPTH (also a YAML alias inside its own anchor, endlessly deep) and
    more than MAX_VALUES values (an alias bomb: a few lines of anchors expanding to billions), before any
    check walks the data or quotes a value."""
    pending: list[tuple[object, int]] = [(data, 0)]
    count = 0
    while pending:
        node, depth = pending.pop()
        count += 1
        if depth > MAX_DEPTH:
            raise InputError([_too_deep(path)])
        if count > MAX_VALUES:
            raise InputError(
                [
                    Problem(
                        path.name,
                        f"内容过多（超过 {MAX_VALUES:,} 个值，可能是 YAML 别名 * 层层展开），不是 perfxl 的项目清单",
                    )
                ]
            )
        if isinstance(node, dict):
            pending += [(child, depth + 1) for pair in node.items() for child in pair]
        elif isinstance(node, list):
            pending += [(child, depth + 1) for child in node]


def load_project_list(path: str | Path) -> ProjectList:
    """Read and check a project list; InputError (in Chinese) on any problem."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in TEXT_SUFFIXES and suffix not in WORKBOOK_SUFFIXES:
        supported = "、".join([*TEXT_SUFFIXES, *WORKBOOK_SUFFIXES])
        hint = "（.xls 文件请在 Excel 中另存为 .xlsx）" if suffix == ".xls" else ""
        message = f"不支持的文件类型「{path.suffix}」，项目清单应为 {supported} 文件{hint}"
        raise InputError([Problem(path.name, message)])
    if not path.is_file():
        raise InputError([Problem(str(path), "文件不存在")])
    if suffix in WORKBOOK_SUFFIXES:
        from perfxl.projectlist.workbook_reader import load_project_list_workbook

        return load_project_list_workbook(path)
    try:
        text = _read_text(path)
    except OSError as exc:
        raise InputError([Problem(str(path), f"无法读取文件：{exc.strerror}")]) from None
    return build_project_list(_parse(path, text), path)


__all__ = ["ProjectList", "load_project_list"]
