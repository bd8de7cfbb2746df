"""Named scoring profiles, stored as TOML files beside this module (rules.md §6), and a profile as a form
holds it: a name or the JSON of :func:`profile_to_json` (the metadata sheet, every UDF's ``profile``
argument), read back by :func:`profile_from_cell`; an omitted profile is :data:`DEFAULT_PROFILE`."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from decimal import Decimal
from functools import cache
from importlib import resources

from perfxl.core.cells import is_blank
from perfxl.core.profile import Profile, ProfileError, profile_from_mapping

DEFAULT_PROFILE = "mof-2020"


def available_profiles() -> list[str]:
    return sorted(p.name.removesuffix(".toml") for p in resources.files(__name__).iterdir() if p.name.endswith(".toml"))


@cache
def load_profile(name: str = DEFAULT_PROFILE) -> Profile:
    """The named profile; ProfileError naming the choices when there is none of that name."""
    source = resources.files(__name__) / f"{name}.toml"
    if not source.is_file():
        raise ProfileError("profile", f"没有名为「{name}」的评分配置，可选：{'、'.join(available_profiles())}")
    return profile_from_mapping(tomllib.loads(source.read_text(encoding="utf-8")))


def resolve_profile(selection: str | Mapping[str, object] | None) -> Profile:
    """A project list's ``profile:``: a name, or ``{base: NAME, <setting>: <value>, …}``."""
    if selection is None:
        return load_profile()
    if isinstance(selection, str):
        return load_profile(selection)
    if not isinstance(selection, Mapping):
        raise ProfileError("profile", "应为评分配置名称，或包含 base 和要改动设置的对应表")
    overrides = dict(selection)
    base = overrides.pop("base", DEFAULT_PROFILE)
    name = overrides.pop("name", None)
    if not isinstance(base, str):
        raise ProfileError("profile.base", "应为评分配置名称")
    return load_profile(base).with_overrides(overrides, name=str(name) if name else f"{base}+自定义")


def profile_to_json(profile: Profile) -> str:
    """The profile as compact JSON: stored in a form so that its UDFs score with the list's profile."""

    def plain(value: object) -> object:
        if isinstance(value, Mapping):
            return {str(k): plain(v) for k, v in value.items()}
        if isinstance(value, (tuple, list)):
            return [plain(v) for v in value]
        if not isinstance(value, Decimal):
            return value
        return int(value) if value == value.to_integral_value() else float(value)

    return json.dumps(plain(profile.to_mapping()), ensure_ascii=False, separators=(",", ":"), sort_keys=True)


@cache
def profile_from_cell(text: str | None) -> Profile:
    """A profile named or spelled out (JSON) in a cell; the default profile for an empty cell."""
    if is_blank(text):
        return load_profile()
    text = str(text).strip()
    if not text.startswith("{"):
        return load_profile(text)
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        raise ProfileError("profile", "评分配置不是有效的 JSON") from None
    return profile_from_mapping(data)
