"""How each indicator's 实际完成值 cell is built, so that native formulas can score every input it accepts.

A quantitative indicator gets a number cell (with the target's unit as number format, so 88% is
typed and stored as 0.88); a qualitative one gets a dropdown of texts whose tier the rules decide at
generation time, so that a native formula only has to recognise those texts.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from perfxl.core.grammar import PERCENT, Op, Target, normalise_text, parse_actual
from perfxl.core.labels import ACTUAL, TARGET
from perfxl.core.qualitative import NEGATION_PREFIXES, Tier, classify

# Excel's limit for a list validation written inline.
MAX_LIST_LENGTH = 255
NUMBER_LIMIT = 1e12


@dataclass(frozen=True)
class ActualDesign:
    target: Target
    cell_value: object  # what the generator writes for the list's actual: a number, a text or None
    num_format: str | None
    options: tuple[tuple[str, Tier | None], ...] = ()  # dropdown texts and their tiers (qualitative)

    @property
    def quantitative(self) -> bool:
        return self.target.is_quantitative

    @property
    def excel_target(self) -> Decimal:
        """The target as the actual cell stores numbers: 90% is 0.9."""
        assert self.target.value is not None
        return self.target.value / 100 if self.target.is_percent else self.target.value

    def validation(self, strict: bool) -> dict[str, object]:
        """xlsxwriter data_validation options for the actual cell."""
        if self.quantitative:
            unit = self.target.unit
            example = "88%" if self.target.is_percent else f"18{unit}"
            hint = f"，直接输入百分数，如 {example}" if self.target.is_percent else (f"，单位：{unit}" if unit else "")
            return {
                "validate": "decimal",
                "criteria": "between",
                "minimum": -NUMBER_LIMIT,
                "maximum": NUMBER_LIMIT,
                "input_title": ACTUAL,
                "input_message": f"{TARGET}为「{self.target.text}」，请填写数值{hint}。",
                "error_title": "请填写数值",
                "error_message": f"本指标的{ACTUAL}应为数值（{TARGET}：{self.target.text}）。",
            }
        texts = [text for text, _ in self.options]
        return {
            "validate": "list",
            "source": texts,
            "input_title": ACTUAL,
            "input_message": "请从下拉列表选择完成情况"
            + ("。" if strict else "；也可填写其他文字，无法自动判定时需人工评分。"),
            "error_title": "请从列表选择",
            "error_message": "请从下拉列表中选择完成情况。",
            "error_type": "stop" if strict else "warning",
        }


def _decimals(value: Decimal | None) -> int:
    if value is None:
        return 0
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _number_format(target: Target, actual_value: Decimal | None, blank: bool) -> str:
    if target.is_percent:
        places = max(_decimals(target.value), _decimals(actual_value), 1 if blank else 0)
        return "0" + ("." + "0" * places if places else "") + "%"
    if target.unit:
        return f'General"{target.unit}"'
    return "General"


def _qualitative_options(target: Target, given: str | None) -> tuple[tuple[str, Tier | None], ...]:
    text = normalise_text(target.text)
    candidates = [text]
    if not text.startswith(NEGATION_PREFIXES):
        candidates += [f"基本{text}", f"未{text}"]
    candidates += ["达成", "部分达成", "未达成"]
    if given:
        candidates.append(given)
    options: list[tuple[str, Tier | None]] = []
    for candidate in candidates:
        if "," in candidate or any(candidate == seen for seen, _ in options):
            continue
        options.append((candidate, classify(target.text, candidate)))
    # Keep the list within Excel's limit: drop generated wordings first, never the tier words.
    while len(",".join(t for t, _ in options)) > MAX_LIST_LENGTH and len(options) > 3:
        options.pop(1)
    return tuple(options)


def design_actual(target: Target, actual: object) -> ActualDesign:
    """The actual cell for one indicator, and the value to pre-fill from the list."""
    blank = actual is None
    if target.is_quantitative:
        parsed = parse_actual(actual, target)
        if parsed.value is not None and not parsed.error and (not parsed.unit or parsed.unit == target.unit):
            value: object = float(parsed.value / 100 if target.is_percent else parsed.value)
        else:
            value = actual  # unusable as a number: kept as typed, the formulas report it
        return ActualDesign(target, value, _number_format(target, parsed.value, blank))
    given = None if actual is None else normalise_text(str(actual))
    return ActualDesign(target, given, None, _qualitative_options(target, given))


def is_positive(target: Target) -> bool:
    """≥, > or = with a target above 0: the indicators that can be over-achieved."""
    return target.value is not None and target.value > 0 and target.op in (Op.GE, Op.GT, Op.EQ)


__all__ = ["PERCENT", "ActualDesign", "design_actual", "is_positive"]
