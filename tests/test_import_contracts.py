"""The import contracts of pyproject.toml (lint-imports): kept on the tree, complete, and able to fail."""

from __future__ import annotations

import pkgutil
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import perfxl

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = [
    sys.executable,
    "-c",
    "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())",
]


def _contracts() -> dict[str, dict]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {c["source_modules"][0]: c for c in config["tool"]["importlinter"]["contracts"]}


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        LINT_IMPORTS,
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(root)},
    )


def test_the_tree_keeps_every_contract() -> None:
    done = _lint(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{len(_contracts())} kept, 0 broken" in done.stdout


def test_the_core_and_the_contract_are_forbidden_every_other_module_of_perfxl() -> None:
    """A new module of perfxl must be added to the lists: the core and the contract may import none, the
    review none but those two."""
    modules = {f"perfxl.{m.name}" for m in pkgutil.iter_modules(perfxl.__path__)} - {"perfxl.__main__"}
    contracts = _contracts()
    assert set(contracts["perfxl.core"]["forbidden_modules"]) >= modules - {"perfxl.core"}
    assert set(contracts["perfxl.contract"]["forbidden_modules"]) >= modules - {"perfxl.core", "perfxl.contract"}
    allowed_to_the_review = {"perfxl.core", "perfxl.contract", "perfxl.review"}
    assert set(contracts["perfxl.review"]["forbidden_modules"]) >= modules - allowed_to_the_review


def test_a_forbidden_import_breaks_the_contract(tmp_path: Path) -> None:
    copy = tmp_path / "tree"
    shutil.copytree(ROOT / "perfxl", copy / "perfxl", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    numbers = copy / "perfxl" / "core" / "numbers.py"
    numbers.write_text(
        numbers.read_text(encoding="utf-8") + "\nimport perfxl.workbook.base  # noqa\n", encoding="utf-8"
    )
    done = _lint(copy)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "imports nothing outside perfxl.core" in done.stdout and "BROKEN" in done.stdout
