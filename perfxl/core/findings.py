"""Findings (rules.md §5): what a check says about a form, in Chinese, with where it applies."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Level(Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def label(self) -> str:
        return {"error": "错误", "warning": "警告", "info": "提示"}[self.value]


@dataclass(frozen=True)
class Finding:
    level: Level
    code: str
    field: str  # where in the form: "funds.total.annual", "indicators[3].reason", "name" …
    message: str
    cell: str | None = None  # set by workbook adapters: "Sheet!H12"

    def located(self, cell: str | None) -> Finding:
        return Finding(self.level, self.code, self.field, self.message, cell)


def error(code: str, field: str, message: str) -> Finding:
    return Finding(Level.ERROR, code, field, message)


def warning(code: str, field: str, message: str) -> Finding:
    return Finding(Level.WARNING, code, field, message)


def info(code: str, field: str, message: str) -> Finding:
    return Finding(Level.INFO, code, field, message)
