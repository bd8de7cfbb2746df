"""Scoring profile (rules.md §6): every number that a province or bureau may set differently.

The values of a named profile are data (``perfxl/contract/profiles/*.toml``); this module only defines their
shape and checks them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from decimal import Decimal

from perfxl.core.errors import PerfxlError
from perfxl.core.numbers import NotANumber, to_decimal

REVERSE_RULES = ("ratio", "linear")
GRADE_NAMES = ("优", "良", "中", "差")


class ProfileError(PerfxlError, ValueError):
    """A profile setting is missing or unusable; ``key`` names it."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}：{message}")
        self.key = key
        self.message = message


@dataclass(frozen=True)
class Profile:
    name: str
    budget_weight: Decimal
    level1_weights: Mapping[str, Decimal]
    cap_budget_rate: bool
    reverse_rule: str
    over_achievement: Decimal
    partial_share: Decimal
    grades: tuple[Decimal, Decimal, Decimal]  # lower bounds of 优, 良, 中
    rate_decimals: int
    score_decimals: int
    # Qualitative tier bands as shares of the weight: 达成 [0.8, 1], 部分达成 [0.6, 0.8), 未达成 [0, 0.6).
    tier_bounds: tuple[Decimal, Decimal] = field(default=(Decimal("0.8"), Decimal("0.6")))

    def grade(self, total: Decimal) -> str:
        """优 / 良 / 中 / 差 from a 总分."""
        for name, lower in zip(GRADE_NAMES, self.grades, strict=False):
            if total >= lower:
                return name
        return GRADE_NAMES[-1]

    def with_overrides(self, overrides: Mapping[str, object], name: str | None = None) -> Profile:
        """A copy with some settings changed (a project list's ``profile:`` mapping)."""
        data = self.to_mapping()
        data.update(overrides)
        data["name"] = name or self.name
        return profile_from_mapping(data)

    def to_mapping(self) -> dict[str, object]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _decimal(data: Mapping[str, object], key: str, *, low: Decimal, high: Decimal | None = None) -> Decimal:
    try:
        value = to_decimal(data[key])
    except KeyError:
        raise ProfileError(key, "缺少此设置") from None
    except NotANumber:
        raise ProfileError(key, f"应为数字，当前为「{data[key]}」") from None
    if value < low or (high is not None and value > high):
        bounds = f"为 {low} 到 {high} 之间的数" if high is not None else f"不小于 {low}"
        raise ProfileError(key, f"应{bounds}，当前为 {value}")
    return value


def _integer(data: Mapping[str, object], key: str, *, low: int, high: int) -> int:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ProfileError(key, f"应为 {low} 到 {high} 的整数，当前为「{value}」")
    return value


def _boolean(data: Mapping[str, object], key: str) -> bool:
    value = data.get(key)
    if not isinstance(value, bool):
        raise ProfileError(key, f"应为 true 或 false，当前为「{value}」")
    return value


def profile_from_mapping(data: Mapping[str, object]) -> Profile:
    """Build and check a profile from plain data (TOML, YAML, JSON)."""
    known = {f.name for f in fields(Profile)}
    for key in data:
        if key not in known:
            raise ProfileError(str(key), "未知的设置项")
    name = data.get("name")
    if not isinstance(name, str) or not name:
        raise ProfileError("name", "缺少配置名称")
    weights = data.get("level1_weights")
    if not isinstance(weights, Mapping):
        raise ProfileError("level1_weights", "应为「一级指标: 分值」的对应表")
    level1 = {str(k): _decimal(weights, k, low=Decimal(0), high=Decimal(100)) for k in weights}
    reverse_rule = data.get("reverse_rule")
    if reverse_rule not in REVERSE_RULES:
        raise ProfileError("reverse_rule", f"应为 {' 或 '.join(REVERSE_RULES)}，当前为「{reverse_rule}」")
    grades = data.get("grades")
    if not isinstance(grades, (list, tuple)) or len(grades) != 3:
        raise ProfileError("grades", "应为三个分数线：优、良、中的下限，如 [90, 80, 60]")
    bounds = tuple(_decimal({"grades": g}, "grades", low=Decimal(0), high=Decimal(100)) for g in grades)
    if not bounds[0] > bounds[1] > bounds[2]:
        raise ProfileError("grades", "分数线应从高到低排列")
    tiers = data.get("tier_bounds", (Decimal("0.8"), Decimal("0.6")))
    if not isinstance(tiers, (list, tuple)) or len(tiers) != 2:
        raise ProfileError("tier_bounds", "应为两个比例：达成、部分达成的下限，如 [0.8, 0.6]")
    tier_bounds = tuple(_decimal({"tier_bounds": t}, "tier_bounds", low=Decimal(0), high=Decimal(1)) for t in tiers)
    if not tier_bounds[0] > tier_bounds[1]:
        raise ProfileError("tier_bounds", "达成下限应高于部分达成下限")
    return Profile(
        name=name,
        budget_weight=_decimal(data, "budget_weight", low=Decimal(0), high=Decimal(100)),
        level1_weights=level1,
        cap_budget_rate=_boolean(data, "cap_budget_rate"),
        reverse_rule=str(reverse_rule),
        over_achievement=_decimal(data, "over_achievement", low=Decimal(1)),
        partial_share=_decimal(data, "partial_share", low=Decimal(0), high=Decimal(1)),
        grades=bounds,  # type: ignore[arg-type]
        rate_decimals=_integer(data, "rate_decimals", low=0, high=10),
        score_decimals=_integer(data, "score_decimals", low=0, high=6),
        tier_bounds=tier_bounds,  # type: ignore[arg-type]
    )


__all__ = ["Profile", "ProfileError", "profile_from_mapping"]
