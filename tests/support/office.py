"""LibreOffice in tests: required in CI (which installs it), skipped on a developer machine without it."""

from __future__ import annotations

import os

import pytest

from perfxl.libreoffice import LibreOfficeError, find_soffice


def require_libreoffice() -> None:
    try:
        find_soffice()
    except LibreOfficeError:
        if os.environ.get("CI"):
            raise  # CI installs LibreOffice (scripts/install-system-packages.sh): missing is a failure there
        pytest.skip("LibreOffice is not installed", allow_module_level=True)


def plain(value: object) -> object:
    """A cell value compared across engines: an empty text result and an empty cell are both None."""
    if value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
