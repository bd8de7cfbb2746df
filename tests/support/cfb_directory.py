"""A compound file's directory, read from [MS-CFB] with struct alone, and checked against section 2.6.4.

Written from the specification and sharing nothing with pyOpenVBA (perfxl's writer) or olefile (the
cross-check): the header (2.2), the DIFAT and FAT (2.5, 2.3) for the directory's sector chain, 128-byte
directory entries (2.6.1) and every storage's red-black tree of children (2.6.4).
"""

from __future__ import annotations

import itertools
import struct
from dataclasses import dataclass, field

SIGNATURE = bytes.fromhex("d0cf11e0a1b11ae1")
HEADER = struct.Struct("<8s16sHHHHH6sIIIIIIIII")  # up to the header's 109 DIFAT entries
HEADER_DIFAT = 109
ENTRY = struct.Struct("<64sHBBIII16sIQQIQ")  # 128 bytes
MAXREGSECT = 0xFFFFFFFA
ENDOFCHAIN = 0xFFFFFFFE
FREESECT = 0xFFFFFFFF
NOSTREAM = 0xFFFFFFFF
UNALLOCATED, STORAGE, STREAM, ROOT = 0, 1, 2, 5
RED, BLACK = 0, 1


@dataclass(frozen=True)
class Entry:
    index: int
    offset: int  # of the entry's 128 bytes in the file
    name: str
    name_length: int  # the Directory Entry Name Length field: bytes, terminator included
    kind: int
    colour: int
    left: int
    right: int
    child: int


@dataclass
class Walk:
    """What a walk from the root entry found: each stream and storage by path, and every rule broken."""

    streams: set[str] = field(default_factory=set)
    storages: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)

    @property
    def red_red(self) -> list[str]:
        return [problem for problem in self.problems if problem.startswith("red-red")]


class CFBFormatError(ValueError):
    pass


def read_directory(data: bytes) -> list[Entry]:
    """Every directory entry, in directory order, following the FAT chain from the header's first sector."""
    if len(data) < 512:
        raise CFBFormatError("shorter than a header")
    (
        signature,
        _clsid,
        _minor,
        major,
        byte_order,
        sector_shift,
        _mini_shift,
        _reserved,
        _dir_sectors,
        fat_sectors,
        first_dir,
        _transaction,
        _cutoff,
        _first_mini_fat,
        _mini_fat_sectors,
        first_difat,
        difat_sectors,
    ) = HEADER.unpack_from(data)
    if signature != SIGNATURE or byte_order != 0xFFFE:
        raise CFBFormatError("not a compound file")
    if (major, sector_shift) not in {(3, 9), (4, 12)}:
        raise CFBFormatError(f"version {major} with sector shift {sector_shift}")
    size = 1 << sector_shift

    def sector(number: int) -> bytes:
        start = (number + 1) * size  # sector 0 follows the header, which fills one sector
        if number > MAXREGSECT or start + size > len(data):
            raise CFBFormatError(f"sector {number:#x} is outside the file")
        return data[start : start + size]

    fat_numbers = list(struct.unpack_from(f"<{HEADER_DIFAT}I", data, HEADER.size))
    difat = first_difat
    for _ in range(difat_sectors):
        *listed, difat = struct.unpack(f"<{size // 4}I", sector(difat))
        fat_numbers += listed
    fat_numbers = fat_numbers[:fat_sectors]
    if len(fat_numbers) != fat_sectors or FREESECT in fat_numbers:
        raise CFBFormatError("the DIFAT lists fewer FAT sectors than the header counts")
    fat = [next_ for number in fat_numbers for next_ in struct.unpack(f"<{size // 4}I", sector(number))]

    directory = bytearray()
    offsets: list[int] = []  # in the file, of each directory sector
    visited: set[int] = set()
    current = first_dir
    while current != ENDOFCHAIN:
        if current in visited or current >= len(fat):
            raise CFBFormatError(f"the directory's sector chain breaks at {current:#x}")
        visited.add(current)
        directory += sector(current)
        offsets.append((current + 1) * size)
        current = fat[current]

    entries = []
    for index in range(len(directory) // ENTRY.size):
        (raw_name, name_length, kind, colour, left, right, child, *_rest) = ENTRY.unpack_from(
            directory, index * ENTRY.size
        )
        name = raw_name[: max(name_length - 2, 0)].decode("utf-16-le", errors="surrogatepass")
        offset = offsets[index * ENTRY.size // size] + index * ENTRY.size % size
        entries.append(Entry(index, offset, name, name_length, kind, colour, left, right, child))
    return entries


def cfb_key(entry: Entry) -> tuple[int, tuple[int, ...]]:
    """[MS-CFB] 2.6.4's order: the shorter name first, then UTF-16 code unit by code unit, each uppercased.

    The spec's simple case mapping is approximated by Python's upper() where it maps one code unit to one
    (a lone surrogate is left as it is, as the spec asks); a unit whose full uppercase is longer keeps itself.
    """
    units = []
    for (unit,) in struct.iter_unpack("<H", entry.name.encode("utf-16-le", errors="surrogatepass")):
        upper = chr(unit).upper()
        units.append(ord(upper) if len(upper) == 1 and ord(upper) <= 0xFFFF else unit)
    return entry.name_length, tuple(units)


def walk(data: bytes) -> Walk:
    """Walk every storage's tree of children from the root entry and note every [MS-CFB] 2.6.4 rule broken."""
    entries = read_directory(data)
    result = Walk()
    if not entries or entries[0].kind != ROOT:
        result.problems.append("entry 0 is not the root storage")
        return result
    root = entries[0]
    if (root.left, root.right) != (NOSTREAM, NOSTREAM):
        result.problems.append("the root entry has siblings")
    reached: set[int] = {0}

    def tree(parent: Entry, path: str) -> None:
        ordered: list[Entry] = []

        def visit(number: int, above: Entry | None) -> None:
            """In order: the left subtree, the node, the right subtree."""
            if number == NOSTREAM:
                return
            where = f"{path or '/'}: entry {number}"
            if number >= len(entries) or entries[number].kind not in {STORAGE, STREAM}:
                result.problems.append(f"{where} is not an allocated stream or storage")
                return
            if number in reached:
                result.problems.append(f"{where} ({entries[number].name}) is reached a second time (cycle)")
                return
            reached.add(number)
            node = entries[number]
            if node.colour not in {RED, BLACK}:
                result.problems.append(f"{where} ({node.name}) has colour {node.colour}")
            if above is None and node.colour != BLACK:
                result.problems.append(f"{where} ({node.name}) tops its tree and is not black")
            if above is not None and above.colour == RED and node.colour == RED:
                result.problems.append(f"red-red: {path or '/'}: {above.name} and its child {node.name}")
            visit(node.left, node)
            ordered.append(node)
            visit(node.right, node)

        visit(parent.child, None)
        for before, after in itertools.pairwise(ordered):
            if not cfb_key(before) < cfb_key(after):
                result.problems.append(f"{path or '/'}: {before.name} is not less than {after.name}")
        for node in ordered:
            full = f"{path}/{node.name}" if path else node.name
            if node.kind == STORAGE:
                result.storages.add(full)
                tree(node, full)
            else:
                result.streams.add(full)
                if node.child != NOSTREAM:
                    result.problems.append(f"stream {full} has a child")

    tree(root, "")
    for entry in entries:
        if entry.kind != UNALLOCATED and entry.index not in reached:
            result.problems.append(f"entry {entry.index} ({entry.name}) is not reached from the root")
    return result
