"""The review rulebook (review.md): which rules apply, how severe each is, what it deducts, and the settings
the rules read. The values are data (``perfxl/review/rulebooks/*.toml``); this module defines their shape and
checks them, naming the key of anything unusable in Chinese, as perfxl.core.profile does for a profile."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from functools import cached_property

from perfxl.core.cells import folded
from perfxl.core.errors import PerfxlError
from perfxl.core.findings import Level
from perfxl.core.numbers import NotANumber, plain, to_decimal
from perfxl.review.texts import bare, heading_key


class Scope(Enum):
    """What a rule's finding is attached to: an indicator (its deduction lowers that indicator's score) or
    the form as a whole (it can lower no score: its deduction must be 0)."""

    INDICATOR = "indicator"
    FORM = "form"


# Every rule the engine implements (review.md §Rules), in the order a reviewer reads them.
RULE_SCOPES: Mapping[str, Scope] = {
    "all_full_marks": Scope.FORM,
    "placeholder": Scope.INDICATOR,
    "rate_above_100": Scope.INDICATOR,
    "cost_lower_bound": Scope.INDICATOR,
    "pseudo_quantitative": Scope.INDICATOR,
    "missing_dimension": Scope.FORM,
    "framework": Scope.INDICATOR,
    "payment_as_output": Scope.INDICATOR,
    "duplicate_indicator": Scope.INDICATOR,
    "over_130_no_deduction": Scope.INDICATOR,
    "reason_quality": Scope.INDICATOR,
    "low_execution_no_reason": Scope.FORM,
    "no_evidence": Scope.INDICATOR,
    "declared_mismatch": Scope.INDICATOR,
}
RULE_CODES = tuple(RULE_SCOPES)
RULE_FIELDS = ("description", "severity", "deduction", "enabled")
SEVERITIES = {level.value: level for level in Level}
TOP_LEVEL_KEYS = ("name", "description", "base", "rules", "settings")


class RulebookError(PerfxlError, ValueError):
    """A rulebook key is missing or unusable; ``key`` names it (``rules.placeholder.deduction``)."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}：{message}" if key else message)
        self.key = key
        self.message = message


@dataclass(frozen=True)
class Rule:
    code: str
    description: str  # Chinese: what fires and why; the 说明 sheet and the README quote it
    severity: Level
    deduction: Decimal  # share of the indicator's 分值 it takes off; 0: it lowers no score
    enabled: bool

    @property
    def scope(self) -> Scope:
        return RULE_SCOPES[self.code]

    @property
    def effect(self) -> str:
        """The rule's effect in Chinese: 「错误」, 「警告，扣减分值的30%」."""
        if self.deduction == 0:
            return self.severity.label
        return f"{self.severity.label}，扣减分值的{plain(self.deduction * 100)}%"


@dataclass(frozen=True)
class Settings:
    """The thresholds and word lists the rules read (each described in default.toml)."""

    reason_min_length: int
    vague_reasons: tuple[str, ...]
    placeholder_patterns: tuple[re.Pattern[str], ...]
    unverifiable_words: tuple[str, ...]
    execution_threshold: Decimal
    execution_words: tuple[str, ...]
    over_achievement_ratio: Decimal
    rate_endings: tuple[str, ...]
    payment_words: tuple[str, ...]
    cost_headings: tuple[str, ...]
    output_level1: tuple[str, ...]
    benefit_level1: tuple[str, ...]
    required_level1: tuple[str, ...]
    framework: Mapping[str, tuple[str, ...]]  # 一级 → the 二级 headings allowed under it

    @cached_property
    def framework_homes(self) -> Mapping[str, str]:
        """Each 二级 heading's key (perfxl.review.texts.heading_key) → the 一级 it belongs under."""
        return {heading_key(level2): level1 for level1, headings in self.framework.items() for level2 in headings}

    @cached_property
    def framework_keys(self) -> Mapping[str, tuple[str, frozenset[str]]]:
        """Each 一级's key → its name as the rulebook spells it and its 二级 headings' keys."""
        return {
            heading_key(level1): (level1, frozenset(heading_key(h) for h in headings))
            for level1, headings in self.framework.items()
        }

    # The lists as the rules compare them (perfxl.review.texts), computed once per rulebook.
    @cached_property
    def cost_keys(self) -> frozenset[str]:
        return frozenset(heading_key(h) for h in self.cost_headings)

    @cached_property
    def output_keys(self) -> frozenset[str]:
        return frozenset(heading_key(h) for h in self.output_level1)

    @cached_property
    def benefit_keys(self) -> frozenset[str]:
        return frozenset(heading_key(h) for h in self.benefit_level1)

    @cached_property
    def rate_suffixes(self) -> tuple[str, ...]:
        return tuple(folded(e) for e in self.rate_endings)

    @cached_property
    def vague_keys(self) -> frozenset[str]:
        return frozenset(bare(w) for w in self.vague_reasons)

    def to_mapping(self) -> dict[str, object]:
        data: dict[str, object] = {name: getattr(self, name) for name in SETTING_KINDS}
        data["placeholder_patterns"] = [p.pattern for p in self.placeholder_patterns]
        data["framework"] = {k: list(v) for k, v in self.framework.items()}
        return data


@dataclass(frozen=True)
class Rulebook:
    name: str
    description: str
    rules: Mapping[str, Rule]  # every code of RULE_CODES, in that order
    settings: Settings

    def rule(self, code: str) -> Rule:
        return self.rules[code]

    def enabled(self, code: str) -> bool:
        return self.rules[code].enabled

    @property
    def in_force(self) -> tuple[Rule, ...]:
        """The enabled rules, in the rulebook's order: what the 说明 sheet lists."""
        return tuple(rule for rule in self.rules.values() if rule.enabled)

    def with_overrides(self, overrides: Mapping[str, object], name: str | None = None) -> Rulebook:
        """A copy with some rules' fields and some settings changed (``{rules: {code: {…}}, settings: {…}}``)."""
        for key in overrides:
            if key not in TOP_LEVEL_KEYS or key == "base":
                usable = "、".join(k for k in TOP_LEVEL_KEYS if k != "base")
                raise RulebookError(str(key), f"未知的设置项，可用：{usable}")
        rules: dict[str, Mapping[str, object]] = {code: self._rule_data(rule) for code, rule in self.rules.items()}
        for code, changes in _mapping(overrides.get("rules", {}), "rules", "应为「规则代码: 设置」的对应表").items():
            if code not in RULE_SCOPES:
                raise RulebookError(f"rules.{code}", f"未知的规则，可选：{'、'.join(RULE_CODES)}")
            change = _mapping(changes, f"rules.{code}", "应为该规则要改动设置的对应表，如 {enabled = false}")
            rules[code] = {**rules[code], **change}
        settings = _mapping(overrides.get("settings", {}), "settings", "应为「设置名: 值」的对应表")
        return rulebook_from_mapping(
            {
                "name": name or overrides.get("name") or self.name,
                "description": overrides.get("description", self.description),
                "rules": rules,
                "settings": {**self.settings.to_mapping(), **settings},
            }
        )

    @staticmethod
    def _rule_data(rule: Rule) -> dict[str, object]:
        return {
            "description": rule.description,
            "severity": rule.severity.value,
            "deduction": rule.deduction,
            "enabled": rule.enabled,
        }

    def to_mapping(self) -> dict[str, object]:
        return {
            "name": self.name,
            "description": self.description,
            "rules": {code: self._rule_data(rule) for code, rule in self.rules.items()},
            "settings": self.settings.to_mapping(),
        }


# -- checking plain data ------------------------------------------------------------------------------


def _mapping(value: object, key: str, message: str) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        raise RulebookError(key, message)
    return {str(k): v for k, v in value.items()}


def _text(value: object, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise RulebookError(key, f"应为非空文字，当前为「{value}」")
    return value.strip()


def _texts(value: object, key: str) -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)):
        raise RulebookError(key, f'应为文字的列表，如 ["其他原因", "无"]，当前为「{value}」')
    return tuple(_text(item, f"{key}[{i}]") for i, item in enumerate(value))


def _share(value: object, key: str) -> Decimal:
    return _decimal(value, key, low=Decimal(0), high=Decimal(1))


def _decimal(value: object, key: str, *, low: Decimal, high: Decimal | None = None) -> Decimal:
    if isinstance(value, str):
        raise RulebookError(key, f"应为数字，当前为文字「{value}」")
    try:
        number = to_decimal(value)
    except NotANumber:
        raise RulebookError(key, f"应为数字，当前为「{value}」") from None
    if number < low or (high is not None and number > high):
        bounds = f"为 {plain(low)} 到 {plain(high)} 之间的数" if high is not None else f"不小于 {plain(low)}"
        raise RulebookError(key, f"应{bounds}，当前为 {plain(number)}")
    return number


def _integer(value: object, key: str, *, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise RulebookError(key, f"应为 {low} 到 {high} 的整数，当前为「{value}」")
    return value


def _boolean(value: object, key: str) -> bool:
    if not isinstance(value, bool):
        raise RulebookError(key, f"应为 true 或 false，当前为「{value}」")
    return value


def _patterns(value: object, key: str) -> tuple[re.Pattern[str], ...]:
    compiled = []
    for i, pattern in enumerate(_texts(value, key)):
        try:
            compiled.append(re.compile(pattern, re.IGNORECASE))
        except re.error as exc:
            raise RulebookError(f"{key}[{i}]", f"不是有效的正则表达式「{pattern}」（{exc.msg}）") from None
    return tuple(compiled)


def _framework(value: object, key: str) -> Mapping[str, tuple[str, ...]]:
    framework = _mapping(value, key, "应为「一级指标: [二级指标, …]」的对应表")
    if not framework:
        raise RulebookError(key, "至少应有一个一级指标")
    return {_text(level1, key): _texts(headings, f"{key}.{level1}") for level1, headings in framework.items()}


SETTING_KINDS = {
    "reason_min_length": lambda v, k: _integer(v, k, low=0, high=1000),
    "vague_reasons": _texts,
    "placeholder_patterns": _patterns,
    "unverifiable_words": _texts,
    "execution_threshold": _share,
    "execution_words": _texts,
    "over_achievement_ratio": lambda v, k: _decimal(v, k, low=Decimal(1)),
    "rate_endings": _texts,
    "payment_words": _texts,
    "cost_headings": _texts,
    "output_level1": _texts,
    "benefit_level1": _texts,
    "required_level1": _texts,
    "framework": _framework,
}


def _settings(data: Mapping[str, object]) -> Settings:
    for key in data:
        if key not in SETTING_KINDS:
            raise RulebookError(f"settings.{key}", f"未知的设置项，可用：{'、'.join(SETTING_KINDS)}")
    values = {}
    for name, check in SETTING_KINDS.items():
        if name not in data:
            raise RulebookError(f"settings.{name}", "缺少此设置")
        values[name] = check(data[name], f"settings.{name}")  # type: ignore[operator]
    return Settings(**values)  # type: ignore[arg-type]


def _rule(code: str, data: object) -> Rule:
    key = f"rules.{code}"
    fields = _mapping(data, key, "应为该规则设置的对应表：description、severity、deduction、enabled")
    for name in fields:
        if name not in RULE_FIELDS:
            raise RulebookError(f"{key}.{name}", f"未知的规则设置，可用：{'、'.join(RULE_FIELDS)}")
    for name in RULE_FIELDS:
        if name not in fields:
            raise RulebookError(f"{key}.{name}", "缺少此设置")
    severity = fields["severity"]
    if severity not in SEVERITIES:
        raise RulebookError(f"{key}.severity", f"应为 {'、'.join(SEVERITIES)} 之一，当前为「{severity}」")
    deduction = _share(fields["deduction"], f"{key}.deduction")
    if deduction and RULE_SCOPES[code] is Scope.FORM:
        raise RulebookError(f"{key}.deduction", "此规则针对整张表，不扣减指标得分，应为 0")
    return Rule(
        code=code,
        description=_text(fields["description"], f"{key}.description"),
        severity=SEVERITIES[str(severity)],
        deduction=deduction,
        enabled=_boolean(fields["enabled"], f"{key}.enabled"),
    )


def rulebook_from_mapping(data: Mapping[str, object]) -> Rulebook:
    """Build and check a complete rulebook (every rule, every setting) from plain data (TOML, YAML, JSON)."""
    for key in data:
        if key not in TOP_LEVEL_KEYS or key == "base":
            raise RulebookError(str(key), "未知的设置项")
    rules = _mapping(data.get("rules"), "rules", "应为「规则代码: 设置」的对应表")
    for code in rules:
        if code not in RULE_SCOPES:
            raise RulebookError(f"rules.{code}", f"未知的规则，可选：{'、'.join(RULE_CODES)}")
    for code in RULE_CODES:
        if code not in rules:
            raise RulebookError(f"rules.{code}", "缺少此规则")
    return Rulebook(
        name=_text(data.get("name"), "name"),
        description=_text(data.get("description"), "description"),
        rules={code: _rule(code, rules[code]) for code in RULE_CODES},
        settings=_settings(_mapping(data.get("settings"), "settings", "应为「设置名: 值」的对应表")),
    )


__all__ = [
    "RULE_CODES",
    "RULE_SCOPES",
    "Rule",
    "Rulebook",
    "RulebookError",
    "Scope",
    "Settings",
    "rulebook_from_mapping",
]
