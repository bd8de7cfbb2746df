"""A1 addresses: column letters and numbers, cells, ranges, absolute references, quoted sheet names.

Columns are numbered from 1 (``A``) in Excel's bijective base 26 (``Z`` 26, ``AA`` 27, ``XFD`` 16,384,
the last column of a sheet). Formatting and parsing are total on any positive number and any run of
letters; whether an address lies within a sheet (:data:`MAX_ROW`, :data:`MAX_COLUMN`) is the caller's
check, as the formula parser reports it in its own words.
"""

from __future__ import annotations

import re

MAX_ROW = 1_048_576
MAX_COLUMN = 16_384  # XFD

_CELL = re.compile(r"(\$?)([A-Za-z]+)(\$?)([0-9]+)")


def column_letters(column: int) -> str:
    """1 → ``A``, 26 → ``Z``, 27 → ``AA``, 16384 → ``XFD``."""
    if column < 1:
        raise ValueError(f"column number {column} is below 1")
    letters = []
    while column:
        column, remainder = divmod(column - 1, 26)
        letters.append(chr(ord("A") + remainder))
    return "".join(reversed(letters))


def column_number(letters: str) -> int:
    """``A`` → 1, ``xfd`` → 16384 (either case); ValueError for anything but letters A–Z."""
    if not letters or not letters.isascii() or not letters.isalpha():
        raise ValueError(f"{letters!r} is no column")
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def cell_address(row: int, column: int, *, absolute: bool = False) -> str:
    """(13, 8) → ``H13``; absolute: ``$H$13``."""
    if row < 1:
        raise ValueError(f"row number {row} is below 1")
    mark = "$" if absolute else ""
    return f"{mark}{column_letters(column)}{mark}{row}"


def range_address(min_row: int, min_column: int, max_row: int, max_column: int, *, absolute: bool = False) -> str:
    """``H13:H34``; a single cell as its address alone (``H13``)."""
    first = cell_address(min_row, min_column, absolute=absolute)
    if (min_row, min_column) == (max_row, max_column):
        return first
    return f"{first}:{cell_address(max_row, max_column, absolute=absolute)}"


def parse_cell(text: str) -> tuple[int, int]:
    """``H13`` or ``$H$13`` → (row, column); ValueError for anything else."""
    match = _CELL.fullmatch(text)
    if match is None or int(match.group(4)) < 1:
        raise ValueError(f"{text!r} is no cell address")
    return int(match.group(4)), column_number(match.group(2))


def parse_range(text: str) -> tuple[int, int, int, int]:
    """``A1:B2`` (or a single cell, ``$`` allowed) → (min_row, min_column, max_row, max_column), corners in
    any order; ValueError for whole rows or columns, sheet names and anything else."""
    first, colon, last = text.partition(":")
    row1, column1 = parse_cell(first)
    row2, column2 = parse_cell(last) if colon else (row1, column1)
    return min(row1, row2), min(column1, column2), max(row1, row2), max(column1, column2)


def quote_sheet(name: str) -> str:
    """A sheet name as a formula or a link writes it: in quotes, an apostrophe doubled."""
    return "'" + name.replace("'", "''") + "'"


def unquote_sheet(text: str) -> str:
    """A sheet name as a reference spells it (``'It''s'`` or ``Sheet1``) → the name (``It's``)."""
    if len(text) >= 2 and text.startswith("'") and text.endswith("'"):
        return text[1:-1].replace("''", "'")
    return text
