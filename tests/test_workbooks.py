"""workbooks/ holds exactly what the generator makes from the bundled lists (python scripts/build_workbooks.py).

Compared part by part, as XlsxWriter's own tests compare with files saved by Excel: a difference is
reported as the XML elements that changed, per part (tests/support/xml_diff.py), so that the failure
says what the generator now writes differently; regenerate the files only once that change is meant.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from tests.support.xml_diff import compare_packages, compare_part, read_parts, report

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "workbooks"
REGENERATE = "If the change is meant: python scripts/build_workbooks.py, and commit workbooks/."


def _build_script():
    spec = importlib.util.spec_from_file_location("build_workbooks", ROOT / "scripts" / "build_workbooks.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory, monkeypatch_module) -> Path:
    out = tmp_path_factory.mktemp("workbooks")
    script = _build_script()
    monkeypatch_module.setenv("SOURCE_DATE_EPOCH", script.SOURCE_DATE_EPOCH)  # restored after the module
    script.build(out)
    return out


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def test_the_same_files(regenerated: Path) -> None:
    made = sorted(p.relative_to(regenerated) for p in regenerated.rglob("*.xls?"))
    committed = sorted(p.relative_to(COMMITTED) for p in COMMITTED.rglob("*.xls?"))
    assert made == committed
    assert len(made) == 8  # blank and filled, udf and native, two projects


def test_every_part_matches(regenerated: Path) -> None:
    failures = []
    for path in sorted(regenerated.rglob("*.xls?")):
        relative = path.relative_to(regenerated)
        differences = compare_packages(
            read_parts(COMMITTED / relative), read_parts(path), expected_name="committed", got_name="regenerated"
        )
        if differences:
            failures.append(report(differences, f"workbooks/{relative}:"))
    if failures:
        pytest.fail("\n\n".join([*failures, REGENERATE]), pytrace=False)


def test_every_part_is_byte_for_byte_reproducible(regenerated: Path) -> None:
    """The comparison above ignores what carries no meaning (attribute order, the dates); with
    SOURCE_DATE_EPOCH fixed, the parts it finds equal are also the same bytes."""
    changed = []
    for path in sorted(regenerated.rglob("*.xls?")):
        relative = path.relative_to(regenerated)
        made, committed = read_parts(path), read_parts(COMMITTED / relative)
        changed += [
            f"workbooks/{relative}: {part}"
            for part in sorted(made.keys() & committed.keys())
            if made[part] != committed[part] and compare_part(part, committed[part], made[part]) is None
        ]
    if changed:
        pytest.fail("\n".join(["same elements, other bytes:", *changed, REGENERATE]), pytrace=False)
