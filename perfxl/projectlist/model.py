"""A project list (spec-format.md) as typed data: the year, the profile and one form per project."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from perfxl.core.form import FormInput
from perfxl.core.profile import Profile


@dataclass(frozen=True)
class ProjectList:
    path: Path
    year: int
    profile: Profile
    forms: tuple[FormInput, ...]

    @property
    def is_blank(self) -> bool:
        """True when no project carries an actual, an execution figure, a score or a reason."""
        for form in self.forms:
            if any(getattr(form.funds, key).executed is not None for key in ("fiscal", "carryover", "other")):
                return False
            if any(row.actual is not None or row.score is not None or row.reason for row in form.indicators):
                return False
        return True
