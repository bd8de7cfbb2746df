"""Named rulebooks, stored as TOML files in ``perfxl/review/rulebooks/``, and a bureau's selection of one:
a name, or ``{base: NAME, rules: {code: {enabled, deduction, severity, description}}, settings: {…}}`` given as
a mapping or as a TOML, JSON or YAML file (as perfxl.contract.profiles selects a scoring profile)."""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable, Mapping
from functools import cache
from importlib import resources
from pathlib import Path

from perfxl.review.rulebook import Rulebook, RulebookError, rulebook_from_mapping

DEFAULT_RULEBOOK = "default"
_DIRECTORY = "rulebooks"
YAML_SUFFIXES = (".yaml", ".yml")
_TOML_WHERE = re.compile(r"\(at line (\d+), column (\d+)\)")


def _bundled() -> resources.abc.Traversable:
    return resources.files("perfxl.review") / _DIRECTORY


def available_rulebooks() -> list[str]:
    return sorted(p.name.removesuffix(".toml") for p in _bundled().iterdir() if p.name.endswith(".toml"))


def load_rulebook(name: str = DEFAULT_RULEBOOK) -> Rulebook:
    """The named rulebook, read once; RulebookError naming the choices when there is none of that name."""
    return _load(name)


@cache
def _load(name: str) -> Rulebook:
    source = _bundled() / f"{name}.toml"
    if not name or "/" in name or not source.is_file():
        raise RulebookError("base", f"没有名为「{name}」的复核规则，可选：{'、'.join(available_rulebooks())}")
    return rulebook_from_mapping(tomllib.loads(source.read_text(encoding="utf-8")))


def resolve_rulebook(selection: str | Mapping[str, object] | Rulebook | None = None) -> Rulebook:
    """A bureau's rulebook: none (the default), a name, or a mapping of overrides on a ``base``."""
    if selection is None:
        return load_rulebook()
    if isinstance(selection, Rulebook):
        return selection
    if isinstance(selection, str):
        return load_rulebook(selection)
    if not isinstance(selection, Mapping):
        raise RulebookError("", "复核规则应为规则名称，或包含 base、rules、settings 的对应表")
    overrides = {str(k): v for k, v in selection.items()}
    base = overrides.pop("base", DEFAULT_RULEBOOK)
    if not isinstance(base, str):
        raise RulebookError("base", f"应为复核规则名称，当前为「{base}」")
    name = overrides.get("name")
    return load_rulebook(base).with_overrides(overrides, name=str(name) if name else f"{base}+自定义")


def read_rulebook_file(path: str | Path, *, load_yaml: Callable[[str], object] | None = None) -> Rulebook:
    """A rulebook selection from a TOML or JSON file (a YAML one with ``load_yaml``, e.g. ``yaml.safe_load``:
    this package imports no library outside the standard one). Every error names the file."""
    path = Path(path)
    try:
        return resolve_rulebook(_selection(path, load_yaml))
    except RulebookError as exc:
        located = RulebookError("", f"复核规则文件「{path.name}」：{exc}")
        located.key = exc.key
        raise located from None


def _selection(path: Path, load_yaml: Callable[[str], object] | None) -> Mapping[str, object]:
    suffix = path.suffix.lower()
    if suffix not in (".toml", ".json", *YAML_SUFFIXES) or (suffix in YAML_SUFFIXES and load_yaml is None):
        kinds = "TOML、JSON 或 YAML" if load_yaml is not None else "TOML 或 JSON"
        raise RulebookError("", f"应为 {kinds} 文件（.toml、.json{'、.yaml' if load_yaml else ''}）")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise RulebookError("", "文件不存在") from None
    except UnicodeDecodeError:
        raise RulebookError("", "文件编码无法识别，请另存为 UTF-8 编码") from None
    except OSError as exc:
        raise RulebookError("", f"无法读取（{exc.strerror or exc}）") from None
    data = _parsed(suffix, text, load_yaml)
    if not isinstance(data, Mapping):
        raise RulebookError("", "内容应为包含 base、rules、settings 的对应表")
    return data


def _parsed(suffix: str, text: str, load_yaml: Callable[[str], object] | None) -> object:
    if suffix == ".toml":
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            where = _TOML_WHERE.search(str(exc))
            at = f"（第{where.group(1)}行第{where.group(2)}列）" if where else ""
            raise RulebookError("", f"TOML 格式错误{at}") from None
    if suffix == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise RulebookError("", f"JSON 格式错误（第{exc.lineno}行第{exc.colno}列）：{exc.msg}") from None
    assert load_yaml is not None
    try:
        return load_yaml(text)
    except Exception as exc:  # the caller's YAML library raises its own errors; each is a format error
        mark = getattr(exc, "problem_mark", None)
        at = f"（第{mark.line + 1}行第{mark.column + 1}列）" if mark is not None else ""
        raise RulebookError("", f"YAML 格式错误{at}") from None


__all__ = ["DEFAULT_RULEBOOK", "available_rulebooks", "load_rulebook", "read_rulebook_file", "resolve_rulebook"]
