"""The bureau's review (复核, review.md): a rulebook as data and the pure engine that applies it to returned
forms, giving findings, 建议复核得分 and 复核总分. Imports only perfxl.core, perfxl.contract and the standard
library (pyproject.toml's import contracts)."""

from perfxl.review.engine import review_forms
from perfxl.review.loading import (
    DEFAULT_RULEBOOK,
    available_rulebooks,
    load_rulebook,
    read_rulebook_file,
    resolve_rulebook,
)
from perfxl.review.model import (
    FormKey,
    FormReview,
    IndicatorKey,
    IndicatorReview,
    Review,
    ReviewedForm,
    ReviewFinding,
    form_key,
    indicator_key,
)
from perfxl.review.rulebook import RULE_CODES, Rule, Rulebook, RulebookError, Scope, Settings

__all__ = [
    "DEFAULT_RULEBOOK",
    "RULE_CODES",
    "FormKey",
    "FormReview",
    "IndicatorKey",
    "IndicatorReview",
    "Review",
    "ReviewFinding",
    "ReviewedForm",
    "Rule",
    "Rulebook",
    "RulebookError",
    "Scope",
    "Settings",
    "available_rulebooks",
    "form_key",
    "indicator_key",
    "load_rulebook",
    "read_rulebook_file",
    "resolve_rulebook",
    "review_forms",
]
