"""Project lists whose projects carry chosen names (the seed project's indicators and funds each time)."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from pathlib import Path

import yaml

from perfxl.cli import bundled_example

FILLED = Path(bundled_example())
BLANK = FILLED.parent / "2022-two-projects-blank.yaml"


def list_with_names(path: Path, names: Sequence[str], *, filled: bool = False) -> Path:
    """A YAML project list at ``path`` with one project per name, copied from the seed list's first."""
    data = yaml.safe_load((FILLED if filled else BLANK).read_text(encoding="utf-8"))
    first = data["projects"][0]
    data["projects"] = [{**copy.deepcopy(first), "name": name} for name in names]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path
