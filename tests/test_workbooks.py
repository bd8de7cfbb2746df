"""workbooks/ holds exactly what the generator makes from the bundled lists (python scripts/build_workbooks.py).

Compared part by part, as XlsxWriter's own tests compare with files saved by Excel, so that a
difference names the part that changed.
"""

from __future__ import annotations

import importlib.util
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "workbooks"


def _build_script():
    spec = importlib.util.spec_from_file_location("build_workbooks", ROOT / "scripts" / "build_workbooks.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


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
    for path in sorted(regenerated.rglob("*.xls?")):
        relative = path.relative_to(regenerated)
        made, committed = _parts(path), _parts(COMMITTED / relative)
        assert sorted(made) == sorted(committed), relative
        for part in made:
            assert made[part] == committed[part], f"{relative}: {part} differs; run python scripts/build_workbooks.py"
