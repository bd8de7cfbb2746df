"""What a batch produces for each form and for each file it could not use."""

from __future__ import annotations

from dataclasses import dataclass

from perfxl.core.findings import Finding, Level
from perfxl.core.form import FormResult


@dataclass(frozen=True)
class CheckedForm:
    """One form of one file (or of a project list), computed and checked."""

    source: str  # the file's name (as the user gave it, relative where possible)
    sheet: str | None  # the worksheet; None for a form from a project list
    result: FormResult
    findings: tuple[Finding, ...]  # located: Finding.cell is "Sheet!H12" where known
    generated: bool = True  # False: a hand-made form found by its labels
    year: int | None = None  # 年度, where the source says it

    @property
    def project(self) -> str:
        return self.result.form.name

    def count(self, level: Level) -> int:
        return sum(1 for f in self.findings if f.level is level)

    @property
    def has_errors(self) -> bool:
        return self.count(Level.ERROR) > 0


@dataclass(frozen=True)
class FileProblem:
    """A file the batch skipped, and why, in Chinese."""

    source: str
    message: str
