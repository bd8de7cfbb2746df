"""Project lists (spec-format.md): read YAML, JSON or a 项目清单 workbook, check them, and build typed forms."""

from __future__ import annotations

import json
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
    if TEXT_SUFFIXES[path.suffix.lower()] == "JSON":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            where = f"第{exc.lineno}行第{exc.colno}列"
            raise InputError([Problem(path.name, f"JSON 格式错误（{where}）：{exc.msg}")]) from None
    try:
        return yaml.load(text, Loader=SAFE_LOADER)  # a safe loader: C when libyaml is there
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"（第{mark.line + 1}行第{mark.column + 1}列）" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError([Problem(path.name, f"YAML 格式错误{where}：{problem}")]) from None


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
