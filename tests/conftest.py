"""Shared fixtures: the seed project list and its published results."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from perfxl.cli import bundled_example

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def seed_list() -> Path:
    return Path(bundled_example())


@pytest.fixture(scope="session")
def seed_expected() -> dict:
    return yaml.safe_load((DATA / "seed-2022-expected.yaml").read_text(encoding="utf-8"))["projects"]
