"""Score of one 三级指标 (rules.md §4) and the row checks of §5."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from perfxl.core.findings import Finding, Level, error, info, warning
from perfxl.core.grammar import Actual, Op, Target, parse_actual, parse_target
from perfxl.core.labels import ACTUAL, REASON, SCORE, TARGET, WEIGHT
from perfxl.core.numbers import plain, round_half_up, shown
from perfxl.core.profile import Profile
from perfxl.core.qualitative import Tier, classify

ZERO = Decimal(0)
# Problems that ask the officer for a score, and that a typed score therefore settles.
_SETTLED_BY_OFFICER = frozenset({"partial_confirm", "needs_officer_score", "negative_target_missed"})


@dataclass(frozen=True)
class RuleScore:
    """What the rule alone gives: a score, or the reason why there is none."""

    score: Decimal | None
    tier: Tier | None = None
    over_achieved: bool = False
    problem: Finding | None = None  # why there is no score, or what the officer must confirm


@dataclass(frozen=True)
class IndicatorInput:
    """One row of the indicator table, as read from a project list or a workbook."""

    level1: str
    level2: str
    name: str
    target: str
    weight: Decimal
    actual: object = None  # number as Excel stores it, text, or None
    score: Decimal | None = None  # typed by the officer
    reason: str = ""


@dataclass(frozen=True)
class IndicatorResult:
    input: IndicatorInput
    target: Target
    actual: Actual
    rule: RuleScore
    score: Decimal | None  # the officer's score if given, else the rule score
    findings: tuple[Finding, ...] = field(default=())

    @property
    def overridden(self) -> bool:
        return is_override(self.input.score, self.rule)

    @property
    def tier(self) -> Tier | None:
        return self.rule.tier


def is_override(officer: Decimal | None, rule: RuleScore) -> bool:
    """An officer's score replacing a different computed one (not one the rule could not give)."""
    return officer is not None and rule.score is not None and officer != rule.score


def tier_of_share(share: Decimal, profile: Profile) -> Tier:
    achieved, partial = profile.tier_bounds
    if share >= achieved:
        return Tier.ACHIEVED
    if share >= partial:
        return Tier.PARTIAL
    return Tier.MISSED


def tier_band(tier: Tier, profile: Profile) -> tuple[Decimal, Decimal]:
    """The share of the weight a tier covers, both ends included (rules.md §4, overrides)."""
    achieved, partial = profile.tier_bounds
    return {
        Tier.ACHIEVED: (achieved, Decimal(1)),
        Tier.PARTIAL: (partial, achieved),
        Tier.MISSED: (ZERO, partial),
    }[tier]


def _quantitative(target: Target, actual: Actual, weight: Decimal, profile: Profile, where: str) -> RuleScore:
    a, b, op = target.value, actual.value, target.op
    assert a is not None and op is not None
    if b is None:
        return RuleScore(
            None,
            problem=error(
                "actual_not_number",
                f"{where}.actual",
                f"{ACTUAL}「{actual.text}」不是数值，无法与指标值「{target.text}」比较",
            ),
        )
    if target.unit and actual.unit and actual.unit != target.unit:
        return RuleScore(
            None,
            problem=error(
                "unit_mismatch",
                f"{where}.actual",
                f"{ACTUAL}的单位「{actual.unit}」与指标值「{target.text}」的单位「{target.unit}」不一致",
            ),
        )
    digits = profile.score_decimals
    over = False
    if a < 0:
        met = _meets(op, b, a)
        score = weight if met else ZERO
        problem = (
            None
            if met
            else warning(
                "negative_target_missed",
                f"{where}.score",
                f"指标值「{target.text}」为负数且未达到，按0分计，请人工确认",
            )
        )
        return _with_tier(score, weight, profile, problem=problem)
    if a == 0:
        if op is Op.GE:
            score = weight
        elif op is Op.GT:
            score = weight if b > 0 else ZERO
        elif op is Op.LT:
            score = weight if b < 0 else ZERO
        else:
            score = weight if b <= 0 else ZERO
    elif op.is_reverse:
        if b <= a:
            score = weight
        elif profile.reverse_rule == "linear":
            score = max(ZERO, round_half_up(weight * (2 * a - b) / a, digits))
        else:
            score = round_half_up(weight * a / b, digits)
    else:
        if b < 0:
            score = ZERO
        elif b >= a:
            score = weight
            over = b >= profile.over_achievement * a
        else:
            score = round_half_up(weight * b / a, digits)
    return _with_tier(score, weight, profile, over_achieved=over)


def _meets(op: Op, b: Decimal, a: Decimal) -> bool:
    return {Op.GE: b >= a, Op.GT: b > a, Op.LE: b <= a, Op.LT: b < a, Op.EQ: b == a}[op]


def _with_tier(score: Decimal, weight: Decimal, profile: Profile, **kwargs: object) -> RuleScore:
    share = Decimal(1) if weight == 0 or score == weight else score / weight
    return RuleScore(score, tier_of_share(share, profile), **kwargs)  # type: ignore[arg-type]


def _qualitative(target: Target, actual: Actual, weight: Decimal, profile: Profile, where: str) -> RuleScore:
    tier = classify(target.text, actual.text)
    if tier is Tier.ACHIEVED:
        return RuleScore(weight, tier)
    if tier is Tier.MISSED:
        return RuleScore(ZERO, tier)
    if tier is Tier.PARTIAL:
        score = round_half_up(weight * profile.partial_share, profile.score_decimals)
        return RuleScore(
            score,
            tier,
            problem=warning(
                "partial_confirm",
                f"{where}.score",
                f"「{actual.text}」按部分达成计 {shown(score)} 分（分值的{_percent(profile.partial_share)}），"
                "请确认或填写得分",
            ),
        )
    return RuleScore(
        None,
        problem=error(
            "needs_officer_score",
            f"{where}.score",
            f"无法根据「{actual.text}」自动判定是否达成「{target.text}」，请人工填写得分",
        ),
    )


def rule_score(
    target: Target, actual: Actual, weight: Decimal, profile: Profile, where: str = "indicator"
) -> RuleScore:
    """The score the rules give for one row, before any officer override."""
    if target.error is not None:
        return RuleScore(
            None,
            problem=error(
                "target_unparseable", f"{where}.target", f"{TARGET}「{target.text}」无法识别：{target.error}"
            ),
        )
    if actual.is_blank:
        return RuleScore(None)
    if actual.error is not None:
        return RuleScore(
            None,
            problem=error(
                "actual_unparseable", f"{where}.actual", f"{ACTUAL}「{actual.text}」无法识别：{actual.error}"
            ),
        )
    if target.is_quantitative:
        return _quantitative(target, actual, weight, profile, where)
    return _qualitative(target, actual, weight, profile, where)


def evaluate_indicator(
    row: IndicatorInput, profile: Profile, where: str = "indicator", missing: Level = Level.INFO
) -> IndicatorResult:
    """Rule score, final score and the row's findings; ``missing``: the level of a blank actual's finding."""
    target = parse_target(row.target)
    actual = parse_actual(row.actual, target)
    rule = rule_score(target, actual, row.weight, profile, where)
    officer = row.score
    score = officer if officer is not None else rule.score
    findings: list[Finding] = []
    label = f"指标「{row.name}」" if row.name else ""
    if rule.problem is not None and not (officer is not None and rule.problem.code in _SETTLED_BY_OFFICER):
        findings.append(_prefixed(rule.problem, label))
    if actual.is_blank and officer is None and target.error is None:
        findings.append(Finding(missing, "actual_missing", f"{where}.actual", f"{label}尚未填写{ACTUAL}"))
    findings.extend(_percent_text(row.actual, target, where, label))
    if score is not None:
        findings.extend(_score_findings(row, actual, rule, score, profile, where, label))
    return IndicatorResult(row, target, actual, rule, score, tuple(findings))


def _score_findings(
    row: IndicatorInput, actual: Actual, rule: RuleScore, score: Decimal, profile: Profile, where: str, label: str
) -> list[Finding]:
    findings: list[Finding] = []
    weight = row.weight
    has_reason = bool(row.reason.strip())
    if score > weight:
        findings.append(
            error("score_above_weight", f"{where}.score", f"{label}{SCORE} {shown(score)} 超过{WEIGHT} {shown(weight)}")
        )
    if score < 0:
        findings.append(error("score_negative", f"{where}.score", f"{label}{SCORE} {shown(score)} 不能为负数"))
    overridden = is_override(row.score, rule)
    if overridden and rule.score is not None:  # is_override holds only where the rule gave a score
        findings.append(
            info("override", f"{where}.score", f"{label}为人工评分 {shown(score)}（规则得分 {shown(rule.score)}）")
        )
        if rule.tier is not None and weight > 0:
            low, high = tier_band(rule.tier, profile)
            share = score / weight
            if not low <= share <= high:
                findings.append(
                    warning(
                        "override_outside_band",
                        f"{where}.score",
                        f"{label}人工评分 {shown(score)} 不在「{rule.tier.value}」档的得分区间"
                        f"（{_band_points(low, weight)}–{_band_points(high, weight)} 分）",
                    )
                )
    short = score < weight or (rule.tier is not None and rule.tier is not Tier.ACHIEVED)
    if not has_reason and (short or overridden):
        why = "人工评分" if overridden and not short else ("未达成" if score >= weight else "得分低于分值")
        findings.append(error("reason_missing", f"{where}.reason", f"{label}{why}，须填写{REASON}"))
    if rule.over_achieved and not has_reason:
        findings.append(
            warning(
                "over_achievement",
                f"{where}.reason",
                f"{label}{ACTUAL}「{actual.text}」达到指标值的{_percent(profile.over_achievement)}以上，"
                "请说明超额完成的原因（指标值是否设定过低）",
            )
        )
    return findings


def _percent_text(value: object, target: Target, where: str, label: str) -> list[Finding]:
    """Text without % against a percentage target is the figure (rules.md §4: "0.96" is 0.96%); where 100
    times it is as plausible (up to twice the larger of 100% and the target, as perfxl.readback.percent_cells
    reads a number typed without %), a warning says how it was read."""
    if not isinstance(value, str) or not target.is_percent or target.value is None:
        return []
    typed = parse_actual(value)  # its own unit, not the target's
    if not typed.value or typed.unit or typed.error is not None:
        return []
    if abs(typed.value) * 100 > 2 * max(Decimal(100), abs(target.value)):
        return []
    figure, fraction = plain(typed.value), plain(typed.value * 100)
    return [
        warning(
            "percent_ambiguous",
            f"{where}.actual",
            f"{label}{'的' if label else ''}{ACTUAL}「{typed.text}」未带 %，按 {figure}% 读取；"
            f"如为 {fraction}%，请改填为「{fraction}%」",
        )
    ]


def _prefixed(finding: Finding, label: str) -> Finding:
    if not label:
        return finding
    return Finding(finding.level, finding.code, finding.field, f"{label}：{finding.message}")


def _percent(share: Decimal) -> str:
    return f"{plain(share * 100)}%"


def _band_points(share: Decimal, weight: Decimal) -> str:
    return shown((share * weight).normalize())
