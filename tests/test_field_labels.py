"""Each field label is spelled once (perfxl.core.labels, perfxl.core.budget): what perfxl writes, reads and
says about a field is that label, and no code outside the home spells it again."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from perfxl.contract.fields import FIELDS
from perfxl.core import labels
from perfxl.core.budget import COLUMN_LABELS, SOURCES, TOTAL_LABEL
from perfxl.projectlist.validate import INDICATOR_KEYS
from perfxl.projectlist.workbook_layout import INDICATOR_COLUMNS
from perfxl.readback.label_grid import FUNDS_COLUMNS, FUNDS_ROWS, INDICATOR_LABELS, label_kind

PACKAGE = Path(__file__).parents[1] / "perfxl"
HOMES = {PACKAGE / "core" / "labels.py", PACKAGE / "core" / "budget.py"}
# Labels no other word contains, so that any string holding one spells the label again.
DISTINCT = (
    labels.TARGET,
    labels.ACTUAL,
    labels.REASON,
    COLUMN_LABELS["annual"],
    COLUMN_LABELS["executed"],
    TOTAL_LABEL,
)


def _code_strings(path: Path) -> list[tuple[int, str]]:
    """The string constants of a module's code (f-string parts included), not its docstrings."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def test_no_code_outside_the_home_spells_a_label() -> None:
    restated = [
        f"{path.relative_to(PACKAGE.parent)}:{line}: {label}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path not in HOMES
        for line, text in _code_strings(path)
        for label in DISTINCT
        if label in text
    ]
    assert restated == []


def test_the_scan_finds_a_restated_label(tmp_path: Path) -> None:
    module = tmp_path / "restated.py"
    module.write_text(
        '"""实际完成值 in a docstring may stay."""\nMESSAGE = f"{x}实际完成值有误"  # 实际完成值\n', encoding="utf-8"
    )
    assert _code_strings(module) == [(2, "实际完成值有误")]


def test_the_field_vocabulary_takes_its_labels_from_the_home() -> None:
    assert {key: FIELDS[f"row.{key}"].label for key in labels.INDICATOR_LABELS} == labels.INDICATOR_LABELS
    for source, source_label in (*SOURCES, ("total", TOTAL_LABEL)):
        for column, column_label in COLUMN_LABELS.items():
            assert FIELDS[f"funds.{source}.{column}"].label == source_label + column_label


def test_the_project_list_names_its_columns_and_keys_by_the_labels() -> None:
    assert INDICATOR_KEYS == labels.INDICATOR_LABELS
    columns = {column.key[0]: column.header for column in INDICATOR_COLUMNS if column.key[0] != "project"}
    assert columns == labels.INDICATOR_LABELS


@pytest.mark.parametrize("key", [key for key, _ in INDICATOR_LABELS])
def test_a_hand_made_form_is_read_by_the_labels_perfxl_writes(key: str) -> None:
    assert label_kind(FIELDS[key].label, INDICATOR_LABELS) == key


def test_the_funds_block_is_read_by_its_labels() -> None:
    assert [label_kind(label, FUNDS_COLUMNS) for label in COLUMN_LABELS.values()] == list(COLUMN_LABELS)
    assert [label_kind(label, FUNDS_ROWS) for label in (TOTAL_LABEL, *dict(SOURCES).values())] == [
        "total",
        *dict(SOURCES),
    ]
