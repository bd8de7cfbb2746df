"""The pure scoring core: the rules of rules.md with no I/O and no spreadsheet library."""

from perfxl.core.budget import Funds, FundsRow, budget_score, execution_rate
from perfxl.core.findings import Finding, Level
from perfxl.core.form import FormInput, FormResult, evaluate_form
from perfxl.core.grammar import Actual, Op, Target, parse_actual, parse_target
from perfxl.core.indicator import IndicatorInput, IndicatorResult, RuleScore, evaluate_indicator, rule_score
from perfxl.core.numbers import NotANumber, round_half_up, to_decimal
from perfxl.core.profile import Profile, ProfileError, profile_from_mapping
from perfxl.core.qualitative import Tier

__all__ = [
    "Actual",
    "Finding",
    "FormInput",
    "FormResult",
    "Funds",
    "FundsRow",
    "IndicatorInput",
    "IndicatorResult",
    "Level",
    "NotANumber",
    "Op",
    "Profile",
    "ProfileError",
    "RuleScore",
    "Target",
    "Tier",
    "budget_score",
    "evaluate_form",
    "evaluate_indicator",
    "execution_rate",
    "parse_actual",
    "parse_target",
    "profile_from_mapping",
    "round_half_up",
    "rule_score",
    "to_decimal",
]
