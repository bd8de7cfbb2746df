"""Shared fixtures: the seed project list and its published results; the markers' guard."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from perfxl.cli import bundled_example
from tests.support.markers import install_marker_guard

pytest_plugins = ["pytester"]  # tests/test_markers.py runs the guard in a pytest session of its own

DATA = Path(__file__).parent / "data"


def pytest_configure(config: pytest.Config) -> None:
    install_marker_guard(config)  # a test that starts soffice or uses the network must say so


@pytest.fixture(scope="session")
def seed_list() -> Path:
    return Path(bundled_example())


@pytest.fixture(scope="session")
def seed_expected() -> dict:
    return yaml.safe_load((DATA / "seed-2022-expected.yaml").read_text(encoding="utf-8"))["projects"]
