"""The README's fresh-machine commands and CI stay in step; the tree keeps product and tooling apart."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DOMAIN = ROOT.parent / "shared" / "domain"
SPECS = ("rules.md", "spec-format.md", "review.md", "cycle.md")


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = re.search(r"```bash\n(.*?)```", text, re.S)
    assert first_block is not None
    return [line for line in first_block.group(1).splitlines() if line and not line.startswith("#")]


def test_readme_opens_with_an_install_and_run_command_and_a_test_command() -> None:
    assert readme_commands() == [
        "python3 -m venv .venv && . .venv/bin/activate && pip install -e . && perfxl generate",
        "bash .ci/run",
    ]


def test_ci_ends_with_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    test_command = re.search(r"只运行测试：`([^`]+)`", readme)
    assert test_command is not None
    ci_lines = [line for line in (ROOT / ".ci" / "run").read_text().splitlines() if line and not line.startswith("#")]
    assert ci_lines[-1] == test_command.group(1)
    assert 'pip install --quiet -e ".[test]"' in "\n".join(ci_lines)


def test_the_scoring_core_is_pure() -> None:
    """perfxl.core imports no spreadsheet library and does no I/O: every adapter can sit around it."""
    import subprocess
    import sys

    probe = (
        "import sys, perfxl.core; "
        "print(sorted(m for m in ('xlwings', 'openpyxl', 'xlsxwriter', 'yaml', 'lxml', 'perfxl.contract', "
        "'perfxl.projectlist', 'perfxl.generate') if m in sys.modules))"
    )
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"
    for path in (ROOT / "perfxl" / "core").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "open(" not in text and "pathlib" not in text, path.name


def installed_packages() -> list[str]:
    """The packages ``pip install .`` puts in the wheel: setuptools' own discovery over pyproject.toml."""
    from setuptools.config.pyprojecttoml import read_configuration

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "support for [tool.setuptools] is beta" on older setuptools
        config = read_configuration(ROOT / "pyproject.toml", expand=True)
    return config["tool"]["setuptools"]["packages"]


def test_the_test_tooling_is_not_installed_but_every_product_package_is() -> None:
    packages = installed_packages()
    assert not [name for name in packages if not (name == "perfxl" or name.startswith("perfxl."))], packages
    product = {".".join(path.parent.relative_to(ROOT).parts) for path in (ROOT / "perfxl").rglob("__init__.py")}
    assert product <= set(packages)
    assert (ROOT / "perfxl_tools" / "__init__.py").is_file() and (ROOT / "perfxl_tools" / "ooxml").is_dir()


def test_the_product_ships_no_uno_session_or_package_validator() -> None:
    """What users run stands alone (that perfxl imports neither perfxl_tools nor tests is an import
    contract in pyproject.toml, which tests/test_import_contracts.py runs)."""
    assert not (ROOT / "perfxl" / "ooxml").exists()
    assert not list((ROOT / "perfxl").rglob("uno_*.py")) and not list((ROOT / "perfxl").rglob("session.py"))
    assert (ROOT / "perfxl_tools" / "uno_session.py").is_file() and (ROOT / "perfxl_tools" / "uno_worker.py").is_file()


@pytest.mark.parametrize("name", SPECS)
def test_the_specs_in_docs_are_the_shared_ones(name: str) -> None:
    """docs/ holds the specs the code cites (``rules.md §4`` means docs/rules.md); where the project's
    shared folder sits beside the checkout, the copies must be identical to it."""
    copy = ROOT / "docs" / name
    assert copy.is_file(), f"docs/{name} is missing"
    shared = SHARED_DOMAIN / name
    if not SHARED_DOMAIN.is_dir():
        pytest.skip(f"no {SHARED_DOMAIN} beside this checkout")
    assert shared.is_file(), f"{shared} is gone: remove docs/{name} or restore it"
    assert copy.read_bytes() == shared.read_bytes(), f"docs/{name} differs from {shared}: copy it again"


def test_every_shared_spec_has_a_copy_in_docs() -> None:
    if not SHARED_DOMAIN.is_dir():
        pytest.skip(f"no {SHARED_DOMAIN} beside this checkout")
    assert sorted(path.name for path in SHARED_DOMAIN.glob("*.md")) == sorted(SPECS)


def test_the_readme_says_where_the_specs_are() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in ("rules.md", "spec-format.md"):
        assert f"docs/{name}" in readme


def test_the_templates_for_users_are_the_bundled_ones() -> None:
    """templates/ (for users to copy) and perfxl/template_workbooks/ (what perfxl uses) hold the same files."""
    bundled = ROOT / "perfxl" / "template_workbooks"
    for_users = ROOT / "templates"
    names = sorted(p.name for p in bundled.glob("*.xlsx"))
    assert names == sorted(p.name for p in for_users.glob("*.xlsx")) and names
    for name in names:
        assert (bundled / name).read_bytes() == (for_users / name).read_bytes(), name
