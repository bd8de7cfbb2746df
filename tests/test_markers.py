"""The markers' guard (tests/support/markers.py) in a real pytest run: an unmarked test that starts soffice
fails, a marked one passes, and only network tests may reach a package index."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest

from tests.support import markers

ROOT = Path(__file__).resolve().parents[1]

INNER = """
import os
import subprocess

import pytest

from perfxl.libreoffice import find_soffice


def start_soffice():
    subprocess.run([str(find_soffice()), "--headless", "--version"], check=True)


@pytest.fixture(scope="module")
def office():
    start_soffice()


def test_unmarked_start():
    start_soffice()


@pytest.mark.libreoffice
def test_marked_start():
    start_soffice()


def test_unmarked_fixture_start(office):
    pass


def test_unmarked_without_soffice():
    assert os.environ["PIP_NO_INDEX"] == "1"


@pytest.mark.network
def test_network_has_the_index():
    assert "PIP_NO_INDEX" not in os.environ
"""


def test_a_test_that_starts_soffice_without_the_marker_fails(
    pytester: pytest.Pytester, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A stand-in for soffice, so that this test proves the guard without starting LibreOffice.
    started = tmp_path / "started"
    fake = tmp_path / "fake-soffice"
    fake.write_text(f'#!/bin/sh\necho "$@" >> {started}\n', encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("PERFXL_SOFFICE", str(fake))  # the inner session's guard wraps it
    monkeypatch.delenv("PIP_NO_INDEX")  # set by this session's guard for this (unmarked) test
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")  # the guard alone, without pytest-benchmark & co.
    pytester.makepyfile(test_inner=INNER)
    pytester.makeini("[pytest]\nmarkers =\n    libreoffice: x\n    network: x\n")
    run = pytester.inline_run("-p", "no:cacheprovider", plugins=[markers])
    outcomes = {
        report.nodeid.split("::")[-1]: report.outcome
        for report in run.getreports("pytest_runtest_logreport")
        if report.when == "call" or report.failed
    }
    assert outcomes == {
        "test_unmarked_start": "failed",
        "test_marked_start": "passed",
        "test_unmarked_fixture_start": "failed",  # in its setup: the module fixture started soffice
        "test_unmarked_without_soffice": "passed",
        "test_network_has_the_index": "passed",
    }
    messages = {report.nodeid.split("::")[-1]: str(report.longrepr) for report in run.getfailures()}
    assert messages["test_unmarked_start"].startswith(
        "test_inner.py::test_unmarked_start started soffice 1 time(s) (during call) but has no @pytest.mark.libreoffice"
    )
    assert "(during setup)" in messages["test_unmarked_fixture_start"]
    # Every start went through to the real (here: the stand-in) soffice, with its arguments.
    assert started.read_text(encoding="utf-8").splitlines() == ["--headless --version"] * 3
    assert os.environ["PERFXL_SOFFICE"] == str(fake)  # the inner session put back what it found


def test_the_markers_are_registered_with_their_meaning() -> None:
    options = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"]["ini_options"]
    described = {line.split(":", 1)[0]: line.split(":", 1)[1].strip() for line in options["markers"]}
    assert sorted(described) == ["libreoffice", "network", "slow"] and all(described.values())
    assert "--strict-markers" in options["addopts"]  # a misspelt marker is an error, not a test that always runs


def test_the_readme_gives_the_three_test_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in (
        "`python -m pytest -q`",
        '`python -m pytest -q -m "not slow and not libreoffice and not network"`',
        '`python -m pytest -q -m "not libreoffice"`',
    ):
        assert command in readme, command
